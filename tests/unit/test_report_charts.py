"""The yearly report's charts (issue 22): fixed bytes, text alternatives with the numbers,
SVG that can sit inline in a page beside other charts."""

import re
import xml.etree.ElementTree as ET

import pytest

from assess import report_charts
from assess.report_charts import CHARTS, chart_alt, chart_png, chart_svg, has_data
from tests.unit.yearly_figures_sample import FIGURES, empty_figures

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("chart", CHARTS)
def test_the_same_figures_give_the_same_bytes(chart):
    assert chart_png(chart, FIGURES, "fi") == chart_png(chart, FIGURES, "fi")
    assert chart_svg(chart, FIGURES, "sv") == chart_svg(chart, FIGURES, "sv")
    assert chart_png(chart, FIGURES, "fi").startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("chart", CHARTS)
def test_the_svg_is_an_image_named_by_its_text_alternative(chart):
    svg = chart_svg(chart, FIGURES, "fi")
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{chart}-title"
    assert root.get("width") is None and root.get("viewBox")  # scales to its container
    title = root.find(SVG + "title")
    assert title is not None and title.get("id") == f"{chart}-title"
    assert title.text == chart_alt(chart, FIGURES, "fi")
    # No date (nor anything else that changes by itself) in the metadata.
    assert not re.search(r"<dc:date>", svg)


def test_ids_carry_the_prefix_so_charts_share_a_page():
    page = [chart_svg(c, FIGURES, "en") for c in CHARTS]
    page.append(chart_svg("groups", FIGURES, "en", prefix="org2-groups"))
    ids = [i for svg in page for i in re.findall(r'\bid="([^"]+)"', svg)]
    assert len(ids) == len(set(ids))
    # Every reference inside a chart points at one of its own ids.
    for svg in page:
        own = set(re.findall(r'\bid="([^"]+)"', svg))
        refs = set(re.findall(r'(?:url\(#|href="#)([^")]+)', svg))
        assert refs <= own


def test_the_text_alternatives_say_the_main_numbers():
    assert chart_alt("groups", FIGURES, "en") == (
        "Bar chart of the population groups affected in 2026: Children and young people "
        "5 negative, 9 positive; Older people 7 negative, 2 positive; Disabled people "
        "1 negative, 0 positive."
    )
    assert chart_alt("coverage", FIGURES, "fi") == (
        "Pylväskaavio arviointien kattavuudesta toimielimittäin vuonna 2026: Kunnanhallitus "
        "56,2 % 80 päätöksestä; Kunnanvaltuusto 75 % 40 päätöksestä."
    )
    assert chart_alt("flags_by_month", FIGURES, "sv") == (
        "Stapeldiagram över anmärkningar per månad år 2026, sammanlagt 10; flest i apr. (2). "
        "Per regel: Påverkansorgan inte hört 6; Barnkonsekvenser utan barnrättsbedömning 4."
    )
    assert chart_alt("follow_ups", FIGURES, "en") == (
        "Bar chart of the follow-ups in 2026: 8 due, 5 done, 2 overdue; ex-post results: "
        "3 as expected, 1 better, 1 worse, 0 not known."
    )


def test_the_labels_are_those_stored_with_the_figures():
    renamed = {**FIGURES, "names": {**FIGURES["names"], "groups": {}}}
    assert "children 5 negative" in chart_alt("groups", renamed, "en")
    assert "Lapset ja nuoret" in chart_alt("groups", FIGURES, "fi")


@pytest.mark.parametrize("chart", CHARTS)
def test_an_empty_year_draws_a_chart_that_says_so(chart):
    empty = empty_figures()
    assert not has_data(chart, empty)
    assert chart_alt(chart, empty, "en").endswith("nothing to show for 2026.")
    assert chart_png(chart, empty, "sv").startswith(b"\x89PNG")
    assert 'role="img"' in chart_svg(chart, empty, "fi")


def test_many_flag_rules_are_summed_beyond_the_fifth():
    months = {f"rule{i}": [i + 1] + [0] * 11 for i in range(8)}
    figures = {**FIGURES, "flags_by_month": months}
    alt = chart_alt("flags_by_month", figures, "en")
    # The four largest by name, the other four summed: 4 + 3 + 2 + 1.
    assert alt.endswith("rule7 8; rule6 7; rule5 6; rule4 5; other rules 10.")


def test_an_unknown_chart_is_named_with_the_known_ones():
    with pytest.raises(KeyError, match="groups, coverage, flags_by_month, follow_ups"):
        chart_png("pie", FIGURES, "fi")


def test_the_chart_texts_are_translated_under_the_document_context():
    for key in report_charts.TEXTS:
        for language in ("fi", "sv"):
            if key in ("flags_item",):
                continue
            assert report_charts.t(key, language, **_params(key)) != report_charts.t(
                key, "en", **_params(key)
            ), (key, language)


def _params(key):
    text = report_charts.TEXTS[key]
    names = re.findall(r"%\((\w+)\)([sd])", text)
    return {n: (1 if kind == "d" else "x") for n, kind in names}


REGION = [
    {
        "id": 7,
        "name": {"fi": "Ankkala", "sv": "Ankeborg"},
        "shares": True,
        "figures": {"coverage": 0.5, "decisions": 4},
    },
    {
        "id": 3,
        "name": {"fi": "Pohjala", "sv": "Norrby"},
        "shares": True,
        "figures": {"coverage": 0.875, "decisions": 8},
    },
    {"id": 9, "name": {"fi": "Mörkölä", "sv": "Mörkölä"}, "shares": False, "figures": None},
    {
        "id": 5,
        "name": {"fi": "Tyhjälä", "sv": "Tomby"},
        "shares": True,
        "figures": {"coverage": None, "decisions": 0},
    },
]


def test_the_regional_chart_shows_each_sharing_organisation_side_by_side():
    figures = report_charts.region_figures(2026, REGION)
    # Only the sharing organisations, and no more than their coverage and decisions.
    assert set(figures["by_organisation"]) == {"7", "3", "5"}
    assert figures["by_organisation"]["3"] == {"coverage": 0.875, "decisions": 8}
    assert chart_alt("region_coverage", figures, "fi") == (
        "Pylväskaavio arviointien kattavuudesta organisaatioittain vuonna 2026: Pohjala "
        "87,5 % 8 päätöksestä; Ankkala 50 % 4 päätöksestä."
    )
    assert chart_alt("region_coverage", figures, "sv").startswith(
        "Stapeldiagram över bedömningarnas täckning per organisation år 2026: Norrby 87,5 %"
    )
    svg = chart_svg("region_coverage", figures, "en")
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    title = root.find(SVG + "title")
    assert title is not None and title.text == chart_alt("region_coverage", figures, "en")
    assert "Mörkölä" not in title.text and "Tyhjälä" not in title.text
    assert chart_svg("region_coverage", figures, "en") == svg
    # None sharing, or none with decisions: nothing to draw.
    assert not has_data("region_coverage", report_charts.region_figures(2026, REGION[2:]))
