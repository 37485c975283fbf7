"""A small knowledge base built in code, so the Q&A tests do not move with content."""

from __future__ import annotations

from knowledge.model import KnowledgeBase

SOURCE_000 = {"document": "000_54da9fa281a6a95f", "section": "Ammatillinen tukihenkilö"}
SOURCE_001 = {"document": "001_a572beb4b9b3dc56", "section": "Tukiperhetoiminta"}


def small_kb_data() -> dict[str, object]:
    return {
        "version": "test",
        "finder": {
            "questions": [
                {
                    "id": "ika",
                    "text": {"fi": "Kuinka vanha lapsi on?"},
                    "options": [{"id": "alle-7", "label": {"fi": "alle 7"}}, {"id": "yli-7", "label": {"fi": "7 tai yli"}}],
                }
            ]
        },
        "glossary": {
            "terms": [
                {
                    "id": "shl",
                    "term": "SHL",
                    "expansion": "sosiaalihuoltolaki",
                    "synonyms": ["sosiaalihuoltolain"],
                    "definition": "Laki, joka säätää sosiaalihuollon palveluista ja asiakkaan oikeuksista.",
                },
                {
                    "id": "ls-ilmoitus",
                    "term": "LS-ilmoitus",
                    "expansion": "lastensuojeluilmoitus",
                    "synonyms": ["ls ilmoitus", "child welfare notification", "barnskyddsanmälan"],
                    "definition": "Ilmoitus lastensuojelun tarpeessa mahdollisesti olevasta lapsesta.",
                },
                {"id": "laava", "term": "Laava", "definition": "Järjestelmä, johon palvelun esitys kirjataan."},
            ]
        },
        "services": [
            {
                "id": "ammatillinen-tukihenkilo",
                "name": {"fi": "Ammatillinen tukihenkilö", "sv": "Professionell stödperson", "en": "Professional support person"},
                "category": "kotiin-vietava",
                "summary": "Tavoitteellista muutostyötä lapsen omassa arjessa.",
                "description": "Nuorelle tarjottava jalkautuva tuki, jossa harjoitellaan arjen taitoja.",
                "target_group": {"description": "Noin 10–17-vuotiaat perheineen.", "age": {"min": 10, "max": 17, "special_min": 7}},
                "keywords": ["tukari"],
                "sources": [SOURCE_000],
            },
            {
                "id": "tukiperhe",
                "name": {"fi": "Tukiperhe"},
                "summary": "Lapsi käy tukiperheessä noin yhden viikonlopun kuukaudessa.",
                "description": "Sosiaalihuoltolain 28 §:n mukainen palvelu.",
                "target_group": {"description": "Tukea tarvitsevat lapset."},
                "sources": [SOURCE_001],
            },
        ],
        "processes": [
            {
                "id": "lastensuojelu",
                "track": "lastensuojelu",
                "name": {"fi": "Lastensuojelun palvelun järjestäminen"},
                "summary": "Miten palvelu järjestetään lastensuojelussa.",
                "phases": [
                    {
                        "id": "lastensuojelu.esitys",
                        "title": "Esitys",
                        "steps": [
                            {
                                "id": "lastensuojelu.esitys.laava",
                                "title": "Esitä palvelu Laavaan",
                                "what": "Kirjaa esitys Laava-järjestelmään ennen päätöstä.",
                                "source": {"document": "000_54da9fa281a6a95f", "section": "Esitys palvelun järjestämisestä"},
                            },
                        ],
                    }
                ],
                "sources": [{"document": "000_54da9fa281a6a95f", "section": "Lastensuojelun palvelun järjestämisen prosessi"}],
            }
        ],
        "faq": [
            {
                "id": "faq.tukihenkilo-ika",
                "phrasings": {
                    "fi": ["Minkä ikäisille ammatillinen tukihenkilö sopii?", "Mikä on ammatillisen tukihenkilön ikäraja?"],
                    "sv": ["För vilken ålder passar en professionell stödperson?"],
                    "en": ["What age is the professional support person for?"],
                },
                "answer": {
                    "fi": "Pääsääntöisesti noin 10–17-vuotiaille; 7–9-vuotiaille erityisellä harkinnalla.",
                    "en": "Mainly for children of about 10 to 17; for 7 to 9 only after special consideration.",
                },
                "related": ["ammatillinen-tukihenkilo"],
                "follow_ups": ["faq.tukiperhe-kesto"],
                "source": SOURCE_000,
            },
            {
                "id": "faq.tukiperhe-kesto",
                "phrasings": {"fi": ["Kuinka usein lapsi käy tukiperheessä?", "Montako viikonloppua tukiperhe on kuukaudessa?"]},
                "answer": {"fi": "Tavallisesti noin yksi viikonloppu kuukaudessa ja sovitusti lomilla."},
                "related": ["tukiperhe"],
                "source": SOURCE_001,
            },
            {
                "id": "faq.ls-ilmoitus-kasittely",
                "phrasings": {"fi": ["Missä ajassa lastensuojeluilmoitus pitää käsitellä?", "Kuinka nopeasti ilmoitus on käsiteltävä?"]},
                "answer": {"fi": "Seitsemän arkipäivän kuluessa."},
                "source": {"document": "001_a572beb4b9b3dc56", "section": "Lapsiperheiden palvelutarpeen arviointi"},
            },
            {
                "id": "faq.shl-asiakassuunnitelma",
                "phrasings": {
                    "fi": ["Mikä pykälä sosiaalihuoltolaissa koskee asiakassuunnitelmaa?", "Missä sosiaalihuoltolain kohdassa on asiakassuunnitelma?"]
                },
                "answer": {"fi": "Sosiaalihuoltolain 39 §."},
                "source": {"document": "001_a572beb4b9b3dc56", "section": "Tavoitetila"},
            },
        ],
    }


def small_kb() -> KnowledgeBase:
    return KnowledgeBase.model_validate(small_kb_data())
