"""The yearly report's tables and overview (issue 22), from figures in the contract's shape:
every table says the figures' numbers under the names stored with them, the CSV is guarded
against formulas, and the overview says the main figures in fi, sv and en."""

import csv
import io

from assess import report_overview, report_tables
from tests.report_figures import FIGURES, figures


def _table(tables, table_id):
    return next(t for t in tables if t.id == table_id)


def test_every_table_of_the_contract_is_made():
    ids = [t.id for t in report_tables.tables(FIGURES, "en")]
    assert ids == [
        "decisions",
        "by_body",
        "by_decision_type",
        "by_division",
        "screened_out_reasons",
        "days_to_approval",
        "flags",
        "flags_by_month",
        "groups",
        "dimensions",
        "hearings",
        "objectives",
        "follow_ups",
        "ex_post",
    ]


def test_by_body_names_each_body_in_the_language_and_ends_with_the_total():
    table = _table(report_tables.tables(FIGURES, "sv"), "by_body")
    assert table.rows[0] == ["Fullmäktige", 70, 8, 15, 25, 4, 0.686]
    assert table.rows[1] == ["Styrelsen", 50, 2, 10, 15, 2, 0.54]
    assert table.rows[-1][1:] == [120, 10, 25, 40, 6, 0.625] and table.total
    assert table.header[0] == "Organ"


def test_none_keys_are_named_and_last():
    rows = _table(report_tables.tables(FIGURES, "en"), "by_decision_type").rows
    assert [r[0] for r in rows] == ["Budget", "(no decision type)", "Total"]


def test_flags_groups_hearings_objectives_and_follow_ups_say_the_figures():
    tables = report_tables.tables(FIGURES, "fi")
    assert _table(tables, "flags").rows == [
        ["Lapset ilman lapsivaikutusten arviointia", 4, 2, 1, 1]
    ]
    assert _table(tables, "flags_by_month").rows[0][1:] == [0, 1, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0]
    # the groups most often affected negatively first
    assert _table(tables, "groups").rows == [["Ikääntyneet", 7, 2], ["Lapset", 5, 9]]
    assert _table(tables, "hearings").rows == [["Nuorisovaltuusto", 6, 5, 1, "Kiireellinen: 1"]]
    assert _table(tables, "objectives").rows == [["Liikkuva arki", 4, 1, 2]]
    assert _table(tables, "follow_ups").rows == [[8, 5, 2]]
    assert _table(tables, "ex_post").rows == [[3, 1, 1, 0]]
    assert _table(tables, "days_to_approval").rows == [[21.5, 44.0, 3]]
    reasons = _table(tables, "screened_out_reasons").rows
    assert reasons[0][1] == 28 and reasons[1] == ["Rutiiniasia", 12]


def test_a_renamed_or_unnamed_key_shows_its_key():
    data = figures(groups={"unknown_group": {"negative": 1, "positive": 0}})
    assert _table(report_tables.tables(data, "en"), "groups").rows == [["unknown_group", 1, 0]]


def test_empty_figures_make_empty_tables_not_errors():
    data = figures(
        decisions=0, coverage=None, flags={}, flags_by_month={}, groups={}, by_body={}, hearings={}
    )
    tables = report_tables.tables(data, "fi")
    assert _table(tables, "flags").rows == []
    assert _table(tables, "by_body").rows[-1][-1] is None


def test_cells_read_as_a_person_writes_them():
    assert report_tables.cell_text(0.625, "fi", coverage=True) == "62,5 %"
    assert report_tables.cell_text(0.625, "en", coverage=True) == "62.5 %"
    assert report_tables.cell_text(21.5, "sv") == "21,5"
    assert report_tables.cell_text(None, "fi") == "–"
    assert report_tables.cell_text("Valtuusto 2.0", "fi") == "Valtuusto 2.0"


def test_csv_keeps_the_numbers_and_guards_formulas():
    data = figures()
    data["names"]["bodies"]["council"] = {"fi": '=HYPERLINK("x")', "sv": "@x", "en": "-x"}
    table = _table(report_tables.tables(data, "fi"), "by_body")
    content = report_tables.csv_bytes(table)
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows[0][0] == "Toimielin"
    assert rows[1] == ['\'=HYPERLINK("x")', "70", "8", "15", "25", "4", "0.686"]
    assert rows[-1][1:] == ["120", "10", "25", "40", "6", "0.625"]


def test_the_overview_says_the_main_figures_in_each_language():
    texts = report_overview.overviews(FIGURES)
    assert set(texts) == {"fi", "sv", "en"}
    en = texts["en"]
    assert en.startswith(
        "In 2025 Esimerkkilä decided 120 matters; 35 were assessed (10 full, 25 light)"
    )
    assert "40 screened out" in en and "6 lacked an assessment the policy required" in en
    assert "62.5 %" in en and "21.5 days" in en and "Older people (7 assessments)" in en
    assert "Children (9 assessments)" in en and "Of 8 follow-ups due, 5 were done and 2" in en
    assert "Exempelby" in texts["sv"] and "21,5" in texts["sv"] and "Äldre" in texts["sv"]
    assert "Ikääntyneet" in texts["fi"] and texts["fi"] != en


def test_the_overview_of_a_year_without_decisions_is_short_and_true():
    data = figures(
        decisions=0,
        assessed={"full": 0, "light": 0},
        screened_out=0,
        missing_required=0,
        coverage=None,
        days_to_approval={"median": None, "p90": None},
        groups={},
        follow_ups={"due": 0, "done": 0, "overdue": 0},
    )
    assert report_overview.overview(data, "en") == (
        "In 2025 Esimerkkilä decided 0 matters; 0 were assessed (0 full, 0 light) and 0 "
        "screened out."
    )
