"""The policy printed for the board through the operations, the web and the command line:
the version in force or the draft, in fi and sv, with the organisation's own names; who
may print what; a clear message when there is nothing to print."""

import io

import docx
import pytest
import yaml

from assess.operations import Forbidden, NotFound, ValidationFailed
from assess.operations import policies as policy_ops
from assess.operations.context import today
from assess.operations.policy_document import policy_document
from tests.support import login, user

POLICY = {
    "format": 1,
    "decision_types": [
        {
            "id": "service_network_change",
            "labels": {
                "fi": "Palveluverkon muutos",
                "sv": "Ändring av servicenätet",
                "en": "Service network change",
            },
        },
        {
            "id": "filling_post",
            "labels": {
                "fi": "Viran täyttö",
                "sv": "Tillsättning av tjänst",
                "en": "Filling a post",
            },
        },
    ],
    "default": {"rule": "screen"},
    "rules": [
        {"decision_type": "service_network_change", "rule": "full"},
        {"decision_type": "service_network_change", "body": "executive_board", "rule": "full"},
        {"decision_type": "filling_post", "rule": "exempt", "exempt_category": "filling_posts"},
    ],
}
TITLE = {
    "fi": "Päätösten vaikutusten ennakkoarvioinnin toimintamalli",
    "sv": "Modell för förhandsbedömning av konsekvenserna av beslut",
}


def publish(data=POLICY):
    version, problems = policy_ops.import_policy(
        user("admin"),
        yaml.safe_dump(data, allow_unicode=True),
        source="policy.yaml",
        publish=True,
        starts_on=today(),
    )
    assert problems == []
    return version


def save_draft(data):
    version, problems = policy_ops.save_draft(user("admin"), data)
    assert problems == []
    return version


def read(content: bytes):
    return docx.Document(io.BytesIO(content))


def rule_rows(d) -> list[list[str]]:
    (table,) = [t for t in d.tables if t.rows[0].cells[0].text in ("Päätöstyyppi", "Beslutstyp")]
    return [[c.text for c in r.cells][:3] for r in table.rows[1:]]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_version_in_force_with_the_organisation_s_names(ctx, language):
    publish()
    printed = policy_document(user("preparer"), user("preparer").organisation, language)
    assert printed.filename == f"EVA-POLICY-1-{language.upper()}.docx"
    d = read(printed.content)
    assert d.paragraphs[0].text == TITLE[language]
    board = {"fi": "Aluehallitus", "sv": "Välfärdsområdesstyrelsen"}[language]
    rows = rule_rows(d)
    assert [r[:2] for r in rows[:3]] == [
        [POLICY["decision_types"][0]["labels"][language], {"fi": "kaikki", "sv": "alla"}[language]],
        [POLICY["decision_types"][0]["labels"][language], board],
        [POLICY["decision_types"][1]["labels"][language], {"fi": "kaikki", "sv": "alla"}[language]],
    ]
    # The demo organisation is a wellbeing services county: its basis is 612/2021 7 §.
    body = "\n".join(p.text for p in d.paragraphs)
    assert "7 §" in body and "611/2021" in body
    again = policy_document(user("admin"), user("admin").organisation, language)
    assert again.content == printed.content


def test_the_draft_is_printed_for_admins_only_and_marked(ctx):
    publish()
    changed = dict(POLICY, rules=[{"decision_type": "filling_post", "rule": "light"}])
    save_draft(changed)
    org = user("admin").organisation
    printed = policy_document(user("admin"), org, "fi", draft=True)
    d = read(printed.content)
    assert d.sections[0].header.paragraphs[0].text == "LUONNOS"
    assert printed.filename == "EVA-POLICY-LUONNOS-FI.docx"
    assert ["Viran täyttö", "kaikki", "vähintään suppea arviointi"] in rule_rows(d)
    with pytest.raises(Forbidden):
        policy_document(user("preparer"), org, "fi", draft=True)
    # The published version is still what is printed by default, and by its number.
    assert policy_document(user("preparer"), org, "fi").version.version == 1
    assert policy_document(user("admin"), org, "sv", version=2).version.status == "draft"


def test_nothing_to_print_is_said_plainly(ctx):
    org = user("admin").organisation
    with pytest.raises(NotFound, match="not published a policy yet"):
        policy_document(user("admin"), org, "fi")
    with pytest.raises(NotFound, match="no draft"):
        policy_document(user("admin"), org, "fi", draft=True)
    with pytest.raises(NotFound, match="no version 7"):
        policy_document(user("admin"), org, "fi", version=7)
    with pytest.raises(ValidationFailed, match="fi, sv or en, not de"):
        policy_document(user("admin"), org, "de")


def test_one_click_from_the_organisation_settings(client):
    with client.application.app_context():
        publish()
    login(client, "admin")
    page = client.get("/admin/organisation").get_data(as_text=True)
    assert "/admin/policy/document?language=fi" in page
    assert "/admin/policy/document?language=sv" in page
    assert "draft=1" not in page  # no draft to print
    response = client.get("/admin/policy/document?language=sv")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    assert "EVA-POLICY-1-SV.docx" in response.headers["Content-Disposition"]
    assert read(response.data).paragraphs[0].text == TITLE["sv"]
    by_number = client.get("/admin/policy/document?version=1&language=fi")
    assert read(by_number.data).paragraphs[0].text == TITLE["fi"]


def test_the_page_says_what_was_wrong(client):
    login(client, "admin")
    response = client.get("/admin/policy/document?language=fi", follow_redirects=True)
    assert "The organisation has not published a policy yet" in response.get_data(as_text=True)
    response = client.get("/admin/policy/document?language=de", follow_redirects=True)
    assert "fi, sv or en, not de" in response.get_data(as_text=True)
    assert client.get("/admin/policy/document?version=x&language=fi").status_code == 404


def test_a_preparer_prints_the_published_policy_but_not_the_draft(client):
    with client.application.app_context():
        publish()
        save_draft(POLICY)
    login(client, "preparer")
    assert client.get("/admin/policy/document?language=fi").status_code == 200
    assert client.get("/admin/policy/document?draft=1&language=fi").status_code == 403


def test_the_command_line_writes_the_document(demo, tmp_path):
    runner = demo.test_cli_runner()
    out = tmp_path / "policy.docx"
    refused = runner.invoke(args=["policy", "document", "--language", "fi", "-o", str(out)])
    assert refused.exit_code == 2 and "not published a policy yet" in refused.output
    assert not out.exists()
    with demo.app_context():
        publish()
    done = runner.invoke(args=["policy", "document", "--language", "sv", "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "version 1" in done.output
    assert read(out.read_bytes()).paragraphs[0].text == TITLE["sv"]
    draft = runner.invoke(
        args=["policy", "document", "--draft", "--language", "fi", "-o", str(out)]
    )
    assert draft.exit_code == 2 and "no draft" in draft.output
