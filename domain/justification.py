"""Ready-to-paste "Perustelut" for a decision or a proposal, from a criteria check.

The text is assembled only from the principle card and the check's yes/no answers, never
from anything the worker typed: so it cannot carry a client's name or identity code into a
decision. Wording is fixed (tests pin it) so that texts pasted over time read the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from domain.criteria import CheckResult, Verdict
from knowledge.model import Source

SOURCE_TITLES: Final[dict[str, str]] = {
    "000_54da9fa281a6a95f": "Perhesosiaalityön ja lastensuojelun yhdenmukaisten palvelujen järjestämisen periaatteet ja prosessi",
    "001_a572beb4b9b3dc56": "Perheiden varhaisen tuen palvelut: palvelutarpeen arviointi, lapsiperheiden sosiaalityö ja sosiaaliohjaus, tukiperhetoiminta",
    "002_d3919f8c0796ae35": "Aikuissosiaalityön asiakkaaksi tulon prosessi sekä aikuissosiaalityön ja perhekeskuksen yhteistyö",
    "003_786fb2b8269256bd": "Monitoimijaisen perhetyön pilotointi lastensuojelussa",
    "004_c4c347e7070b8c93": "Muistio: lastensuojelun jälkihuollon johdon valtakunnallinen vertaisreflektio",
}
"""Readable titles of the source documents, so a pasted text cites a document a reader can
find rather than a file id."""

VERDICT_LINES: Final[dict[Verdict, str]] = {
    Verdict.FITS: "Arvion mukaan palvelu soveltuu tilanteeseen: kaikki soveltuvuusperusteet täyttyvät, eikä mikään poissulkeva tekijä koske tilannetta.",
    Verdict.CONSIDER: "Arvion mukaan palvelu voi soveltua, mutta soveltuvuus edellyttää vielä harkintaa.",
    Verdict.DOES_NOT_FIT: "Arvion mukaan palvelu ei sovellu tilanteeseen.",
}

CLOSING: Final = (
    "Arvio on tehty palvelun periaatekortin perusteella ammattilaisen tueksi. Päätöksen palvelusta"
    " tekee vastuussa oleva ammattilainen: perhesosiaalityössä omatyöntekijä, lastensuojelussa"
    " lapsen asioista vastaava sosiaalityöntekijä."
)


def _section(title: str, lines: Iterable[str]) -> list[str]:
    body = [f"- {line}" for line in lines]
    return [title, *body, ""] if body else []


def _question(text: str) -> str:
    return text.strip()


def _source(source: Source) -> str:
    title = SOURCE_TITLES.get(source.document, source.document)
    return f"{title}, {source.section.strip()}"


def justification_text(result: CheckResult) -> str:
    """The "Perustelut" text for `result`, in Finnish, sections in a fixed order.

    Empty sections are left out. Each item is the card's question with its answer, so the
    text says exactly what was assessed and how.
    """
    card = result.service
    lines: list[str] = [f"Perustelut: {card.name.fi}", "", VERDICT_LINES[result.verdict], ""]
    if not card.complete:
        lines += ["Palvelun periaatekortti on suppea, joten soveltuvuus harkitaan tapauskohtaisesti.", ""]
    lines += _section("Täyttyvät soveltuvuusperusteet:", (f"{_question(c.question)} Kyllä." for c in result.met))
    lines += _section(
        "Erityistä harkintaa vaativat perusteet:",
        (f"{_question(c.question)} Täyttyy erityisellä harkinnalla." for c in result.consider),
    )
    lines += _section("Täyttymättömät soveltuvuusperusteet:", (f"{_question(c.question)} Ei." for c in result.unmet))
    lines += _section("Tarkistamatta jääneet kohdat:", (_question(item.question) for item in result.unknown))
    assessed = [
        *(f"{_question(c.question)} Ei koske tilannetta." for c in result.cleared),
        *(f"{_question(c.question)} Koskee tilannetta." for c in result.applying),
    ]
    lines += _section("Arvioidut poissulkevat tekijät:", assessed)
    lines += _section("Harkitut vaihtoehtoiset palvelut:", (s.name.fi for s in result.alternatives))
    lines += _section("Tehtävät ennen palvelua ja sen aikana:", (p.text.strip() for p in result.prerequisites))
    if result.duration is not None:
        lines += [f"Kesto: {result.duration.description.strip()}", ""]
    lines += _section("Lähde:", (_source(s) for s in card.sources))
    lines.append(CLOSING)
    return "\n".join(lines)
