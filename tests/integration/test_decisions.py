"""Decision drafts in the web UI: create, edit, search; bad input changes nothing."""

import re

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import Body, Decision, Organisation
from assess.operations import Conflict, Forbidden, ValidationFailed
from assess.operations import decisions as ops
from assess.operations import users as user_ops
from tests.support import login, post, use_language

NEW = {
    "case_number": "KPHA/500/2026",
    "title": "Kotihoidon yöpartion lakkauttaminen",
    "language": "fi",
    "body_id": "2",
    "proposal": "Lautakunta päättää…",
}


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Decision))


@pytest.fixture
def preparer(client):
    login(client, "preparer")
    use_language(client, "en")
    return client


def test_preparer_creates_a_decision(demo, preparer):
    response = post(preparer, "/decisions/new", NEW)
    assert response.status_code == 302
    page = preparer.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kotihoidon yöpartion lakkauttaminen" in page and "KPHA/500/2026" in page
    with demo.app_context():
        decision = db.session.scalar(
            select(Decision).where(Decision.case_number == NEW["case_number"])
        )
        assert decision.preparer.email == "preparer@demo.example"
        assert decision.body_id == 2 and decision.language == "fi"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"case_number": ""}, "case_number", "Enter the case number."),
        ({"title": " "}, "title", "Enter the title of the decision."),
        ({"title": "x" * 301}, "title", "300"),
        ({"language": "de"}, "language", "Not a valid choice"),
        ({"body_id": "99"}, "body_id", "Not a valid choice"),
        ({"case_number": "KPHA/412/2026"}, "case_number", "already used by another decision"),
    ],
)
def test_bad_input_is_explained_and_changes_nothing(demo, preparer, change, field, message):
    before = _count(demo)
    response = post(preparer, "/decisions/new", {**NEW, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert f'href="#{field}"' in page  # the error summary links to the field
    assert _count(demo) == before
    # What was typed is kept in the form.
    if change.get("title", "").strip():
        assert change["title"] in page


def test_html_is_stored_as_typed_and_shown_escaped(demo, preparer):
    title = '<script>alert("x")</script> & <b>bold</b>'
    response = post(preparer, "/decisions/new", {**NEW, "title": title})
    page = preparer.get(response.headers["Location"]).get_data(as_text=True)
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page
    with demo.app_context():
        assert db.session.scalar(select(Decision.title).where(Decision.title == title)) == title


def test_edit_saves_and_bumps_the_version(demo, preparer):
    form = preparer.get("/decisions/1/edit").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    data = {**NEW, "case_number": "KPHA/412/2026", "title": "Uusi otsikko", "version": version}
    assert post(preparer, "/decisions/1/edit", data).status_code == 302
    with demo.app_context():
        decision = db.session.get(Decision, 1)
        assert decision.title == "Uusi otsikko" and decision.version == int(version) + 1


def test_stale_edit_is_refused_and_keeps_what_was_typed(demo, preparer):
    data = {**NEW, "case_number": "KPHA/412/2026", "title": "Minun muutokseni", "version": "1"}
    with demo.app_context():  # someone else saves first
        decision = db.session.get(Decision, 1)
        ops.update_decision(
            decision.preparer,
            decision,
            expected_version=1,
            case_number=decision.case_number,
            title="Toisen muutos",
            language="fi",
            body_id=decision.body_id,
            proposal="",
        )
    response = post(preparer, "/decisions/1/edit", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else saved this decision" in page
    assert "Minun muutokseni" in page  # nothing typed is lost
    with demo.app_context():
        assert db.session.get(Decision, 1).title == "Toisen muutos"


def test_search_by_case_number_and_title(preparer):
    page = preparer.get("/decisions?q=412").get_data(as_text=True)
    assert "KPHA/412/2026" in page and "KPHA/388/2026" not in page
    page = preparer.get("/decisions?q=dagverksamheten").get_data(as_text=True)
    assert "MÖVO/95/2026" in page and "1 decision found." in page
    page = preparer.get("/decisions?q=%25").get_data(as_text=True)  # a literal %, not a wildcard
    assert "0 decisions found." in page


def test_other_organisations_decisions_are_invisible(ctx):
    other = Organisation(name_fi="Toinen", name_sv="Annan", bilingual=False)
    body = Body(organisation=other, name_fi="Hallitus", name_sv="Styrelsen")
    db.session.add_all([other, body])
    db.session.commit()
    stranger = user_ops.create_user(
        organisation=other,
        email="s@other.example",
        name="S",
        roles=["preparer"],
        password="long enough password",
    )
    with pytest.raises(Exception) as err:
        ops.get_decision(stranger, 1)
    assert err.value.code == "not_found"
    me = user_ops.user_by_email("preparer@demo.example")
    with pytest.raises(ValidationFailed) as err:
        ops.create_decision(me, **{**NEW, "body_id": str(body.id)})
    assert "body_id" in err.value.errors


def test_only_preparers_and_admins_change_decisions(ctx):
    reviewer = user_ops.user_by_email("reviewer@demo.example")
    with pytest.raises(Forbidden):
        ops.create_decision(reviewer, **NEW)


def test_operation_refuses_a_stale_version(ctx):
    decision = db.session.get(Decision, 1)
    with pytest.raises(Conflict):
        ops.update_decision(
            decision.preparer, decision, expected_version=0, **{**NEW, "case_number": "A/1"}
        )
    assert db.session.get(Decision, 1).case_number == "KPHA/412/2026"


def test_a_message_with_typed_text_is_escaped(demo, preparer):
    """Translated messages carry typed parameters (a case number): never as HTML."""
    response = post(
        preparer, "/decisions/new", {**NEW, "case_number": "<img src=x onerror=alert(1)>"}
    )
    page = preparer.get(response.headers["Location"]).get_data(as_text=True)
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_a_change_of_language_never_relabels_an_unchanged_translation(demo, preparer):
    """A Finnish decision's Swedish title, left as it is when the decision turns Swedish,
    would be saved as its Finnish title: refused, everything typed kept; saved once the
    preparer says the fields already hold Finnish, or has moved the texts."""
    sv = {"title_other": "Indragning av nattpatrullen", "proposal_other": "Nämnden beslutar…"}
    made = post(preparer, "/decisions/new", {**NEW, **sv})
    assert made.status_code == 302
    with demo.app_context():
        decision = db.session.scalar(
            select(Decision).where(Decision.case_number == NEW["case_number"])
        )
        url, version = f"/decisions/{decision.id}/edit", decision.version
        assert decision.translations == {
            "sv": {"title": sv["title_other"], "proposal": sv["proposal_other"]}
        }
    turned = {**NEW, **sv, "language": "sv", "version": str(version)}
    refused = post(preparer, url, turned)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "would be saved as its Finnish translation" in page
    assert 'href="#language"' in page  # the error summary links to the language
    assert sv["title_other"] in page and 'name="keep_translation"' in page
    with demo.app_context():
        unchanged = db.session.get(Decision, decision.id)
        assert unchanged.language == "fi" and unchanged.version == version
    # Moved: the translation fields now hold the Finnish texts; saved at once.
    moved = {**turned, "title": sv["title_other"], "proposal": sv["proposal_other"]}
    moved |= {"title_other": NEW["title"], "proposal_other": NEW["proposal"]}
    assert post(preparer, url, moved).status_code == 302
    with demo.app_context():
        saved = db.session.get(Decision, decision.id)
        assert saved.language == "sv" and saved.title == sv["title_other"]
        assert saved.translations == {"fi": {"title": NEW["title"], "proposal": NEW["proposal"]}}
        version = saved.version
    # Back to Finnish with the translation unchanged, confirmed as already Swedish: saved.
    back = {**moved, "language": "fi", "version": str(version), "keep_translation": "y"}
    assert post(preparer, url, back).status_code == 302
    with demo.app_context():
        kept = db.session.get(Decision, decision.id)
        assert kept.language == "fi"
        assert kept.translations == {"sv": {"title": NEW["title"], "proposal": NEW["proposal"]}}
