"""Redaction of identity codes, phone numbers and e-mail addresses (domain/privacy.py)."""

from __future__ import annotations

import pytest

from domain.privacy import EMAIL_MARK, HETU_MARK, PHONE_MARK, cap, redact, redact_and_cap


@pytest.mark.parametrize(
    "code",
    [
        "010190-123A",  # 1900s, classic
        "311299-999K",
        "010101+123B",  # 1800s
        "010120A123C",  # 2000s
        "010120B1234",  # 2023 signs for the 2000s: B C D E F
        "010120C123D",
        "010120D123E",
        "010120E123F",
        "010120F123H",
        "010190Y123A",  # 2023 signs for the 1900s: Y X W V U
        "010190X123A",
        "010190W123A",
        "010190V123A",
        "010190U123A",
        "010190-123a",  # typed in lower case
        "010190a123b",
        "010190–123A",  # en dash from a word processor
        "010190−123A",  # minus sign
        "010190 -123A",  # stray space
        "290299-123X",  # impossible date: still someone's mistyped code
        "010190-1234",  # wrong check character: still redacted
    ],
)
def test_identity_codes_are_redacted(code: str) -> None:
    text = f"Asiakkaan hetu on {code}, mitä teen?"
    out = redact(text)
    assert code not in out
    assert out == f"Asiakkaan hetu on {HETU_MARK}, mitä teen?"


@pytest.mark.parametrize("code", ["010190-123A", "010120A123C"])
def test_identity_code_at_the_edges_and_in_brackets(code: str) -> None:
    assert redact(code) == HETU_MARK
    assert redact(f"({code})") == f"({HETU_MARK})"
    assert redact(f"{code}.") == f"{HETU_MARK}."


@pytest.mark.parametrize(
    "text",
    [
        "SHL 36 § ja 28 §",
        "Palvelu kestää 3–6 kuukautta",
        "Neuvottelu 12.03.2018 klo 14–16",
        "noin 2 400 arviointia vuodessa",
        "Ohjaajalla 25 asiakasta, sosiaalityöntekijällä 50",
        "331299-123A",  # day 33 is not a date: not an identity code
        "011390-123A",  # month 13
        "010190G123A",  # G is not a century sign
        "versio 1.5",
        "vuonna 2023",
    ],
)
def test_ordinary_numbers_are_kept(text: str) -> None:
    assert redact(text) == text


def test_a_longer_number_is_not_an_identity_code() -> None:
    # Seven leading digits: no identity code (it may still read as a phone number, which
    # errs on the side of redacting).
    assert HETU_MARK not in redact("0101901-123A")


@pytest.mark.parametrize(
    "phone",
    [
        "044-7183703",
        "044 718 3703",
        "0447183703",
        "+358 44 718 3703",
        "+358447183703",
        "00358 44 7183703",
        "(09) 310 12345",
        "09-310 12345",
        "040–1234567",
    ],
)
def test_phone_numbers_are_redacted(phone: str) -> None:
    out = redact(f"soita {phone} huomenna")
    assert out == f"soita {PHONE_MARK} huomenna"


@pytest.mark.parametrize(
    "email",
    ["laura.lager@hel.fi", "hanna.s.rekola@hel.fi", "etu+suku@esimerkki.example.com", "x_y-1@a-b.fi"],
)
def test_email_addresses_are_redacted(email: str) -> None:
    assert redact(f"laita viesti {email}, kiitos") == f"laita viesti {EMAIL_MARK}, kiitos"


def test_everything_at_once() -> None:
    text = "Äiti (hetu 020202A222B) soitti numerosta +358 40 123 4567 ja meilasi aiti@example.fi"
    assert redact(text) == f"Äiti (hetu {HETU_MARK}) soitti numerosta {PHONE_MARK} ja meilasi {EMAIL_MARK}"


def test_redaction_is_idempotent() -> None:
    once = redact("010190-123A 0401234567 a@b.fi")
    assert redact(once) == once


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
