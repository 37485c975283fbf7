"""A small, valid knowledge base written to `tmp_path`, and helpers to break it.

The fixture is YAML text, not dumped data, so the tests can state the line a problem must
be reported at (`line_of`) the way an author would find it in the editor.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from knowledge.problems import display_path

FILES: dict[str, str] = {
    "services/tukihenkilo.yaml": """\
        id: tukihenkilo
        name:
          fi: Tukihenkilö
          sv: Stödperson
        category: kotiin-vietava
        summary: Aikuinen tukee nuorta arjessa.
        description: Tukihenkilö tapaa nuorta säännöllisesti ja tukee arjen asioissa.
        target_group:
          description: Nuoret, jotka tarvitsevat aikuisen tukea.
          age: {min: 7, max: 17}
        criteria:
          - id: tukihenkilo.ika
            question: Onko lapsi 7–17-vuotias?
            explanation: Palvelu on tarkoitettu kouluikäisille.
            statement: Lapsi on 7–17-vuotias.
            implied_by:
              question: ika
              yes: [kouluikainen]
              no: [alle-7]
        contraindications:
          - id: tukihenkilo.ymparivuorokautinen-tarve
            question: Tarvitseeko perhe tukea ympäri vuorokauden?
            explanation: Silloin tarvitaan laajempi palvelu.
            statement: Perhe tarvitsee tukea ympäri vuorokauden.
            alternatives: [perhekuntoutus]
            implied_by:
              question: tuen-maara
              yes: [ymparivuorokautinen]
              no: [viikoittainen]
        prerequisites:
          - id: tukihenkilo.suunnitelma
            text: Tavoitteet kirjataan asiakassuunnitelmaan.
        process_steps: [perhesosiaalityo.esitys.laava]
        sources:
          - document: 000_54da9fa281a6a95f
            section: Ammatillinen tukihenkilö
        """,
    "services/perhekuntoutus.yaml": """\
        id: perhekuntoutus
        name:
          fi: Perhekuntoutus
        summary: Perhe asuu jakson kuntoutusyksikössä.
        description: Koko perhe harjoittelee arkea ammattilaisten tuella.
        target_group:
          description: Perheet, joiden arki tarvitsee vahvaa tukea.
        criteria:
          - id: perhekuntoutus.tuen-tarve
            question: Tarvitseeko perhe tukea ympäri vuorokauden?
            explanation: Kuntoutus on ympärivuorokautista.
            statement: Perhe tarvitsee tukea ympäri vuorokauden.
            implied_by:
              question: tuen-maara
              yes: [ymparivuorokautinen]
              no: [viikoittainen]
        sources:
          - document: 000_54da9fa281a6a95f
            section: Ympärivuorokautinen perhekuntoutus
        """,
    "processes/perhesosiaalityo.yaml": """\
        id: perhesosiaalityo
        track: perhesosiaalityo
        name:
          fi: Palvelun järjestäminen perhesosiaalityössä
        summary: Omatyöntekijän polku palvelun järjestämiseen.
        phases:
          - id: perhesosiaalityo.esitys
            title: Esitys
            steps:
              - id: perhesosiaalityo.esitys.laava
                title: Tee esitys Laavassa
                what: Kirjaa esitys palvelusta Laavaan.
                system: Laava
                services: [tukihenkilo]
                source:
                  document: 000_54da9fa281a6a95f
                  section: Esitys Laavassa
        sources:
          - document: 000_54da9fa281a6a95f
            section: Prosessi
        """,
    "faq/yleiset.yaml": """\
        topic: Yleiset
        entries:
          - id: faq.mika-tukihenkilo
            phrasings:
              fi:
                - Mikä on tukihenkilö?
                - Mitä tukihenkilö tekee?
              en:
                - What does a support person do?
            answer:
              fi: Aikuinen, joka tukee nuorta arjessa.
            related: [tukihenkilo]
            follow_ups: [faq.esitys-laavaan]
            source:
              document: 000_54da9fa281a6a95f
              section: Ammatillinen tukihenkilö
          - id: faq.esitys-laavaan
            phrasings:
              fi:
                - Miten palveluesitys tehdään Laavassa?
                - Mihin järjestelmään esitys kirjataan?
            answer:
              fi: Esitys kirjataan Laavaan.
            related: [perhesosiaalityo.esitys.laava, perhesosiaalityo]
            source:
              document: 000_54da9fa281a6a95f
              section: Esitys Laavassa
        """,
    "glossary.yaml": """\
        terms:
          - id: shl
            term: SHL
            expansion: sosiaalihuoltolaki
            synonyms: [sosiaalihuoltolaki]
            definition: Laki sosiaalihuollosta.
          - id: lsl
            term: LSL
            expansion: lastensuojelulaki
            synonyms: [lastensuojelulaki, lasu-laki]
            definition: Laki lastensuojelusta.
            source:
              document: 004_c4c347e7070b8c93
              section: Jälkihuolto
        """,
    "finder.yaml": """\
        questions:
          - id: ika
            text:
              fi: Minkä ikäinen lapsi on?
            options:
              - id: alle-7
                label: {fi: Alle 7-vuotias}
              - id: kouluikainen
                label: {fi: 7–17-vuotias}
          - id: tuen-maara
            text:
              fi: Kuinka paljon tukea perhe tarvitsee?
            options:
              - id: viikoittainen
                label: {fi: Viikoittain}
              - id: ymparivuorokautinen
                label: {fi: Ympäri vuorokauden}
        """,
}


class KbTree:
    """The fixture knowledge base on disk, with edits that keep line numbers knowable."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name, text in FILES.items():
            self.write(name, text)

    def path(self, name: str) -> Path:
        return self.root / name

    def write(self, name: str, text: str) -> Path:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def replace(self, name: str, old: str, new: str) -> Path:
        path = self.path(name)
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"fixture edit: {old!r} must occur once in {name}"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return path

    def line_of(self, name: str, needle: str, occurrence: int = 1) -> int:
        """1-based line of the `occurrence`-th line of `name` containing `needle`."""
        lines = self.path(name).read_text(encoding="utf-8").splitlines()
        hits = [n for n, line in enumerate(lines, start=1) if needle in line]
        assert len(hits) >= occurrence, f"{needle!r} not found {occurrence} time(s) in {name}"
        return hits[occurrence - 1]

    def file(self, name: str) -> str:
        """How problems name the file (absolute here: tmp_path is outside the repository)."""
        return display_path(self.path(name))


@pytest.fixture
def kb_tree(tmp_path: Path) -> KbTree:
    return KbTree(tmp_path / "knowledge")


@pytest.fixture
def make_kb_tree(tmp_path: Path) -> Callable[[str], KbTree]:
    """More than one tree in a test (e.g. before and after an edit)."""
    return lambda name: KbTree(tmp_path / name)
