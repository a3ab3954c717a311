"""The admin pages of bodies and decision types, the organisation type in the settings, and
the decision form's type and amount (issue 17)."""

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, Body, Decision, DecisionType, Organisation
from tests.support import login, post, use_language

TYPE = {
    "key": "procurement",
    "name_fi": "Hankinta",
    "name_sv": "Upphandling",
    "name_en": "Procurement",
    "task_class": "",
}


@pytest.fixture
def admin(client):
    login(client, "admin")
    return client


@pytest.fixture
def preparer(demo):
    client = demo.test_client()
    login(client, "preparer")
    return client


def stored(app):
    with app.app_context():
        return tuple(
            db.session.scalar(select(func.count()).select_from(m))
            for m in (Body, DecisionType, Decision, AuditEvent)
        )


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_admin_pages_are_linked_from_the_dashboard_and_the_settings(admin):
    for page in ("/", "/admin/organisation"):
        html = text(admin.get(page))
        assert 'href="/admin/bodies"' in html and 'href="/admin/decision-types"' in html


def test_an_admin_creates_renames_and_retires_a_body(demo, admin):
    new = {"key": "council", "kind": "council", "name_fi": "Aluevaltuusto", "name_sv": "Fullm."}
    response = post(admin, "/admin/bodies/new", new)
    assert response.status_code == 302
    html = text(admin.get("/admin/bodies"))
    assert "Aluevaltuusto" in html and "<code>council</code>" in html
    edit = post(admin, "/admin/bodies/council", {**new, "key": "ignored", "name_sv": "Fullmäktige"})
    assert edit.status_code == 302
    assert post(admin, "/admin/bodies/council/retire").status_code == 302
    with demo.app_context():
        body = db.session.scalars(select(Body).where(Body.key == "council")).one()
        assert (body.name_sv, body.active) == ("Fullmäktige", False)
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_type == "body")
        ).all()
    assert actions == ["body.created", "body.updated", "body.retired"]
    assert "Reactivate" in text(admin.get("/admin/bodies"))
    assert post(admin, "/admin/bodies/council/reactivate").status_code == 302


def test_a_refused_body_shows_every_problem_and_stores_nothing(demo, admin):
    before = stored(demo)
    response = post(
        admin, "/admin/bodies/new", {"key": "Iso Kirjain", "kind": "", "name_fi": "", "name_sv": ""}
    )
    assert response.status_code == 422
    html = text(response)
    assert 'id="error-summary"' in html
    for words in ("is not valid", "Enter the name in Finnish.", "Enter the name in Swedish."):
        assert words in html
    assert 'href="#kind"' in html
    assert stored(demo) == before


def test_the_refusal_is_in_the_admins_language(demo, admin):
    use_language(admin, "sv")
    response = post(
        admin,
        "/admin/bodies/new",
        {"key": "executive_board", "kind": "board", "name_fi": "X", "name_sv": ""},
    )
    html = text(response)
    assert "används redan av organet Aluehallitus" in html
    assert "Ange namnet på svenska." in html


def test_an_admin_manages_decision_types(demo, admin):
    assert "No decision types yet" in text(admin.get("/admin/decision-types"))
    assert post(admin, "/admin/decision-types/new", TYPE).status_code == 302
    response = post(admin, "/admin/decision-types/new", TYPE)
    assert response.status_code == 422 and "already used by the decision type" in text(response)
    edit = post(admin, "/admin/decision-types/procurement", {**TYPE, "task_class": "02.07.00"})
    assert edit.status_code == 302
    bad = post(admin, "/admin/decision-types/procurement", {**TYPE, "task_class": "hallinto"})
    assert bad.status_code == 422 and "05.01.00" in text(bad)
    assert post(admin, "/admin/decision-types/procurement/retire").status_code == 302
    with demo.app_context():
        t = db.session.scalars(select(DecisionType)).one()
        assert (t.task_class, t.active) == ("02.07.00", False)


def test_unknown_keys_are_404_and_others_are_refused(admin, preparer):
    assert admin.get("/admin/bodies/senate").status_code == 404
    assert post(admin, "/admin/decision-types/nope/retire").status_code == 404
    for page in ("/admin/bodies", "/admin/decision-types", "/admin/bodies/new"):
        assert preparer.get(page).status_code == 403
    assert post(preparer, "/admin/bodies/executive_board/retire").status_code == 403


def test_the_organisation_type_is_chosen_in_the_settings(demo, admin):
    html = text(admin.get("/admin/organisation"))
    assert '<option selected value="wellbeing_county">' in html
    use_language(admin, "fi")
    html = text(admin.get("/admin/organisation"))
    for label in ("kunta", "hyvinvointialue", "kuntayhtymä", "Helsingin kaupunki"):
        assert f">{label}</option>" in html
    form = {
        "kind": "helsinki",
        "bilingual": "y",
        "minority_language": "sv",
        "investment_threshold_eur": "100000",
    }
    with demo.app_context():
        from assess.operations.answers import forms

        form["groups_used"] = [g.id for g in forms().latest("iva").groups]
    assert post(admin, "/admin/organisation", form).status_code == 302
    with demo.app_context():
        assert db.session.get(Organisation, 1).kind == "helsinki"
    bad = post(admin, "/admin/organisation", {**form, "kind": "city"})
    assert bad.status_code == 422


# --- the decision form ----------------------------------------------------------------


DECISION = {
    "case_number": "KPHA/77/2027",
    "title": "Kalustohankinta",
    "language": "fi",
    "body_id": "1",
    "proposal": "",
}


def test_without_types_the_form_has_no_type_and_takes_an_amount(demo, preparer):
    html = text(preparer.get("/decisions/new"))
    assert 'name="decision_type"' not in html and 'name="amount_eur"' in html
    response = post(preparer, "/decisions/new", {**DECISION, "amount_eur": "150 000"})
    assert response.status_code == 302
    page = text(preparer.get(response.headers["Location"]))
    assert "150" in page and "000 €" in page


def test_with_types_the_form_requires_one_and_shows_it(demo, admin, preparer):
    post(admin, "/admin/decision-types/new", TYPE)
    post(admin, "/admin/decision-types/new", {**TYPE, "key": "old", "name_fi": "Vanha"})
    post(admin, "/admin/decision-types/old/retire")
    post(admin, "/admin/bodies/rescue_committee/retire")
    html = text(preparer.get("/decisions/new"))
    assert '<option value="procurement">Hankinta</option>' in html
    assert 'value="old"' not in html  # retired
    assert "Pelastuslautakunta" not in html  # retired body
    before = stored(demo)
    missing = post(preparer, "/decisions/new", DECISION)
    assert missing.status_code == 422
    # The preparer reads Finnish.
    assert "Valitse päätöstyyppi, jokin näistä: procurement." in text(missing)
    bad_amount = post(
        preparer, "/decisions/new", {**DECISION, "decision_type": "procurement", "amount_eur": "-5"}
    )
    assert bad_amount.status_code == 422 and "kokonaisina euroina" in text(bad_amount)
    assert stored(demo) == before
    made = post(
        preparer,
        "/decisions/new",
        {**DECISION, "decision_type": "procurement", "amount_eur": "80000"},
    )
    assert made.status_code == 302
    page = text(preparer.get(made.headers["Location"]))
    assert '<dt class="col-sm-3">Päätöstyyppi</dt><dd class="col-sm-9">Hankinta</dd>' in page
    assert "Procurement" not in page


def test_an_old_decision_keeps_its_retired_type_in_the_form(demo, admin, preparer):
    post(admin, "/admin/decision-types/new", TYPE)
    made = post(preparer, "/decisions/new", {**DECISION, "decision_type": "procurement"})
    post(admin, "/admin/decision-types/procurement/retire")
    edit_url = made.headers["Location"] + "/edit"
    html = text(preparer.get(edit_url))
    assert '<option selected value="procurement">Hankinta</option>' in html
