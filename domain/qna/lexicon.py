"""Workers' words for what the knowledge base says in other words: a small thesaurus.

The knowledge base is written in the sources' register ("huoltajalla on akuutti
päihdeongelma", "perheellä ei ole kotia"); workers describe the situation ("isä juo", "asuvat
kavereiden nurkissa", "molemmat kokopäivätöissä"), abbreviate ("amm", "perhesossu", "PTA") or
ask in Swedish or English about Finnish-only records. Each entry maps the beginning of a
typed word (ASCII-folded, lower case) to knowledge-base words; the matcher adds their keys to
the word's slot at `LEXICON_FACTOR`, below a word's own keys, so the words as typed still win
where they match.

Written from the field's vocabulary, not from the evaluation questions; an entry is added when
a tuning question shows a gap of a *kind* (a register, an abbreviation), never to fit one item.
A key ending in `=` matches the whole word only (`work=` must not catch `worker`).
"""

from __future__ import annotations

from typing import Final

LEXICON_FACTOR: Final = 0.85

_ENTRIES: Final[dict[str, tuple[str, ...]]] = {
    # --- abbreviations and chat forms
    "amm": ("ammatillinen",),
    "perhesossu": ("perhesosiaalityö",),
    "lastensuojelussa": ("lastensuojelu",),
    "lsn": ("lastensuojelu",),
    "pta": ("palvelutarpeen", "arviointi"),
    "ast": ("aikuissosiaalityö",),
    "aikuissossu": ("aikuissosiaalityö",),
    "jalkkari": ("jälkihuolto",),
    "hesa": ("helsinki",),
    "hki=": ("helsinki",),
    "hgi=": ("helsinki",),
    "hgin": ("helsinki",),
    "tukari": ("tukihenkilö",),
    "tukarin": ("tukihenkilö",),
    "perhekuntoutuks": ("perhekuntoutus",),
    "perhekuntotu": ("perhekuntoutus",),
    "perhekuntoitu": ("perhekuntoutus",),
    "perhekuntoutu": ("perhekuntoutus",),
    "perhekuntout": ("perhekuntoutus",),
    "kuntoutukse": ("perhekuntoutus",),
    "rehab": ("perhekuntoutus",),
    # --- time and projects: workers' words for the sources' "nykyinen", "kokeilu"
    "hetkell": ("nykyinen",),
    "nykyaan": ("nykyinen",),
    "pilot": ("kokeilu",),
    "kokeil": ("pilotti",),
    # --- age: workers ask about "ikä", the cards state "10-17-vuotias"
    "ika=": ("vuotias",),
    "ikan": ("vuotias",),
    "ikaa": ("vuotias",),
    "ikai": ("vuotias",),
    "ikara": ("vuotias",),
    "alder": ("vuotias", "åldersgräns"),
    "age=": ("vuotias",),
    # --- client: workers say "asiakas", the cards' conditions "asiakkuus"
    "asiakas=": ("asiakkuus",),
    "asiakkaa": ("asiakkuus",),
    "asiakkai": ("asiakkuus",),
    # --- feedback: workers get "huonoa palautetta", the process speaks of problems
    "huono=": ("ongelma",),
    "huolestutta": ("ongelma",),
    "negatiivi": ("ongelma",),
    "huonoa=": ("ongelma",),
    # --- how a client comes to a service: workers "end up", the sources "are referred"
    "paaty": ("ohjautua",),
    "paady": ("ohjautua",),
    # --- home and housing
    "asunno": ("koti", "asunto"),
    "asunto": ("koti",),
    "haad": ("koti",),
    "haato": ("koti",),
    "koditon": ("koti",),
    "nurki": ("koti",),
    "nurkka": ("koti",),
    "majoitu": ("koti",),
    "hatamajoi": ("koti",),
    "tilapaise": ("koti",),
    "homeless": ("koti",),
    "home=": ("koti",),
    "hem=": ("koti",),
    "bostad": ("koti",),
    "asuu=": ("koti",),
    "asuvat=": ("koti",),
    "luona=": ("koti",),
    # --- work and study
    "kokopaiv": ("täysipäiväinen", "työ"),
    "kokoaika": ("täysipäiväinen", "työ"),
    "tayspaiv": ("täysipäiväinen",),
    "taysipaivaty": ("täysipäiväinen", "työ"),
    "toissa": ("työ",),
    "toita": ("työ",),
    "opiskele": ("opiskelu",),
    "heltid": ("täysipäiväinen",),
    "full=": ("täysipäiväinen",),
    "arbetar": ("työ",),
    "work=": ("työ",),
    "studer": ("opiskelu",),
    "study=": ("opiskelu",),
    "studi": ("opiskelu",),
    # --- substances
    "huume": ("päihde",),
    "alkoho": ("päihde",),
    "viina": ("päihde",),
    "juo=": ("päihde",),
    "juomi": ("päihde",),
    "kanna": ("päihde",),
    "amfe": ("päihde",),
    "missbruk": ("päihde",),
    "drog": ("päihde",),
    "substance": ("päihde",),
    "drug": ("päihde",),
    "alcohol": ("päihde",),
    "akut=": ("akuutti",),
    "acute": ("akuutti",),
    # --- mental health
    "masenn": ("psyykkinen", "mielenterveys"),
    "masentu": ("psyykkinen", "mielenterveys"),
    "psykoo": ("psyykkinen", "mielenterveys"),
    "psyykkise": ("psyykkinen",),
    "psykisk": ("psyykkinen",),
    "mental": ("psyykkinen", "mielenterveys"),
    "uupu": ("jaksaminen",),
    "vasyn": ("jaksaminen",),
    "jaksa": ("jaksaminen",),
    # --- caring for the child
    "laiminly": ("hoito",),
    "huolehti": ("hoito", "kyetä"),
    "pysty=": ("kyetä",),
    "care=": ("hoito",),
    # --- placement and custody
    "sijoitusuh": ("sijoitus", "riski"),
    "huostaanottouh": ("sijoitus", "riski", "huostaanotto"),
    "uhka=": ("riski",),
    "uhkaa=": ("riski",),
    "placement": ("sijoitus",),
    "placering": ("sijoitus",),
    # --- pregnancy
    "odottava": ("raskaana",),
    "odottaa": ("raskaana",),
    "raskau": ("raskaana",),
    "gravid": ("raskaana",),
    "pregnan": ("raskaana",),
    # --- coercion: the cards say the family takes part voluntarily
    "velvoit": ("vapaaehtoinen",),
    "pakott": ("vapaaehtoinen",),
    "pakko=": ("vapaaehtoinen",),
    "tvinga": ("vapaaehtoinen",),
    "force": ("vapaaehtoinen",),
    "compel": ("vapaaehtoinen",),
    "mandator": ("vapaaehtoinen",),
    # --- transport: workers "kyyditsee", "ger skjuts", the job description "kuljettaa"
    "kyydi": ("kuljettaminen",),
    "kyyti": ("kuljettaminen",),
    "kyyd": ("kuljettaminen",),
    "skjuts": ("kuljettaminen",),
    # --- who the child needs
    "juttukaver": ("luotettava", "aikuinen"),
    "frivillig": ("vapaaehtoinen",),
    "volunt": ("vapaaehtoinen",),
    "harrastu": ("harrastus",),
    "nuorisotal": ("nuorisotyö",),
    "kuraattor": ("opiskeluhuolto",),
    "koulupsyk": ("opiskeluhuolto",),
    "mummo": ("verkosto",),
    "isovanhem": ("verkosto",),
    "sukulais": ("verkosto",),
    "terapi": ("palvelu", "kontakti", "tutustua"),
    "psykiatr": ("palvelu", "kontakti", "tutustua"),
    "rajoj": ("vanhemmat", "perhetyö"),
    "rajat": ("vanhemmat", "perhetyö"),
    "vanhemmuu": ("vanhemmat", "perhetyö"),
    "keinot=": ("vanhemmat",),
    "motivo": ("motivaatio",),
    "motivaat": ("motivaatio",),
    "muuttaa": ("lähivanhempi", "vaihtua"),
    "muuttaessa": ("lähivanhempi", "vaihtua"),
    "asumaan": ("lähivanhempi", "vaihtua"),
    # --- Swedish and English words of the field, to the Finnish records' words
    "familjerehab": ("perhekuntoutus",),
    "stodperson": ("tukihenkilö",),
    "stödperson": ("tukihenkilö",),
    "stodfamil": ("tukiperhe",),
    "stödfamil": ("tukiperhe",),
    "support": ("tuki",),
    "avbokning": ("peruutusehdot",),
    "framstall": ("esitys", "förslag"),
    "vantetid": ("jono",),
    "vantelist": ("jono",),
    "waiting": ("jono",),
    "queue": ("jono",),
    "cancellation": ("peruutusehdot",),
    "barnskydd": ("lastensuojelu",),
    "eftervard": ("jälkihuolto",),
    "eftervård": ("jälkihuolto",),
    "aftercare": ("jälkihuolto",),
}

_MIN_PREFIX: Final = 3


def expansions(folded_word: str) -> tuple[str, ...]:
    """Knowledge-base words for one typed word: its exact entry (`word=`), else the entry of its
    longest matching beginning."""
    exact = _ENTRIES.get(folded_word + "=")
    if exact is not None:
        return exact
    for end in range(len(folded_word), _MIN_PREFIX - 1, -1):
        found = _ENTRIES.get(folded_word[:end])
        if found is not None:
            return found
    return ()
