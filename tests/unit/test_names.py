"""Unit tests of catalog.names: one person, however the name is written."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.names import PersonName, name_search_key, parse_name
from catalog.normalize import clean_text


def test_parse_name_page_form_splits_at_comma():
    raw = "Sutskever, Ilya"

    name = parse_name(raw)

    assert name == PersonName(family="Sutskever", given="Ilya")


def test_parse_name_given_first_form_gives_same_parts():
    raw = "Ilya Sutskever"

    name = parse_name(raw)

    assert name == PersonName(family="Sutskever", given="Ilya")


def test_parse_name_both_forms_share_sort_key():
    page_form, typed_form = "Sutskever, Ilya", "Ilya Sutskever"

    keys = (parse_name(page_form).sort_key, parse_name(typed_form).sort_key)

    assert keys == ("sutskever ilya", "sutskever ilya")


def test_person_name_display_and_inverted_forms():
    name = parse_name("Sutskever, Ilya")

    forms = (name.display, name.inverted, name.sort_key)

    assert forms == ("Ilya Sutskever", "Sutskever, Ilya", "sutskever ilya")


@pytest.mark.parametrize("raw", ["\u00a0Sutskever, Ilya", "\u00a0 Sutskever ,\u00a0 Ilya\u00a0"])
def test_parse_name_strips_no_break_space(raw):
    name = parse_name(raw)

    assert name == PersonName(family="Sutskever", given="Ilya")


@pytest.mark.parametrize("raw", ["Łucja Nowak", "Nowak, Łucja"])
def test_parse_name_folds_diacritics_in_sort_key_only(raw):
    name = parse_name(raw)

    assert (name, name.sort_key) == (PersonName(family="Nowak", given="Łucja"), "nowak lucja")


def test_parse_name_keeps_particle_in_family_name():
    raw = "Ludwig van Beethoven"

    name = parse_name(raw)

    assert (name, name.inverted, name.sort_key) == (
        PersonName(family="van Beethoven", given="Ludwig"),
        "van Beethoven, Ludwig",
        "van beethoven ludwig",
    )


def test_parse_name_keeps_middle_names_in_given_name():
    raw = "John Ronald Reuel Tolkien"

    name = parse_name(raw)

    assert name == PersonName(family="Tolkien", given="John Ronald Reuel")


def test_parse_name_drops_title_and_suffix_of_typed_name():
    raw = "Dr. Ilya Sutskever Jr."

    name = parse_name(raw)

    assert name == PersonName(family="Sutskever", given="Ilya")


def test_parse_name_single_word_is_family_name():
    raw = "Plato"

    name = parse_name(raw)

    assert (name, name.display, name.inverted, name.sort_key) == (
        PersonName(family="Plato", given=""),
        "Plato",
        "Plato",
        "plato",
    )


def test_parse_name_single_word_with_comma_keeps_empty_given_name():
    raw = "Plato,"

    name = parse_name(raw)

    assert (name, name.display, name.inverted) == (
        PersonName(family="Plato", given=""),
        "Plato",
        "Plato",
    )


def test_name_search_key_keeps_page_order():
    raw = "\u00a0Kaiser, Łukasz"

    key = name_search_key(raw)

    assert key == "kaiser lukasz"


_WORD = st.text(
    st.characters(categories=("Lu", "Ll"), exclude_characters=","), min_size=1, max_size=12
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_WORD, min_size=1, max_size=3), st.lists(_WORD, min_size=1, max_size=3))
def test_parse_name_page_form_round_trips_through_inverted(family_words, given_words):
    # 'Family, Given' is taken at its word. (A name without a given name has no comma in
    # its inverted form, so nameparser splits it again: not a page form, not tested here.)
    name = PersonName(family=" ".join(family_words), given=" ".join(given_words))

    parsed = parse_name(name.inverted)

    assert parsed == PersonName(family=clean_text(name.family), given=clean_text(name.given))
