"""Unit tests of catalog.parsing: the five real pages, their noisy variants, and bad files."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.normalize import clean_text
from catalog.parsing import (
    ANONYMOUS,
    NAMED,
    PageFormatError,
    ParsedEntry,
    ParsedPage,
    parse_page,
)

SAMPLE_DIR = Path(__file__).resolve().parents[2] / "catalog" / "sample_pages"
PAGE_000 = "000_66da5a788456bc5b.txt"
PAGE_001 = "001_fa869cb8beed8520.txt"
PAGE_002 = "002_35c52ba779523854.txt"
PAGE_003 = "003_10db5ee52b695946.txt"
PAGE_004 = "004_ecb8618afa550e8b.txt"
ALL_PAGES = [PAGE_000, PAGE_001, PAGE_002, PAGE_003, PAGE_004]
NAMED_PAGES = [PAGE_000, PAGE_002, PAGE_003]
ANONYMOUS_PAGES = [PAGE_001, PAGE_004]

# source, kind, label, number of entries
SAMPLE_EXPECTATIONS = [
    (PAGE_000, NAMED, "Parascandolo, Giambattista", 10),
    (PAGE_001, ANONYMOUS, "Tony", 10),
    (PAGE_002, NAMED, "Sutskever, Ilya", 10),
    (PAGE_003, NAMED, "Wu, Jeff", 9),
    (PAGE_004, ANONYMOUS, "Tony", 10),
]

NBSP = "\u00a0"
NBSP_BYTES = NBSP.encode()
SOURCE = "page.txt"
ASI_TITLE = "Adaptive Skip Intervals: Temporal Abstraction for Recurrent Dynamical Models"
SHAPE_UNKNOWN = (
    "cannot tell the page's shape: expected a named page starting with 'Goto' and "
    "'Collaborating Authors', or an anonymous page of 'Abstract:' lines"
)
NOT_UTF8_HINT = "expected UTF-8 text (was the page saved in another encoding?)"


# --- helpers -----------------------------------------------------------------


def _sample(name: str) -> bytes:
    return (SAMPLE_DIR / name).read_bytes()


def _parse(data: bytes, source: str = SOURCE) -> ParsedPage:
    return parse_page(data, source)


def _error(data: bytes, source: str = SOURCE) -> PageFormatError:
    with pytest.raises(PageFormatError) as info:
        parse_page(data, source)
    return info.value


def _content(page: ParsedPage) -> tuple[tuple[str, str, str], ...]:
    return tuple((e.title, e.venue, e.abstract) for e in page.entries)


def _lines(page: ParsedPage) -> tuple[int, ...]:
    return tuple(e.line for e in page.entries)


def _map_lines(data: bytes, change) -> bytes:
    return b"\n".join(change(line) for line in data.split(b"\n"))


def _named_text(name: str, entries: list[tuple[str, str, str]]) -> str:
    """A named page laid out as the scrapes are; an empty abstract is left out."""
    blocks = ["\n\n".join([t, v] + ([a] if a else [])) for t, v, a in entries]
    header = f"Goto\n\nCollaborating Authors\n\n{NBSP}{name}"
    return "\n\n\n".join([header, *blocks])


# --- the five real pages -----------------------------------------------------


@pytest.mark.parametrize(("source", "kind", "label", "count"), SAMPLE_EXPECTATIONS)
def test_parse_page_sample_reads_kind_label_and_count(source, kind, label, count):
    data = _sample(source)

    page = _parse(data, source)

    assert (page.source, page.kind, page.label, len(page.entries), page.warnings) == (
        source,
        kind,
        label,
        count,
        (),
    )


@pytest.mark.parametrize(("source", "kind", "label", "count"), SAMPLE_EXPECTATIONS)
def test_parse_page_sample_gives_entry_line_numbers(source, kind, label, count):
    data = _sample(source)
    first, step = (8, 7) if kind == NAMED else (2, 1)

    page = _parse(data, source)

    assert _lines(page) == tuple(range(first, first + step * count, step))


@pytest.mark.parametrize("source", NAMED_PAGES)
def test_parse_page_named_sample_fills_every_field(source):
    data = _sample(source)

    page = _parse(data, source)

    assert {(bool(e.title), bool(e.venue), bool(e.abstract)) for e in page.entries} == {
        (True, True, True)
    }


@pytest.mark.parametrize("source", ANONYMOUS_PAGES)
def test_parse_page_anonymous_sample_has_abstracts_only(source):
    data = _sample(source)
    raw_lines = data.decode().split("\n")
    expected = tuple(("", "", line.removeprefix("Abstract:")) for line in raw_lines[1:11])

    page = _parse(data, source)

    assert _content(page) == expected


def test_parse_page_sample_000_first_entry_is_exact():
    data = _sample(PAGE_000)
    abstract_line = data.decode().split("\n")[11]

    page = _parse(data, PAGE_000)

    assert page.entries[0] == ParsedEntry(
        line=8,
        title="OpenAI o1 System Card",
        venue="arXiv.org Artificial Intelligence",
        abstract=abstract_line,
    )


def test_parse_page_sample_000_keeps_same_title_with_two_venues():
    data = _sample(PAGE_000)

    page = _parse(data, PAGE_000)

    entry_7, entry_9 = page.entries[6], page.entries[8]
    assert [
        (entry_7.line, entry_7.title, entry_7.venue),
        (entry_9.line, entry_9.title, entry_9.venue),
    ] == [
        (50, ASI_TITLE, "Neural Information Processing Systems"),
        (64, ASI_TITLE, "arXiv.org Machine Learning"),
    ]
    assert entry_7.abstract == entry_9.abstract


def test_parse_page_sample_o1_abstract_is_identical_on_named_and_anonymous_pages():
    named, anonymous = _sample(PAGE_000), _sample(PAGE_001)

    named_page = _parse(named, PAGE_000)
    anonymous_page = _parse(anonymous, PAGE_001)

    assert named_page.entries[0].abstract == anonymous_page.entries[0].abstract


# --- noisy variants of the real pages give the same entries ------------------


@pytest.mark.parametrize("source", ALL_PAGES)
def test_parse_page_utf8_bom_is_ignored(source):
    data = _sample(source)

    page = _parse(codecs.BOM_UTF8 + data, source)

    assert page == _parse(data, source)


@pytest.mark.parametrize("source", ALL_PAGES)
def test_parse_page_crlf_line_ends_are_ignored(source):
    data = _sample(source)

    page = _parse(data.replace(b"\n", b"\r\n"), source)

    assert page == _parse(data, source)


@pytest.mark.parametrize("source", ALL_PAGES)
def test_parse_page_lone_cr_line_ends_are_ignored(source):
    data = _sample(source)

    page = _parse(data.replace(b"\n", b"\r"), source)

    assert page == _parse(data, source)


@pytest.mark.parametrize("source", ALL_PAGES)
def test_parse_page_trailing_white_space_is_ignored(source):
    data = _sample(source)
    padded = _map_lines(data, lambda line: line + b" \t " + NBSP_BYTES)

    page = _parse(padded, source)

    assert page == _parse(data, source)


@pytest.mark.parametrize("source", ALL_PAGES)
def test_parse_page_bom_crlf_and_trailing_spaces_together_are_ignored(source):
    data = _sample(source)
    noisy = codecs.BOM_UTF8 + _map_lines(data, lambda line: line + b"  \r")

    page = _parse(noisy, source)

    assert page == _parse(data, source)


@pytest.mark.parametrize(
    ("source", "label"), [(s, lab) for s, _, lab, _ in SAMPLE_EXPECTATIONS if s in NAMED_PAGES]
)
def test_parse_page_nbsp_before_author_name_is_stripped(source, label):
    data = _sample(source)
    without_nbsp = data.replace(NBSP_BYTES, b"", 1)

    page = _parse(data, source)

    assert data.split(b"\n")[4] == NBSP_BYTES + label.encode()
    assert page.label == label
    assert page == _parse(without_nbsp, source)


def test_parse_page_nbsp_and_spaces_around_author_name_are_stripped():
    data = _sample(PAGE_002)
    padded = data.replace(NBSP_BYTES, NBSP_BYTES + b"  " + NBSP_BYTES, 1)

    page = _parse(padded, PAGE_002)

    assert page == _parse(data, PAGE_002)


@pytest.mark.parametrize("blank_lines", [3, 4])
@pytest.mark.parametrize("source", NAMED_PAGES)
def test_parse_page_named_more_blank_lines_between_entries_same_entries(source, blank_lines):
    data = _sample(source)
    spread = data.replace(b"\n\n\n", b"\n" * (blank_lines + 1))
    clean = _parse(data, source)
    count = len(clean.entries)
    first, step = 6 + blank_lines, 5 + blank_lines

    page = _parse(spread, source)

    assert (page.label, _content(page), page.warnings) == (clean.label, _content(clean), ())
    assert _lines(page) == tuple(range(first, first + step * count, step))


@pytest.mark.parametrize("blank_lines", [3, 4])
@pytest.mark.parametrize("source", ANONYMOUS_PAGES)
def test_parse_page_anonymous_blank_lines_between_entries_same_entries(source, blank_lines):
    data = _sample(source)
    spread = data.replace(b"\nAbstract:", b"\n" * (blank_lines + 1) + b"Abstract:")
    clean = _parse(data, source)
    step = blank_lines + 1

    page = _parse(spread, source)

    assert (page.label, _content(page), page.warnings) == (clean.label, _content(clean), ())
    assert _lines(page) == tuple(range(1 + step, 1 + step * 11, step))


@pytest.mark.parametrize("source", ALL_PAGES)
def test_parse_page_leading_and_trailing_blank_lines_only_shift_lines(source):
    data = _sample(source)
    padded = b"\n \n\t\n" + data + b"\n\n  \n\n"
    clean = _parse(data, source)

    page = _parse(padded, source)

    assert (page.kind, page.label, _content(page), page.warnings) == (
        clean.kind,
        clean.label,
        _content(clean),
        (),
    )
    assert _lines(page) == tuple(line + 3 for line in _lines(clean))


@pytest.mark.parametrize("spacing", [1, 2, 3])
def test_parse_page_uniformly_spaced_blocks_read_as_triples(spacing):
    gap = "\n" * (spacing + 1)
    text = gap.join(
        ["Goto", "Collaborating Authors", f"{NBSP}Wu, Jeff", "T1", "V1", "A1", "T2", "V2", "A2"]
    )
    step = spacing + 1

    page = _parse(text.encode())

    assert page.entries == (
        ParsedEntry(1 + 3 * step, "T1", "V1", "A1"),
        ParsedEntry(1 + 6 * step, "T2", "V2", "A2"),
    )


def test_parse_page_abstract_over_several_lines_is_joined():
    text = _named_text("Wu, Jeff", [("A Title", "AAAI Conferences", "First line\nsecond  line")])

    page = _parse(text.encode())

    assert page.entries == (
        ParsedEntry(8, "A Title", "AAAI Conferences", "First line second line"),
    )


# --- entries without an abstract ---------------------------------------------


def test_parse_page_missing_abstract_in_middle_warns_with_line():
    lines = _sample(PAGE_000).split(b"\n")
    del lines[17:19]  # the blank line and the abstract of entry 2 (lines 18-19)
    clean = _parse(_sample(PAGE_000))

    page = _parse(b"\n".join(lines))

    assert page.entries[1] == ParsedEntry(
        line=15,
        title="GPT-4 Technical Report",
        venue="arXiv.org Artificial Intelligence",
        abstract="",
    )
    assert page.entries[:1] + page.entries[2:] == tuple(
        ParsedEntry(e.line - 2 if e.line > 15 else e.line, e.title, e.venue, e.abstract)
        for e in clean.entries[:1] + clean.entries[2:]
    )
    assert page.warnings == ("page.txt, line 15: entry 'GPT-4 Technical Report' has no abstract",)


@pytest.mark.parametrize("ending", [b"", b"\n", b"\r\n\r\n\r\n"])
def test_parse_page_missing_abstract_in_last_entry_warns_with_line(ending):
    lines = _sample(PAGE_000).split(b"\n")
    clean = _parse(_sample(PAGE_000))

    page = _parse(b"\n".join(lines[:73]) + ending)  # lines 74-75 (blank, abstract) cut

    assert page.entries == clean.entries[:9] + (
        ParsedEntry(71, "Learning Independent Causal Mechanisms", "arXiv.org Machine Learning", ""),
    )
    assert page.warnings == (
        "page.txt, line 71: entry 'Learning Independent Causal Mechanisms' has no abstract",
    )


def test_parse_page_missing_abstract_warning_shortens_long_title():
    title = "A" * 70
    text = _named_text("Wu, Jeff", [(title, "AAAI Conferences", "")])

    page = _parse(text.encode())

    assert page.entries == (ParsedEntry(8, title, "AAAI Conferences", ""),)
    assert page.warnings == (f"page.txt, line 8: entry '{'A' * 60}' has no abstract",)


# --- pages without entries ---------------------------------------------------


def test_parse_page_named_without_entries_is_valid_with_warning():
    data = f"Goto\n\nCollaborating Authors\n\n{NBSP}Wu, Jeff\n".encode()

    page = _parse(data)

    assert page == ParsedPage(
        SOURCE, NAMED, "Wu, Jeff", (), ("page.txt: the page lists no papers",)
    )


@pytest.mark.parametrize("data", [b"Tony", b"Tony\n", b"\n\nTony\r\n\r\n"])
def test_parse_page_anonymous_label_without_abstracts_is_valid_with_warning(data):
    page = _parse(data)

    assert page == ParsedPage(
        SOURCE, ANONYMOUS, "Tony", (), ("page.txt: the page lists no papers",)
    )


def test_parse_page_anonymous_label_with_only_empty_abstracts_is_valid_with_warnings():
    data = b"Tony\nAbstract:\nAbstract:   \n"

    page = _parse(data)

    assert page == ParsedPage(
        SOURCE,
        ANONYMOUS,
        "Tony",
        (),
        (
            "page.txt, line 2: empty abstract skipped",
            "page.txt, line 3: empty abstract skipped",
            "page.txt: the page lists no papers",
        ),
    )


# --- anonymous pages ---------------------------------------------------------


def test_parse_page_anonymous_abstract_prefix_is_removed():
    data = b"Tony\nAbstract:First abstract.\nAbstract: Second  abstract. \n"

    page = _parse(data)

    assert page == ParsedPage(
        SOURCE,
        ANONYMOUS,
        "Tony",
        (
            ParsedEntry(2, "", "", "First abstract."),
            ParsedEntry(3, "", "", "Second abstract."),
        ),
    )


def test_parse_page_anonymous_abstract_prefix_is_case_insensitive():
    data = b"Tony\nabstract: lower case\nABSTRACT:upper case\nAbstract :spaced colon\n"

    page = _parse(data)

    assert _content(page) == (
        ("", "", "lower case"),
        ("", "", "upper case"),
        ("", "", "spaced colon"),
    )


def test_parse_page_anonymous_empty_abstract_is_skipped_with_warning():
    data = b"Tony\nAbstract:First.\nAbstract:\nAbstract:Last.\n"

    page = _parse(data)

    assert page.entries == (ParsedEntry(2, "", "", "First."), ParsedEntry(4, "", "", "Last."))
    assert page.warnings == ("page.txt, line 3: empty abstract skipped",)


def test_parse_page_anonymous_without_label_warns():
    data = b"Abstract:Only one.\n"

    page = _parse(data)

    assert page == ParsedPage(
        SOURCE,
        ANONYMOUS,
        "",
        (ParsedEntry(1, "", "", "Only one."),),
        ("page.txt, line 1: no label line before the first 'Abstract:'",),
    )


# --- errors: the file ----------------------------------------------------------


def test_parse_page_empty_file_is_an_error_without_line():
    error = _error(b"", "empty.txt")

    assert (error.source, error.line, str(error)) == (
        "empty.txt",
        None,
        "empty.txt: the file is empty; expected an author page",
    )


def test_parse_page_only_blank_lines_is_an_error_without_line():
    error = _error(b"\n  \n\t\r\n\r" + NBSP_BYTES + b"\n", "blank.txt")

    assert (error.line, str(error)) == (
        None,
        "blank.txt: the file has only blank lines; expected an author page",
    )


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_parse_page_nul_byte_is_an_error_on_its_line(newline):
    data = newline.join([b"Tony", b"Abstract:fine", b"Abstract:bin\x00ary", b"Abstract:more"])

    error = _error(data, "binary.bin")

    assert (error.line, str(error)) == (
        3,
        "binary.bin, line 3: binary data (a NUL byte); expected UTF-8 text",
    )


def test_parse_page_random_binary_is_an_error_on_line_one():
    error = _error(bytes(range(256)) * 4, "binary.bin")

    assert (error.line, str(error)) == (
        1,
        "binary.bin, line 1: binary data (a NUL byte); expected UTF-8 text",
    )


def test_parse_page_latin1_sample_is_an_error_with_line_and_column():
    data = _sample(PAGE_000).decode().encode("latin-1")  # the NO-BREAK SPACE becomes 0xa0

    error = _error(data, PAGE_000)

    assert (error.line, str(error)) == (
        5,
        f"{PAGE_000}, line 5: byte 0xa0 at column 1 is not UTF-8; {NOT_UTF8_HINT}",
    )


def test_parse_page_latin1_title_is_an_error_with_line_and_column():
    text = _named_text("Muller, Jorg", [("Café Models", "AAAI Conferences", "Abstract.")])
    data = text.replace(NBSP, "").encode("latin-1")

    error = _error(data)

    assert (error.line, str(error)) == (
        8,
        f"page.txt, line 8: byte 0xe9 at column 4 is not UTF-8; {NOT_UTF8_HINT}",
    )


@pytest.mark.parametrize("newline", [b"\n", b"\r\n", b"\r"])
def test_parse_page_invalid_utf8_column_counts_characters(newline):
    valid = "Abstract:Łódź ".encode()  # 14 characters, 17 bytes
    data = newline.join([b"Tony", b"Abstract:fine", valid + b"caf\xe9"])

    error = _error(data)

    assert (error.line, str(error)) == (
        3,
        f"page.txt, line 3: byte 0xe9 at column 18 is not UTF-8; {NOT_UTF8_HINT}",
    )


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_parse_page_utf16_with_bom_is_an_error(encoding):
    text = _sample(PAGE_002).decode()
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(encoding, b"")
    data = bom + text.encode(encoding)

    error = _error(data, PAGE_002)

    assert (error.line, str(error)) == (
        1,
        f"{PAGE_002}, line 1: the file is UTF-16 text; expected UTF-8",
    )


def test_parse_page_utf16_without_bom_is_binary_data():
    data = _sample(PAGE_001).decode().encode("utf-16-le")

    error = _error(data, PAGE_001)

    assert (error.line, str(error)) == (
        1,
        f"{PAGE_001}, line 1: binary data (a NUL byte); expected UTF-8 text",
    )


@pytest.mark.parametrize(("char", "code"), [("\x01", "0001"), ("\x0c", "000C"), ("\x7f", "007F")])
def test_parse_page_control_character_is_an_error_on_its_line(char, code):
    data = _named_text("Wu, Jeff", [("A Title", f"AAAI{char} Conferences", "Text.")]).encode()

    error = _error(data)

    assert (error.line, str(error)) == (
        10,
        f"page.txt, line 10: control character U+{code}; expected plain text",
    )


def test_parse_page_control_character_line_counts_cr_line_ends():
    data = b"Tony\rAbstract:one\r\nAbstract:t\x01wo\r"

    error = _error(data)

    assert (error.line, str(error)) == (
        3,
        "page.txt, line 3: control character U+0001; expected plain text",
    )


# --- errors: the shape -------------------------------------------------------


def test_parse_page_named_without_author_line_is_an_error():
    data = b"Goto\n\nCollaborating Authors\n\n\nOpenAI o1 System Card\n\narXiv\n\nAbstract text.\n"

    error = _error(data)

    assert (error.line, str(error)) == (
        6,
        "page.txt, line 6: no author line after 'Collaborating Authors' "
        "(expected ' Family, Given' one blank line below it)",
    )


def test_parse_page_named_header_only_is_an_error():
    data = b"Goto\n\nCollaborating Authors\n\n"

    error = _error(data)

    assert (error.line, str(error)) == (
        3,
        "page.txt, line 3: no author line after 'Collaborating Authors'",
    )


def test_parse_page_goto_without_collaborating_authors_is_an_error():
    lines = _sample(PAGE_000).split(b"\n")
    lines[2] = b"Collaborators"

    error = _error(b"\n".join(lines), PAGE_000)

    assert (error.line, str(error)) == (
        3,
        f"{PAGE_000}, line 3: expected 'Collaborating Authors' after 'Goto'",
    )


def test_parse_page_goto_alone_is_an_error():
    error = _error(b"Goto\n")

    assert (error.line, str(error)) == (
        1,
        "page.txt, line 1: expected 'Collaborating Authors' after 'Goto'",
    )


def test_parse_page_author_line_over_two_lines_is_an_error():
    data = f"Goto\n\nCollaborating Authors\n\n{NBSP}Wu,\nJeff\n\n\nT\n\nV\n\nA\n".encode()

    error = _error(data)

    assert (error.line, str(error)) == (
        5,
        "page.txt, line 5: the author line runs over several lines; expected one name",
    )


def test_parse_page_truncated_after_title_is_an_error():
    lines = _sample(PAGE_000).split(b"\n")

    error = _error(b"\n".join(lines[:71]), PAGE_000)  # cut right after the title on line 71

    assert (error.line, str(error)) == (
        71,
        f"{PAGE_000}, line 71: entry 'Learning Independent Causal Mechanisms' has a title "
        "but no venue or abstract (is the page cut off?)",
    )


def test_parse_page_entry_of_four_blocks_is_an_error():
    lines = _sample(PAGE_000).split(b"\n")
    lines[19:19] = [b"", b"A stray fourth paragraph."]  # after the abstract on line 19

    error = _error(b"\n".join(lines), PAGE_000)

    assert (error.line, str(error)) == (
        15,
        f"{PAGE_000}, line 15: entry has 4 blocks; expected title, venue and abstract "
        "separated by one blank line, and two blank lines between entries",
    )


def test_parse_page_title_over_two_lines_is_an_error():
    data = _sample(PAGE_000).replace(b"GPT-4 Technical Report\n", b"GPT-4 Technical\nReport\n")

    error = _error(data, PAGE_000)

    assert (error.line, str(error)) == (
        15,
        f"{PAGE_000}, line 15: the title runs over 2 lines; expected one line "
        "followed by a blank line",
    )


def test_parse_page_venue_over_two_lines_is_an_error():
    text = _named_text("Wu, Jeff", [("A Title", "AAAI\nConferences", "Text.")])

    error = _error(text.encode())

    assert (error.line, str(error)) == (
        10,
        "page.txt, line 10: the venue runs over 2 lines; expected one line "
        "followed by a blank line",
    )


def test_parse_page_venue_over_300_characters_is_an_error():
    lines = _sample(PAGE_000).split(b"\n")
    lines[16] = b"V" * 301  # the venue of entry 2, line 17

    error = _error(b"\n".join(lines), PAGE_000)

    assert (error.line, str(error)) == (
        17,
        f"{PAGE_000}, line 17: venue is 301 characters long (at most 300); "
        "is a blank line missing between blocks?",
    )


def test_parse_page_venue_of_300_characters_is_accepted():
    text = _named_text("Wu, Jeff", [("A Title", "V" * 300, "Text.")])

    page = _parse(text.encode())

    assert page.entries == (ParsedEntry(8, "A Title", "V" * 300, "Text."),)


def test_parse_page_title_over_1000_characters_is_an_error():
    text = _named_text("Wu, Jeff", [("T" * 1001, "AAAI Conferences", "Text.")])

    error = _error(text.encode())

    assert (error.line, str(error)) == (
        8,
        "page.txt, line 8: title is 1001 characters long (at most 1000); "
        "is a blank line missing between blocks?",
    )


def test_parse_page_author_line_without_letters_is_an_error():
    text = _named_text("12345", [("A Title", "AAAI Conferences", "Text.")])

    error = _error(text.encode())

    assert (error.line, str(error)) == (5, "page.txt, line 5: author line '12345' has no letters")


def test_parse_page_anonymous_line_without_abstract_prefix_is_an_error():
    lines = _sample(PAGE_004).split(b"\n")
    lines[5] = b"Summary:" + lines[5].removeprefix(b"Abstract:")

    error = _error(b"\n".join(lines), PAGE_004)

    assert (error.line, str(error)) == (
        6,
        f"{PAGE_004}, line 6: expected a line starting with 'Abstract:', "
        "found 'Summary:We present a methodology for mod'",
    )


def test_parse_page_plain_prose_is_an_error():
    data = (
        b"\nIt was a bright cold day in April,\n"
        b"and the clocks were striking thirteen.\n\n"
        b"Winston Smith slipped quickly through the glass doors.\n"
    )

    error = _error(data, "novel.txt")

    assert (error.line, str(error)) == (2, f"novel.txt, line 2: {SHAPE_UNKNOWN}")


def test_parse_page_one_long_line_of_prose_is_an_error():
    data = b"word " * 100

    error = _error(data, "prose.txt")

    assert (error.line, str(error)) == (1, f"prose.txt, line 1: {SHAPE_UNKNOWN}")


def test_page_format_error_without_line_reads_source_and_reason():
    error = PageFormatError("a.txt", None, "what went wrong")

    assert (error.source, error.line, error.reason, str(error)) == (
        "a.txt",
        None,
        "what went wrong",
        "a.txt: what went wrong",
    )


def test_page_format_error_with_line_reads_source_line_and_reason():
    error = PageFormatError("a.txt", 7, "what went wrong")

    assert (error.source, error.line, error.reason, str(error)) == (
        "a.txt",
        7,
        "what went wrong",
        "a.txt, line 7: what went wrong",
    )


# --- properties --------------------------------------------------------------

_FRAGMENTS = st.sampled_from(
    [
        b"Goto",
        b"Collaborating Authors",
        b"Abstract:",
        b"abstract :",
        b"Tony",
        b"Wu, Jeff",
        NBSP_BYTES,
        codecs.BOM_UTF8,
        b"\n",
        b"\n\n",
        b"\n\n\n",
        b"\r\n",
        b"\r",
        b" ",
        b"\t",
        b"\x00",
        b"\x01",
        b"\xe9",
        b"\xff\xfe",
        b"x" * 301,
        "Łukasz".encode(),
    ]
)


def _parse_or_page_error(data: bytes) -> None:
    try:
        outcome: ParsedPage | PageFormatError = parse_page(data, SOURCE)
    except PageFormatError as error:  # any other exception fails the test
        outcome = error
    if isinstance(outcome, PageFormatError):
        assert (outcome.source, str(outcome).startswith(SOURCE)) == (SOURCE, True)
    else:
        assert isinstance(outcome, ParsedPage)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_page_any_bytes_gives_page_or_page_format_error(data):
    _parse_or_page_error(data)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_parse_page_any_text_gives_page_or_page_format_error(text):
    _parse_or_page_error(text.encode("utf-8"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.binary(max_size=8)), max_size=40))
def test_parse_page_page_like_bytes_give_page_or_page_format_error(parts):
    _parse_or_page_error(b"".join(parts))


_CHARS = st.characters(exclude_categories=("Cc", "Cs"))


def _one_line(max_size: int) -> st.SearchStrategy[str]:
    return st.text(_CHARS, min_size=1, max_size=max_size).filter(lambda s: clean_text(s) != "")


@st.composite
def _named_pages(draw):
    """(bytes, expected ParsedPage) for a generated named page."""
    name = draw(st.sampled_from(["Wu, Jeff", "Łukasiewicz, Jan", "O'Neil, Cathy", "Plato"]))
    entries = draw(
        st.lists(
            st.tuples(_one_line(80), _one_line(60), st.one_of(st.just(""), _one_line(300))),
            max_size=6,
        )
    )
    lines = [""] * draw(st.integers(0, 3))
    lines += ["Goto", "", "Collaborating Authors", "", NBSP + name]
    expected, warnings = [], []
    for title, venue, abstract in entries:
        lines += [""] * draw(st.integers(2, 5))
        start = len(lines) + 1
        lines += [title, "", venue] + (["", abstract] if abstract else [])
        expected.append(
            ParsedEntry(start, clean_text(title), clean_text(venue), clean_text(abstract))
        )
        if not abstract:
            warnings.append(
                f"{SOURCE}, line {start}: entry {clean_text(title)[:60]!r} has no abstract"
            )
    if not entries:
        warnings.append(f"{SOURCE}: the page lists no papers")
    lines += [""] * draw(st.integers(0, 3))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    bom = codecs.BOM_UTF8 if draw(st.booleans()) else b""
    data = bom + newline.join(lines).encode()
    return data, ParsedPage(SOURCE, NAMED, name, tuple(expected), tuple(warnings))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_named_pages())
def test_parse_page_generated_named_page_round_trips(case):
    data, expected = case

    page = parse_page(data, SOURCE)

    assert page == expected


@st.composite
def _anonymous_pages(draw):
    """(bytes, expected ParsedPage) for a generated anonymous page."""
    label = draw(
        _one_line(40).filter(
            lambda s: (
                clean_text(s) not in {"Goto", "Collaborating Authors"}
                and not clean_text(s).lower().startswith("abstract")
            )
        )
    )
    abstracts = draw(st.lists(_one_line(300), min_size=1, max_size=8))
    lines = [label]
    expected = []
    for abstract in abstracts:
        lines += [""] * draw(st.integers(0, 2))
        lines.append(draw(st.sampled_from(["Abstract:", "abstract: ", "ABSTRACT :"])) + abstract)
        expected.append(ParsedEntry(len(lines), "", "", clean_text(abstract)))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    bom = codecs.BOM_UTF8 if draw(st.booleans()) else b""
    data = bom + newline.join(lines).encode()
    return data, ParsedPage(SOURCE, ANONYMOUS, clean_text(label), tuple(expected))


@settings(max_examples=200, deadline=None)
@given(_anonymous_pages())
def test_parse_page_generated_anonymous_page_round_trips(case):
    data, expected = case

    page = parse_page(data, SOURCE)

    assert page == expected
