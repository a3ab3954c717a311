"""Revisions side by side (issue 21): two revisions with known differences compared in fi, sv
and en (operations, web and API), the API's 422 naming a bad ``from``/``to``, reading
recorded as access events, "what changed since the return", each revision's document."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Assessment, AuditEvent, Decision
from assess.operations import NotFound, ValidationFailed
from assess.operations import assessments as ops
from assess.operations import review as review_ops
from assess.operations import revision_compare as rc
from assess.operations.demo_scenario import acknowledge_high, to_review
from assess.operations.users import issue_token
from assess.questionnaire import load_forms
from tests.support import login, prepared, use_language, user

RETURN_COMMENT = "Lisää lasten näkökulma ja tarkenna lieventäminen."
MITIGATION = "Palvelubussi kolmesti viikossa ja kotikäynnit yli 75-vuotiaille."
SUMMARY_FI = "Uusi tiivistelmä palautuksen jälkeen."
CELL = "impacts.proposal.older_people.access_to_services.mitigation"
# What the preparer changed after the return, besides the flags the change recomputed.
KNOWN = {"answers.time_horizons.beyond", CELL, "summary.fi"}


def _change_after_return(a: Assessment) -> None:
    data = a.data
    answers = {**data["answers"], "time_horizons": [*data["answers"]["time_horizons"], "beyond"]}
    impacts = copy.deepcopy(data["impacts"])
    for cell in impacts:
        if (cell["group"], cell["dimension"]) == ("older_people", "access_to_services"):
            cell["mitigation"] = MITIGATION
    summary = {**data["summary"], "fi": SUMMARY_FI}
    ops.save_answers(
        user("preparer"),
        a,
        {"answers": answers, "impacts": impacts, "summary": summary},
        expected_version=a.version,
    )


def returned(resubmit: bool = True) -> tuple[Assessment, int, int | None]:
    """Prepared, submitted, returned with a comment, changed, (submitted again): the
    assessment, the returned revision's number and the resubmitted one's."""
    reviewer = user("reviewer")
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    review_ops.submit(user("preparer"), a, "submit", reviewer.id, expected_version=a.version)
    ops.fire(reviewer, a, "return_for_revision", comment=RETURN_COMMENT, expected_version=a.version)
    back = max(r.seq for r in a.revisions)
    _change_after_return(a)
    if not resubmit:
        return a, back, None
    review_ops.submit(user("preparer"), a, "submit", reviewer.id, expected_version=a.version)
    return a, back, max(r.seq for r in a.revisions)


def _form():
    from pathlib import Path

    return load_forms(Path(__file__).resolve().parents[2] / "forms").latest("iva")


def access_events(action="access.revisions_compared") -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_two_revisions_with_known_differences(ctx, language):
    a, back, again = returned()
    differences = rc.compare(user("auditor"), a, back, again, language)
    found = {d.path: d for d in differences}
    assert {p for p in found if not p.startswith("flags.")} == KNOWN
    form = _form()
    horizons = form.section("scoping").questions[2]
    scope = found["answers.time_horizons.beyond"]
    assert scope.label == horizons.labels.get(language)
    beyond = next(o for o in horizons.options if o.id == "beyond")
    assert (scope.old, scope.new, scope.change) == (None, beyond.labels.get(language), "added")
    assert scope.section == "scope"
    cell = found[CELL]
    assert form.group("older_people").labels.get(language) in cell.label
    assert form.dimension("access_to_services").labels.get(language) in cell.label
    assert (cell.new, cell.change, cell.section) == (MITIGATION, "changed", "impacts")
    summary = found["summary.fi"]
    assert summary.new == SUMMARY_FI and summary.change == "changed"
    assert (
        summary.label
        == {
            "fi": "Tiivistelmä (suomi)",
            "sv": "Sammanfattning (finska)",
            "en": "Summary (Finnish)",
        }[language]
    )
    for d in differences:  # words, never an id
        assert "_" not in d.label and "older_people" not in (d.new or "")
    # Nothing differs between a revision and itself; the reverse swaps old and new.
    assert rc.compare(user("auditor"), a, again, again, language) == []
    reverse = {d.path: d for d in rc.compare(user("auditor"), a, again, back, language)}
    assert reverse["answers.time_horizons.beyond"].change == "removed"


def test_since_the_return_while_prepared_again_and_once_resubmitted(ctx):
    a, back, _ = returned(resubmit=False)
    since = rc.since_return(a, "en")
    assert since is not None and since.against is None  # the answers as they stand now
    assert since.returned.seq == back and since.returned.comment == RETURN_COMMENT
    assert since.returned.by == user("reviewer").name
    assert {d.path for d in since.differences} >= KNOWN
    review_ops.submit(
        user("preparer"), a, "submit", user("reviewer").id, expected_version=a.version
    )
    since = rc.since_return(a, "sv")
    assert since is not None and since.against.seq == max(r.seq for r in a.revisions)
    assert {d.path for d in since.differences if not d.path.startswith("flags.")} == KNOWN
    assert since.against.state_label != "in_review"  # a label, not the id


def test_never_returned_has_nothing_since_a_return(ctx):
    a = prepared(user("preparer"), db.session.get(Decision, 1))
    assert rc.since_return(a, "fi") is None


def test_bad_revision_numbers_name_the_parameter_and_record_nothing(ctx):
    a, back, again = returned()
    before = db.session.scalar(select(func.count(AuditEvent.id)))
    with pytest.raises(ValidationFailed) as exc:
        rc.parse_pair(a, "x", str(again))
    assert set(exc.value.errors) == {"from"}
    with pytest.raises(ValidationFailed) as exc:
        rc.parse_pair(a, None, "99")
    assert set(exc.value.errors) == {"from", "to"}
    assert "99" in str(exc.value.errors["to"][0])
    assert rc.parse_pair(a, str(back), "current") == (back, "current")
    assert db.session.scalar(select(func.count(AuditEvent.id))) == before


def _api(client, path, token, language="en"):
    return client.get(
        f"/api/v1{path}",
        headers={"Authorization": f"Bearer {token}", "Accept-Language": language},
    )


def test_the_api_compares_in_the_clients_language_and_records_the_access(demo):
    client = demo.test_client()
    with demo.app_context():
        a, back, again = returned()
        aid = a.id
        token = issue_token(user("auditor"))
        auditor_id = user("auditor").id
        horizons = _form().section("scoping").questions[2]
        beyond = next(o for o in horizons.options if o.id == "beyond").labels
    for language in ("fi", "sv", "en"):
        response = _api(
            client, f"/assessments/{aid}/compare?from={back}&to={again}", token, language
        )
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert (body["from_revision"], body["to_revision"]) == (back, again)
        items = {i["path"]: i for i in body["items"]}
        assert {p for p in items if not p.startswith("flags.")} == KNOWN
        assert items["answers.time_horizons.beyond"]["new"] == beyond.get(language)
        assert set(items[CELL]) == {"path", "label", "old", "new", "change", "section"}
    with demo.app_context():
        recorded = access_events()
        assert len(recorded) == 3
        assert recorded[-1].actor_id == auditor_id and recorded[-1].object_id == aid
        assert {c["field"]: c["new"] for c in recorded[-1].changes} == {
            "from": back,
            "to": again,
            "via": "api",
        }
    # A bad parameter: 422 naming it, in the envelope, and nothing recorded.
    for query, named in (
        (f"from=abc&to={again}", {"from"}),
        (f"from={back}&to=99", {"to"}),
        ("", {"from", "to"}),
    ):
        response = _api(client, f"/assessments/{aid}/compare?{query}", token, "fi")
        assert response.status_code == 422, query
        error = response.get_json()["error"]
        assert error["code"] == "validation_failed"
        assert {d["path"] for d in error["details"]} == named
    with demo.app_context():
        assert len(access_events()) == 3
    # Another organisation's id, or none: 404.
    assert _api(client, "/assessments/999/compare?from=1&to=2", token).status_code == 404


def test_the_api_lists_revisions_in_words(demo):
    client = demo.test_client()
    with demo.app_context():
        a, back, again = returned()
        aid = a.id
        token = issue_token(user("auditor"))
    rows = _api(client, f"/assessments/{aid}/revisions", token, "fi").get_json()
    assert [r["seq"] for r in rows] == list(range(1, again + 1))
    returned_row = rows[back - 1]
    assert returned_row["comment"] == RETURN_COMMENT
    assert returned_row["by"] == "Rasmus Backman"
    assert returned_row["state_label"] and returned_row["state_label"] != returned_row["state"]
    assert returned_row["at"].endswith(("+02:00", "+03:00"))  # Finnish time
    assert returned_row["stored_documents"] == []


def test_the_compare_page_side_by_side_records_access(demo):
    client = demo.test_client()
    with demo.app_context():
        a, back, again = returned()
        aid = a.id
    login(client, "auditor")
    use_language(client, "sv")
    page = client.get(f"/assessments/{aid}/compare?from={back}&to={again}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<caption id=" in html and 'scope="row"' in html
    assert "Jämför versioner" in html
    assert "tillagt" in html and "äldre" in html and MITIGATION in html
    assert "access_to_services" not in html
    assert "Tiderna anges i finsk tid." in html  # the organisation's time zone, named
    with demo.app_context():
        recorded = access_events()
        assert [c["new"] for c in recorded[-1].changes if c["field"] == "via"] == ["web"]
        count = len(recorded)
    bad = client.get(f"/assessments/{aid}/compare?from=1&to=nine")
    assert bad.status_code == 422
    assert "nine" in bad.get_data(as_text=True)
    with demo.app_context():
        assert len(access_events()) == count
    listed = client.get(f"/assessments/{aid}/revisions")
    assert listed.status_code == 200
    assert RETURN_COMMENT in listed.get_data(as_text=True)


def test_the_decision_and_reviewer_pages_say_what_changed_since_the_return(demo):
    client = demo.test_client()
    with demo.app_context():
        a, back, again = returned()
        aid, decision_id = a.id, a.decision_id
    login(client, "reviewer")
    use_language(client, "en")
    flags_page = client.get(f"/assessments/{aid}/flags").get_data(as_text=True)
    assert "What changed since the return" in flags_page
    assert MITIGATION in flags_page
    decision_page = client.get(f"/decisions/{decision_id}").get_data(as_text=True)
    assert "What changed since the return" in decision_page
    assert f"Compared with revision {again}" in decision_page
    assert "(Finnish time)" in decision_page


def test_each_revision_document_stored_or_made_now(demo):
    client = demo.test_client()
    with demo.app_context():
        a = to_review(user("preparer"), db.session.get(Decision, 1))
        acknowledge_high(user("reviewer"), a)
        ops.fire(user("reviewer"), a, "approve", expected_version=a.version)
        aid = a.id
        approved_seq = max(r.seq for r in a.revisions)
        first = min(r.seq for r in a.revisions)
    login(client, "auditor")
    original = client.get(f"/assessments/{aid}/revisions/{approved_seq}/document?language=fi")
    assert original.status_code == 200
    assert original.headers["X-Document-Source"] == "stored"
    assert original.headers["Content-Disposition"].startswith("attachment")
    made = client.get(f"/assessments/{aid}/revisions/{first}/document?language=sv")
    assert made.status_code == 200 and made.headers["X-Document-Source"] == "rendered"
    assert made.data[:2] == b"PK"  # a .docx
    assert client.get(f"/assessments/{aid}/revisions/999/document").status_code == 404
    bad = client.get(f"/assessments/{aid}/revisions/{first}/document?language=de")
    assert bad.status_code == 422
    with demo.app_context():
        recorded = access_events("access.revision_document")
        assert [{c["field"]: c["new"] for c in e.changes}["stored"] for e in recorded] == [
            True,
            False,
        ]


def test_another_organisation_cannot_compare(ctx):
    a, back, again = returned()
    from assess.models import Organisation

    other = Organisation(name_fi="Muu", name_sv="Annan", bilingual=False)
    db.session.add(other)
    db.session.flush()
    stranger = user("auditor")
    stranger.organisation_id = other.id
    with pytest.raises(NotFound):
        rc.compare(stranger, a, back, again, "fi")
    db.session.rollback()
