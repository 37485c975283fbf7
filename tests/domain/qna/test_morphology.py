"""The base-form table the server uses instead of loading Voikko."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from domain.qna.morphology import LemmaTable, table

ROOT = Path(__file__).resolve().parents[3]


def test_a_word_in_the_table_gets_its_base_forms() -> None:
    lemmas = LemmaTable({"ilmoituksen": ["ilmoitus"], "lain": ["laki", "laaja"]})

    assert lemmas.lemmas("ilmoituksen") == ("ilmoitus",)
    assert lemmas.lemmas("lain") == ("laki", "laaja")


def test_another_form_of_a_known_word_is_found_by_its_stem() -> None:
    lemmas = LemmaTable({"ilmoituksen": ["ilmoitus"]})

    assert lemmas.lemmas("ilmoituksesta") == ("ilmoitus",)
    assert lemmas.lemmas("ilmoitukset") == ("ilmoitus",)


def test_a_word_the_table_knows_as_unanalysed_stays_unanalysed() -> None:
    lemmas = LemmaTable({"laava": [], "laavaan": ["laava"]})

    assert lemmas.lemmas("laava") == ()


def test_an_unknown_word_gets_nothing() -> None:
    assert LemmaTable({"ilmoituksen": ["ilmoitus"]}).lemmas("kissoja") == ()


def test_the_shipped_table_knows_the_knowledge_base_s_inflected_words() -> None:
    assert len(table()) > 1000
    assert table().lemmas("perhetyöhön") == ("perhetyö",)


def test_answering_a_question_does_not_load_voikko() -> None:
    # In a fresh interpreter: the suite itself may have loaded Voikko for the table's check.
    script = (
        "import sys\n"
        "from knowledge.loader import load_knowledge_base\n"
        "from domain.qna.index import build_index\n"
        "index = build_index(load_knowledge_base(None))\n"
        "hits = index.ask('milloin perhekuntoutukseen voi hakea', 'fi').candidates\n"
        "print(bool(hits), 'pyvoikko' in sys.modules, 'kfst_rs' in sys.modules)\n"
    )
    shown = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()

    assert shown == ["True", "False", "False"]
