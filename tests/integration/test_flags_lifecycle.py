"""Flags in the life of an assessment: stored on save, resolved, acknowledged, cumulative."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Decision, NegativeEffect
from assess.operations import Conflict, Forbidden, NotFound, ValidationFailed
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import flags as flag_ops
from assess.workflow import TransitionBlocked
from tests.support import (
    acknowledge_high,
    prepared,
    to_review,
    user,
)


def step(who, a, trigger, comment=""):
    return ops.fire(user(who), a, trigger, comment=comment, expected_version=a.version)


def stored(a, rule=None):
    return [f for f in (a.data or {}).get("flags") or [] if rule in (None, f["rule"])]


def events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


def cell(a, **kw):
    value = {
        "alternative": "proposal",
        "group": "older_people",
        "dimension": "access_to_services",
        "direction": "negative",
        "magnitude": "moderate",
        "likelihood": "likely",
        "rationale": "Longer trips.",
        "evidence": "Statistics",
        "mitigation": "A service bus.",
        **kw,
    }
    answer_ops.save_cell(user("preparer"), a, value, expected_version=a.version)


@pytest.fixture
def in_review(ctx):
    a = to_review(user("preparer"), db.session.get(Decision, 1))
    return a


@pytest.fixture
def in_assessment(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    return a


def test_flags_are_stored_on_save_with_texts_in_every_language(in_assessment):
    a = in_assessment
    [serious] = [f for f in stored(a, "serious_negative_effect") if f["group"] == "older_people"]
    assert serious["status"] == "open" and serious["severity"] == "high"
    assert serious["dimension"] == "access_to_services" and serious["alternative"] == "proposal"
    assert set(serious["message"]) == {"fi", "sv", "en"}
    assert "vulnerable group" in serious["message"]["en"]
    assert serious["message"]["fi"] != serious["message"]["en"]
    assert serious["resolve"]["sv"]


def test_a_flag_that_no_longer_applies_resolves_itself_and_the_history_says_so(in_assessment):
    a = in_assessment
    cell(a, mitigation="")
    [missing] = stored(a, "missing_mitigation")
    assert missing["status"] == "open"
    appeared = ops.history(a)[-1]
    assert any(
        c["field"] == f"flags.{missing['id']}" and c["new"] == "open" for c in appeared.changes
    )
    cell(a, mitigation="A service bus twice a week.")
    [missing] = stored(a, "missing_mitigation")
    assert missing["status"] == "resolved"
    went = ops.history(a)[-1].changes
    assert {"field": f"flags.{missing['id']}", "old": "open", "new": "resolved"}.items() <= next(
        c for c in went if c["field"].startswith("flags.")
    ).items()


def test_approval_is_blocked_by_open_high_flags_and_lists_them(in_review):
    a = in_review
    high = [f for f in stored(a) if f["severity"] == "high" and f["status"] == "open"]
    assert high
    with pytest.raises(TransitionBlocked) as blocked:
        step("reviewer", a, "approve")
    reasons = [str(r) for r in blocked.value.reasons]
    for f in high:
        assert any(f["message"]["en"] in r for r in reasons)
    assert acknowledge_high(user("reviewer"), a)
    step("reviewer", a, "approve")
    assert a.state == "approved"


def test_acknowledging_needs_a_comment_and_changes_nothing_without_one(in_review):
    a = in_review
    flag = next(f for f in stored(a) if f["severity"] == "high")
    before = (a.version, events())
    for comment in ("", "   ", "x" * 2001):
        with pytest.raises(ValidationFailed) as refused:
            flag_ops.acknowledge(
                user("reviewer"), a, flag["id"], comment, expected_version=a.version
            )
        assert "comment" in refused.value.errors
    assert (a.version, events()) == before


def test_acknowledging_is_audited_with_the_comment(in_review):
    a = in_review
    flag = next(f for f in stored(a) if f["severity"] == "high")
    flag_ops.acknowledge(
        user("reviewer"), a, flag["id"], "Weighed against the costs.", expected_version=a.version
    )
    [now] = [f for f in stored(a) if f["id"] == flag["id"]]
    assert now["status"] == "acknowledged"
    assert now["acknowledged"]["comment"] == "Weighed against the costs."
    assert now["acknowledged"]["name"] == user("reviewer").name
    event = ops.history(a)[-1]
    assert event.action == "assessment.flag_acknowledged"
    assert event.changes[0]["comment"] == "Weighed against the costs."
    assert event.changes[0]["message"] == flag["message"]


@pytest.mark.parametrize(
    "who, flag_id, error",
    [
        ("preparer", None, Forbidden),  # not a reviewer
        ("reviewer", "nosuchflag00", NotFound),
    ],
)
def test_acknowledging_refuses_with_a_reason(in_review, who, flag_id, error):
    a = in_review
    flag_id = flag_id or stored(a)[0]["id"]
    before = (a.version, events())
    with pytest.raises(error):
        flag_ops.acknowledge(user(who), a, flag_id, "ok", expected_version=a.version)
    assert (a.version, events()) == before


def test_acknowledging_only_in_review_and_not_twice(in_assessment):
    a = in_assessment
    flag = stored(a)[0]
    with pytest.raises(Conflict):
        flag_ops.acknowledge(user("reviewer"), a, flag["id"], "ok", expected_version=a.version)
    step("preparer", a, "submit")
    flag_ops.acknowledge(user("reviewer"), a, flag["id"], "ok", expected_version=a.version)
    with pytest.raises(Conflict) as twice:
        flag_ops.acknowledge(user("reviewer"), a, flag["id"], "ok", expected_version=a.version)
    assert user("reviewer").name in str(twice.value)


def test_a_stale_acknowledgement_is_refused(in_review):
    a = in_review
    flag = stored(a)[0]
    with pytest.raises(Conflict):
        flag_ops.acknowledge(user("reviewer"), a, flag["id"], "ok", expected_version=a.version - 1)


def test_an_acknowledgement_survives_while_the_same_flag_applies_and_goes_with_it(in_review):
    a = in_review
    acknowledge_high(user("reviewer"), a)
    step("reviewer", a, "return_for_revision", "Please add a source.")
    # An unrelated change: the acknowledged flags still apply, so they stay acknowledged.
    sources = [{"title": "Survey 2026", "kind": "research"}]
    answer_ops.save_section(
        user("preparer"),
        a,
        "evidence",
        {"answers": {"sources": sources}},
        expected_version=a.version,
    )
    serious = [f for f in stored(a, "serious_negative_effect") if f["group"] == "older_people"]
    assert serious[0]["status"] == "acknowledged"
    # The effect becomes small: the flag no longer applies, and the acknowledgement goes.
    cell(a, magnitude="small")
    assert stored(a, "serious_negative_effect")[0]["status"] == "resolved"
    assert "acknowledged" not in stored(a, "serious_negative_effect")[0]
    # Back to moderate: the flag is open again and needs a new acknowledgement.
    cell(a, magnitude="moderate")
    assert stored(a, "serious_negative_effect")[0]["status"] == "open"


def test_the_approved_revision_keeps_the_flags_and_acknowledgements(in_review):
    a = in_review
    acknowledge_high(user("reviewer"), a, comment="Known and accepted.")
    step("reviewer", a, "approve")
    snapshot = a.revisions[-1].snapshot
    acked = [f for f in snapshot["data"]["flags"] if f["status"] == "acknowledged"]
    assert acked and all(f["acknowledged"]["comment"] == "Known and accepted." for f in acked)


# --- the cumulative rule across assessments -----------------------------------------------


def approved_on(day: date, monkeypatch, case_number: str, group="older_people"):
    """An assessment with a negative effect on ``group``, approved on ``day``."""
    monkeypatch.setattr(flag_ops, "today", lambda: day)
    d = decision_ops.create_decision(
        user("preparer"),
        case_number=case_number,
        title=f"Decision {case_number}",
        language="fi",
        body_id=1,
        proposal="",
    )
    a = to_review(user("preparer"), d)
    acknowledge_high(user("reviewer"), a)
    step("reviewer", a, "approve")
    return a


def test_approval_records_the_negative_effects_and_reopening_forgets_them(ctx, monkeypatch):
    a = approved_on(date(2026, 11, 1), monkeypatch, "T/1")
    rows = db.session.scalars(
        select(NegativeEffect).where(NegativeEffect.assessment_id == a.id)
    ).all()
    assert {(r.group_id, r.dimension_id, r.magnitude, r.approved_on) for r in rows} == {
        ("older_people", "access_to_services", "moderate", date(2026, 11, 1)),
        ("rural_residents", "access_to_services", "moderate", date(2026, 11, 1)),
    }
    step("reviewer", a, "reopen", "The proposal changed.")
    assert not db.session.scalars(
        select(NegativeEffect).where(NegativeEffect.assessment_id == a.id)
    ).all()


@pytest.mark.parametrize(
    "ages, fires",
    [
        ((10, 365), True),  # 365 days old is the window's last day
        ((10, 366), False),  # 366 days old does not count
        ((10,), False),  # one other is not enough (at least two)
        ((0, 1), True),
    ],
)
def test_cumulative_burden_across_assessments_and_its_window(ctx, monkeypatch, ages, fires):
    today = date(2026, 11, 23)
    for i, age in enumerate(ages):
        approved_on(today - timedelta(days=age), monkeypatch, f"C/{i}")
    monkeypatch.setattr(flag_ops, "today", lambda: today)
    d = decision_ops.create_decision(
        user("preparer"), case_number="NEW/1", title="New", language="fi", body_id=1, proposal=""
    )
    a = prepared(user("preparer"), d)
    cumulative = [f for f in stored(a, "cumulative_burden") if f["status"] == "open"]
    groups = {f["group"] for f in cumulative}
    assert (groups == {"older_people", "rural_residents"}) is fires
    if fires:
        text = next(f for f in cumulative if f["group"] == "older_people")["message"]["en"]
        assert "C/0" in text and "C/1" in text


def test_cumulative_view_adds_up_per_group(ctx, monkeypatch):
    today = date(2026, 11, 23)
    approved_on(today - timedelta(days=400), monkeypatch, "OLD/1")
    approved_on(today - timedelta(days=3), monkeypatch, "A/1")
    approved_on(today - timedelta(days=2), monkeypatch, "A/2")
    window, first, burdens = flag_ops.cumulative(user("auditor"), on=today)
    assert (window, first) == (365, today - timedelta(days=365))
    by_group = {b.group: b for b in burdens}
    assert [d["case_number"] for d in by_group["older_people"].decisions] == ["A/2", "A/1"]
    assert by_group["older_people"].magnitudes == {"moderate": 2}
    assert by_group["older_people"].count == 2
    [effects] = {tuple(d["effects"]) for d in by_group["older_people"].decisions}
    assert effects == (("access_to_services", "moderate"),)
    # The page lists the most recent per group; one group's view lists them all.
    _, _, short = flag_ops.cumulative(user("auditor"), on=today, limit=1)
    assert [(b.count, len(b.decisions)) for b in short] == [(2, 1), (2, 1)]
    _, _, one = flag_ops.cumulative(user("auditor"), on=today, group="rural_residents", limit=1)
    assert [(b.group, len(b.decisions)) for b in one] == [("rural_residents", 2)]
    with pytest.raises(Forbidden):
        flag_ops.cumulative(user("preparer"))


def test_the_organisations_thresholds_override_the_forms(ctx):
    from assess.questionnaire.organisation import OrgSettings

    org = user("admin").organisation
    form = answer_ops.forms().latest("iva")
    assert OrgSettings.of(org).threshold(form, "cumulative_window_days") == 365
    from assess.operations import organisations as org_ops

    settings = OrgSettings.of(org)
    common = dict(
        bilingual=org.bilingual,
        minority_language=org.minority_language,
        groups_used=[g.id for g in form.groups],
        exempt_categories=[],
        investment_threshold_eur=settings.investment_threshold_eur,
    )
    with pytest.raises(ValidationFailed) as refused:
        org_ops.update_settings(
            user("admin"), org, form, **common, flag_thresholds={"late_days": "soon"}
        )
    assert "late_days" in refused.value.errors
    assert "0 to 365" in str(refused.value)
    org_ops.update_settings(
        user("admin"),
        org,
        form,
        **common,
        flag_thresholds={"cumulative_window_days": 180, "late_days": None},
    )
    assert OrgSettings.of(org).threshold(form, "cumulative_window_days") == 180
    assert OrgSettings.of(org).threshold(form, "late_days") == 14
