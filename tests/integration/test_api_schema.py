"""schemathesis against /api/v1/openapi.json: generated requests for every endpoint (a
bounded number each) give no server error and no response the document does not describe."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import assess.api.endpoints  # noqa: F401  (declares the endpoints)
import assess.api.policy  # noqa: F401  (declares GET /policy)
from assess.api import ENDPOINTS
from assess.extensions import db
from assess.operations.demo import load_demo
from assess.operations.users import issue_token
from tests.conftest import fresh_app, release_app
from tests.support import to_review, user

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_app(request):
    app = fresh_app(request, API_RATE_LIMIT="100000 per minute")
    with app.app_context():
        load_demo()
        app.config["SCHEMA_TOKEN"] = issue_token(user("admin"))
        # An admin who is also every other role reaches every endpoint's real code paths.
        from assess.operations.users import update_user

        admin = user("admin")
        update_user(
            admin,
            name=admin.name,
            active=True,
            actor=admin,
            roles=["admin", "preparer", "reviewer", "secretary", "auditor", "coordinator"],
        )
        # Something to find: an assessment in review with flags, a meeting with an item.
        from assess.models import Decision
        from assess.operations import meetings as meeting_ops

        to_review(user("preparer"), db.session.get(Decision, 1))
        m = meeting_ops.create_meeting(
            user("secretary"), body_id=1, number=1, year=2026, starts_at="2026-12-15T14:00"
        )
        meeting_ops.add_item(user("secretary"), m, 1, expected_version=m.version)
    yield app
    release_app(app)


@pytest.fixture(scope="module")
def api_schema(api_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)


# schemathesis' own pytest plugin does not run under this pytest (9): each operation's
# strategy is driven with hypothesis here instead, which is what the plugin does.
@pytest.mark.parametrize(
    "method_path", [(e.method, e.rule) for e in ENDPOINTS], ids=lambda mp: f"{mp[0]} {mp[1]}"
)
def test_every_endpoint_answers_as_documented(api_schema, api_app, method_path):
    headers = {"Authorization": f"Bearer {api_app.config['SCHEMA_TOKEN']}"}
    method, rule = method_path
    path = "/api/v1" + rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(
        max_examples=12, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def run(case):
        # Fold generated ids onto the few that exist, so that real code paths run too.
        for name, value in (case.path_parameters or {}).items():
            if isinstance(value, int):
                case.path_parameters[name] = 1 + value % 3
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        statuses.append(response.status_code)

    statuses: list[int] = []
    run()
    assert statuses, "no request was generated"
    with open("/tmp/schema-statuses.txt", "a") as fh:
        print(method, path, len(statuses), sorted(set(statuses)), file=fh)
