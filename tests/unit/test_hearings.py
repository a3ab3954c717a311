"""Hearings (issue 18, hole 6): the form's councils and coded reasons as the loader checks
them, and what counts as heard (pure)."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from assess.assessment_data import AssessmentData, Hearing
from assess.definitions import DefinitionError
from assess.questionnaire import load_forms
from assess.questionnaire.hearings import (
    councils_for_group,
    councils_for_screening,
    counts_as_heard,
    late,
)
from assess.questionnaire.organisation import OrgSettings

ROOT = Path(__file__).resolve().parents[2]
IVA = load_forms(ROOT / "forms").latest("iva")
MEETING = date(2026, 12, 10)


def _problems(tmp_path, mutate) -> list[str]:
    raw = yaml.safe_load((ROOT / "forms" / "iva.yaml").read_text())
    mutate(raw)
    (tmp_path / "iva.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    with pytest.raises(DefinitionError) as err:
        load_forms(tmp_path)
    return [str(p) for p in err.value.problems]


def _council(raw, council_id):
    return next(c for c in raw["councils"] if c["id"] == council_id)


def test_the_loader_refuses_unknown_groups_and_screening_questions_that_call_for_a_council(
    tmp_path,
):
    def mutate(raw):
        _council(raw, "ngos_heard")["called_for"]["groups"].append("pensioners")
        _council(raw, "client_panel")["called_for"]["screening"].append("s_budget")

    problems = _problems(tmp_path, mutate)
    assert any("called_for.groups" in p and "'pensioners'" in p for p in problems), problems
    assert any("called_for.screening" in p and "'s_budget'" in p for p in problems), problems


def test_the_loader_refuses_an_unknown_organisation_type(tmp_path):
    def mutate(raw):
        _council(raw, "municipalities_heard")["kinds"].append("parish")

    problems = _problems(tmp_path, mutate)
    assert any("kinds" in p and "wellbeing_county" in p for p in problems), problems


def test_the_loader_refuses_a_reason_given_twice(tmp_path):
    def mutate(raw):
        raw["not_heard_reasons"].append(dict(raw["not_heard_reasons"][0]))

    problems = _problems(tmp_path, mutate)
    assert any("not_heard_reasons" in p and "duplicate id" in p for p in problems), problems


def test_a_reason_must_say_whether_it_counts(tmp_path):
    def mutate(raw):
        del raw["not_heard_reasons"][0]["acceptable"]

    assert any("acceptable" in p for p in _problems(tmp_path, mutate))


def test_no_time_is_the_one_reason_that_never_counts():
    assert [r.id for r in IVA.not_heard_reasons if not r.acceptable] == ["no_time"]
    assert IVA.not_heard_reason("other").needs_text


@pytest.mark.parametrize(
    "hearing, heard",
    [
        ({"statement": "Yes.", "answered_on": "2026-12-09"}, True),
        ({"statement": "Yes.", "answered_on": "2026-12-10"}, False),  # the meeting day
        ({"statement": "Yes."}, True),  # no date: taken as in time
        ({"requested_on": "2026-12-01"}, False),  # asked, no answer yet
        ({"requested_on": "2026-12-10", "not_heard_code": "council_declined"}, True),
        ({"not_heard_code": "no_time"}, False),
        ({"not_heard_code": "other"}, False),
        ({"not_heard_code": "other", "not_heard_reason": "Term ended."}, True),
        ({"not_heard_reason": "Term ended."}, False),  # free text only
        # A late statement beside the statutory deadline that could not wait for it.
        (
            {
                "statement": "No.",
                "answered_on": "2026-12-11",
                "not_heard_code": "urgent_statutory_deadline",
                "not_heard_reason": "The decree's deadline was 1.12.",
            },
            True,
        ),
    ],
)
def test_what_counts_as_heard(hearing, heard):
    h = Hearing(council="older_people_council", **hearing)
    assert counts_as_heard(h, IVA, MEETING) is heard


def test_lateness_names_the_day_that_made_it_late():
    h = Hearing(council="x", requested_on="2026-11-01", answered_on="2026-12-12", statement="a")
    assert late(h, MEETING) == date(2026, 12, 12)
    assert late(h, None) is None
    assert late(Hearing(council="x", requested_on="2026-12-11"), MEETING) == date(2026, 12, 11)


def test_who_is_called_for_follows_the_organisation_type():
    county = OrgSettings(kind="wellbeing_county", bilingual=True, minority_language="sv")
    municipality = OrgSettings(kind="municipality", bilingual=True, minority_language="sv")
    assert councils_for_group(IVA, "swedish_speakers", county) == ["national_language_committee"]
    assert councils_for_group(IVA, "swedish_speakers", municipality) == []
    assert councils_for_group(IVA, "sami", municipality) == ["sami_parliament"]
    assert councils_for_group(IVA, "homeless", municipality) == ["ngos_heard"]
    data = AssessmentData.load(
        {"screening": {"level": "light", "answers": {"s_service_network": "unknown"}}}
    )
    assert set(councils_for_screening(IVA, data, county)) == {
        "municipalities_heard",
        "client_panel",
    }
    assert set(councils_for_screening(IVA, data, municipality)) == {"client_panel"}
    none = AssessmentData.load(
        {"screening": {"level": "none", "answers": {"s_service_network": "yes"}}}
    )
    assert councils_for_screening(IVA, none, county) == {}
