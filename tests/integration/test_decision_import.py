"""All the organisation's decisions come in (issue 22): the CSV import's dry run, every kind of
bad row named by line and column, idempotency, the bulk endpoint all or nothing, 1,001
items refused, the decisions' required level kept."""

from datetime import date

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Decision, User

ADMIN = "admin@demo.example"
HEADER = "case_number;title;body;decision_type;meeting_date;outcome;language"


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def counts(app):
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Decision)),
            db.session.scalar(select(func.count()).select_from(AuditEvent)),
        )


def imported(app, tmp_path, text, *extra, name="decisions.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return run(app, "decisions", "import", str(path), "--as", ADMIN, *extra)


@pytest.fixture
def policy_demo(demo):
    """The demo with its policy, in force from today: the decisions here meet in 2027."""
    from assess.operations.demo_policy import load_demo_policy

    with demo.app_context():
        load_demo_policy()
    return demo


GOOD = "\n".join(
    [
        HEADER,
        "KPHA/1/2026;Palveluverkon muutos;executive_board;service_network_change;"
        "3.2.2027;approved;fi",
        "KPHA/2/2026;Maksujen muutos;wellbeing_committee;fee_change;2027-03-10;;fi",
        'KPHA/3/2026;"Viranhaku; sijaisuus";executive_board;filling_post;10.3.2027;'
        "approved_amended;fi",
    ]
)


def test_dry_run_then_import_then_again_changes_nothing(policy_demo, tmp_path):
    before = counts(policy_demo)
    dry = imported(policy_demo, tmp_path, GOOD, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Dry run, nothing stored. 3 rows: would create 3, update 0" in dry.output
    assert counts(policy_demo) == before

    done = imported(policy_demo, tmp_path, GOOD)
    assert done.exit_code == 0, done.output
    assert "Imported 3 rows: 3 created, 0 updated, 0 unchanged." in done.output
    with policy_demo.app_context():
        rows = {
            d.case_number: d
            for d in db.session.scalars(select(Decision).where(Decision.source == "imported"))
        }
        assert set(rows) == {"KPHA/1/2026", "KPHA/2/2026", "KPHA/3/2026"}
        first = rows["KPHA/1/2026"]
        assert (first.meeting_date, first.outcome, first.body.key) == (
            date(2027, 2, 3),
            "approved",
            "executive_board",
        )
        assert first.imported_at is not None and first.preparer.email == ADMIN
        # The policy asks a full assessment of a service network change, light of a fee
        # change, none of filling a post.
        assert [rows[n].required_level for n in sorted(rows)] == ["full", "light", "none"]
        assert rows["KPHA/3/2026"].title == "Viranhaku; sijaisuus"
        assert rows["KPHA/2/2026"].outcome is None
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.id > before[1]).order_by(AuditEvent.id)
        ).all()
        assert actions == ["decision.created"] * 3 + ["decisions.imported"]
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "decisions.imported")
        ).one()
        assert {c["field"]: c["new"] for c in event.changes} == {
            "created": 3,
            "updated": 0,
            "unchanged": 0,
            "kept": 0,
            "via": "csv",
        }

    after = counts(policy_demo)
    again = imported(policy_demo, tmp_path, GOOD)
    assert again.exit_code == 0, again.output
    assert "0 created, 0 updated, 3 unchanged" in again.output
    # Only the import's own event: no decision changed.
    assert counts(policy_demo) == (after[0], after[1] + 1)


def test_an_update_takes_the_outcome_and_keeps_what_an_assessment_weighed(policy_demo, tmp_path):
    assert imported(policy_demo, tmp_path, GOOD).exit_code == 0
    changed = GOOD.replace("2027-03-10;;fi", "2027-03-10;returned;fi").replace(
        "Palveluverkon muutos", "Palveluverkon muutos 2"
    )
    # A decision entered in the product: its title stays, its meeting and outcome come in.
    entered = (
        "KPHA/412/2026;Toinen otsikko;executive_board;service_network_change;1.12.2027;tabled;fi"
    )
    done = imported(policy_demo, tmp_path, changed + "\n" + entered)
    assert done.exit_code == 0, done.output
    assert "0 created, 3 updated, 1 unchanged" in done.output
    assert "kept as they are here" in done.output and "KPHA/412/2026" in done.output
    with policy_demo.app_context():
        by = {d.case_number: d for d in db.session.scalars(select(Decision))}
        assert by["KPHA/1/2026"].title == "Palveluverkon muutos 2"
        assert by["KPHA/2/2026"].outcome == "returned"
        assert by["KPHA/412/2026"].title != "Toinen otsikko"
        assert (by["KPHA/412/2026"].meeting_date, by["KPHA/412/2026"].outcome) == (
            date(2027, 12, 1),
            "tabled",
        )
        assert by["KPHA/412/2026"].source == "entered"


@pytest.mark.parametrize(
    "row, message",
    [
        (
            "KPHA/9/2026;Otsikko;executive_board;fee_change;31.2.2027;approved;fi",
            "line 3, column meeting_date: '31.2.2027' is not a date; write it as 2026-02-28 "
            "or 28.2.2026.",
        ),
        (
            "KPHA/9/2026;Otsikko;executive_board;fee_change;2027-02-30;approved;fi",
            "line 3, column meeting_date: '2027-02-30' is not a date",
        ),
        (
            "KPHA/9/2026;Otsikko;council;fee_change;1.2.2027;approved;fi",
            "line 3, column body: 'council' is not one of your organisation's bodies; use one "
            "of: executive_board, wellbeing_committee, rescue_committee.",
        ),
        (
            "KPHA/9/2026;Otsikko;executive_board;lunch;1.2.2027;approved;fi",
            "line 3, column decision_type: 'lunch' is not one of your organisation's decision "
            "types",
        ),
        (
            "KPHA/9/2026;Otsikko;executive_board;;1.2.2027;approved;fi",
            "line 3, column decision_type: Give the decision type, one of:",
        ),
        (
            "KPHA/9/2026;Otsikko;executive_board;fee_change;1.2.2027;accepted;fi",
            "line 3, column outcome: 'accepted' is not an outcome; write one of: approved, "
            "approved_amended, returned, tabled, rejected, or leave it empty.",
        ),
        (
            "KPHA/9/2026;Otsikko;executive_board;fee_change;1.2.2027;approved;en",
            "line 3, column language: 'en' is not a language of a decision; write fi or sv.",
        ),
        (
            ";Otsikko;executive_board;fee_change;1.2.2027;approved;fi",
            "line 3, column case_number: This field is required.",
        ),
        (
            "KPHA/9/2026;;executive_board;fee_change;1.2.2027;approved;fi",
            "line 3, column title: This field is required.",
        ),
        (
            "KPHA/1/2026;Sama numero;executive_board;fee_change;1.2.2027;approved;fi",
            "line 3, column case_number: The case number KPHA/1/2026 is also item 0",
        ),
        (
            "KPHA/9/2026;Otsikko;executive_board;fee_change;1.2.2027;approved;fi;extra",
            "line 3: The row has 1 more fields than the header has columns",
        ),
    ],
)
def test_every_kind_of_bad_row_is_named_and_nothing_is_stored(policy_demo, tmp_path, row, message):
    first = "KPHA/1/2026;Hyvä rivi;executive_board;fee_change;1.2.2027;approved;fi"
    before = counts(policy_demo)
    result = imported(policy_demo, tmp_path, "\n".join([HEADER, first, row]))
    assert result.exit_code == 1, result.output
    assert f"Error: {message}" in result.output
    assert "Nothing was stored." in result.output
    assert counts(policy_demo) == before


def test_amount_and_proposal_columns_and_comma_separated(policy_demo, tmp_path):
    text = (
        "case_number,title,body,decision_type,meeting_date,outcome,language,amount_eur,proposal\n"
        'KPHA/7/2026,Hankinta,executive_board,procurement,2027-05-05,approved,fi,"250 000",'
        '"Ehdotus, jossa on pilkku"\n'
        "KPHA/8/2026,Hankinta 2,executive_board,procurement,2027-05-05,approved,fi,12.5,\n"
    )
    result = imported(policy_demo, tmp_path, text)
    assert result.exit_code == 1
    assert "Error: line 3, column amount_eur: '12.5' is not an amount" in result.output
    fixed = text.replace(",12.5,", ",1000,")
    result = imported(policy_demo, tmp_path, fixed)
    assert result.exit_code == 0, result.output
    with policy_demo.app_context():
        d = db.session.scalars(select(Decision).where(Decision.case_number == "KPHA/7/2026")).one()
        assert (d.amount_eur, d.proposal) == (250000, "Ehdotus, jossa on pilkku")


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "Error: file: The file is empty"),
        (b"\xff\xfeabc", "Error: file: The file is not UTF-8 text"),
        (
            b"case_number;title;body;meeting_date;outcome;language\n",
            "Error: line 1: The column 'decision_type' is missing.",
        ),
        (
            (HEADER + ";colour\n").encode(),
            "Error: line 1: Unknown column 'colour'",
        ),
    ],
)
def test_bad_files_are_refused(policy_demo, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    before = counts(policy_demo)
    result = run(policy_demo, "decisions", "import", str(path), "--as", ADMIN)
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert counts(policy_demo) == before


def test_only_an_administrator_imports(policy_demo, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(GOOD)
    result = run(policy_demo, "decisions", "import", str(path), "--as", "preparer@demo.example")
    assert result.exit_code == 2 and "is not an administrator" in result.output
    result = run(policy_demo, "decisions", "import", str(path))
    assert result.exit_code == 2 and "--as" in result.output


# --- the API ------------------------------------------------------------------------------


def token(app, email):
    from assess.models import User
    from assess.operations.users import issue_token

    with app.app_context():
        return issue_token(db.session.scalars(select(User).where(User.email == email)).one())


def item(n, **over):
    return {
        "case_number": f"API/{n}/2026",
        "title": f"Päätös {n}",
        "language": "fi",
        "body": 1,
        "decision_type": "fee_change",
        "meeting_date": "2027-06-01",
        "outcome": "approved",
        **over,
    }


def post(client, secret, items, query=""):
    return client.post(
        f"/api/v1/decisions/bulk{query}",
        json={"items": items},
        headers={"Authorization": f"Bearer {secret}"},
    )


def test_bulk_all_or_nothing_naming_each_bad_item(policy_demo):
    client = policy_demo.test_client()
    secret = token(policy_demo, ADMIN)
    before = counts(policy_demo)
    bad = [
        item(0),
        item(1, meeting_date="31.2.2027"),
        item(2),
        item(3, body=99),
        item(4, outcome="accepted"),
        item(5, title=""),
    ]
    answer = post(client, secret, bad)
    assert answer.status_code == 422, answer.json
    paths = {d["path"] for d in answer.json["error"]["details"]}
    assert paths == {"items.4.outcome", "items.5.title"}  # the schema's own checks first
    answer = post(client, secret, bad[:4])
    assert answer.status_code == 422, answer.json
    details = {d["path"]: d["message"] for d in answer.json["error"]["details"]}
    assert set(details) == {"items.1.meeting_date", "items.3.body"}
    assert "is not a date" in details["items.1.meeting_date"]
    assert counts(policy_demo) == before

    dry = post(client, secret, [item(0), item(2)], "?dry_run=true")
    assert dry.status_code == 200 and dry.json["created"] == ["API/0/2026", "API/2/2026"]
    assert counts(policy_demo) == before
    done = post(client, secret, [item(0), item(2)])
    assert done.status_code == 200, done.json
    assert done.json["created"] == ["API/0/2026", "API/2/2026"] and not done.json["dry_run"]
    again = post(client, secret, [item(0, outcome="returned"), item(2)])
    assert again.json["updated"] == ["API/0/2026"] and again.json["unchanged"] == ["API/2/2026"]
    one = client.get(
        "/api/v1/decisions?case_number=API/0/2026", headers={"Authorization": f"Bearer {secret}"}
    ).json["items"][0]
    assert (one["meeting_date"], one["outcome"], one["source"], one["required_level"]) == (
        "2027-06-01",
        "returned",
        "imported",
        "light",
    )


def test_bulk_refuses_1001_items_and_non_admins(policy_demo):
    client = policy_demo.test_client()
    admin, preparer = token(policy_demo, ADMIN), token(policy_demo, "preparer@demo.example")
    before = counts(policy_demo)
    answer = post(client, admin, [item(n) for n in range(1001)])
    assert answer.status_code == 422
    [detail] = answer.json["error"]["details"]
    assert detail["path"] == "items" and "At most 1000 decisions" in detail["message"]
    answer = post(client, preparer, [item(0)])
    assert answer.status_code == 403
    assert counts(policy_demo) == before


def test_bulk_takes_1000_items(policy_demo):
    answer = post(
        policy_demo.test_client(), token(policy_demo, ADMIN), [item(n) for n in range(1000)]
    )
    assert answer.status_code == 200, answer.json
    assert len(answer.json["created"]) == 1000


def test_single_decision_takes_meeting_date_and_outcome(policy_demo):
    client = policy_demo.test_client()
    secret = token(policy_demo, "preparer@demo.example")
    answer = client.post(
        "/api/v1/decisions",
        json={
            "case_number": "ONE/1/2026",
            "title": "Yksi",
            "language": "fi",
            "body": 1,
            "decision_type": "service_network_change",
            "meeting_date": "1.9.2027",
        },
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 201, answer.json
    assert (answer.json["meeting_date"], answer.json["source"]) == ("2027-09-01", "entered")
    assert answer.json["required_level"] == "full"
    wrong = client.post(
        "/api/v1/decisions",
        json={**{k: answer.json[k] for k in ("title", "language", "body")}, "case_number": "X",
              "decision_type": "fee_change", "meeting_date": "2027-13-01"},
        headers={"Authorization": f"Bearer {secret}"},
    )  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.json["error"]["details"][0]["path"] == "meeting_date"


# --- the list of decisions lacking a required assessment -----------------------------------


def test_the_missing_list_per_body_with_who_must_act(policy_demo, tmp_path):
    from tests.support import login

    rows = GOOD + "\nKPHA/4/2026;Tuleva muutos;wellbeing_committee;fee_change;;;fi"
    assert imported(policy_demo, tmp_path, rows).exit_code == 0
    preparer = policy_demo.test_client()
    login(preparer, "preparer")
    assert preparer.get("/reports/missing").status_code == 403
    client = policy_demo.test_client()
    login(client, "reviewer")  # reads Swedish
    page = client.get("/reports/missing")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    # Required full and light, both with a meeting date: listed; filling a post (none) and a
    # decision with no meeting date yet: not.
    assert "2 beslut saknar en bedömning som krävs." in html
    assert "KPHA/1/2026" in html and "KPHA/2/2026" in html
    assert "KPHA/3/2026" not in html and "KPHA/4/2026" not in html
    assert html.count("Ingen beredare: organets sekreterare") == 2
    assert (
        html.index("Välfärdsområdesstyrelsen")
        < html.index("KPHA/1/2026")
        < html.index("KPHA/2/2026")
    )
    assert 'href="/reports/missing.csv?sort=meeting_date" download' in html
    csv_answer = client.get("/reports/missing.csv?sort=-meeting_date")
    assert csv_answer.status_code == 200
    lines = csv_answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Beslutande organ,Ärendenummer,Rubrik,Mötesdatum,Nivå som krävs")
    assert [line.split(",")[1] for line in lines[1:]] == ["KPHA/1/2026", "KPHA/2/2026"]
    assert lines[1].endswith("Ingen beredare: organets sekreterare,importerat")

    # An entered decision the policy asks a full assessment of, decided at a meeting: the
    # preparer must act.
    with policy_demo.app_context():
        from assess.operations.decisions import update_decision

        decision = db.session.scalars(
            select(Decision).where(Decision.case_number == "KPHA/430/2026")
        ).one()
        assert decision.required_level == "full"
        admin = db.session.scalars(select(User).where(User.email == ADMIN)).one()
        update_decision(
            admin,
            decision,
            expected_version=decision.version,
            case_number=decision.case_number,
            title=decision.title,
            language=decision.language,
            body_id=decision.body_id,
            proposal=decision.proposal,
            meeting_date="2027-04-01",
        )
    html = client.get("/reports/missing?sort=case_number").get_data(as_text=True)
    assert "3 beslut saknar en bedömning som krävs." in html
    assert "KPHA/430/2026" in html and "Beredaren, " in html
