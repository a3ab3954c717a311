"""The policy editor's pages (issue 17): only admins, CSRF, the draft saved with its problems
named at their fields in the reader's language, nothing typed lost, a stale draft refused,
publishing with a start date after a confirmation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assess.extensions import db
from assess.models import AuditEvent, PolicyVersion
from assess.operations import organisation_data
from assess.operations.context import today
from tests.support import csrf_token, login, post, use_language, user

TYPES = [
    (
        "service_network_change",
        "Palveluverkon muutos",
        "Ändring av servicenätet",
        "Service network change",
    ),
    ("procurement", "Hankinta", "Upphandling", "Procurement"),
    ("filling_post", "Viran täyttäminen", "Tillsättning av tjänst", "Filling a post"),
]


@pytest.fixture
def types(demo):
    with demo.app_context():
        for key, fi, sv, en in TYPES:
            organisation_data.create_decision_type(
                user("admin"), key=key, name_fi=fi, name_sv=sv, name_en=en
            )
    return [t[0] for t in TYPES]


def admin(client, language="en"):
    login(client, "admin")
    use_language(client, language)
    return client


def form_of(client, url="/admin/policy/draft") -> dict:
    """The editor's fields as the browser would send them (selects at their chosen value)."""
    html = client.get(url).get_data(as_text=True)
    fields: dict[str, str] = {}
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        fields[name] = value
    for name in re.findall(r'<input[^>]*name="([^"]+)"', html):
        fields.setdefault(name, "")
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(
            r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body
        )
        fields[name] = (chosen.group(1) or chosen.group(2)) if chosen else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', html, re.S):
        fields[name] = text.lstrip("\n")
    fields.pop("language", None)
    fields.pop("next", None)
    return fields


def row(fields: dict, key: str) -> str:
    """The form prefix of a decision type's row."""
    for name, value in fields.items():
        if name.endswith("-decision_type") and name.startswith("types-") and value == key:
            return name.rsplit("-", 1)[0]
    raise AssertionError(f"no row for {key}")


def drafts(app):
    with app.app_context():
        return [
            (v.version, v.status, v.data)
            for v in db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.id))
        ]


@pytest.mark.parametrize("role", ["preparer", "reviewer", "secretary", "auditor"])
@pytest.mark.parametrize(
    "method, url",
    [
        ("get", "/admin/policy"),
        ("get", "/admin/policy/draft"),
        ("post", "/admin/policy/draft"),
        ("get", "/admin/policy/draft/yaml"),
        ("post", "/admin/policy/draft/yaml"),
        ("get", "/admin/policy/publish"),
        ("post", "/admin/policy/publish"),
        ("get", "/admin/policy/draft/discard"),
        ("post", "/admin/policy/draft/discard"),
    ],
)
def test_only_admins(demo, client, role, method, url):
    login(client, role)
    response = (
        client.get(url)
        if method == "get"
        else post(client, url, {"action": "save", "policy_yaml": "format: 1\n"})
    )
    assert response.status_code == 403
    assert drafts(demo) == []


def test_not_logged_in_goes_to_the_login(demo, client):
    assert client.get("/admin/policy/draft").status_code == 302


@pytest.mark.parametrize(
    "url", ["/admin/policy/draft", "/admin/policy/draft/yaml", "/admin/policy/publish"]
)
def test_a_post_without_the_csrf_token_is_refused(demo, client, types, url):
    admin(client)
    fields = form_of(client)
    del fields["csrf_token"]
    response = client.post(url, data={**fields, "policy_yaml": "format: 1\n", "step": "date"})
    assert response.status_code == 400
    assert drafts(demo) == []


def test_the_overview_without_any_policy(demo, client):
    admin(client)
    page = client.get("/admin/policy").get_data(as_text=True)
    assert "the built-in default applies" in page
    assert "Start a new draft" in page
    assert 'href="/admin/policy"' in client.get("/").get_data(as_text=True)  # in the navigation


def test_the_form_shows_a_row_per_active_type_and_saves_a_draft(demo, client, types):
    admin(client)
    fields = form_of(client)
    assert [fields[f"types-{i}-decision_type"] for i in range(3)] == types
    assert fields["process_screening"] == "eva-standard"
    fields[f"{row(fields, 'service_network_change')}-rule"] = "full"
    fields[f"{row(fields, 'procurement')}-rule"] = "screen"
    fields[f"{row(fields, 'procurement')}-threshold_eur"] = "100 000"  # digits grouped: a number
    fields[f"{row(fields, 'filling_post')}-rule"] = "exempt"
    fields[f"{row(fields, 'filling_post')}-exempt_category"] = "filling_posts"
    response = post(client, "/admin/policy/draft", {**fields, "action": "check"})
    assert response.status_code == 302
    [(number, status, data)] = drafts(demo)
    assert (number, status) == (1, "draft")
    assert data["rules"] == [
        {"decision_type": "service_network_change", "rule": "full"},
        {"decision_type": "procurement", "rule": "screen", "threshold_eur": 100000},
        {"decision_type": "filling_post", "rule": "exempt", "exempt_category": "filling_posts"},
    ]
    page = client.get("/admin/policy/draft").get_data(as_text=True)
    assert "no problems" in page and 'value="100000"' in page
    with demo.app_context():
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        assert (event.action, event.object_type) == ("policy.draft_saved", "policy")


def test_every_problem_is_named_at_its_field_in_the_readers_language(demo, client, types):
    admin(client, "fi")
    fields = form_of(client)
    procurement, filling = row(fields, "procurement"), row(fields, "filling_post")
    fields[f"{procurement}-rule"] = "screen"
    fields[f"{procurement}-threshold_eur"] = "100 000 e"
    fields[f"{filling}-rule"] = "exempt"  # and no category
    fields["overrides-0-decision_type"] = "procurement"  # and no body
    fields["overrides-0-rule"] = "light"
    fields["reporting_fi"] = "Arvioinnit raportoidaan vuosittain."
    response = post(client, "/admin/policy/draft", {**fields, "action": "check"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[
        page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))
    ]
    links = re.findall(r'href="#([^"]+)"', summary)
    assert links == [
        f"{procurement}-threshold_eur",
        f"{filling}-exempt_category",
        "overrides-0-body",
        "reporting_sv",
        "reporting_en",
    ]
    assert "Hankinta: Kynnysarvo (euroa)" in summary
    assert "100 000 e" in summary
    assert 'lang="en"' not in summary  # every problem in Finnish
    # Nothing typed is lost: the page shows the input again, and the draft keeps it as typed.
    assert 'value="100 000 e"' in page and "Arvioinnit raportoidaan vuosittain." in page
    stored = {r["decision_type"]: r for r in drafts(demo)[0][2]["rules"] if "body" not in r}
    assert stored["procurement"]["threshold_eur"] == "100 000 e"
    # The field says it too, tied to the input.
    assert (
        f'aria-describedby="{procurement}-threshold_eur-help {procurement}-threshold_eur-error"'
        in page
    )
    # Publishing is refused while the problems remain, with the same problems linked to the form.
    refused = client.get("/admin/policy/publish")
    assert refused.status_code == 422
    assert f'href="/admin/policy/draft#{procurement}-threshold_eur"' in refused.get_data(
        as_text=True
    )


def test_a_save_based_on_a_changed_draft_is_refused(demo, client, types):
    admin(client)
    other = admin(demo.test_client())
    mine, theirs = form_of(client), form_of(other)
    theirs[f"{row(theirs, 'procurement')}-rule"] = "full"
    assert post(other, "/admin/policy/draft", {**theirs, "action": "save"}).status_code == 302
    mine[f"{row(mine, 'procurement')}-rule"] = "light"
    response = post(client, "/admin/policy/draft", {**mine, "action": "save"})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Someone else saved this draft while you were editing it" in page
    assert re.search(r'<option selected value="light">|<option value="light" selected', page)
    assert drafts(demo)[0][2]["rules"] == [{"decision_type": "procurement", "rule": "full"}]
    # Both had the same draft open: the second save of the first is refused as well.
    again = form_of(client)
    theirs_again = dict(theirs)
    assert post(client, "/admin/policy/draft", {**again, "action": "save"}).status_code == 302
    assert post(other, "/admin/policy/draft", {**theirs_again, "action": "save"}).status_code == 409


def test_publish_with_a_start_date_after_a_confirmation(demo, client, types):
    admin(client)
    fields = form_of(client)
    fields[f"{row(fields, 'service_network_change')}-rule"] = "full"
    post(client, "/admin/policy/draft", {**fields, "action": "save"})
    page = client.get("/admin/policy/publish").get_data(as_text=True)
    tomorrow = today() + timedelta(days=1)
    assert f'value="{tomorrow.isoformat()}"' in page  # the default: tomorrow
    token = csrf_token(page)
    draft_token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    yesterday = today() - timedelta(days=1)
    past = client.post(
        "/admin/policy/publish",
        data={
            "csrf_token": token,
            "draft_token": draft_token,
            "step": "date",
            "starts_on": yesterday.isoformat(),
        },
    )
    assert past.status_code == 422 and "cannot be in the past" in past.get_data(as_text=True)
    confirm = client.post(
        "/admin/policy/publish",
        data={
            "csrf_token": token,
            "draft_token": draft_token,
            "step": "date",
            "starts_on": tomorrow.isoformat(),
        },
    )
    assert confirm.status_code == 200
    assert "This cannot be undone" in confirm.get_data(as_text=True)
    assert drafts(demo)[0][1] == "draft"  # nothing published before the confirmation
    done = client.post(
        "/admin/policy/publish",
        data={
            "csrf_token": token,
            "draft_token": draft_token,
            "step": "confirm",
            "starts_on": tomorrow.isoformat(),
        },
    )
    assert done.status_code == 302
    assert drafts(demo)[0][:2] == (1, "published")
    overview = client.get("/admin/policy").get_data(as_text=True)
    assert "Version 1 published" in overview
    assert "Version 1 is published and comes into force on" in overview
    assert "Admin" in overview or "admin" in overview.lower()
    with demo.app_context():
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        assert event.action == "policy.published"
    # The version's page and its YAML.
    page = client.get("/admin/policy/versions/1").get_data(as_text=True)
    assert "Service network change" in page
    assert "/admin/policy/document?language=sv&amp;version=1" in page  # printed for the board
    exported = client.get("/admin/policy/versions/1/policy.yaml")
    assert exported.headers["Content-Disposition"].endswith('policy-v1.yaml"')
    assert "service_network_change" in exported.get_data(as_text=True)


def test_a_publication_confirmed_on_a_draft_changed_since_is_refused(demo, client, types):
    admin(client)
    fields = form_of(client)
    post(client, "/admin/policy/draft", {**fields, "action": "save"})
    page = client.get("/admin/policy/publish").get_data(as_text=True)
    draft_token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    other = admin(demo.test_client())
    theirs = form_of(other)
    theirs[f"{row(theirs, 'procurement')}-rule"] = "full"
    post(other, "/admin/policy/draft", {**theirs, "action": "save"})
    response = post(
        client,
        "/admin/policy/publish",
        {"draft_token": draft_token, "step": "confirm", "starts_on": today().isoformat()},
    )
    assert response.status_code == 302
    assert drafts(demo)[0][1] == "draft"
    assert "Someone else saved this draft" in client.get(response.location).get_data(as_text=True)


def test_the_yaml_page_saves_the_whole_file_and_names_its_problems(demo, client, types):
    admin(client, "sv")
    page = client.get("/admin/policy/draft/yaml").get_data(as_text=True)
    assert "format: 1" in page
    token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    bad = (
        "format: 1\nrules:\n"
        "  - decision_type: procurement\n    rule: screen\n    threshold_eur: lots\n"
    )
    response = post(client, "/admin/policy/draft/yaml", {"draft_token": token, "policy_yaml": bad})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "rules.0.threshold_eur" in text and "lots" in text
    assert drafts(demo)[0][2]["rules"][0]["threshold_eur"] == "lots"
    broken = post(
        client,
        "/admin/policy/draft/yaml",
        {
            "draft_token": re.search(
                r'name="draft_token" type="hidden" value="([^"]+)"', text
            ).group(1),
            "policy_yaml": "format: [1\n",
        },
    )
    assert broken.status_code == 422
    assert "YAML" in broken.get_data(as_text=True) and "format: [1" in broken.get_data(as_text=True)
    with demo.app_context():
        assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == 1


def test_a_threshold_on_a_rule_that_is_not_screening_is_named_in_swedish(demo, client, types):
    admin(client, "sv")
    fields = form_of(client)
    network = row(fields, "service_network_change")
    fields[f"{network}-rule"] = "full"
    fields[f"{network}-threshold_eur"] = "50000"
    fields["submit_days"] = "two weeks"
    response = post(client, "/admin/policy/draft", {**fields, "action": "check"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Ändring av servicenätet: Tröskelvärde (euro): ett tröskelvärde hör bara till" in page
    assert "Tidsfrist: dagar före mötet: skriv antalet dagar som ett heltal" in page
    assert 'value="two weeks"' in page


def test_a_yaml_save_based_on_a_changed_draft_is_refused(demo, client, types):
    admin(client)
    page = client.get("/admin/policy/draft/yaml").get_data(as_text=True)
    token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    other = admin(demo.test_client())
    theirs = form_of(other)
    theirs[f"{row(theirs, 'procurement')}-rule"] = "full"
    post(other, "/admin/policy/draft", {**theirs, "action": "save"})
    mine = "format: 1\ndefault:\n  rule: light\n"
    response = post(client, "/admin/policy/draft/yaml", {"draft_token": token, "policy_yaml": mine})
    assert response.status_code == 409
    assert "Someone else saved this draft" in response.get_data(as_text=True)
    assert "rule: light" in response.get_data(as_text=True)  # what was typed is still there
    assert drafts(demo)[0][2]["default"] == {"rule": "screen"}


def test_a_value_no_option_offers_stays_chosen_and_is_named(demo, client, types):
    admin(client)
    page = client.get("/admin/policy/draft/yaml").get_data(as_text=True)
    token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    typo = "format: 1\nrules:\n  - decision_type: procurement\n    rule: ful\n"
    post(client, "/admin/policy/draft/yaml", {"draft_token": token, "policy_yaml": typo})
    fields = form_of(client)
    assert fields[f"{row(fields, 'procurement')}-rule"] == "ful"  # not silently "no rule"
    response = post(client, "/admin/policy/draft", {**fields, "action": "check"})
    assert response.status_code == 422
    assert "Procurement: Rule: choose the rule." in response.get_data(as_text=True)


def test_discard_the_draft_after_a_confirmation(demo, client, types):
    admin(client)
    post(client, "/admin/policy/draft", {**form_of(client), "action": "save"})
    page = client.get("/admin/policy/draft/discard").get_data(as_text=True)
    assert "Discard the draft, version 1?" in page
    token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    other = admin(demo.test_client())
    theirs = form_of(other)
    theirs[f"{row(theirs, 'procurement')}-rule"] = "full"
    post(other, "/admin/policy/draft", {**theirs, "action": "save"})
    refused = post(client, "/admin/policy/draft/discard", {"draft_token": token})
    assert refused.status_code == 302 and len(drafts(demo)) == 1  # changed since: kept
    page = client.get("/admin/policy/draft/discard").get_data(as_text=True)
    token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    assert post(client, "/admin/policy/draft/discard", {"draft_token": token}).status_code == 302
    assert drafts(demo) == []
    with demo.app_context():
        event = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()))
        assert event.action == "policy.draft_discarded"


def test_without_decision_types_the_editor_says_so_and_links_their_page(demo, client):
    admin(client)
    page = client.get("/admin/policy/draft").get_data(as_text=True)
    assert "The organisation has no decision types yet" in page
    assert 'href="/admin/decision-types/new"' in page


def test_the_screening_blocks_problems_are_said_in_the_readers_language(demo, client):
    admin(client, "fi")
    page = client.get("/admin/policy/draft/yaml").get_data(as_text=True)
    token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    block = (
        "format: 1\n"
        "screening:\n"
        "  questions_off: [s_nothing]\n"
        "  own_questions:\n"
        "    - id: s_children\n"
        "      labels:\n"
        "        fi: Koskeeko päätös henkilöstöä\n"
        "        en: Does it concern the staff\n"
        "      recommends: maybe\n"
    )
    response = post(
        client, "/admin/policy/draft/yaml", {"draft_token": token, "policy_yaml": block}
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    summary = page[
        page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))
    ]
    assert "”s_nothing” ei ole lomakkeen arviointitarpeen tunnistamisen kysymys" in summary
    assert "tunniste ”s_children” on jo lomakkeen" in summary
    assert "screening.own_questions.0.labels.sv: ruotsinkielinen teksti puuttuu." in summary
    assert "kerro, mitä kyllä-vastaus suosittaa" in summary
    assert 'lang="en"' not in summary


def test_a_form_without_its_draft_token_is_refused_not_saved_over(demo, client, types):
    admin(client)
    post(client, "/admin/policy/draft", {**form_of(client), "action": "save"})
    fields = form_of(client)
    del fields["draft_token"]
    fields[f"{row(fields, 'procurement')}-rule"] = "full"
    assert post(client, "/admin/policy/draft", {**fields, "action": "save"}).status_code == 409
    assert drafts(demo)[0][2]["rules"] == []


def test_a_problem_that_appears_after_the_confirmation_page_is_shown_not_published(
    demo, client, types
):
    admin(client)
    fields = form_of(client)
    fields[f"{row(fields, 'procurement')}-rule"] = "full"
    post(client, "/admin/policy/draft", {**fields, "action": "save"})
    page = client.get("/admin/policy/publish").get_data(as_text=True)
    draft_token = re.search(r'name="draft_token" type="hidden" value="([^"]+)"', page).group(1)
    with demo.app_context():  # another admin retires the type meanwhile
        organisation_data.retire_decision_type(
            user("admin"), organisation_data.decision_type_by_key(1, "procurement")
        )
    response = post(
        client,
        "/admin/policy/publish",
        {"draft_token": draft_token, "step": "confirm", "starts_on": today().isoformat()},
    )
    assert response.status_code == 422  # the draft is checked again before anything is done
    assert drafts(demo)[0][1] == "draft"
    assert "the decision type “procurement” is retired" in response.get_data(as_text=True)
