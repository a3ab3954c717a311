"""The two example policies of docs/examples, imported into an organisation through the
same operation as `policy import --publish`, then applied to the realistic decisions of
tests/unit/test_policy_examples.py created through the operations a preparer's page uses:
each decision's assessment records the rule the table expects (issue 17, "What must be
shown"). The unit test checks the pure rule; this one the whole path."""

from itertools import count

import pytest

from assess.operations import assessments as ops
from assess.operations import decisions as decision_ops
from assess.operations import policies
from assess.operations.context import active_assessment, today
from assess.operations.organisation_data import create_body
from tests.support import user
from tests.unit.test_policy_examples import EXAMPLES, MODEL, MODEL_CASES, TOWN, TOWN_CASES, Case

# The bodies the examples' per-body rules and the table's decisions name.
BODIES = [
    ("council", "council", "Valtuusto", "Fullmäktige"),
    ("executive_board", "executive_board", "Hallitus", "Styrelsen"),
    ("education_committee", "committee", "Sivistyslautakunta", "Bildningsnämnden"),
    ("mayor", "office_holder", "Kunnanjohtaja", "Kommundirektör"),
]
_numbers = count(1)


def _import(name: str) -> int:
    admin = user("admin")
    for key, kind, fi, sv in BODIES:
        if not any(b.key == key for b in admin.organisation.bodies):
            create_body(admin, key=key, kind=kind, name_fi=fi, name_sv=sv)
    version, problems = policies.import_policy(
        admin,
        (EXAMPLES / name).read_text(encoding="utf-8"),
        source=name,
        publish=True,
        starts_on=today(),
    )
    assert problems == [] and version is not None
    return version.version


def _decide(case: Case):
    preparer = user("preparer")
    body = next(b for b in preparer.organisation.bodies if b.key == case.body)
    data = {
        "case_number": f"EX/{next(_numbers)}/2027",
        "title": case.decision[:300],
        "language": "fi",
        "body_id": body.id,
        "proposal": "",
        "decision_type": case.decision_type,
    }
    if case.amount_eur is not None:
        data["amount_eur"] = case.amount_eur
    return decision_ops.create_decision(preparer, **data)


@pytest.mark.parametrize(
    ("name", "cases"), [(TOWN, TOWN_CASES), (MODEL, MODEL_CASES)], ids=["town", "model"]
)
def test_each_realistic_decision_records_the_rule_the_example_gives(ctx, name, cases):
    version = _import(name)
    # A decision needs a type once the organisation has types: the untyped rows of the
    # table (the default rule) are covered by the unit test only.
    typed = [c for c in cases if c.decision_type is not None]
    assert len(typed) >= 12 or (name == MODEL and len(typed) >= 10)
    for case in typed:
        decision = _decide(case)
        # An exempt decision's assessment starts by itself with its screen-out proposed.
        assessment = active_assessment(decision) or ops.create_assessment(
            user("preparer"), decision
        )
        recorded = assessment.policy
        got = (recorded["rule"], recorded["minimum_level"], recorded["exempt_category"])
        assert got == (case.rule, case.minimum, case.exempt_category), case.decision
        assert recorded["policy_version"] == version, case.decision
        if case.rule == "exempt":
            screening = assessment.content.screening
            assert (screening.level, screening.exempt_category) == ("none", case.exempt_category)
            assert assessment.state == "screen_out_proposed", case.decision
