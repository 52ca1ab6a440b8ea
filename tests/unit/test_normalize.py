"""Unit tests of catalog.normalize: clean text, matching keys, slugs and the display rule."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.normalize import (
    abstract_key,
    choose_display,
    clean_text,
    display_rank,
    fold,
    slug_base,
    title_key,
)

FOLDED = re.compile(r"([0-9a-z]+( [0-9a-z]+)*)?")
SLUG = re.compile(r"([0-9a-z]+(-[0-9a-z]+)*)?")
GPT4_SPELLINGS = ["GPT-4 Technical Report", "gpt-4 technical report", "GPT-4 TECHNICAL REPORT"]
ABSTRACT = "We report the development of GPT-4, a large-scale, multimodal model."


# --- clean_text --------------------------------------------------------------


def test_clean_text_collapses_white_space_and_nbsp():
    raw = "\u00a0 Sutskever,\t\u00a0Ilya \n"

    cleaned = clean_text(raw)

    assert cleaned == "Sutskever, Ilya"


def test_clean_text_composes_to_nfc():
    decomposed = "Cafe\u0301 Lo\u0308we"

    cleaned = clean_text(decomposed)

    assert cleaned == "Caf\u00e9 L\u00f6we"


def test_clean_text_keeps_case_accents_and_punctuation():
    raw = "Łukasz  Kaiser: GPT-4!"

    cleaned = clean_text(raw)

    assert cleaned == "Łukasz Kaiser: GPT-4!"


def test_clean_text_of_blank_is_empty():
    raw = " \t\n\u00a0\u2028 "

    cleaned = clean_text(raw)

    assert cleaned == ""


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_text_is_idempotent(text):
    once = clean_text(text)

    twice = clean_text(once)

    assert twice == once


# --- fold --------------------------------------------------------------------


def test_fold_name_with_stroke_and_punctuation():
    name = "Łukasz  Kaiser!"

    folded = fold(name)

    assert folded == "lukasz kaiser"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Crème brûlée", "creme brulee"),
        ("naïve café", "naive cafe"),
        ("Cafe\u0301", "cafe"),  # decomposed accent
        ("Søren Kierkegaard", "soren kierkegaard"),
        ("Straße", "strasse"),
        ("ﬁnance ﬂow", "finance flow"),  # fi / fl ligatures
        ("Æsir Œuvre", "aesir oeuvre"),
        ("Ærøskøbing", "aeroskobing"),
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
        ("Erdős–Rényi", "erdos renyi"),
    ],
)
def test_fold_removes_diacritics_and_ligatures(text, expected):
    folded = fold(text)

    assert folded == expected


@pytest.mark.parametrize("text", ["", "   ", "!!! --- ???", "\u00a0"])
def test_fold_without_letters_or_digits_is_empty(text):
    folded = fold(text)

    assert folded == ""


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_fold_gives_lower_ascii_words_and_is_idempotent(text):
    folded = fold(text)

    assert FOLDED.fullmatch(folded) is not None
    assert fold(folded) == folded


# --- title_key ---------------------------------------------------------------


def test_title_key_ignores_case():
    mixed, lower = "GPT-4 Technical Report", "gpt-4 technical report"

    keys = (title_key(mixed), title_key(lower))

    assert keys == ("gpt 4 technical report", "gpt 4 technical report")


def test_title_key_ignores_white_space_and_punctuation():
    noisy = "  GPT-4:   Technical\u00a0Report. "

    key = title_key(noisy)

    assert key == title_key("GPT-4 Technical Report")


def test_title_key_differs_for_different_titles():
    first, second = "GPT-4 Technical Report", "GPT-4o System Card"

    keys = {title_key(first), title_key(second)}

    assert keys == {"gpt 4 technical report", "gpt 4o system card"}


def test_title_key_of_no_title_is_empty():
    key = title_key("")

    assert key == ""


# --- abstract_key ------------------------------------------------------------


def test_abstract_key_ignores_case_white_space_and_punctuation():
    variant = "  we REPORT the development of GPT 4 -- a large scale\n multimodal model "

    keys = {abstract_key(ABSTRACT), abstract_key(variant)}

    assert len(keys) == 1


def test_abstract_key_ignores_diacritics():
    plain, accented = "A naive cafe study.", "A naïve café study."

    keys = {abstract_key(plain), abstract_key(accented)}

    assert len(keys) == 1


def test_abstract_key_differs_for_different_words():
    other = ABSTRACT.replace("multimodal", "unimodal")

    keys = {abstract_key(ABSTRACT), abstract_key(other)}

    assert len(keys) == 2


def test_abstract_key_is_a_32_hex_digit_digest():
    key = abstract_key(ABSTRACT)

    assert re.fullmatch(r"[0-9a-f]{32}", key) is not None


@pytest.mark.parametrize("abstract", ["", "   ", "\u00a0\n", "..."])
def test_abstract_key_of_no_abstract_is_empty(abstract):
    key = abstract_key(abstract)

    assert key == ""


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_abstract_key_depends_only_on_fold(text):
    key = abstract_key(text)

    assert key == abstract_key(fold(text).upper())


# --- slug_base ---------------------------------------------------------------


def test_slug_base_joins_folded_words_with_hyphens():
    title = "GPT-4 Technical Report"

    slug = slug_base(title)

    assert slug == "gpt-4-technical-report"


@pytest.mark.parametrize(
    ("max_length", "expected"),
    [
        (5, "gpt-4"),
        (14, "gpt-4"),
        (15, "gpt-4-technical"),
        (21, "gpt-4-technical"),
        (22, "gpt-4-technical-report"),
    ],
)
def test_slug_base_cuts_at_word_boundary(max_length, expected):
    title = "GPT-4 Technical Report"

    slug = slug_base(title, max_length=max_length)

    assert slug == expected


def test_slug_base_cuts_a_first_word_longer_than_max_length():
    title = "Supercalifragilisticexpialidocious models"

    slug = slug_base(title, max_length=10)

    assert slug == "supercalif"


def test_slug_base_default_max_length_is_80():
    title = " ".join(["word"] * 30)  # 30 words: 149 characters as a slug

    slug = slug_base(title)

    assert slug == "-".join(["word"] * 16)  # 79 characters; one more word would be 84


@pytest.mark.parametrize("text", ["", "!!!", "\u00a0"])
def test_slug_base_of_no_words_is_empty(text):
    slug = slug_base(text)

    assert slug == ""


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(min_value=1, max_value=100))
def test_slug_base_respects_max_length_and_word_boundaries(text, max_length):
    full = slug_base(text, max_length=10**6)

    slug = slug_base(text, max_length=max_length)

    assert SLUG.fullmatch(slug) is not None
    assert len(slug) <= max_length
    first_word = full.split("-")[0]
    assert slug == full or full.startswith(slug + "-") or slug == first_word[:max_length]
    assert (slug == "") == (full == "")


# --- display_rank and choose_display -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GPT-4 Technical Report", (0, "GPT-4 Technical Report")),
        ("gpt-4 technical report", (1, "gpt-4 technical report")),
        ("GPT-4 TECHNICAL REPORT", (1, "GPT-4 TECHNICAL REPORT")),
        ("1234", (0, "1234")),
        ("", (0, "")),
    ],
)
def test_display_rank_puts_mixed_case_first(text, expected):
    rank = display_rank(text)

    assert rank == expected


@pytest.mark.parametrize("spellings", list(itertools.permutations(GPT4_SPELLINGS)))
def test_choose_display_prefers_mixed_case_in_any_order(spellings):
    shown = choose_display(spellings)

    assert shown == "GPT-4 Technical Report"


def test_choose_display_between_lower_and_upper_takes_code_point_order():
    spellings = ["gpt-4 technical report", "GPT-4 TECHNICAL REPORT"]

    shown = choose_display(spellings)

    assert shown == "GPT-4 TECHNICAL REPORT"


def test_choose_display_accepts_a_generator():
    spellings = (s for s in GPT4_SPELLINGS)

    shown = choose_display(spellings)

    assert shown == "GPT-4 Technical Report"


@pytest.mark.parametrize("spellings", [[], [""], ["", ""]])
def test_choose_display_of_nothing_is_empty(spellings):
    shown = choose_display(spellings)

    assert shown == ""


def test_choose_display_ignores_empty_spellings():
    spellings = ["", "gpt-4 technical report", ""]

    shown = choose_display(spellings)

    assert shown == "gpt-4 technical report"


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(max_size=20), max_size=8).flatmap(
        lambda v: st.tuples(st.just(v), st.permutations(v))
    )
)
def test_choose_display_does_not_depend_on_order(case):
    spellings, shuffled = case

    shown = choose_display(shuffled)

    assert shown == choose_display(spellings)
    assert shown in [*spellings, ""]
