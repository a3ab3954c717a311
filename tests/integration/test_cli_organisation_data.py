"""`flask --app wsgi bodies ...` and `decision-types ...` (issue 17): audited changes, and
bad input refused with the message, a non-zero exit and nothing stored."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Body, DecisionType, Organisation


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def stored(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Body, DecisionType, AuditEvent)
        )


def audit(app, object_type):
    with app.app_context():
        return [
            (e.action, e.actor_type, e.actor_name, e.organisation_id)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.object_type == object_type)
                .order_by(AuditEvent.id)
            )
        ]


def test_bodies_list_add_rename_retire(demo):
    listed = run(demo, "bodies", "list")
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines()[0] == (
        "executive_board\texecutive_board\tactive\tAluehallitus\tVälfärdsområdesstyrelsen"
    )
    added = run(
        demo, "bodies", "add", "council", "--kind", "council",
        "--name-fi", "Aluevaltuusto", "--name-sv", "Välfärdsområdesfullmäktige",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    renamed = run(demo, "bodies", "rename", "council", "--name-fi", "Valtuusto")
    assert renamed.exit_code == 0, renamed.output
    retired = run(demo, "bodies", "retire", "council", "--as", "admin@demo.example")
    assert retired.exit_code == 0 and "is retired" in retired.output
    again = run(demo, "bodies", "retire", "council", "--undo")
    assert again.exit_code == 0 and "is active" in again.output
    assert audit(demo, "body") == [
        ("body.created", "system", "system", 1),
        ("body.updated", "system", "system", 1),
        ("body.retired", "user", "Anders Holm", 1),
        ("body.reactivated", "system", "system", 1),
    ]
    assert "council\tcouncil\tactive\tValtuusto" in run(demo, "bodies", "list").output


@pytest.mark.parametrize(
    "args, code, message",
    [
        (["add", "executive_board", "--kind", "board", "--name-fi", "X", "--name-sv", "Y"], 1,
         "Error: key: The key executive_board is already used by the body Aluehallitus"),
        (["add", "Iso", "--kind", "board", "--name-fi", "X", "--name-sv", "Y"], 1,
         "Error: key: The key 'Iso' is not valid"),
        (["add", "x", "--kind", "board", "--name-fi", "X", "--name-sv", " "], 1,
         "Error: name-sv: Enter the name in Swedish."),
        (["add", "x", "--kind", "senate", "--name-fi", "X", "--name-sv", "Y"], 2,
         "'senate' is not one of"),
        (["rename", "executive_board"], 2, "say what to change"),
        (["rename", "senate", "--name-fi", "X"], 2,
         "there is no body with the key 'senate'; the bodies are: executive_board"),
        (["retire", "executive_board", "--as", "preparer@demo.example"], 2,
         "is not an administrator"),
        (["list", "--organisation", "9"], 2, "no organisation has id 9"),
    ],
)  # fmt: skip
def test_bad_body_input_is_refused_and_stores_nothing(demo, args, code, message):
    before = stored(demo)
    result = run(demo, "bodies", *args)
    assert result.exit_code == code, result.output
    assert message in result.output
    assert stored(demo) == before


def test_decision_types_list_add_rename_retire(demo):
    assert run(demo, "decision-types", "list").output == ""
    added = run(
        demo, "decision-types", "add", "procurement", "--name-fi", "Hankinta",
        "--name-sv", "Upphandling", "--name-en", "Procurement", "--task-class", "02.07.00",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    renamed = run(demo, "decision-types", "rename", "procurement", "--task-class", "")
    assert renamed.exit_code == 0, renamed.output
    retired = run(demo, "decision-types", "retire", "procurement")
    assert retired.exit_code == 0, retired.output
    assert run(demo, "decision-types", "list").output == (
        "procurement\t-\tretired\tHankinta\tUpphandling\tProcurement\n"
    )
    assert [a for a, *_ in audit(demo, "decision_type")] == [
        "decision_type.created",
        "decision_type.updated",
        "decision_type.retired",
    ]


def test_bad_decision_type_input_names_every_problem(demo):
    before = stored(demo)
    result = run(
        demo, "decision-types", "add", "hankinta ja osto", "--name-fi", "Hankinta",
        "--name-sv", "", "--name-en", "Procurement", "--task-class", "hallinto",
    )  # fmt: skip
    assert result.exit_code == 1
    for line in (
        "Error: key: The key 'hankinta ja osto' is not valid",
        "Error: name-sv: Enter the name in Swedish.",
        "Error: task-class: The task class 'hallinto' is not a code",
        "Nothing was stored.",
    ):
        assert line in result.output
    assert stored(demo) == before


def test_with_several_organisations_the_organisation_must_be_named(demo):
    with demo.app_context():
        db.session.add(Organisation(name_fi="Toinen", name_sv="Annan"))
        db.session.commit()
    result = run(demo, "decision-types", "list")
    assert result.exit_code == 2 and "--organisation" in result.output
    added = run(
        demo, "bodies", "add", "executive_board", "--kind", "executive_board",
        "--name-fi", "Kunnanhallitus", "--name-sv", "Kommunstyrelsen", "--organisation", "2",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert audit(demo, "body")[-1][-1] == 2
    refused = run(
        demo, "bodies", "retire", "executive_board", "--organisation", "2",
        "--as", "admin@demo.example",
    )  # fmt: skip
    assert refused.exit_code == 2 and "is not an administrator of Toinen" in refused.output
