"""The impact matrix a row at a time (issue 20): the row operation with its own lock, no
effect for a whole row, copying a row, and the pages over HTTP."""

import re

import pytest

from assess.extensions import db
from assess.models import Assessment, AuditEvent, Decision
from assess.operations import Stale, ValidationFailed, matrix
from assess.operations import answers as answer_ops
from assess.operations import assessments as ops
from assess.operations.users import create_user
from tests.support import SCREENING_NO, login, post, use_language, user
from tests.support import stored_data as data_of

GROUPS = ["older_people", "disabled", "rural_residents"]
DIMS = ["health", "wellbeing", "participation", "access_to_services", "living_environment"]


def prepared(app):
    """A full assessment: the zero option and VE1, 3 groups x 5 dimensions in scope."""
    with app.app_context():
        p = user("preparer")
        a = ops.create_assessment(p, db.session.get(Decision, 1))
        ops.fire(p, a, "start_screening", expected_version=a.version)
        answer_ops.patch(
            p,
            a,
            {
                "screening": {"answers": SCREENING_NO},
                "level": "full",
                "answers": {
                    "groups_in_scope": GROUPS,
                    "dimensions_in_scope": DIMS,
                    "time_horizons": ["budget_year"],
                },
                "alternatives": [
                    {"id": "ve0", "label": "VE0", "description": "Stays.", "zero_option": True},
                    {"id": "ve1", "label": "VE1", "description": "Moves.", "recommended": True},
                ],
            },
            expected_version=None,
        )
        return a.id


@pytest.fixture
def assessment(demo):
    return prepared(demo)


def negative(text="Longer trips."):
    return {"direction": "negative", "magnitude": "moderate", "rationale": text}


def load(assessment_id=1):
    return db.session.get(Assessment, assessment_id)


def row_of(a, alt, group):
    return {c.dimension: c for c in a.content.impacts if (c.alternative, c.group) == (alt, group)}


def test_a_row_saves_every_dimension_as_one_audit_event(ctx, assessment):
    a = load(assessment)
    loaded = matrix.fingerprint(a.content, "ve1", "older_people")
    before = db.session.query(AuditEvent).count()
    version = a.version
    given = {d: negative(f"{d}: worse.") for d in DIMS[:4]}
    given[DIMS[4]] = {}  # left empty: no cell
    matrix.save_row(user("preparer"), a, "ve1", "older_people", given, loaded=loaded)
    a = load(assessment)
    cells = row_of(a, "ve1", "older_people")
    assert sorted(cells) == sorted(DIMS[:4])
    assert cells["health"].direction == "negative" and cells["health"].rationale == "health: worse."
    assert a.version == version + 1  # the assessment's version still bumps
    events = db.session.query(AuditEvent).order_by(AuditEvent.id).all()[before:]
    assert [e.action for e in events] == ["assessment.answers_saved"]
    fields = {c["field"] for c in events[0].changes}
    assert "impacts.ve1.older_people.health.direction" in fields
    assert "impacts.ve1.older_people.access_to_services.rationale" in fields
    assert not any(f.startswith("impacts.ve1.older_people.living_environment") for f in fields)


def test_malformed_input_is_refused_whole_and_named_by_dimension(ctx, assessment):
    a = load(assessment)
    loaded = matrix.fingerprint(a.content, "ve1", "disabled")
    with pytest.raises(ValidationFailed) as refused:
        matrix.save_row(
            user("preparer"),
            a,
            "ve1",
            "disabled",
            {"health": negative(), "wellbeing": {"direction": "sideways"}},
            loaded=loaded,
        )
    assert "wellbeing.direction" in refused.value.errors
    assert row_of(load(assessment), "ve1", "disabled") == {}


def test_another_rows_save_does_not_collide(ctx, assessment):
    a = load(assessment)
    mine = matrix.fingerprint(a.content, "ve1", "older_people")
    theirs = matrix.fingerprint(a.content, "ve1", "disabled")
    matrix.save_row(user("preparer"), a, "ve1", "disabled", {"health": negative()}, loaded=theirs)
    # Loaded before that save, a different row: saved, the other row kept.
    matrix.save_row(
        user("preparer"),
        load(assessment),
        "ve1",
        "older_people",
        {"health": negative()},
        loaded=mine,
    )
    a = load(assessment)
    assert set(row_of(a, "ve1", "disabled")) == {"health"}
    assert set(row_of(a, "ve1", "older_people")) == {"health"}


def test_a_changed_row_is_refused_naming_the_row_and_who_changed_it(ctx, assessment):
    org = user("preparer").organisation
    other = create_user(
        organisation=org,
        email="pekka@demo.example",
        name="Pekka Toinen",
        roles=["preparer"],
        password="a long enough password 2026",
    )
    a = load(assessment)
    loaded = matrix.fingerprint(a.content, "ve1", "older_people")
    matrix.save_row(
        other, a, "ve1", "older_people", {"health": negative("Pekka's.")}, loaded=loaded
    )
    with pytest.raises(matrix.RowChanged) as refused:
        matrix.save_row(
            user("preparer"),
            load(assessment),
            "ve1",
            "older_people",
            {"health": negative("Paula's.")},
            loaded=loaded,
        )
    assert isinstance(refused.value, Stale)
    message = str(refused.value)
    assert "Pekka Toinen" in message and "older people" in message and "VE1" in message
    assert row_of(load(assessment), "ve1", "older_people")["health"].rationale == "Pekka's."


def test_who_changed_a_row_is_found_also_after_a_cell_save(ctx, assessment):
    a = load(assessment)
    loaded = matrix.fingerprint(a.content, "ve1", "rural_residents")
    cell = {"alternative": "ve1", "group": "rural_residents", "dimension": "health", **negative()}
    answer_ops.save_cell(user("preparer"), a, cell, expected_version=a.version)
    assert matrix.last_change(a.id, "ve1", "rural_residents")[0] == "Paula Peltonen"
    assert matrix.last_change(a.id, "ve1", "older_people") is None
    with pytest.raises(matrix.RowChanged, match="Paula Peltonen"):
        matrix.save_row(
            user("preparer"), load(assessment), "ve1", "rural_residents", {}, loaded=loaded
        )


def test_a_stale_write_is_retried_on_the_fresh_data(ctx, assessment, monkeypatch):
    """Someone saves another row between our read and our write: read again, save."""
    a = load(assessment)
    loaded = matrix.fingerprint(a.content, "ve1", "older_people")
    real, calls = matrix._write, []

    def racing(user_, a_, form, row, cells):
        calls.append(row.group.id)
        if len(calls) == 1:
            raise Stale("someone saved meanwhile")
        return real(user_, a_, form, row, cells)

    monkeypatch.setattr(matrix, "_write", racing)
    matrix.save_row(
        user("preparer"), a, "ve1", "older_people", {"health": negative()}, loaded=loaded
    )
    assert calls == ["older_people", "older_people"]
    assert set(row_of(load(assessment), "ve1", "older_people")) == {"health"}


def test_no_effect_row_records_what_a_neutral_cell_records(ctx, assessment):
    a = load(assessment)
    loaded = matrix.fingerprint(a.content, "ve1", "disabled")
    matrix.save_row(user("preparer"), a, "ve1", "disabled", {"health": negative()}, loaded=loaded)
    a = load(assessment)
    matrix.no_effect_row(
        user("preparer"),
        a,
        "ve1",
        "disabled",
        loaded=matrix.fingerprint(a.content, "ve1", "disabled"),
        reason="The service stays accessible.",
    )
    a = load(assessment)
    cells = row_of(a, "ve1", "disabled")
    assert sorted(cells) == sorted(DIMS)
    for c in cells.values():
        assert c.direction == "neutral" and c.magnitude is None and c.likelihood is None
        assert c.rationale == "The service stays accessible." and c.mitigation == ""
    # The same cell as the per-cell page saves when "neutral" is chosen.
    cell = {"alternative": "ve1", "group": "disabled", "dimension": "health"}
    cell.update(direction="neutral", rationale="The service stays accessible.")
    value, errors = answer_ops.clean.clean_cell(answer_ops.form_for(a), cell, ["ve0", "ve1"])
    assert not errors and cells["health"].dump() == value
    assert (
        matrix.row_state(
            answer_ops.form_for(a),
            a.content,
            matrix.row_of(answer_ops.form_for(a), a.content, "ve1", "disabled"),
        )
        == "done"
    )


def test_no_effect_is_refused_for_the_zero_option(ctx, assessment):
    a = load(assessment)
    with pytest.raises(ValidationFailed, match="zero option"):
        matrix.no_effect_row(user("preparer"), a, "ve0", "disabled", loaded=None)


def test_copy_a_row_from_another_alternative(ctx, assessment):
    a = load(assessment)
    matrix.save_row(
        user("preparer"),
        a,
        "ve0",
        "older_people",
        {"health": {"rationale": "5 km to the station.", "direction": "negative"}},
        loaded=None,
    )
    a = load(assessment)
    assert row_of(a, "ve0", "older_people")["health"].direction is None  # described, not scored
    matrix.copy_row(
        user("preparer"),
        a,
        "ve1",
        "older_people",
        source="ve0",
        loaded=matrix.fingerprint(a.content, "ve1", "older_people"),
    )
    a = load(assessment)
    assert row_of(a, "ve1", "older_people")["health"].rationale == "5 km to the station."
    with pytest.raises(ValidationFailed, match="nothing to copy"):
        matrix.copy_row(user("preparer"), a, "ve1", "disabled", source="ve0", loaded=None)
    with pytest.raises(ValidationFailed):
        matrix.copy_row(user("preparer"), a, "ve1", "disabled", source="ve1", loaded=None)


# --- the pages ----------------------------------------------------------------------------


@pytest.fixture
def preparer(client, assessment):
    login(client, "preparer")
    use_language(client, "en")
    return client


def fingerprint_of(page: str) -> str:
    return re.search(r'name="fingerprint" value="([0-9a-f]+)"', page).group(1)


def test_the_overview_links_each_row_with_its_state(demo, preparer):
    page = preparer.get("/assessments/1/sections/impacts").get_data(as_text=True)
    assert page.count("Edit the row: older people") == 2  # both alternatives
    assert "/assessments/1/rows/ve1/older_people" in page
    assert "Compare the alternatives side by side" in page


def test_the_row_page_saves_and_goes_to_the_next_row(demo, preparer):
    url = "/assessments/1/rows/ve1/older_people"
    page = preparer.get(url).get_data(as_text=True)
    assert 'for="health-direction"' in page and 'name="living_environment-mitigation"' in page
    assert "older people / health, physical and mental: </span>Direction of the effect" in page
    form = {"fingerprint": fingerprint_of(page), "next": "1"}
    for d in DIMS:
        form.update({f"{d}-direction": "negative", f"{d}-magnitude": "small"})
        form[f"{d}-rationale"] = "Worse."
    response = post(preparer, url, form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/assessments/1/rows/ve1/disabled")
    assert len([c for c in data_of(demo)["impacts"] if c["group"] == "older_people"]) == 5
    overview = preparer.get("/assessments/1/sections/impacts").get_data(as_text=True)
    assert re.search(r"Edit the row: older people</a>\s*<span[^>]*>done", overview)


def test_a_conflict_keeps_what_was_typed_and_names_the_row(demo, preparer):
    url = "/assessments/1/rows/ve1/older_people"
    loaded = fingerprint_of(preparer.get(url).get_data(as_text=True))
    post(preparer, url, {"fingerprint": loaded, "health-direction": "neutral"})
    response = post(
        preparer,
        url,
        {"fingerprint": loaded, "health-direction": "negative", "health-rationale": "Mine."},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "The row older people – VE1 was changed by Paula Peltonen" in page
    assert ">Mine.</textarea>" in page
    assert "The row as it is saved now" in page and "neutral (no significant effect)" in page
    # The next save is based on the row as shown: it goes through.
    again = {"fingerprint": fingerprint_of(page), "health-direction": "negative"}
    again["health-magnitude"] = "small"
    again["health-rationale"] = "Mine."
    assert post(preparer, url, again).status_code == 302


def test_no_effect_and_copy_through_the_pages(demo, preparer):
    url = "/assessments/1/rows/ve1/disabled"
    page = preparer.get(url).get_data(as_text=True)
    response = post(preparer, url + "/no-effect", {"fingerprint": fingerprint_of(page)})
    assert response.status_code == 302
    cells = [c for c in data_of(demo)["impacts"] if c["group"] == "disabled"]
    assert {c["direction"] for c in cells} == {"neutral"} and len(cells) == 5
    target = "/assessments/1/rows/ve0/disabled"
    page = preparer.get(target).get_data(as_text=True)
    assert "Mark the whole row" not in page  # the zero option is not scored
    response = post(
        preparer, target + "/copy", {"fingerprint": fingerprint_of(page), "source": "ve1"}
    )
    # Copied into the baseline, a neutral cell without text keeps nothing: refused by name,
    # on the row's page (a reload does not repeat the action).
    assert response.status_code == 302 and response.headers["Location"].endswith(target)
    page = preparer.get(target).get_data(as_text=True)
    assert "VE1 has nothing to copy for persons with disabilities yet." in page


def test_the_comparison_is_a_table_in_words(demo, preparer):
    url = "/assessments/1/rows/ve1/rural_residents"
    page = preparer.get(url).get_data(as_text=True)
    post(
        preparer,
        url,
        {
            "fingerprint": fingerprint_of(page),
            "health-direction": "negative",
            "health-magnitude": "large",
            "health-rationale": "35 km.",
        },
    )
    page = preparer.get("/assessments/1/comparison").get_data(as_text=True)
    assert "<caption>Effects on rural and remote residents by alternative</caption>" in page
    assert '<th scope="col">VE0 (zero option)</th>' in page
    assert '<th scope="row">health, physical and mental</th>' in page
    assert '<td data-label="VE1">negative, large</td>' in page


def test_a_reader_sees_the_rows_but_cannot_save(demo, client, assessment):
    login(client, "reviewer")
    use_language(client, "en")
    page = client.get("/assessments/1/rows/ve1/older_people").get_data(as_text=True)
    assert "Save the row" not in page
    assert client.get("/assessments/1/rows/ve1/nobody").status_code == 404


def test_a_row_action_on_a_changed_row_is_refused_on_the_rows_page(demo, preparer):
    url = "/assessments/1/rows/ve1/older_people"
    loaded = fingerprint_of(preparer.get(url).get_data(as_text=True))
    post(preparer, url, {"fingerprint": loaded, "health-direction": "unknown"})
    response = post(preparer, url + "/no-effect", {"fingerprint": loaded})
    assert response.status_code == 302 and response.headers["Location"].endswith(url)
    page = preparer.get(url).get_data(as_text=True)
    assert "The row older people – VE1 was changed by Paula Peltonen" in page
    cells = [c for c in data_of(demo)["impacts"] if c["group"] == "older_people"]
    assert [c["direction"] for c in cells] == ["unknown"]  # nothing of the action stored


# --- the API ------------------------------------------------------------------------------


def test_the_api_reads_and_replaces_a_row_with_its_own_etag(demo, assessment):
    from assess.operations.users import issue_token

    with demo.app_context():
        token = {"Authorization": f"Bearer {issue_token(user('preparer'))}"}
    api = demo.test_client()
    url = "/api/v1/assessments/1/impacts/ve1/older_people"
    read = api.get(url, headers=token)
    assert read.status_code == 200 and read.get_json()["state"] == "empty"
    tag = read.headers["ETag"]
    assert read.get_json()["dimensions"] == DIMS
    body = {"cells": {"health": negative()}}
    assert api.put(url, json=body, headers=token).status_code == 428
    # Another row changed meanwhile: no collision.
    other = api.get("/api/v1/assessments/1/impacts/ve1/disabled", headers=token).headers["ETag"]
    response = api.put(
        "/api/v1/assessments/1/impacts/ve1/disabled",
        json={"cells": {"wellbeing": {"direction": "neutral"}}},
        headers={**token, "If-Match": other},
    )
    assert response.status_code == 200
    saved = api.put(url, json=body, headers={**token, "If-Match": tag})
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["cells"][0]["direction"] == "negative"
    assert saved.headers["ETag"] != tag
    stale = api.put(url, json={"cells": {}}, headers={**token, "If-Match": tag})
    assert stale.status_code == 412
    assert (
        "The row older people – VE1 was changed by Paula Peltonen"
        in (stale.get_json()["error"]["message"])
    )
    wrong = api.put(
        url,
        json={"cells": {"nowhere": {}}},
        headers={**token, "If-Match": saved.headers["ETag"]},
    )
    assert wrong.status_code == 422 and "nowhere" in str(wrong.get_json())
