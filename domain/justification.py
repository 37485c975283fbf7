"""Ready-to-paste "Perustelut" for a decision or a proposal, from a criteria check.

The text is assembled only from the principle card and the check's answers, never from
anything the worker typed: so it cannot carry a client's name or identity code into a
decision. Each item is the card's `statement` (the condition as an affirmative sentence)
under a heading that gives its outcome, the deciding reasons first. Wording is fixed (tests
pin it) so that texts pasted over time read the same way.

The text is Finnish whatever the UI language: it goes into a Finnish decision document, and
the knowledge content it quotes is Finnish.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from domain.criteria import Basis, CheckResult, statement_of
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

VERDICT_LINES: Final[dict[Basis, str]] = {
    Basis.ALL_MET: "Arvion mukaan palvelu soveltuu tilanteeseen: kaikki soveltuvuusperusteet täyttyvät, eikä mikään poissulkeva tekijä koske tilannetta.",
    Basis.RULED_OUT: "Arvion mukaan palvelu ei sovellu tilanteeseen.",
    Basis.UNDETERMINED: "Palvelun soveltuvuutta ei voida vielä arvioida, koska osa kohdista on selvittämättä.",
    Basis.SPECIAL: "Arvion mukaan palvelu voi soveltua, mutta vain erityisellä harkinnalla.",
    Basis.CASE_BY_CASE: "Arvion mukaan palvelu voi soveltua, mutta soveltuvuus harkitaan tapauskohtaisesti.",
}
NOTHING_KNOWN: Final = "Palvelun soveltuvuutta ei voida vielä arvioida, koska yhtäkään kohtaa ei ole vielä selvitetty."
THIN_CARD: Final = "Palvelun periaatekortti on suppea, joten soveltuvuus harkitaan tapauskohtaisesti."

RULED_OUT_BECAUSE: Final = "Palvelu ei sovellu, koska:"
UNMET_PREFIX: Final = "Soveltuvuusperuste ei täyty: "
ALTERNATIVES: Final = "Harkitut vaihtoehtoiset palvelut:"
MET: Final = "Täyttyvät soveltuvuusperusteet:"
CONSIDER: Final = "Erityistä harkintaa vaativat soveltuvuusperusteet:"
TO_FIND_OUT: Final = "Vielä selvitettävä, pitääkö paikkansa:"
NOT_ASSESSED: Final = "Arvioimatta jääneet kohdat:"
CLEARED: Final = "Arvioitu, etteivät nämä poissulkevat tekijät koske tilannetta:"
PREREQUISITES: Final = "Tehtävät ennen palvelua ja sen aikana:"

CLOSING: Final = (
    "Arvio on tehty palvelun periaatekortin perusteella ammattilaisen tueksi. Päätöksen palvelusta"
    " tekee vastuussa oleva ammattilainen: perhesosiaalityössä omatyöntekijä, lastensuojelussa"
    " lapsen asioista vastaava sosiaalityöntekijä."
)


def _section(title: str, lines: Iterable[str]) -> list[str]:
    body = [f"- {line}" for line in lines]
    return [title, *body, ""] if body else []


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def source_line(sources: Iterable[Source]) -> str:
    """'Lähde: <document>: <section>; <section>. <document>: ...': each document once, by
    its readable title, its sections joined."""
    by_document: dict[str, list[str]] = {}
    for source in sources:
        sections = by_document.setdefault(SOURCE_TITLES.get(source.document, source.document), [])
        if source.section.strip() not in sections:
            sections.append(source.section.strip())
    parts = [f"{title}: {'; '.join(sections)}" for title, sections in by_document.items()]
    return _sentence(f"Lähde: {'. '.join(parts)}")


def justification_text(result: CheckResult) -> str:
    """The "Perustelut" text for `result`, in Finnish, sections in a fixed order.

    Does not fit: why not (applying contra-indications, unmet criteria), the alternatives
    considered, then what else was assessed; no tasks for a service that is not arranged.
    Otherwise: criteria met, met only after special consideration, still to find out,
    contra-indications assessed not to apply, then the tasks. Empty sections are left out.
    """
    card = result.service
    basis = result.basis
    verdict = NOTHING_KNOWN if basis is Basis.UNDETERMINED and result.nothing_known else VERDICT_LINES[basis]
    lines: list[str] = [f"Perustelut: {card.name.fi}", "", verdict, ""]
    if not card.complete and basis is not Basis.RULED_OUT:
        lines += [THIN_CARD, ""]
    met = _section(MET, (statement_of(c) for c in result.met))
    consider = _section(CONSIDER, (statement_of(c) for c in result.consider))
    cleared = _section(CLEARED, (statement_of(c) for c in result.cleared))
    if basis is Basis.RULED_OUT:
        lines += _section(
            RULED_OUT_BECAUSE,
            [
                *(statement_of(c) for c in result.applying),
                *(UNMET_PREFIX + statement_of(c) for c in result.unmet),
            ],
        )
        lines += _section(ALTERNATIVES, (s.name.fi for s in result.alternatives))
        lines += met + consider + cleared
        lines += _section(NOT_ASSESSED, (statement_of(item) for item in result.unknown))
    else:
        lines += met + consider
        lines += _section(TO_FIND_OUT, (statement_of(item) for item in result.unknown))
        lines += cleared
        lines += _section(PREREQUISITES, (p.text.strip() for p in result.prerequisites))
        if result.duration is not None:
            lines += [f"Kesto: {result.duration.description.strip()}", ""]
    lines += [source_line(card.sources), "", CLOSING]
    return "\n".join(lines)
