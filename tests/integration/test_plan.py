"""The wellbeing plan (issue 18, [plan]): the organisation's objectives and indicators
(operations, audit, command line), the guided form's plan page, the indicators taken from
the plan, the flag plan_not_considered and the document's plan part."""

from __future__ import annotations

import io
import re

import pytest
import yaml
from docx import Document as Docx
from sqlalchemy import select

from assess.extensions import db
from assess.models import Assessment, AuditEvent, Decision, PlanObjective
from assess.operations import ValidationFailed
from assess.operations import assessments as ops
from assess.operations import plan as plan_ops
from assess.operations.demo_plan import PLAN_FILE, load_demo_plan
from tests.integration.test_guided import SCREENING_NO
from tests.support import login, post, use_language, user

PLAN = yaml.safe_load(PLAN_FILE.read_text(encoding="utf-8"))


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def objective(key="mental_health", **kw):
    return {
        "key": key,
        "text": {"fi": "Mielenterveys", "sv": "Psykisk hälsa", "en": "Mental health"},
        "start_year": 2026,
        "end_year": 2029,
        "indicators": [{"id": "4559", "name": {"fi": "Käynnit", "sv": "Besök", "en": "Visits"}}],
        **kw,
    }


# --- the plan as the organisation's data ------------------------------------------------


def test_the_demo_plan_is_the_seeds_and_loads_once(ctx):
    assert load_demo_plan() == {"plan objectives": 5}
    assert load_demo_plan() == {"plan objectives": 0}
    org = user("admin").organisation_id
    keys = plan_ops.active_keys(org)
    assert keys == (
        "healthy_lifestyles_safety",
        "mental_health_substance_use",
        "children_loneliness_bullying",
        "participation",
        "parenting_support",
    )
    bullying = plan_ops.objective_by_key(org, "children_loneliness_bullying")
    assert bullying.text("sv") == "Minskning av ensamhet och mobbning bland barn och unga"
    assert bullying.indicator("thl-ind149").name("fi").startswith("Koulukiusattuna")
    assert len(events("plan_objective.created")) == 5


def test_replacing_the_plan_is_audited_and_retires_what_it_leaves_out(ctx):
    admin = user("admin")
    plan_ops.replace_plan(admin, {"objectives": [objective(), objective("safety")]})
    changed = objective(text={"fi": "Mielenterveys ja päihteet", "sv": "Psykisk hälsa", "en": "M"})
    plan_ops.replace_plan(admin, {"objectives": [changed]})
    org = admin.organisation_id
    assert plan_ops.active_keys(org) == ("mental_health",)
    assert not plan_ops.objective_by_key(org, "safety").active
    (updated,) = events("plan_objective.updated")
    assert [c["field"] for c in updated.changes] == ["text"]
    assert updated.actor_id == admin.id
    assert len(events("plan_objective.retired")) == 1
    # The same plan again changes nothing and records nothing.
    plan_ops.replace_plan(admin, {"objectives": [changed]})
    assert len(events("plan_objective.updated")) == 1


@pytest.mark.parametrize(
    "bad, path, words",
    [
        (objective(key="Mental Health"), "objectives.0.key", "not valid"),
        (objective(text={"fi": "x", "sv": "y"}), "objectives.0.text.en", "English"),
        (objective(start_year=2030), "objectives.0.end_year", "before it starts"),
        (objective(start_year="next year"), "objectives.0.start_year", "2026"),
        (
            objective(indicators=[{"id": "a b", "name": {"fi": "x", "sv": "y", "en": "z"}}]),
            "objectives.0.indicators.0.id",
            "Sotkanet",
        ),
        (objective(colour="red"), "objectives.0.colour", "Unknown field"),
    ],
)
def test_a_refused_plan_says_why_and_stores_nothing(ctx, bad, path, words):
    with pytest.raises(ValidationFailed) as refused:
        plan_ops.replace_plan(user("admin"), {"objectives": [objective("other"), bad]})
    assert path.replace(".0.", ".1.", 1) in refused.value.errors
    assert words in str(refused.value)
    assert db.session.scalar(select(PlanObjective.id)) is None
    assert not events("plan_objective.created")


def test_only_admins_change_the_plan(ctx):
    from assess.operations import Forbidden

    with pytest.raises(Forbidden):
        plan_ops.replace_plan(user("preparer"), {"objectives": [objective()]})
    assert db.session.scalar(select(PlanObjective.id)) is None


def test_the_command_line_imports_and_exports_the_plan(demo, tmp_path):
    runner = demo.test_cli_runner()
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump({"objectives": [objective()]}), encoding="utf-8")
    result = runner.invoke(args=["plan", "import", str(path), "--as", "admin@demo.example"])
    assert result.exit_code == 0, result.output
    exported = yaml.safe_load(runner.invoke(args=["plan", "export"]).output)
    assert exported["objectives"][0]["key"] == "mental_health"
    assert exported["objectives"][0]["indicators"][0]["id"] == "4559"
    path.write_text(yaml.safe_dump({"objectives": [objective(end_year=1999)]}), encoding="utf-8")
    result = runner.invoke(args=["plan", "import", str(path)])
    assert result.exit_code == 1
    assert "objectives.0.end_year" in result.output
    with demo.app_context():
        assert (
            plan_ops.objective_by_key(user("admin").organisation_id, "mental_health").end_year
            == 2029
        )


# --- the guided form ----------------------------------------------------------------------


@pytest.fixture
def planned(demo):
    """The demo with its plan and assessment 1 screened to a full assessment."""
    with demo.app_context():
        load_demo_plan()
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    return demo


@pytest.fixture
def preparer(client, planned):
    login(client, "preparer")
    use_language(client, "en")
    version = _version(client, "/assessments/1/screening")
    post(
        client,
        "/assessments/1/screening",
        {**SCREENING_NO, "level": "full", "level_reason": "Closure.", "version": version},
    )
    return client


def _version(client, url):
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="version" value="(\d+)"', page).group(1)


def _stored(demo):
    with demo.app_context():
        return db.session.get(Assessment, 1).content


def test_the_plan_page_links_the_decision_and_the_flag_follows(planned, preparer):
    assert "plan_not_considered" in [f.rule for f in _stored(planned).flags]
    url = "/assessments/1/sections/wellbeing_plan"
    page = preparer.get(url).get_data(as_text=True)
    assert "Promoting mental health and reducing substance-use problems (2026–2029)" in page
    assert 'name="effect_mental_health_substance_use"' in page
    response = post(
        preparer,
        url,
        {
            "effect_mental_health_substance_use": "harmed",
            "note_mental_health_substance_use": "The substance-use clinic moves 30 km away.",
            "effect_participation": "neutral",
            "version": _version(preparer, url),
        },
    )
    assert response.status_code == 302
    data = _stored(planned)
    assert [(link.objective, link.effect) for link in data.plan_links] == [
        ("mental_health_substance_use", "harmed"),
        ("participation", "neutral"),
    ]
    assert "plan_not_considered" not in [f.rule for f in data.flags if f.status == "open"]


def test_without_a_plan_the_page_says_so_and_leads_on(demo, client):
    # No objectives: nothing to save, so the page offers the way on like the matrix does.
    with demo.app_context():
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    login(client, "preparer")
    use_language(client, "en")
    post(
        client,
        "/assessments/1/screening",
        {
            **SCREENING_NO,
            "level": "full",
            "level_reason": "Closure.",
            "version": _version(client, "/assessments/1/screening"),
        },
    )
    page = client.get("/assessments/1/sections/wellbeing_plan").get_data(as_text=True)
    assert "has not entered its wellbeing plan yet" in page
    assert "Save and continue" not in page
    assert re.search(r'href="/assessments/1/sections/follow_up"[^>]*>Continue</a>', page)


def test_a_note_without_its_effect_is_refused_on_the_page(planned, preparer):
    url = "/assessments/1/sections/wellbeing_plan"
    response = post(
        preparer,
        url,
        {"note_participation": "Something.", "version": _version(preparer, url)},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#effect_participation"' in page
    assert "helps, harms or does not bear on the objective" in page
    assert _stored(planned).plan_links == []


def test_an_indicator_taken_from_the_plan_gets_its_name(planned, preparer):
    url = "/assessments/1/sections/follow_up"
    page = preparer.get(url).get_data(as_text=True)
    assert 'value="children_loneliness_bullying:thl-ind149"' in page
    response = post(
        preparer,
        url,
        {
            "indicators-0-plan_indicator": "children_loneliness_bullying:thl-ind149",
            "indicators-0-baseline": "7.9 %",
            "indicators-0-target": "6 %",
            "version": _version(preparer, url),
        },
    )
    assert response.status_code == 302
    (indicator,) = _stored(planned).indicators
    assert indicator.plan_indicator == "children_loneliness_bullying:thl-ind149"
    assert indicator.name == "Koulukiusattuna vähintään kerran viikossa, %"  # the decision's fi
    response = post(
        preparer,
        url,
        {
            "indicators-0-plan_indicator": "participation:nothing",
            "version": _version(preparer, url),
        },
    )
    assert response.status_code == 422
    assert "is not an indicator of the organisation&#39;s wellbeing plan" in response.get_data(
        as_text=True
    )


def test_the_document_prints_the_plan_links_as_they_were(planned, preparer):
    from assess.documents import render as render_assessment
    from assess.operations.context import form_for, snapshot

    with planned.app_context():
        a = db.session.get(Assessment, 1)
        preparer = user("preparer")
        from assess.operations import answers as answer_ops

        answer_ops.save_section(
            preparer,
            a,
            "wellbeing_plan",
            {
                "plan_links": [
                    {"objective": "participation", "effect": "helped", "note": "Asked the youth."}
                ]
            },
            expected_version=a.version,
        )
        snap = snapshot(a, seq="DRAFT", user=preparer, transition=None)
        assert snap["plan_objectives"]["participation"]["start_year"] == 2026
        doc = Docx(io.BytesIO(render_assessment(snap, form_for(a), "sv", draft=True)))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "Främjande av delaktighet i uppväxtmiljön och i tjänsterna" in cells
    # The note was written in Finnish only: the Swedish document marks it so (issue 19).
    assert "främjar" in cells and "Asked the youth. (på finska)" in cells


# --- the API -------------------------------------------------------------------------------


@pytest.fixture
def api(planned):
    from assess.operations.users import issue_token

    with planned.app_context():
        tokens = {r: f"Bearer {issue_token(user(r))}" for r in ("preparer", "auditor", "admin")}
    client = planned.test_client()

    def call(method, path, who="preparer", json=None, headers=None):
        headers = {"Authorization": tokens[who], **(headers or {})}
        return client.open("/api/v1" + path, method=method, json=json, headers=headers)

    return call


def test_the_api_reads_and_replaces_the_plan(planned, api):
    plan = api("GET", "/plan", who="auditor").get_json()
    assert [o["key"] for o in plan["objectives"]][:2] == [
        "healthy_lifestyles_safety",
        "mental_health_substance_use",
    ]
    assert plan["objectives"][2]["indicators"][0]["id"] == "thl-ind149"
    assert api("PUT", "/plan", who="preparer", json=plan).status_code == 403
    refused = api("PUT", "/plan", who="admin", json={"objectives": [objective(end_year=2020)]})
    assert refused.status_code == 422
    assert [d["path"] for d in refused.get_json()["error"]["details"]] == ["objectives.0.end_year"]
    replaced = api("PUT", "/plan", who="admin", json={"objectives": [objective()]})
    assert replaced.status_code == 200, replaced.get_json()
    active = [o["key"] for o in replaced.get_json()["objectives"] if o["active"]]
    assert active == ["mental_health"]


def test_the_api_patches_plan_links_and_plan_indicators(planned, api):
    a = api("GET", "/assessments/1").get_json()
    assert a["plan_links"] == []
    bad = api(
        "PATCH",
        "/assessments/1",
        json={
            "plan_links": [{"objective": "unknown_goal", "effect": "helped"}],
            "indicators": [{"plan_indicator": "participation:none"}],
        },
        headers={"If-Match": f'"{a["version"]}"'},
    )
    assert bad.status_code == 422
    paths = sorted(d["path"] for d in bad.get_json()["error"]["details"])
    assert paths == ["indicators.0.plan_indicator", "plan_links.0.objective"]
    good = api(
        "PATCH",
        "/assessments/1",
        json={
            "plan_links": [{"objective": "parenting_support", "effect": "harmed", "note": "x"}],
            "indicators": [{"plan_indicator": "parenting_support:family-work-clients"}],
        },
        headers={"If-Match": f'"{a["version"]}"'},
    )
    assert good.status_code == 200, good.get_json()
    body = good.get_json()
    assert body["plan_links"] == [
        {"objective": "parenting_support", "effect": "harmed", "note": "x"}
    ]
    (indicator,) = body["indicators"]
    assert indicator["plan_indicator"] == "parenting_support:family-work-clients"
    assert indicator["name"].startswith("Lapsiperheiden kotipalvelua")


# --- the admin pages -----------------------------------------------------------------------


@pytest.fixture
def admin(client, demo):
    login(client, "admin")
    use_language(client, "en")
    return client


def test_an_admin_adds_edits_and_retires_an_objective_on_the_pages(demo, admin):
    assert "No objectives yet" in admin.get("/admin/plan").get_data(as_text=True)
    form = {
        "key": "mental_health",
        "text_fi": "Mielenterveys",
        "text_sv": "Psykisk hälsa",
        "text_en": "Mental health",
        "start_year": "2026",
        "end_year": "2029",
        "indicators-0-code": "4559",
        "indicators-0-name_fi": "Käynnit",
        "indicators-0-name_sv": "Besök",
        "indicators-0-name_en": "Visits",
    }
    assert post(admin, "/admin/plan/new", form).status_code == 302
    page = admin.get("/admin/plan").get_data(as_text=True)
    assert "Mental health" in page and "<code>4559</code>" in page
    edit = admin.get("/admin/plan/mental_health").get_data(as_text=True)
    assert 'name="indicators-1-code"' in edit  # a blank row to add one
    changed = {**form, "text_en": "Mental health and substance use", "key": "renamed"}
    assert post(admin, "/admin/plan/mental_health", changed).status_code == 302
    with demo.app_context():
        o = plan_ops.objective_by_key(user("admin").organisation_id, "mental_health")
        assert o.text_en == "Mental health and substance use"  # the key stays
        assert [i.code for i in o.indicators] == ["4559"]
        assert [e.changes[0]["field"] for e in events("plan_objective.updated")] == ["text"]
    assert post(admin, "/admin/plan/mental_health/retire").status_code == 302
    with demo.app_context():
        assert plan_ops.active_keys(user("admin").organisation_id) == ()
        assert len(events("plan_objective.retired")) == 1


def test_a_refused_objective_is_shown_back_by_field_and_stores_nothing(demo, admin):
    use_language(admin, "sv")
    response = post(
        admin,
        "/admin/plan/new",
        {
            "key": "hälsa",
            "text_fi": "Terveys",
            "text_en": "Health",
            "start_year": "2029",
            "end_year": "2026",
            "indicators-0-code": "bad id",
            "indicators-0-name_fi": "X",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'href="#text_sv"' in page and "Skriv målet på svenska." in page
    assert 'href="#end_year"' in page
    assert 'href="#indicators-0-code"' in page and "Sotkanet" in page
    assert 'href="#indicators-0-name_en"' in page
    with demo.app_context():
        assert db.session.scalar(select(PlanObjective.id)) is None
        assert not events("plan_objective.created")


def test_only_admins_see_the_plan_pages(demo, client):
    login(client, "preparer")
    assert client.get("/admin/plan").status_code == 403
