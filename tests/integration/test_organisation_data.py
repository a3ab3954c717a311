"""Bodies and decision types (issue 17): created, renamed, retired and reactivated by admins,
every change audited with its fields; a refused change stores nothing; a decision carries
its type (required once the organisation has any) and its amount."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Body, Decision, DecisionType, Organisation
from assess.operations import Forbidden, ValidationFailed
from assess.operations import decisions as decision_ops
from assess.operations import organisation_data as ops
from tests.support import user

TYPE = {
    "key": "procurement",
    "name_fi": "Hankinta",
    "name_sv": "Upphandling",
    "name_en": "Procurement",
    "task_class": "02.07.00",
}


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def events(object_type: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == object_type).order_by(AuditEvent.id)
        )
    )


def changed(event: AuditEvent) -> dict:
    return {c["field"]: (c["old"], c["new"]) for c in event.changes}


def decision_data(**kw):
    return {
        "case_number": "KPHA/1/2027",
        "title": "Hankinta",
        "language": "fi",
        "body_id": 1,
        "proposal": "",
        **kw,
    }


# --- the demo --------------------------------------------------------------------------


def test_the_demo_bodies_have_keys_and_kinds_and_the_organisation_a_type(ctx):
    org = db.session.get(Organisation, 1)
    assert org.kind == "wellbeing_county"
    assert [(b.key, b.kind, b.active) for b in org.bodies] == [
        ("executive_board", "executive_board", True),
        ("wellbeing_committee", "committee", True),
        ("rescue_committee", "committee", True),
    ]


# --- bodies ----------------------------------------------------------------------------


def test_an_admin_creates_renames_retires_and_reactivates_a_body(ctx):
    admin = user("admin")
    body = ops.create_body(
        admin, key="council", kind="council", name_fi="Aluevaltuusto", name_sv="Välfärdsfullm."
    )
    assert (body.key, body.kind, body.active, body.organisation_id) == (
        "council",
        "council",
        True,
        1,
    )
    ops.update_body(admin, body, name_sv="Välfärdsområdesfullmäktige")
    ops.retire_body(admin, body)
    assert body.active is False
    ops.reactivate_body(admin, body)
    assert body.active is True

    created, renamed, retired, reactivated = events("body")
    assert created.action == "body.created" and created.object_id == body.id
    assert changed(created)["key"] == (None, "council")
    assert changed(created)["kind"] == (None, "council")
    assert changed(renamed) == {"name_sv": ("Välfärdsfullm.", "Välfärdsområdesfullmäktige")}
    assert (retired.action, changed(retired)) == ("body.retired", {"active": (True, False)})
    assert (reactivated.action, changed(reactivated)) == (
        "body.reactivated",
        {"active": (False, True)},
    )
    assert created.actor_id == admin.id and created.organisation_id == 1


def test_a_change_that_changes_nothing_is_not_audited(ctx):
    body = db.session.get(Body, 1)
    ops.update_body(user("admin"), body, name_fi=body.name_fi, kind=body.kind)
    ops.reactivate_body(user("admin"), body)
    assert events("body") == []


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"key": "executive_board"}, "key", "already used by the body Aluehallitus"),
        ({"key": "Hallitus"}, "key", "is not valid"),
        ({"key": "2nd"}, "key", "beginning with a letter"),
        ({"key": ""}, "key", "Enter a key"),
        ({"kind": "parliament"}, "kind", "not a valid choice"),
        ({"name_sv": ""}, "name_sv", "Enter the name in Swedish."),
        ({"name_fi": "  "}, "name_fi", "Enter the name in Finnish."),
        ({"name_fi": "x" * 201}, "name_fi", "At most 200 characters"),
    ],
)
def test_a_refused_body_stores_nothing(ctx, data, field, words):
    before = count(Body), count(AuditEvent)
    good = {"key": "audit_committee", "kind": "committee", "name_fi": "T", "name_sv": "R"}
    with pytest.raises(ValidationFailed) as err:
        ops.create_body(user("admin"), **{**good, **data})
    assert list(err.value.errors) == [field]
    assert words in str(err.value.errors[field][0])
    db.session.rollback()
    assert (count(Body), count(AuditEvent)) == before


def test_the_refusals_are_in_finnish_and_swedish(ctx):
    from flask_babel import force_locale

    with pytest.raises(ValidationFailed) as err:
        ops.create_body(user("admin"), key="Bad Key", kind="board", name_fi="", name_sv="")
    texts = {}
    for language in ("fi", "sv", "en"):
        with force_locale(language):
            texts[language] = [str(m) for msgs in err.value.errors.values() for m in msgs]
    assert "Anna nimi ruotsiksi." in texts["fi"]
    assert "Ange namnet på svenska." in texts["sv"]
    assert any("Tunniste 'Bad Key' ei kelpaa" in t for t in texts["fi"])
    assert len({tuple(t) for t in texts.values()}) == 3


def test_only_admins_manage_bodies_and_types(ctx):
    before = count(Body), count(DecisionType), count(AuditEvent)
    for role in ("preparer", "reviewer", "secretary", "auditor"):
        with pytest.raises(Forbidden):
            ops.create_body(user(role), key="x", kind="board", name_fi="X", name_sv="X")
        with pytest.raises(Forbidden):
            ops.retire_body(user(role), db.session.get(Body, 1))
        with pytest.raises(Forbidden):
            ops.create_decision_type(user(role), **TYPE)
    assert db.session.get(Body, 1).active is True
    assert (count(Body), count(DecisionType), count(AuditEvent)) == before


def test_a_body_key_is_unique_per_organisation_not_everywhere(ctx):
    from assess.operations.users import create_user

    other = Organisation(name_fi="Toinen kunta", name_sv="Annan kommun")
    db.session.add(other)
    db.session.commit()
    other_admin = create_user(
        organisation=other,
        email="admin@toinen.example",
        name="Olli Muu",
        roles=["admin"],
        password="harmaa-kivi-joki-2026",
    )
    body = ops.create_body(
        other_admin,
        key="executive_board",
        kind="executive_board",
        name_fi="Kunnanhallitus",
        name_sv="Kommunstyrelsen",
    )
    assert body.organisation_id == other.id
    # Another organisation's admin cannot touch ours.
    with pytest.raises(Forbidden):
        ops.retire_body(other_admin, db.session.get(Body, 1))
    assert ops.body_by_key(other.id, "executive_board") is body
    assert ops.body_by_key(1, "executive_board").id == 1


def test_a_body_changes_all_or_nothing(ctx):
    body = db.session.get(Body, 1)
    with pytest.raises(ValidationFailed):
        ops.change_body(user("admin"), body, active=False, name_fi="")
    db.session.rollback()
    assert (body.name_fi, body.active) == ("Aluehallitus", True)
    assert events("body") == []


# --- decision types --------------------------------------------------------------------


def test_an_admin_creates_renames_retires_and_reactivates_a_decision_type(ctx):
    admin = user("admin")
    t = ops.create_decision_type(admin, **TYPE)
    assert ops.decision_type_by_key(1, "procurement") is t
    assert (t.name("fi"), t.name("sv"), t.name("en")) == ("Hankinta", "Upphandling", "Procurement")
    ops.update_decision_type(admin, t, name_en="Procurement of goods", task_class="")
    ops.retire_decision_type(admin, t)
    ops.reactivate_decision_type(admin, t)
    created, updated, retired, reactivated = events("decision_type")
    assert changed(created) == {
        "key": (None, "procurement"),
        "name_fi": (None, "Hankinta"),
        "name_sv": (None, "Upphandling"),
        "name_en": (None, "Procurement"),
        "task_class": (None, "02.07.00"),
        "active": (None, True),
    }
    assert changed(updated) == {
        "name_en": ("Procurement", "Procurement of goods"),
        "task_class": ("02.07.00", None),
    }
    assert [e.action for e in (retired, reactivated)] == [
        "decision_type.retired",
        "decision_type.reactivated",
    ]


@pytest.mark.parametrize(
    "data, field, words",
    [
        ({"key": "procurement"}, "key", "already used by the decision type Hankinta"),
        ({"key": "hankinta ja osto"}, "key", "is not valid"),
        ({"name_sv": None}, "name_sv", "Enter the name in Swedish."),
        ({"name_en": ""}, "name_en", "Enter the name in English."),
        ({"task_class": "hallinto"}, "task_class", "for example 05.01.00"),
    ],
)
def test_a_refused_decision_type_stores_nothing(ctx, data, field, words):
    ops.create_decision_type(user("admin"), **TYPE)
    before = count(DecisionType), count(AuditEvent)
    good = {**TYPE, "key": "investment"}
    with pytest.raises(ValidationFailed) as err:
        ops.create_decision_type(user("admin"), **{**good, **data})
    assert list(err.value.errors) == [field]
    assert words in str(err.value.errors[field][0])
    db.session.rollback()
    assert (count(DecisionType), count(AuditEvent)) == before


def test_a_renamed_type_refuses_a_missing_name_and_keeps_its_key(ctx):
    t = ops.create_decision_type(user("admin"), **TYPE)
    with pytest.raises(ValidationFailed) as err:
        ops.update_decision_type(user("admin"), t, name_sv="", key="other")
    assert set(err.value.errors) == {"name_sv", "key"}
    db.session.rollback()
    assert (t.key, t.name_sv) == ("procurement", "Upphandling")


# --- the decision's type and amount -----------------------------------------------------


def test_an_organisation_without_types_needs_none(ctx):
    d = decision_ops.create_decision(user("preparer"), **decision_data())
    assert d.decision_type is None and d.amount_eur is None


def test_a_decision_has_a_type_and_an_amount_audited(ctx):
    ops.create_decision_type(user("admin"), **TYPE)
    d = decision_ops.create_decision(
        user("preparer"), **decision_data(decision_type="procurement", amount_eur="150 000")
    )
    assert (d.decision_type.key, d.amount_eur) == ("procurement", 150_000)
    created = events("decision")[-1]
    assert changed(created)["decision_type"] == (None, "procurement")
    assert changed(created)["amount_eur"] == (None, 150_000)
    decision_ops.update_decision(
        user("preparer"),
        d,
        expected_version=d.version,
        **decision_data(decision_type="procurement", amount_eur=80_000),
    )
    assert changed(events("decision")[-1]) == {"amount_eur": (150_000, 80_000)}


def test_once_there_are_types_a_new_decision_must_have_one(ctx):
    ops.create_decision_type(user("admin"), **TYPE)
    before = count(Decision), count(AuditEvent)
    with pytest.raises(ValidationFailed) as err:
        decision_ops.create_decision(user("preparer"), **decision_data())
    assert str(err.value.errors["decision_type"][0]) == (
        "Choose the decision type, one of: procurement."
    )
    with pytest.raises(ValidationFailed) as err:
        decision_ops.create_decision(user("preparer"), **decision_data(decision_type="purchase"))
    assert "'purchase' is not one of your organisation's decision types" in str(
        err.value.errors["decision_type"][0]
    )
    db.session.rollback()
    assert (count(Decision), count(AuditEvent)) == before


@pytest.mark.parametrize("amount", [-1, "-5", "12,5", "1.5", True, 10**13, "lots"])
def test_a_bad_amount_is_refused(ctx, amount):
    before = count(Decision)
    with pytest.raises(ValidationFailed) as err:
        decision_ops.create_decision(user("preparer"), **decision_data(amount_eur=amount))
    assert "whole euros" in str(err.value.errors["amount_eur"][0])
    db.session.rollback()
    assert count(Decision) == before


def test_a_retired_type_or_body_stays_on_old_decisions_only(ctx):
    admin, preparer = user("admin"), user("preparer")
    t = ops.create_decision_type(admin, **TYPE)
    ops.create_decision_type(admin, **{**TYPE, "key": "strategy", "name_fi": "Strategia"})
    old = decision_ops.create_decision(preparer, **decision_data(decision_type="procurement"))
    ops.retire_decision_type(admin, t)
    ops.retire_body(admin, db.session.get(Body, 1))
    # The old decision keeps both and can still be edited.
    decision_ops.update_decision(
        preparer,
        old,
        expected_version=old.version,
        **decision_data(decision_type="procurement", title="Hankinta 2"),
    )
    assert (old.title, old.decision_type.key, old.body_id) == ("Hankinta 2", "procurement", 1)
    # A new one can have neither.
    with pytest.raises(ValidationFailed) as err:
        decision_ops.create_decision(
            preparer, **decision_data(case_number="X/2", decision_type="procurement")
        )
    assert set(err.value.errors) == {"decision_type", "body_id"}
    assert "retired" in str(err.value.errors["decision_type"][0])
    assert "strategy" in str(err.value.errors["decision_type"][0])
    assert "retired" in str(err.value.errors["body_id"][0])
    db.session.rollback()
    # Nor can another decision be moved onto them.
    other = db.session.scalars(select(Decision).where(Decision.body_id == 2)).first()
    with pytest.raises(ValidationFailed):
        decision_ops.update_decision(
            preparer,
            other,
            expected_version=other.version,
            **decision_data(case_number=other.case_number, decision_type="procurement", body_id=2),
        )


def test_the_organisation_type_is_set_in_the_settings_and_audited(ctx):
    from assess.operations import answers as answer_ops
    from assess.operations import organisations as org_ops

    org = db.session.get(Organisation, 1)
    form = answer_ops.forms().latest("iva")
    common = {
        "bilingual": True,
        "minority_language": "sv",
        "groups_used": [g.id for g in form.groups],
        "exempt_categories": [],
        "investment_threshold_eur": 100000,
    }
    with pytest.raises(ValidationFailed) as err:
        org_ops.update_settings(user("admin"), org, form, kind="city", **common)
    assert list(err.value.errors) == ["kind"]
    db.session.rollback()
    org_ops.update_settings(user("admin"), org, form, kind="joint_authority", **common)
    assert org.kind == "joint_authority"
    event = events("organisation")[-1]
    assert changed(event)["kind"] == ("wellbeing_county", "joint_authority")
