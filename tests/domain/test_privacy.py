"""Redaction of identity codes, phone numbers and e-mail addresses (domain/privacy.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.fi import hetu

from domain.privacy import EMAIL_MARK, HETU_MARK, PHONE_MARK, cap, contains_identity_code, redact, redact_and_cap

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY_SIGNS = "+-YXWVUABCDEF"
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad"]


def identity_code(ddmmyy: str, individual: str, sign: str) -> str:
    """A code with the right check character (what the population register would issue)."""
    return f"{ddmmyy}{sign}{individual}{CHECK_CHARACTERS[int(ddmmyy + individual) % 31]}"


def leaks(code: str, out: str) -> bool:
    """Whether any 4 consecutive digits of `code` or the code itself survive in `out`."""
    digits = re.sub(r"\D", "", code)
    return code in out or any(digits[i : i + 4] in re.sub(r"\D", "", out) for i in range(len(digits) - 3))


# --- identity codes -------------------------------------------------------------------------


@pytest.mark.parametrize("sign", list(CENTURY_SIGNS))
def test_a_valid_code_with_every_century_sign_is_redacted(sign: str) -> None:
    year = "84" if sign != "+" else "99"
    code = identity_code(f"2803{year}", "118", sign)
    assert hetu.is_valid(code)

    assert redact(f"Asiakkaan hetu on {code}, mitä teen?") == f"Asiakkaan hetu on {HETU_MARK}, mitä teen?"
    assert contains_identity_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "010190-123A",  # wrong check character: still a mistyped code
        "010120B1234",
        "010120F123H",
        "010190U123A",
        "010190-123a",  # typed in lower case
        "010190a123b",
        "010190–123A",  # en dash from a word processor
        "010190‑123A",  # non-breaking hyphen
        "010190—123A",  # em dash
        "010190−123A",  # minus sign
        "010190 -123A",  # stray space
        "290299-123X",  # impossible date
        "010190-1234",
    ],
)
def test_look_alikes_with_a_century_sign_are_redacted(code: str) -> None:
    assert redact(f"Asiakkaan hetu on {code}, mitä teen?") == f"Asiakkaan hetu on {HETU_MARK}, mitä teen?"


@pytest.mark.parametrize(
    "text",
    [
        "121299951M",  # no separator, valid (a temporary individual number)
        "121299951m",
        "150812944N",
        "1508129440",  # no separator, wrong check character but... see the digit-only test
        "280384118Y",
        "280384 118Y",
    ],
)
def test_a_code_without_separator_is_redacted(text: str) -> None:
    out = redact(f"hetu {text} kiitos")
    assert not leaks(text, out), out


def test_ten_digits_with_a_right_check_digit_are_an_identity_code() -> None:
    code = next(c for n in range(2, 999) if (c := identity_code("050505", f"{n:03d}", ""))[-1].isdigit())

    assert redact(f"tunnus {code}") == f"tunnus {HETU_MARK}"


def test_ten_digits_with_a_wrong_check_digit_read_as_a_number_and_are_still_redacted() -> None:
    assert redact("soita 0401234567") == f"soita {PHONE_MARK}"


@pytest.mark.parametrize(
    "text",
    [
        "asiakas150812A944Nx",
        "asiakas150812A944N",
        "hetu:150812A944N.",
        "(150812A944N)",
        "x121299951Mx",
        "Hetu150812-944Nkiitos",
    ],
)
def test_a_code_glued_to_words_is_redacted(text: str) -> None:
    out = redact(text)
    assert HETU_MARK in out
    assert "150812" not in out and "121299" not in out


@pytest.mark.parametrize("space", [" ", "\u00a0", "\u202f", "\t"])
@pytest.mark.parametrize("position", [2, 4, 6, 7, 9, 10])
def test_a_space_inside_a_code_does_not_hide_it(space: str, position: int) -> None:
    code = "131052-308T"
    spaced = code[:position] + space + code[position:]

    out = redact(f"hetu {spaced} ok")

    assert out == f"hetu {HETU_MARK} ok", repr(spaced)


@pytest.mark.parametrize("invisible", ZERO_WIDTH)
@pytest.mark.parametrize("position", [1, 6, 7, 10])
def test_an_invisible_character_inside_a_code_does_not_hide_it(invisible: str, position: int) -> None:
    code = "131052-308T"
    hidden = code[:position] + invisible + code[position:]

    out = redact(f"hetu {hidden} ok")

    assert out == f"hetu {HETU_MARK} ok", repr(hidden)
    assert contains_identity_code(hidden)


@settings(max_examples=300, deadline=None)
@given(
    day=st.integers(1, 28),
    month=st.integers(1, 12),
    year=st.integers(0, 99),
    individual=st.integers(2, 999),
    sign=st.sampled_from(CENTURY_SIGNS + "–"),
    drop_sign=st.booleans(),
    lower=st.booleans(),
    noise=st.lists(st.tuples(st.integers(0, 11), st.sampled_from([" ", *ZERO_WIDTH])), max_size=2, unique_by=lambda item: item[0]),
    before=st.sampled_from(["", " ", "asiakas", "hetu: ", "(", "nro"]),
    after=st.sampled_from(["", " ", "x", ".", ")", " kiitos"]),
)
def test_any_form_of_a_valid_code_leaves_no_fragment(
    day: int, month: int, year: int, individual: int, sign: str, drop_sign: bool, lower: bool, noise: list[tuple[int, str]], before: str, after: str
) -> None:
    code = identity_code(f"{day:02d}{month:02d}{year:02d}", f"{individual:03d}", "" if drop_sign else sign)
    typed = code.lower() if lower else code
    for position, character in sorted(noise, reverse=True):
        # One stray character between two characters of the code, never two in a row.
        typed = typed[:position] + character + typed[position:]

    out = redact(f"{before}{typed}{after}")

    assert not leaks(code, out), (typed, out)


@pytest.mark.parametrize(
    "text",
    [
        "SHL 36 § ja 28 §",
        "Palvelu kestää 3–6 kuukautta",
        "Neuvottelu 12.03.2018 klo 14–16",
        "klo 14.00-16.00, 12.3.2024",
        "noin 2 400 arviointia vuodessa",
        "Ohjaajalla 25 asiakasta, sosiaalityöntekijällä 50",
        "hinta 1 250,50 € / kk",
        "010190G123A",  # G is not a century sign
        "versio 1.5",
        "vuonna 2023",
        "look at this.",
        "meet at 5 pm",
        "lapsi 0–17 v, nuori 18–25 v",
        "pilotti vuosina 2022–2023",
        "kaudella 2017-2018",
        "v. 2018 – 2019",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text
    assert not contains_identity_code(text)


@pytest.mark.parametrize("text", ["331299-123A", "011390-123A", "0101901-123A"])
def test_an_impossible_day_or_month_is_no_identity_code_but_its_digits_are_redacted(text: str) -> None:
    out = redact(text)
    assert HETU_MARK not in out
    assert PHONE_MARK in out


# --- phone numbers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "044-7183703",
        "044 718 3703",
        "0447183703",
        "044.555.1212",
        "044.718.3703",
        "+358 44 718 3703",
        "+358447183703",
        "+358 (0)44 718 3703",
        "00358 44 7183703",
        "(09) 310 12345",
        "09-310 12345",
        "09 3101 2345",
        "040–1234567",
        "+46 8 123 456 78",  # Swedish
    ],
)
def test_phone_numbers_are_redacted(phone: str) -> None:
    out = redact(f"soita {phone} huomenna")
    assert out == f"soita {PHONE_MARK} huomenna"


@pytest.mark.parametrize("text", ["2023-2022", "2022-2099", "2020 2021", "1999-1998"])
def test_eight_digits_that_are_no_span_of_years_are_still_redacted(text: str) -> None:
    assert redact(f"nro {text}") == f"nro {PHONE_MARK}"


@pytest.mark.parametrize("text", ["puh0447183703", "puh.0447183703x", "nro:0447183703.", "0447183703kiitos"])
def test_a_phone_number_glued_to_words_is_redacted(text: str) -> None:
    out = redact(text)
    assert PHONE_MARK in out
    assert "7183703" not in out


def test_a_phone_number_with_an_invisible_character_is_redacted() -> None:
    assert redact("soita 044\u200b718\u200b3703") == f"soita {PHONE_MARK}"


# --- e-mail addresses -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "email",
    [
        "laura.lager@hel.fi",
        "hanna.s.rekola@hel.fi",
        "etu+suku@esimerkki.example.com",
        "x_y-1@a-b.fi",
        "laura.lager(at)hel.fi",
        "laura.lager (at) hel.fi",
        "laura.lager[at]hel.fi",
        "laura.lager [ät] hel.fi",
        "laura.lager(ät)hel.fi",
        "laura.lager{at}hel.fi",
        "laura.lager<at>hel.fi",
        "laura.lager(a)hel.fi",
        "laura.lager at hel.fi",
        "laura.lager ät hel.fi",
        "laura.lager at hel dot fi",
        "laura.lager(at)hel(dot)fi",
        "laura.lager [at] hel [piste] fi",
        "LAURA.LAGER(AT)HEL.FI",
        "laura.lager＠hel.fi",
        "laura.lager @ hel.fi",
        "äiti.möttönen@yhdistys.fi",
    ],
)
def test_email_addresses_are_redacted_also_when_obfuscated(email: str) -> None:
    assert redact(f"laita viesti {email}, kiitos") == f"laita viesti {EMAIL_MARK}, kiitos"


# --- together -------------------------------------------------------------------------------


def test_everything_at_once() -> None:
    text = "Äiti (hetu 020202A222B) soitti numerosta +358 40 123 4567 ja meilasi aiti@example.fi"
    assert redact(text) == f"Äiti (hetu {HETU_MARK}) soitti numerosta {PHONE_MARK} ja meilasi {EMAIL_MARK}"


def test_an_identity_code_is_not_taken_for_a_phone_number() -> None:
    assert redact("150812A944N ja 0447183703") == f"{HETU_MARK} ja {PHONE_MARK}"


def test_redaction_is_idempotent() -> None:
    once = redact("010190-123A 0401234567 a@b.fi 121299951M x(at)y.fi 044.555.1212")
    assert redact(once) == once


def test_markers_are_not_personal_data() -> None:
    for mark in (HETU_MARK, PHONE_MARK, EMAIL_MARK):
        assert redact(mark) == mark
        assert not contains_identity_code(mark)


def test_cap_keeps_short_text() -> None:
    assert cap("lyhyt") == "lyhyt"
    assert cap("x" * 500) == "x" * 500


def test_cap_cuts_long_text_to_the_limit() -> None:
    out = cap("sana " * 200)
    assert len(out) <= 500
    assert out.endswith("…")
    assert cap("abcdef", 4) == "abc…"


def test_cap_rejects_a_non_positive_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        cap("abc", 0)


def test_redact_before_cap_never_leaves_a_fragment() -> None:
    # The code straddles the cut: capping first would leave `010190-12`, which no pattern
    # recognises any more.
    text = "a" * 490 + " 010190-123A"
    out = redact_and_cap(text)
    assert "010190" not in out
    assert len(out) <= 500


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_redacts_without_error_and_idempotently(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
