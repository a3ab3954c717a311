"""A third process whose state ids and triggers all differ from the shipped ones
(tests/data/workflows/eva-renamed.yaml) runs end to end: screening, review, approval, an
agenda, publication and outcomes, with the dashboards and the agenda's readiness working,
because the code asks each workflow what its states mean."""

import shutil
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Assessment, Decision, NegativeEffect
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import documents as doc_ops
from assess.operations import flags as flag_ops
from assess.operations import meetings as meeting_ops
from assess.operations.demo import load_demo
from assess.operations.process import state_means
from assess.operations.users import issue_token
from assess.workflow import WorkflowDefinition
from tests.conftest import fresh_app, release_app
from tests.support import (
    acknowledge_high,
    complete_assessment,
    complete_screening,
    login,
    post,
    use_language,
    user,
)

ROOT = Path(__file__).resolve().parents[2]
RENAMED = ROOT / "tests" / "data" / "workflows" / "eva-renamed.yaml"


def _app(request, directory: Path, *extra: Path):
    for path in [*(ROOT / "workflows").glob("*.yaml"), *extra]:
        shutil.copy(path, directory)
    app = fresh_app(request, WORKFLOWS_DIR=str(directory))
    with app.app_context():
        load_demo()
    return app


@pytest.fixture
def renamed(request, tmp_path):
    app = _app(request, tmp_path, RENAMED)
    yield app
    release_app(app)


def test_the_third_workflow_shares_no_id_with_the_shipped_ones():
    def ids(path):
        data = yaml.safe_load(path.read_text())
        return set(data["states"]) | {t["trigger"] for t in data["transitions"]}

    renamed = ids(RENAMED)
    for shipped in (ROOT / "workflows").glob("*.yaml"):
        assert not renamed & ids(shipped), shipped.name


def step(who, a, trigger, comment=""):
    return ops.fire(user(who), a, trigger, comment=comment, expected_version=a.version)


def decision(case):
    return decision_ops.create_decision(
        user("preparer"), case_number=case, title=f"Asia {case}", language="fi", body_id=1
    )


def lacks(meeting, item):
    return [(str(x.what), str(x.who)) for x in meeting_ops.readiness([item])[item.id][1]]


def section(page: str, heading_id: str) -> str:
    return page.split(f'id="{heading_id}"', 1)[1].split("</section>", 1)[0]


def test_screening_review_approval_agenda_and_outcomes_through_the_operations(renamed):
    with renamed.app_context():
        preparer, secretary = user("preparer"), user("secretary")
        written = decision("REN/1")
        a = ops.create_assessment(preparer, written, workflow="eva-renamed")
        assert (a.workflow_key, a.state) == ("eva-renamed", "opened")
        step("preparer", a, "begin_check")
        complete_screening(preparer, a, "full")
        step("preparer", a, "begin_writing")
        complete_assessment(preparer, a, "full")

        m = meeting_ops.create_meeting(
            secretary, body_id=1, number=1, year=2026, starts_at="2026-12-15T14:00", place="K"
        )
        item = meeting_ops.add_item(secretary, m, written.id, expected_version=m.version)
        # Not ready while being written, for its preparer; the default reason stands in for
        # the texts this workflow does not declare.
        assert lacks(m, item) == [("The assessment is not approved.", preparer.name)]

        step("preparer", a, "hand_in")
        assert a.state == "with_reviewer"
        assert flag_ops.submitted_on(a) == flag_ops.today()  # the workflow's submit trigger
        assert lacks(m, item) == [("The assessment is not approved.", "a reviewer")]
        in_queue = select(Assessment.id).where(state_means(WorkflowDefinition.awaits_review))
        assert a.id in db.session.scalars(in_queue).all()

        # The review that leads to approval is where flags are acknowledged.
        assert flag_ops.may_acknowledge(user("reviewer"), a)
        assert acknowledge_high(user("reviewer"), a)
        step("reviewer", a, "sign_off")
        assert a.state == "signed_off"
        assert db.session.scalar(
            select(func.count()).where(NegativeEffect.assessment_id == a.id)
        ), "an approval records the negative effects"
        assert doc_ops.documents_of(written), "an approval makes the documents"
        assert lacks(m, item) == [
            ("The assessment documents are not attached to the item.", "the board secretary")
        ]

        # A second decision is screened out, then reopened while its agenda is published.
        exempt = decision("REN/2")
        b = ops.create_assessment(preparer, exempt, workflow="eva-renamed")
        step("preparer", b, "begin_check")
        form = answer_ops.form_for(b)
        answer_ops.save_screening(
            preparer,
            b,
            {
                "answers": {q.id: "no" for q in form.screening.questions},
                "level": "none",
                "level_reason": "A technical correction of the fee table.",
            },
            expected_version=b.version,
        )
        step("preparer", b, "ask_exemption")
        assert b.id in db.session.scalars(in_queue).all()
        step("reviewer", b, "grant_exemption")
        assert b.id not in db.session.scalars(in_queue).all()
        second = meeting_ops.add_item(secretary, m, exempt.id, expected_version=m.version)

        meeting_ops.attach_documents(secretary, m, expected_version=m.version)
        assert lacks(m, item) == [] and lacks(m, second) == []
        meeting_ops.publish(secretary, m, expected_version=m.version)
        assert m.state == "published"

        step("reviewer", b, "reopen_case", "The fee table changed again.")
        assert b.state == "being_written" and second.assessment_changed

        meeting_ops.record_outcome(secretary, m, item.id, "approved", expected_version=m.version)
        assert a.state == "resolved" and item.outcome == "approved"
        meeting_ops.record_outcome(secretary, m, second.id, "tabled", expected_version=m.version)
        assert b.state == "being_written"  # tabled fires nothing
        follow_up = select(Assessment.id).where(state_means(WorkflowDefinition.is_in_follow_up))
        assert db.session.scalars(follow_up).all() == [a.id]


def test_the_pages_and_the_api_work_on_the_third_workflow(renamed):
    with renamed.app_context():
        decision_id = decision("REN/3").id
    web = renamed.test_client()
    login(web, "preparer")
    use_language(web, "en")
    started = post(web, f"/decisions/{decision_id}/assessment", {"workflow": "eva-renamed"})
    assert started.status_code == 302
    with renamed.app_context():
        a = ops.active_assessment(db.session.get(Decision, decision_id))
        assert a.workflow_key == "eva-renamed"
        step("preparer", a, "begin_check")
        complete_screening(user("preparer"), a, "light")
        step("preparer", a, "begin_writing")
        complete_assessment(user("preparer"), a, "light")
        assessment_id = a.id

    mine = section(web.get("/").get_data(as_text=True), "h-mine")
    assert "REN/3" in mine and "Being written" in mine  # the label stands in for a next step
    check = web.get(f"/assessments/{assessment_id}/check").get_data(as_text=True)
    assert 'name="trigger" value="hand_in"' in check and "Hand in for review" in check
    version = check.split('name="version" value="', 1)[1].split('"', 1)[0]
    handed = post(
        web,
        f"/assessments/{assessment_id}/transitions",
        {"trigger": "hand_in", "version": version},
    )
    assert handed.status_code == 302

    reviewer = renamed.test_client()
    login(reviewer, "reviewer")
    use_language(reviewer, "en")
    assert "REN/3" in section(reviewer.get("/").get_data(as_text=True), "h-queue")
    with renamed.app_context():
        a = db.session.get(Assessment, assessment_id)
        acknowledge_high(user("reviewer"), a)
        version = a.version
    signed = post(
        reviewer,
        f"/assessments/{assessment_id}/transitions",
        {"trigger": "sign_off", "version": version, "confirmed": "yes"},
    )
    assert signed.status_code == 302
    assert "REN/3" not in section(reviewer.get("/").get_data(as_text=True), "h-queue")

    # The secretary's agenda through the API: add, publish (with the documents), return.
    with renamed.app_context():
        token = {"Authorization": f"Bearer {issue_token(user('secretary'))}"}
    api = renamed.test_client()
    m = api.post(
        "/api/v1/meetings", json={"body": 1, "starts_at": "2026-12-15T14:00"}, headers=token
    ).get_json()
    m = api.post(
        f"/api/v1/meetings/{m['id']}/items", json={"decision": decision_id}, headers=token
    ).get_json()
    published = api.post(f"/api/v1/meetings/{m['id']}/publish", headers=token)
    assert published.status_code == 200, published.get_json()
    item = published.get_json()["items"][0]
    returned = api.post(
        f"/api/v1/meetings/{m['id']}/items/{item['id']}/outcome",
        json={"outcome": "returned", "note": "The body wants a second alternative."},
        headers=token,
    )
    assert returned.status_code == 200, returned.get_json()
    state = api.get(f"/api/v1/assessments/{assessment_id}", headers=token).get_json()["state"]
    assert state == "being_written"
    assert returned.get_json()["items"][0]["assessment_changed"] is False
    assert "Being written" in section(web.get("/").get_data(as_text=True), "h-mine")


@pytest.fixture
def clashing(request, tmp_path):
    """eva-light again under another key, whose 'decided' is not in follow-up: one state id
    that means something else in another workflow."""
    data = yaml.safe_load((ROOT / "workflows" / "eva-light.yaml").read_text())
    data["key"] = "eva-clash"
    data["states"]["decided"].pop("in_follow_up")
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "eva-clash.yaml").write_text(yaml.safe_dump(data, allow_unicode=True))
    directory = tmp_path / "workflows"
    directory.mkdir()
    app = _app(request, directory, extra / "eva-clash.yaml")
    yield app
    release_app(app)


def test_a_state_id_that_means_something_else_elsewhere_is_filtered_per_workflow(clashing):
    with clashing.app_context():
        decided = {}
        for key in ("eva-light", "eva-clash"):
            d = decision(f"CL/{key}")
            a = ops.create_assessment(user("preparer"), d, workflow=key)
            step("preparer", a, "start_screening")
            complete_screening(user("preparer"), a, "light")
            step("preparer", a, "start_assessment")
            complete_assessment(user("preparer"), a, "light")
            step("preparer", a, "submit")
            acknowledge_high(user("reviewer"), a)
            step("reviewer", a, "approve")
            step("secretary", a, "record_decision")
            decided[key] = a.id
        follow_up = select(Assessment.id).where(state_means(WorkflowDefinition.is_in_follow_up))
        assert db.session.scalars(follow_up).all() == [decided["eva-light"]]


# Outcomes and "held" wait for a meeting's start (issue 20); these meetings are dated ahead.
pytestmark = pytest.mark.usefixtures("meetings_started")
