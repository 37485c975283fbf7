"""Which service or process typed words name (`dialogs.records`), on the real knowledge base:
the names workers type after a command (`näytä kortti perhekuntoutus`)."""

from __future__ import annotations

from functools import cache

import pytest

from dialogs.records import named_process, named_service
from knowledge.loader import load_knowledge_base
from knowledge.model import KnowledgeBase


@cache
def real() -> KnowledgeBase:
    return load_knowledge_base(None)


@pytest.mark.parametrize(
    ("words", "service"),
    [
        ("perhekuntoutus", "perhekuntoutus"),
        ("perhekuntoutuksesta", "perhekuntoutus"),
        ("ammatillinen tukihenkilö", "ammatillinen-tukihenkilo"),
        ("vapaaehtoinen tukihenkilo", "vapaaehtoinen-tukihenkilo"),
        ("Familjerehabilitering", "perhekuntoutus"),
        ("family rehabilitation", "perhekuntoutus"),
        ("perhetyöhön", "perhetyo"),
        ("stödfamilj", "tukiperhetoiminta"),
        ("support family service", "tukiperhetoiminta"),
    ],
)
def test_words_naming_one_service_by_name_or_keyword_in_any_language_find_it(words: str, service: str) -> None:
    assert named_service(real(), words) == service


@pytest.mark.parametrize("words", ["", "lastensuojelu", "sosiaalityö", "palvelu", "on hukassa", "miten tilataan"])
def test_words_naming_no_service_or_several_find_none(words: str) -> None:
    assert named_service(real(), words) is None


@pytest.mark.parametrize(
    ("words", "process"),
    [
        ("lastensuojelu", "lastensuojelu"),
        ("lastensuojelussa", "lastensuojelu"),
        ("barnskydd", "lastensuojelu"),
        ("child protection", "lastensuojelu"),
        ("perhesosiaalityö", "perhesosiaalityo"),
        ("family social work", "perhesosiaalityo"),
        ("palaute", "palaute"),
    ],
)
def test_words_naming_one_process_find_it(words: str, process: str) -> None:
    assert named_process(real(), words) == process


def test_words_naming_no_process_find_none() -> None:
    assert named_process(real(), "kaikki") is None
