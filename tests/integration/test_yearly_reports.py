"""The yearly report as a stored snapshot and its pages (issue 22): a coordinator generates a
draft from the year's figures, edits its overview and publishes it; the published figures
and files stay unchanged whatever happens to the data later, a changed byte is found by its
checksum, and who may do what is checked on every route."""

import hashlib

import pytest
from sqlalchemy import select

from assess.canonical import canonical_json
from assess.extensions import db
from assess.models import AuditEvent, YearlyReport, YearlyReportFile
from assess.operations import Conflict, Forbidden, Stale, ValidationFailed, yearly_figures
from assess.operations import yearly_reports as ops
from assess.operations.context import today
from assess.operations.demo_scenario import load_scenario
from tests.report_figures import figures
from tests.support import DEMO_PASSWORDS, login, post, use_language, user

COUNTED = ops.year_figures  # the figures as the database counts them
COORDINATOR = DEMO_PASSWORDS["coordinator"]  # the demo's wellbeing coordinator


@pytest.fixture
def app(demo, monkeypatch):
    """The demo (with its wellbeing coordinator), and the year's figures as the test says."""
    state = {"figures": figures()}

    def year_figures(organisation, year):
        return dict(state["figures"], year=year)

    monkeypatch.setattr(ops, "year_figures", year_figures)
    demo.report_figures = state
    return demo


def _client(app, who="coordinator"):
    client = app.test_client()
    if who == "coordinator":
        login(client, email=COORDINATOR[0], password=COORDINATOR[1])
    else:
        login(client, who)
    use_language(client, "en")
    return client


def _events(action):
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_generate_edit_and_publish_keep_a_snapshot(app):
    with app.app_context():
        coordinator = user(COORDINATOR[0])
        report = ops.generate(coordinator, coordinator.organisation, 2025)
        assert report.status == "draft" and report.year == 2025
        assert report.figures["decisions"] == 120
        assert report.figures_sha256 == hashlib.sha256(canonical_json(report.figures)).hexdigest()
        assert report.overview == report.overview_generated
        assert report.overview["fi"].startswith("Vuonna 2025")
        assert len(_events("report.generated")) == 1

        with pytest.raises(ValidationFailed) as refused:
            ops.edit_overview(coordinator, report.id, {"fi": " ", "sv": "Text"}, report.version)
        assert set(refused.value.errors) == {"overview_fi"}
        with pytest.raises(Stale):
            ops.edit_overview(coordinator, report.id, {"fi": "A", "sv": "B"}, report.version + 1)
        assert not _events("report.overview_edited")

        version = report.version
        ops.edit_overview(coordinator, report.id, {"fi": "Oma teksti", "sv": "Egen text"}, version)
        assert report.overview["fi"] == "Oma teksti" and report.version == version + 1
        assert report.overview_generated["fi"].startswith("Vuonna 2025")
        edited = _events("report.overview_edited")
        assert len(edited) == 1

        ops.publish(coordinator, report.id, report.version)
        assert report.status == "published" and report.published_at is not None
        names = {f.name for f in report.files}
        assert {"report-fi.docx", "report-sv.docx", "by_body-fi.csv", "groups-sv.csv"} <= names
        for f in report.files:
            assert hashlib.sha256(f.content).hexdigest() == f.sha256
        assert len(_events("report.published")) == 1

        with pytest.raises(Conflict):
            ops.edit_overview(coordinator, report.id, {"fi": "X", "sv": "Y"}, report.version)
        with pytest.raises(Conflict):
            ops.publish(coordinator, report.id, report.version)


def test_the_published_report_is_unchanged_after_later_data_changes(app):
    with app.app_context():
        coordinator = user(COORDINATOR[0])
        report = ops.generate(coordinator, coordinator.organisation, 2025)
        ops.publish(coordinator, report.id, report.version)
        report_id, sha = report.id, report.figures_sha256
        stored = {f.name: f.sha256 for f in report.files}
    # the data change: the figures of the year are now different
    app.report_figures["figures"] = figures(decisions=98765, coverage=0.1)
    client = _client(app)
    page = client.get(f"/reports/yearly/{report_id}").get_data(as_text=True)
    assert "98765" not in page and ">120<" in page
    csv = client.get(f"/reports/yearly/{report_id}/files/by_body-en.csv")
    assert (
        csv.status_code == 200 and hashlib.sha256(csv.data).hexdigest() == stored["by_body-en.csv"]
    )
    assert b"120" in csv.data and b"98765" not in csv.data
    with app.app_context():
        again = db.session.get(YearlyReport, report_id)
        assert again.figures_sha256 == sha and ops.figures_intact(again)
        assert again.figures["decisions"] == 120
        # a new report of the year counts the data as it is now
        coordinator = user(COORDINATOR[0])
        newer = ops.generate(coordinator, coordinator.organisation, 2025)
        assert newer.figures["decisions"] == 98765


def test_a_changed_stored_byte_is_found(app):
    with app.app_context():
        coordinator = user(COORDINATOR[0])
        report = ops.generate(coordinator, coordinator.organisation, 2025)
        ops.publish(coordinator, report.id, report.version)
        row = db.session.scalar(
            select(YearlyReportFile).where(YearlyReportFile.name == "flags-fi.csv")
        )
        row.content = row.content + b" "
        db.session.commit()
        report_id = report.id
        with pytest.raises(Conflict):
            ops.stored_file(coordinator, report_id, "flags-fi.csv")
    answer = _client(app).get(f"/reports/yearly/{report_id}/files/flags-fi.csv")
    assert answer.status_code == 409
    assert "no longer matches the checksum" in answer.get_data(as_text=True)


def test_the_coordinator_uses_the_pages(app):
    client = _client(app)
    index = client.get("/reports/yearly")
    assert index.status_code == 200 and "Generate the report" in index.get_data(as_text=True)
    answer = post(client, "/reports/yearly", {"year": "2025"})
    assert answer.status_code == 302
    url = answer.headers["Location"]
    page = client.get(url).get_data(as_text=True)
    assert "Yearly report 2025" in page and "Decisions by body" in page and "Council" in page
    assert "62.5 %" in page and "download>" in page
    version = page.split('name="version" value="')[1].split('"')[0]

    refused = post(
        client, f"{url}/overview", {"overview_fi": "", "overview_sv": "x", "version": version}
    )
    assert refused.status_code == 422
    assert "Write the overview" in refused.get_data(as_text=True)

    saved = post(
        client,
        f"{url}/overview",
        {"overview_fi": "Hyvä vuosi.", "overview_sv": "Ett gott år.", "version": version},
    )
    assert saved.status_code == 302
    assert "Hyvä vuosi." in client.get(url).get_data(as_text=True)
    stale = post(client, f"{url}/publish", {"version": version})
    assert stale.status_code == 302
    assert "Someone else changed this report" in client.get(url).get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    version = page.split('name="version" value="')[1].split('"')[0]
    assert post(client, f"{url}/publish", {"version": version}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Save the overview" not in page and "Hyvä vuosi." in page

    docx = client.get(f"{url}/files/report-fi.docx")
    assert docx.status_code == 200 and docx.data[:2] == b"PK"
    assert "attachment" in docx.headers["Content-Disposition"]
    assert client.get(f"{url}/files/nothing.csv").status_code == 404


def test_a_bad_year_is_named_and_nothing_is_stored(app):
    client = _client(app)
    answer = post(client, "/reports/yearly", {"year": "20x5"}, follow_redirects=True)
    assert "&#39;20x5&#39; is not a year the report can cover" in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(YearlyReport.id)) is None


@pytest.mark.parametrize(
    ("role", "read", "edit", "live"),
    [
        ("preparer", 403, 403, 403),
        ("secretary", 403, 403, 403),
        ("reviewer", 200, 403, 200),
        ("auditor", 200, 403, 403),
        ("admin", 200, 302, 200),
        ("coordinator", 200, 302, 200),
    ],
)
def test_who_may_do_what(app, role, read, edit, live):
    with app.app_context():
        coordinator = user(COORDINATOR[0])
        report_id = ops.generate(coordinator, coordinator.organisation, 2025).id
    client = _client(app, role)
    assert client.get("/reports/yearly").status_code == read
    assert client.get(f"/reports/yearly/{report_id}").status_code == read
    assert client.get(f"/reports/yearly/{report_id}/files/groups-en.csv").status_code == read
    assert post(client, "/reports/yearly", {"year": "2025"}).status_code == edit
    assert client.get("/reports/live").status_code == live


def test_operations_refuse_readers_and_other_organisations(app):
    with app.app_context():
        reviewer = user("reviewer")
        with pytest.raises(Forbidden):
            ops.generate(reviewer, reviewer.organisation, 2025)
        with pytest.raises(Forbidden):
            ops.reports_of(user("preparer"))


def test_a_report_of_the_demo_scenario_keeps_the_figures_the_database_counts(app, monkeypatch):
    monkeypatch.setattr(ops, "year_figures", COUNTED)
    with app.app_context():
        assert load_scenario()
        coordinator = user(COORDINATOR[0])
        year = today().year
        report = ops.generate(coordinator, coordinator.organisation, year)
        counted = yearly_figures.figures(coordinator.organisation, year)
        stored = dict(report.figures)
        assert stored.pop("generated_at") and counted.pop("generated_at")
        assert stored == counted
        ops.publish(coordinator, report.id, report.version)
        files = {f.name for f in report.files}
        assert "report-sv.docx" in files and "hearings-fi.csv" in files
