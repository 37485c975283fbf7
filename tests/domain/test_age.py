"""Age in years to the finder's age option (domain/age.py), and what the edges mean downstream."""

from __future__ import annotations

import pytest

from domain.age import age_option
from domain.finder import recommend
from tests.domain.kb_builders import card, criterion, knowledge_base, link, question

AGE = question("ika", "odotusaika", "alle-7", "7-9", "10-17", "18-25")


@pytest.mark.parametrize(
    ("age", "option"),
    [(0, "alle-7"), (6, "alle-7"), (7, "7-9"), (9, "7-9"), (10, "10-17"), (17, "10-17"), (18, "18-25"), (25, "18-25")],
)
def test_age_falls_in_the_option_whose_bounds_hold_it(age: int, option: str) -> None:
    assert age_option(AGE, age) == option


def test_age_beyond_every_option_has_none() -> None:
    assert age_option(AGE, 26) is None


def test_options_without_bounds_are_never_chosen_by_age() -> None:
    only_pregnancy = question("ika", "odotusaika", "muu")
    assert age_option(only_pregnancy, 0) is None


# The professional support person's age rule: 10–17, 7–9 after special consideration.
SUPPORT_PERSON = card(
    "tukihenkilo",
    [criterion("tukihenkilo.ika", link("ika", yes=["10-17"], consider=["7-9"], no=["odotusaika", "alle-7", "18-25"]))],
)


@pytest.mark.parametrize(
    ("age", "standing"),
    [(6, "out"), (7, "consider"), (9, "consider"), (10, "met"), (17, "met"), (18, "out")],
)
def test_age_edges_decide_the_standing_of_an_age_limited_service(age: int, standing: str) -> None:
    kb = knowledge_base([SUPPORT_PERSON], [AGE])
    option = age_option(AGE, age)
    assert option is not None
    rec = recommend(kb, {"ika": option})
    if standing == "out":
        assert [r.reason.id for r in rec.ruled_out] == ["tukihenkilo.ika"]
    else:
        [fit] = rec.fits
        assert [c.id for c in (fit.met if standing == "met" else fit.consider)] == ["tukihenkilo.ika"]
