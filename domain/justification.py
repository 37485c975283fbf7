"""Ready-to-paste "Perustelut" for a decision or a proposal, from a criteria check.

The text is assembled only from the principle card and the check's answers, never from
anything the worker typed: so it cannot carry a client's name or identity code into a
decision. Wording is fixed (tests pin it) so that texts pasted over time read the same way.

Every line is true on its own, because a worker copies single lines into a client record:
each item line starts with the answer it records ("Täyttyy: ...", "Ei todettu: ...",
"Vielä selvitettävä: ...") before the card's statement, so a line lifted out of its section
never reads as a finding the worker did not make. A criterion met only after special
consideration quotes its `consider_statement` (what holds then), never its statement (which
would then be false). Headings only group the lines.

The text is in the worker's language (fi, sv or en), quoting the records' text in that
language (Finnish where a record lacks it; the validator warns, KB240).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from domain.criteria import Basis, CheckResult, consider_statement_of, statement_of
from knowledge.model import Criterion, Source

LANGUAGES: Final = ("fi", "sv", "en")

SOURCE_TITLES: Final[dict[str, str]] = {
    "000_54da9fa281a6a95f": "Perhesosiaalityön ja lastensuojelun yhdenmukaisten palvelujen järjestämisen periaatteet ja prosessi",
    "001_a572beb4b9b3dc56": "Perheiden varhaisen tuen palvelut: palvelutarpeen arviointi, lapsiperheiden sosiaalityö ja sosiaaliohjaus, tukiperhetoiminta",
    "002_d3919f8c0796ae35": "Aikuissosiaalityön asiakkaaksi tulon prosessi sekä aikuissosiaalityön ja perhekeskuksen yhteistyö",
    "003_786fb2b8269256bd": "Monitoimijaisen perhetyön pilotointi lastensuojelussa",
    "004_c4c347e7070b8c93": "Muistio: lastensuojelun jälkihuollon johdon valtakunnallinen vertaisreflektio",
}
"""Readable titles of the source documents (their own, Finnish titles), so a pasted text
cites a document a reader can find rather than a file id."""


class State(StrEnum):
    """What one line records about one item: the answer, never more."""

    MET = "met"
    UNMET = "unmet"
    CONSIDER = "consider"
    APPLIES = "applies"
    CLEARED = "cleared"
    OPEN = "open"
    """Unknown while the service may still be arranged: still to check."""
    NOT_ASSESSED = "not_assessed"
    """Unknown on a ruled-out service: left unassessed (it cannot change the verdict)."""


PREFIXES: Final[dict[str, dict[State, str]]] = {
    "fi": {
        State.MET: "Täyttyy: ",
        State.UNMET: "Ei täyty: ",
        State.CONSIDER: "Vain erityisellä harkinnalla: ",
        State.APPLIES: "Todettu, sulkee palvelun pois: ",
        State.CLEARED: "Ei todettu: ",
        State.OPEN: "Vielä selvitettävä: ",
        State.NOT_ASSESSED: "Arvioimatta: ",
    },
    "sv": {
        State.MET: "Uppfylls: ",
        State.UNMET: "Uppfylls inte: ",
        State.CONSIDER: "Endast efter särskild prövning: ",
        State.APPLIES: "Konstaterat, utesluter tjänsten: ",
        State.CLEARED: "Inte konstaterat: ",
        State.OPEN: "Ska ännu utredas: ",
        State.NOT_ASSESSED: "Inte bedömt: ",
    },
    "en": {
        State.MET: "Met: ",
        State.UNMET: "Not met: ",
        State.CONSIDER: "Only after special consideration: ",
        State.APPLIES: "Found, rules the service out: ",
        State.CLEARED: "Not found: ",
        State.OPEN: "Still to check: ",
        State.NOT_ASSESSED: "Not assessed: ",
    },
}
"""The answer each item line starts with. Tests read lines back through these."""

_TEXTS: Final[dict[str, dict[str, str]]] = {
    "fi": {
        "title": "Perustelut: {name}",
        Basis.ALL_MET: "Arvion mukaan palvelu soveltuu tilanteeseen: kaikki soveltuvuusperusteet täyttyvät, eikä mikään poissulkeva tekijä koske tilannetta.",
        Basis.RULED_OUT: "Arvion mukaan palvelu ei sovellu tilanteeseen.",
        Basis.UNDETERMINED: "Palvelun soveltuvuutta ei voida vielä arvioida, koska osa kohdista on selvittämättä.",
        Basis.SPECIAL: "Arvion mukaan palvelu voi soveltua, mutta vain erityisellä harkinnalla.",
        Basis.CASE_BY_CASE: "Arvion mukaan palvelu voi soveltua, mutta soveltuvuus harkitaan tapauskohtaisesti.",
        "nothing_known": "Palvelun soveltuvuutta ei voida vielä arvioida, koska yhtäkään kohtaa ei ole vielä selvitetty.",
        "thin_card": "Palvelun periaatekortti on suppea, joten soveltuvuus harkitaan tapauskohtaisesti.",
        "ruled_out_because": "Palvelu ei sovellu, koska:",
        "alternatives": "Vaihtoehtoiset palvelut:",
        "alternative": "Vaihtoehtona harkittava palvelu: ",
        "met": "Täyttyvät soveltuvuusperusteet:",
        "consider": "Erityistä harkintaa vaativat kohdat:",
        "to_find_out": "Vielä selvitettävät kohdat:",
        "not_assessed": "Arvioimatta jääneet kohdat:",
        "cleared": "Poissulkevat tekijät, joita ei todettu:",
        "prerequisites": "Tehtävät ennen palvelua ja sen aikana:",
        "task": "Tehtävä: ",
        "duration": "Kesto: ",
        "source": "Lähde: ",
        "closing": (
            "Arvio on tehty palvelun periaatekortin perusteella ammattilaisen tueksi. Päätöksen palvelusta"
            " tekee vastuussa oleva ammattilainen: perhesosiaalityössä omatyöntekijä, lastensuojelussa"
            " lapsen asioista vastaava sosiaalityöntekijä."
        ),
    },
    "sv": {
        "title": "Motivering: {name}",
        Basis.ALL_MET: "Enligt bedömningen passar tjänsten situationen: alla kriterier uppfylls och inget uteslutande förhållande gäller situationen.",
        Basis.RULED_OUT: "Enligt bedömningen passar tjänsten inte situationen.",
        Basis.UNDETERMINED: "Tjänstens lämplighet kan ännu inte bedömas, eftersom en del punkter inte är utredda.",
        Basis.SPECIAL: "Enligt bedömningen kan tjänsten passa, men endast efter särskild prövning.",
        Basis.CASE_BY_CASE: "Enligt bedömningen kan tjänsten passa, men lämpligheten prövas från fall till fall.",
        "nothing_known": "Tjänstens lämplighet kan ännu inte bedömas, eftersom ingen punkt har utretts ännu.",
        "thin_card": "Tjänstens principkort är kortfattat, så lämpligheten prövas från fall till fall.",
        "ruled_out_because": "Tjänsten passar inte, eftersom:",
        "alternatives": "Alternativa tjänster:",
        "alternative": "Alternativ tjänst att överväga: ",
        "met": "Kriterier som uppfylls:",
        "consider": "Punkter som kräver särskild prövning:",
        "to_find_out": "Punkter som ännu ska utredas:",
        "not_assessed": "Punkter som inte bedömdes:",
        "cleared": "Uteslutande förhållanden som inte konstaterades:",
        "prerequisites": "Uppgifter före och under tjänsten:",
        "task": "Uppgift: ",
        "duration": "Längd: ",
        "source": "Källa: ",
        "closing": (
            "Bedömningen har gjorts utifrån tjänstens principkort som stöd för den yrkesutbildade. Beslutet"
            " om tjänsten fattas av den ansvariga yrkesutbildade: inom familjesocialt arbete den egna"
            " arbetaren, inom barnskyddet den socialarbetare som ansvarar för barnets angelägenheter."
        ),
    },
    "en": {
        "title": "Justification: {name}",
        Basis.ALL_MET: "According to the assessment the service suits the situation: every criterion is met and no exclusion applies.",
        Basis.RULED_OUT: "According to the assessment the service does not suit the situation.",
        Basis.UNDETERMINED: "The service's suitability cannot be assessed yet, because some points are still to be checked.",
        Basis.SPECIAL: "According to the assessment the service may suit, but only after special consideration.",
        Basis.CASE_BY_CASE: "According to the assessment the service may suit, but suitability is considered case by case.",
        "nothing_known": "The service's suitability cannot be assessed yet, because no point has been checked yet.",
        "thin_card": "The service's principle card is brief, so suitability is considered case by case.",
        "ruled_out_because": "The service does not suit, because:",
        "alternatives": "Alternative services:",
        "alternative": "Alternative service to consider: ",
        "met": "Criteria met:",
        "consider": "Points needing special consideration:",
        "to_find_out": "Points still to check:",
        "not_assessed": "Points not assessed:",
        "cleared": "Exclusions not found:",
        "prerequisites": "Tasks before and during the service:",
        "task": "Task: ",
        "duration": "Duration: ",
        "source": "Source: ",
        "closing": (
            "The assessment was made from the service's principle card to support the professional. The"
            " decision on the service is made by the professional responsible: in family social work the"
            " named worker (omatyöntekijä), in child protection the social worker responsible for the"
            " child's affairs."
        ),
    },
}


def _lang(lang: str) -> str:
    return lang if lang in LANGUAGES else "fi"


def _section(title: str, lines: Iterable[str]) -> list[str]:
    body = [f"- {line}" for line in lines]
    return [title, *body, ""] if body else []


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "?", "!")) else f"{text}."


def item_line(state: State, text: str, lang: str = "fi") -> str:
    """One item as a line that says its answer: '<answer>: <the card's sentence>'."""
    return PREFIXES[_lang(lang)][state] + _sentence(text)


def consider_text(criterion: Criterion, lang: str = "fi") -> str:
    """What a line says for a criterion met only after special consideration: the card's
    consider_statement; where it has none, the question (a question asserts nothing)."""
    return consider_statement_of(criterion, lang) or criterion.question.get(lang).strip()


def source_line(sources: Iterable[Source], lang: str = "fi") -> str:
    """'Lähde: <document>: <section>; <section>. <document>: ...': each document once, by
    its readable title, its sections joined."""
    by_document: dict[str, list[str]] = {}
    for source in sources:
        sections = by_document.setdefault(SOURCE_TITLES.get(source.document, source.document), [])
        if source.section.strip() not in sections:
            sections.append(source.section.strip())
    parts = [f"{title}: {'; '.join(sections)}" for title, sections in by_document.items()]
    return _sentence(_TEXTS[_lang(lang)]["source"] + ". ".join(parts))


def justification_text(result: CheckResult, lang: str = "fi") -> str:
    """The "Perustelut" text for `result` in `lang`, sections in a fixed order.

    Does not fit: why not (applying contra-indications, unmet criteria), the alternatives,
    then what else was assessed; no tasks for a service that is not arranged. Otherwise:
    criteria met, met only after special consideration, still to check, contra-indications
    not found, then the tasks. Empty sections are left out.
    """
    lang = _lang(lang)
    t = _TEXTS[lang]
    card = result.service
    basis = result.basis
    verdict = t["nothing_known"] if basis is Basis.UNDETERMINED and result.nothing_known else t[basis]
    lines: list[str] = [t["title"].format(name=card.name.get(lang)), "", verdict, ""]
    if not card.complete and basis is not Basis.RULED_OUT:
        lines += [t["thin_card"], ""]

    def items(state: State, texts: Iterable[str]) -> list[str]:
        return [item_line(state, text, lang) for text in texts]

    met = _section(t["met"], items(State.MET, (statement_of(c, lang) for c in result.met)))
    consider = _section(t["consider"], items(State.CONSIDER, (consider_text(c, lang) for c in result.consider)))
    cleared = _section(t["cleared"], items(State.CLEARED, (statement_of(c, lang) for c in result.cleared)))
    if basis is Basis.RULED_OUT:
        lines += _section(
            t["ruled_out_because"],
            [
                *items(State.APPLIES, (statement_of(c, lang) for c in result.applying)),
                *items(State.UNMET, (statement_of(c, lang) for c in result.unmet)),
            ],
        )
        lines += _section(t["alternatives"], (t["alternative"] + s.name.get(lang) for s in result.alternatives))
        lines += met + consider + cleared
        lines += _section(t["not_assessed"], items(State.NOT_ASSESSED, (statement_of(i, lang) for i in result.unknown)))
    else:
        lines += met + consider
        lines += _section(t["to_find_out"], items(State.OPEN, (statement_of(i, lang) for i in result.unknown)))
        lines += cleared
        lines += _section(t["prerequisites"], (t["task"] + _sentence(p.text.get(lang)) for p in result.prerequisites))
        if result.duration is not None:
            lines += [t["duration"] + result.duration.description.get(lang).strip(), ""]
    lines += [source_line(card.sources, lang), "", t["closing"]]
    return "\n".join(lines)


CLOSING: Final = _TEXTS["fi"]["closing"]
"""The Finnish closing paragraph (tests and older callers refer to it)."""
