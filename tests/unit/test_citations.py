"""Citations as CSL-JSON, BibTeX and RIS (``catalog.citations``), read back by the
parsers reference managers use: bibtexparser and pybtex, rispy, citeproc-py."""

import json
import re

import bibtexparser
import pytest
import rispy
from bibtexparser.middlewares import LatexDecodingMiddleware, SeparateCoAuthors
from citeproc.source.json import CiteProcJSON
from pybtex.database import parse_string
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from catalog.citations import (
    ABSTRACT_ONLY_NOTE,
    OTHER_VENUES_NOTE,
    CitedAuthor,
    CitedPaper,
    bibtex,
    csl_json,
    ris,
)

TITLE = "Über Café: 100% of $5 & #1 a_b ~x ^y"
# pylatexenc, bibtexparser's decoder, reads {\textasciicircum} back as U+02C6 (modifier
# letter circumflex), not "^": the only character of TITLE that does not come back as is.
TITLE_FROM_BIBTEX = "Über Café: 100% of $5 & #1 a_b ~x \u02c6y"
ABSTRACT = "Déjà vu: 50% & $x_1$ #tag ~ ^ \\ backslash."
ABSTRACT_FROM_BIBTEX = "Déjà vu: 50% & $x_1$ #tag ~ \u02c6 \\ backslash."
VENUES = ("Journal of Ümlauts & Co", "Proceedings #2", "Third_Venue")
URL = "https://example.org/papers/uber-cafe/"

TITLED = CitedPaper(
    key="uber-cafe",
    title=TITLE,
    abstract=ABSTRACT,
    venues=VENUES,
    authors=(
        CitedAuthor(family="Gödel", given="Kurt"),
        CitedAuthor(literal="The ATLAS Collaboration"),
        CitedAuthor(family="Sand and Stone", given="Ann"),
        CitedAuthor(family="van der Berg", given="Jan"),
    ),
    url=URL,
    more_authors=True,
)
ABSTRACT_ONLY = CitedPaper(
    key="abstract-only",
    title="",
    abstract="Only an abstract, by Ørsted.",
    venues=("Venue A", "Venue B"),
    authors=(CitedAuthor(family="Nowak", given="Łucja"),),
    url="https://example.org/papers/abstract-only/",
)
HOSTILE = CitedPaper(
    key="hostile",
    title="Sets {x | x > 0}\nand }{ closing",
    abstract="Open { never closed\\ back\\slash\nnew line\r\n\n  indented\u2028} } end",
    venues=("Venue {odd",),
    authors=(CitedAuthor(family="Brace}", given="Ann{"), CitedAuthor(literal="Back\\slash {Inc")),
    url="https://example.org/papers/hostile/",
)
AFTER = CitedPaper(
    key="after",
    title="The entry after",
    abstract="",
    venues=(),
    authors=(),
    url="https://example.org/papers/after/",
)
OTHER_VENUES = OTHER_VENUES_NOTE.format(venues="Proceedings #2; Third_Venue")
RIS_LINE = re.compile(r"[A-Z][A-Z0-9]  - .*")


def _decoded(text: str) -> str:
    """LaTeX to text as pylatexenc reads it, knowing the brace commands too."""
    context = get_default_latex_context_db()
    context.add_context_category(
        "braces",
        macros=[MacroTextSpec("textbraceleft", "{"), MacroTextSpec("textbraceright", "}")],
        prepend=True,
    )
    return LatexNodes2Text(latex_context=context).latex_to_text(text)


def _bibtexparser_fields(text: str) -> dict[str, dict[str, str]]:
    """{key: {field: LaTeX-decoded value}} as bibtexparser reads the file."""
    library = bibtexparser.parse_string(text, append_middleware=[LatexDecodingMiddleware()])
    assert library.failed_blocks == []
    return {e.key: {f.key: f.value for f in e.fields} for e in library.entries}


def _bibtexparser_authors(text: str) -> dict[str, list[str]]:
    """{key: [author names]}, split by bibtexparser, each name then decoded."""
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])
    return {e.key: [_decoded(name) for name in e["author"]] for e in library.entries}


def _pybtex_persons(text: str, key: str) -> list[tuple[list[str], list[str], list[str]]]:
    """(first, von, last) name parts of each author, as pybtex splits them (LaTeX)."""
    persons = parse_string(text, "bibtex").entries[key].persons["author"]
    return [(p.first_names, p.prelast_names, p.last_names) for p in persons]


# --- a titled paper ------------------------------------------------------------------


def test_bibtex_of_titled_paper_reads_back_through_bibtexparser():
    text = bibtex([TITLED])

    assert _bibtexparser_fields(text) == {
        "uber-cafe": {
            "title": TITLE_FROM_BIBTEX,
            "author": "Gödel, Kurt and The ATLAS Collaboration and Ann Sand and Stone"
            " and van der Berg, Jan and others",
            "howpublished": "Journal of Ümlauts & Co",
            "abstract": ABSTRACT_FROM_BIBTEX,
            "note": "Also listed under: Proceedings #2; Third_Venue.",
            "url": URL,
        }
    }


def test_bibtex_of_titled_paper_names_each_author_once_and_ends_with_others():
    text = bibtex([TITLED])

    assert _bibtexparser_authors(text) == {
        "uber-cafe": [
            "Gödel, Kurt",
            "The ATLAS Collaboration",
            "Ann Sand and Stone",
            "van der Berg, Jan",
            "others",
        ]
    }
    assert _pybtex_persons(text, "uber-cafe") == [
        (["Kurt"], [], ['G\\"odel']),
        ([], [], ["{The ATLAS Collaboration}"]),
        ([], [], ["{Ann Sand and Stone}"]),
        (["Jan"], ["van", "der"], ["Berg"]),
        ([], [], ["others"]),
    ]


def test_bibtex_of_titled_paper_escapes_latex_specials_for_pybtex():
    entry = parse_string(bibtex([TITLED]), "bibtex").entries["uber-cafe"]

    assert (entry.type, dict(entry.fields)) == (
        "misc",
        {
            "title": "\\\"Uber Caf\\'e: 100\\% of \\$5 \\& \\#1 a\\_b "
            "{\\textasciitilde}x {\\textasciicircum}y",
            "howpublished": 'Journal of \\"Umlauts \\& Co',
            "abstract": "D\\'ej\\`a vu: 50\\% \\& \\$x\\_1\\$ \\#tag {\\textasciitilde} "
            "{\\textasciicircum} {\\textbackslash} backslash.",
            "note": "Also listed under: Proceedings \\#2; Third\\_Venue.",
            "url": URL,
        },
    )
    assert {name: _decoded(value) for name, value in entry.fields.items()} == {
        "title": TITLE_FROM_BIBTEX,
        "howpublished": VENUES[0],
        "abstract": ABSTRACT_FROM_BIBTEX,
        "note": OTHER_VENUES,
        "url": URL,
    }


def test_bibtex_without_more_authors_does_not_add_others():
    paper = CitedPaper(
        key="two",
        title="Two authors",
        abstract="",
        venues=(),
        authors=(CitedAuthor(family="Curie", given="Marie"), CitedAuthor(family="Curie")),
        url="https://example.org/papers/two/",
    )

    assert _bibtexparser_authors(bibtex([paper])) == {"two": ["Curie, Marie", "Curie"]}


def test_ris_of_titled_paper_reads_back_through_rispy():
    assert rispy.loads(ris([TITLED])) == [
        {
            "type_of_reference": "GEN",
            "id": "uber-cafe",
            "title": TITLE,
            "authors": [
                "Gödel, Kurt",
                "The ATLAS Collaboration",
                "Sand and Stone, Ann",
                "van der Berg, Jan",
            ],
            "secondary_title": VENUES[0],
            "abstract": ABSTRACT,
            "notes": [OTHER_VENUES],
            "urls": [URL],
        }
    ]


def test_ris_writes_the_venue_as_t2_with_no_record_number_line():
    lines = ris([TITLED]).splitlines()

    assert (lines[0], lines[7], lines[-1].rstrip()) == (
        "TY  - GEN",
        f"T2  - {VENUES[0]}",
        "ER  -",
    )


def test_csl_json_of_titled_paper_is_an_array_of_one_item():
    assert json.loads(csl_json([TITLED])) == [
        {
            "id": "uber-cafe",
            "type": "article",
            "title": TITLE,
            "author": [
                {"family": "Gödel", "given": "Kurt"},
                {"literal": "The ATLAS Collaboration"},
                {"family": "Sand and Stone", "given": "Ann"},
                {"family": "van der Berg", "given": "Jan"},
            ],
            "container-title": VENUES[0],
            "abstract": ABSTRACT,
            "note": OTHER_VENUES,
            "URL": URL,
        }
    ]


def test_csl_json_of_titled_paper_reads_back_through_citeproc():
    source = CiteProcJSON(json.loads(csl_json([TITLED])))

    reference = source["uber-cafe"]
    assert (
        list(source),
        reference.type,
        str(reference.title),
        str(reference.container_title),
        str(reference.abstract),
        str(reference.note),
        str(reference.URL),
        [dict(name) for name in reference.author],
    ) == (
        ["uber-cafe"],
        "article",
        TITLE,
        VENUES[0],
        ABSTRACT,
        OTHER_VENUES,
        URL,
        [
            {"family": "Gödel", "given": "Kurt"},
            {"literal": "The ATLAS Collaboration"},
            {"family": "Sand and Stone", "given": "Ann"},
            {"family": "van der Berg", "given": "Jan"},
        ],
    )


# --- an abstract-only paper ------------------------------------------------------------

ABSTRACT_ONLY_NOTES = [ABSTRACT_ONLY_NOTE, OTHER_VENUES_NOTE.format(venues="Venue B")]


def test_bibtex_of_abstract_only_paper_has_no_title_and_says_so():
    text = bibtex([ABSTRACT_ONLY])

    assert _bibtexparser_fields(text) == {
        "abstract-only": {
            "author": "Nowak, Łucja",
            "howpublished": "Venue A",
            "abstract": "Only an abstract, by Ørsted.",
            "note": " ".join(ABSTRACT_ONLY_NOTES),
            "url": "https://example.org/papers/abstract-only/",
        }
    }
    assert list(parse_string(text, "bibtex").entries["abstract-only"].fields) == [
        "howpublished",
        "abstract",
        "note",
        "url",
    ]


def test_ris_of_abstract_only_paper_has_no_title_and_says_so():
    assert rispy.loads(ris([ABSTRACT_ONLY])) == [
        {
            "type_of_reference": "GEN",
            "id": "abstract-only",
            "authors": ["Nowak, Łucja"],
            "secondary_title": "Venue A",
            "abstract": "Only an abstract, by Ørsted.",
            "notes": ABSTRACT_ONLY_NOTES,
            "urls": ["https://example.org/papers/abstract-only/"],
        }
    ]


def test_csl_json_of_abstract_only_paper_has_no_title_and_says_so():
    items = json.loads(csl_json([ABSTRACT_ONLY]))
    reference = CiteProcJSON(items)["abstract-only"]

    assert items == [
        {
            "id": "abstract-only",
            "type": "article",
            "author": [{"family": "Nowak", "given": "Łucja"}],
            "container-title": "Venue A",
            "abstract": "Only an abstract, by Ørsted.",
            "note": " ".join(ABSTRACT_ONLY_NOTES),
            "URL": "https://example.org/papers/abstract-only/",
        }
    ]
    assert (reference.get("title"), str(reference.abstract), str(reference.note)) == (
        None,
        "Only an abstract, by Ørsted.",
        " ".join(ABSTRACT_ONLY_NOTES),
    )


# --- several papers, in order ------------------------------------------------------------


@pytest.mark.parametrize(
    ("write", "keys"),
    [
        (bibtex, lambda text: list(parse_string(text, "bibtex").entries)),
        (ris, lambda text: [record["id"] for record in rispy.loads(text)]),
        (csl_json, lambda text: [item["id"] for item in json.loads(text)]),
    ],
    ids=["bibtex", "ris", "csl-json"],
)
def test_each_format_keeps_the_papers_in_the_order_given(write, keys):
    text = write([ABSTRACT_ONLY, TITLED, AFTER])

    assert keys(text) == ["abstract-only", "uber-cafe", "after"]


# --- hostile text: braces, backslashes, line breaks ------------------------------------------


def test_bibtex_of_hostile_text_parses_into_the_same_entries_and_fields():
    text = bibtex([HOSTILE, AFTER])

    entries = parse_string(text, "bibtex").entries
    assert {key: list(entry.fields) for key, entry in entries.items()} == {
        "hostile": ["title", "howpublished", "abstract", "url"],
        "after": ["title", "url"],
    }
    assert [len(entry.persons.get("author", [])) for entry in entries.values()] == [2, 0]
    assert list(_bibtexparser_fields(text)) == ["hostile", "after"]


def test_bibtex_of_hostile_text_decodes_back_to_the_text():
    entries = parse_string(bibtex([HOSTILE, AFTER]), "bibtex").entries

    hostile = {name: _decoded(value) for name, value in entries["hostile"].fields.items()}
    # pybtex folds each run of white space (line breaks included) into one space.
    assert hostile == {
        "title": "Sets {x | x > 0} and }{ closing",
        "howpublished": "Venue {odd",
        "abstract": "Open { never closed\\ back\\slash new line indented } } end",
        "url": "https://example.org/papers/hostile/",
    }
    assert dict(entries["after"].fields) == {
        "title": "The entry after",
        "url": "https://example.org/papers/after/",
    }


def test_bibtex_of_hostile_names_keeps_each_author_one_person():
    text = bibtex([HOSTILE])

    assert _pybtex_persons(text, "hostile") == [
        (["Ann\\textbraceleft{}"], [], ["Brace\\textbraceright{}"]),
        ([], [], ["{Back{\\textbackslash}slash \\textbraceleft{}Inc}"]),
    ]
    assert _bibtexparser_authors(text) == {"hostile": ["Brace}, Ann{", "Back\\slash {Inc"]}


def test_ris_of_hostile_text_is_one_value_a_line_read_back_exactly():
    text = ris([HOSTILE, AFTER])

    assert [line for line in text.splitlines() if line and not RIS_LINE.fullmatch(line)] == []
    assert rispy.loads(text) == [
        {
            "type_of_reference": "GEN",
            "id": "hostile",
            "title": "Sets {x | x > 0} and }{ closing",
            "authors": ["Brace}, Ann{", "Back\\slash {Inc"],
            "secondary_title": "Venue {odd",
            "abstract": "Open { never closed\\ back\\slash new line indented } } end",
            "urls": ["https://example.org/papers/hostile/"],
        },
        {
            "type_of_reference": "GEN",
            "id": "after",
            "title": "The entry after",
            "urls": ["https://example.org/papers/after/"],
        },
    ]


def test_csl_json_of_hostile_text_keeps_it_unchanged():
    [item] = json.loads(csl_json([HOSTILE]))

    assert (item["title"], item["abstract"], item["container-title"], item["author"]) == (
        HOSTILE.title,
        HOSTILE.abstract,
        "Venue {odd",
        [{"family": "Brace}", "given": "Ann{"}, {"literal": "Back\\slash {Inc"}],
    )


# --- names BibTeX splits differently from the catalogue ---------------------------------------


def test_bibtex_keeps_a_given_name_with_a_comma_as_the_first_name():
    paper = CitedPaper(
        key="dream",
        title="I have a dream",
        abstract="",
        venues=(),
        authors=(CitedAuthor(family="King", given="Martin Luther, Jr."),),
        url="https://example.org/papers/dream/",
    )

    persons = parse_string(bibtex([paper]), "bibtex").entries["dream"].persons["author"]

    assert [(p.last_names, p.lineage_names) for p in persons] == [(["King"], [])]


def test_bibtex_keeps_a_family_name_of_several_words_without_given_name_whole():
    paper = CitedPaper(
        key="solitude",
        title="Cien años de soledad",
        abstract="",
        venues=(),
        authors=(CitedAuthor(family="Garcia Marquez"),),
        url="https://example.org/papers/solitude/",
    )

    persons = parse_string(bibtex([paper]), "bibtex").entries["solitude"].persons["author"]

    assert [p.first_names for p in persons] == [[]]


def test_bibtex_keeps_text_without_latex_form_and_logs_nothing(caplog):
    paper = CitedPaper(
        key="cjk",
        title="深度学习 🚀",
        abstract="",
        venues=(),
        authors=(),
        url="https://example.org/papers/cjk/",
    )

    fields = _bibtexparser_fields(bibtex([paper]))

    assert (fields["cjk"]["title"], caplog.records) == ("深度学习 🚀", [])
