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
          en: Support person
        category: kotiin-vietava
        summary: {fi: Aikuinen tukee nuorta arjessa., sv: En vuxen stöder den unga i vardagen., en: An adult supports the young person day to day.}
        description: {fi: Tukihenkilö tapaa nuorta säännöllisesti ja tukee arjen asioissa., sv: Stödpersonen träffar den unga regelbundet., en: The support person meets the young person regularly.}
        target_group:
          description: {fi: "Nuoret, jotka tarvitsevat aikuisen tukea.", sv: Unga som behöver stöd av en vuxen., en: Young people who need an adult's support.}
          age: {min: 7, max: 17}
        criteria:
          - id: tukihenkilo.ika
            question: {fi: "Onko lapsi 7–17-vuotias?", sv: "Är barnet 7–17 år?", en: "Is the child 7–17?"}
            explanation: {fi: Palvelu on tarkoitettu kouluikäisille., sv: Tjänsten är avsedd för barn i skolåldern., en: The service is meant for school-age children.}
            statement: {fi: Lapsi on 7–17-vuotias., sv: Barnet är 7–17 år., en: The child is 7–17.}
            implied_by:
              question: ika
              yes: [kouluikainen]
              no: [alle-7]
        contraindications:
          - id: tukihenkilo.ymparivuorokautinen-tarve
            question: {fi: "Tarvitseeko perhe tukea ympäri vuorokauden?", sv: "Behöver familjen stöd dygnet runt?", en: "Does the family need support round the clock?"}
            explanation: {fi: Silloin tarvitaan laajempi palvelu., sv: Då behövs en mer omfattande tjänst., en: Then a broader service is needed.}
            statement: {fi: Perhe tarvitsee tukea ympäri vuorokauden., sv: Familjen behöver stöd dygnet runt., en: The family needs support round the clock.}
            alternatives: [perhekuntoutus]
            implied_by:
              question: tuen-maara
              yes: [ymparivuorokautinen]
              no: [viikoittainen]
        prerequisites:
          - id: tukihenkilo.suunnitelma
            text: {fi: Tavoitteet kirjataan asiakassuunnitelmaan., sv: Målen skrivs in i klientplanen., en: The goals are written into the client plan.}
        process_steps: [perhesosiaalityo.esitys.laava]
        sources:
          - document: 000_54da9fa281a6a95f
            section: Ammatillinen tukihenkilö
        """,
    "services/perhekuntoutus.yaml": """\
        id: perhekuntoutus
        name:
          fi: Perhekuntoutus
          sv: Familjerehabilitering
          en: Family rehabilitation
        summary: {fi: Perhe asuu jakson kuntoutusyksikössä., sv: Familjen bor en period på en enhet., en: The family stays a period at a unit.}
        description: {fi: Koko perhe harjoittelee arkea ammattilaisten tuella., sv: Hela familjen övar vardagen., en: The whole family practises daily life.}
        target_group:
          description: {fi: "Perheet, joiden arki tarvitsee vahvaa tukea.", sv: Familjer som behöver starkt stöd., en: Families that need strong support.}
        criteria:
          - id: perhekuntoutus.tuen-tarve
            question: {fi: "Tarvitseeko perhe tukea ympäri vuorokauden?", sv: "Behöver familjen stöd dygnet runt?", en: "Does the family need support round the clock?"}
            explanation: {fi: Kuntoutus on ympärivuorokautista., sv: Rehabiliteringen pågår dygnet runt., en: The rehabilitation is round the clock.}
            statement: {fi: Perhe tarvitsee tukea ympäri vuorokauden., sv: Familjen behöver stöd dygnet runt., en: The family needs support round the clock.}
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
          sv: Att ordna en tjänst inom familjesocialt arbete
          en: Arranging a service in family social work
        summary: {fi: Omatyöntekijän polku palvelun järjestämiseen., sv: Den egna arbetarens väg., en: The named worker's path.}
        phases:
          - id: perhesosiaalityo.esitys
            title: {fi: Esitys, sv: Förslag, en: Proposal}
            steps:
              - id: perhesosiaalityo.esitys.laava
                title: {fi: Tee esitys Laavassa, sv: Gör ett förslag i Laava, en: Make a proposal in Laava}
                what: {fi: Kirjaa esitys palvelusta Laavaan., sv: Skriv förslaget i Laava., en: Record the proposal in Laava.}
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
              sv: Hur gammalt är barnet?
              en: How old is the child?
            options:
              - id: alle-7
                label: {fi: Alle 7-vuotias, sv: Under 7 år, en: Under 7}
              - id: kouluikainen
                label: {fi: 7–17-vuotias, sv: 7–17 år, en: 7–17}
          - id: tuen-maara
            text:
              fi: Kuinka paljon tukea perhe tarvitsee?
              sv: Hur mycket stöd behöver familjen?
              en: How much support does the family need?
            options:
              - id: viikoittainen
                label: {fi: Viikoittain, sv: Varje vecka, en: Weekly}
              - id: ymparivuorokautinen
                label: {fi: Ympäri vuorokauden, sv: Dygnet runt, en: Round the clock}
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
