"""The search page's highlighting works on the text, not on its escaped HTML."""

from catalog.templatetags.catalog_extras import highlight


def test_highlight_never_matches_inside_an_entity():
    assert highlight('Say "quot" & <b>', "quot") == (
        "Say &quot;<mark>quot</mark>&quot; &amp; &lt;b&gt;"
    )


def test_highlight_a_word_that_names_an_entity_stays_text():
    assert highlight("Tom & Jerry; amp up", "amp") == "Tom &amp; Jerry; <mark>amp</mark> up"


def test_highlight_escapes_markup_in_text_and_query():
    assert highlight("<script>x</script> scripted", "<script> scripted") == (
        "<mark>&lt;script&gt;</mark>x&lt;/script&gt; <mark>scripted</mark>"
    )


def test_highlight_longest_word_first_ignoring_case():
    assert highlight("Gaussian gauss", "gauss GAUSSIAN") == (
        "<mark>Gaussian</mark> <mark>gauss</mark>"
    )


def test_highlight_without_words_only_escapes():
    assert highlight("a < b", " x ") == "a &lt; b"
