"""The two example policies of docs/examples pass check(), and applied to realistic
decisions give the expected rule and minimum level (issue 17, "What must be shown")."""

from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from assess.policy import Known, Policy, apply, check, explanation
from assess.questionnaire import load_forms
from assess.workflow import load_workflows

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "examples"
_workflows = load_workflows(ROOT / "workflows")
_form = load_forms(ROOT / "forms").latest("iva")
# The types are the files' own; the bodies those of an organisation importing them.
KNOWN = Known(
    decision_types=set(),
    bodies={"council", "executive_board", "education_committee", "mayor"},
    workflows={key: _workflows.latest(key).definition for key in _workflows.names()},
    exempt_categories={c.id for c in _form.screening.exempt_categories},
    screening_questions={q.id for q in _form.screening.questions},
)


def load(name: str) -> Policy:
    data = yaml.safe_load((EXAMPLES / name).read_text(encoding="utf-8"))
    policy, problems = check(data, KNOWN, source=name)
    assert problems == [], "\n".join(str(p) for p in problems)
    assert policy is not None
    return policy


TOWN = "town-policy.yaml"
MODEL = "municipality-model.yaml"


@pytest.mark.parametrize("name", [TOWN, MODEL])
def test_the_example_passes_check(name):
    policy = load(name)
    assert policy.rules and policy.title is not None


@dataclass(frozen=True)
class Case:
    decision: str
    decision_type: str | None
    body: str | None
    amount_eur: int | None
    rule: str
    minimum: str
    exempt_category: str | None = None


# fmt: off
# Each row: the decision; its type, deciding body and amount; the rule and minimum level
# (and the exempt category) the policy gives it.
TOWN_CASES = [
    Case("Closing two village schools and merging them into the centre school",
         "service_network_change", "council", None, "full", "full"),
    Case("Procurement of school transport services, 80,000 euros",
         "procurement", "education_committee", 80_000, "screen", "none"),
    Case("Procurement of home-care meals, 150,000 euros",
         "procurement", "executive_board", 150_000, "screen", "light"),
    Case("Investment in a new day-care centre of exactly 100,000 euros",
         "investment", "executive_board", 100_000, "screen", "light"),
    Case("Investment in playground equipment, 99,999 euros",
         "investment", "education_committee", 99_999, "screen", "none"),
    Case("Filling the post of head teacher",
         "filling_post", "education_committee", None, "exempt", "none", "filling_posts"),
    Case("A resident's claim for rectification of a day-care fee decision",
         "rectification_claim", "education_committee", None, "exempt", "none",
         "rectification_claim"),
    Case("The town strategy 2027-2030",
         "strategy", "council", None, "full", "full"),
    Case("Raising the fees of the music school and the swimming hall",
         "fee_change", "executive_board", None, "light", "light"),
    Case("Statement to the Ministry of Education and Culture on a draft act",
         "statement", "executive_board", None, "screen", "none"),
    Case("The internal audit's report, for information",
         "information_item", "council", None, "exempt", "none", "information_only"),
    Case("Reorganising the staff of the technical services",
         "staff_matter", "executive_board", None, "light", "light"),
    Case("Granting a discretionary allowance to one named person",
         "individual_decision", "mayor", None, "exempt", "none", "named_person"),
    Case("Opening hours of the business service point",
         "business_conditions", "executive_board", None, "screen", "none"),
    Case("A plan for organising home care with a new service voucher",
         "service_organisation", "council", None, "full", "full"),
    Case("Naming a street (no type of its own: the default rule)",
         None, "executive_board", None, "screen", "none"),
]

MODEL_CASES = [
    Case("Closing a school in the municipality's school network",
         "service_network_change", "council", None, "full", "full"),
    Case("Procurement of cleaning services, 80,000 euros",
         "procurement", "education_committee", 80_000, "screen", "none"),
    Case("Procurement of occupational health care, 150,000 euros (at the threshold)",
         "procurement", "education_committee", 150_000, "screen", "light"),
    Case("Procurement of IT services decided by the executive board, 20,000 euros",
         "procurement", "executive_board", 20_000, "light", "light"),
    Case("Investment in the sports hall roof of exactly 100,000 euros",
         "investment", "council", 100_000, "screen", "light"),
    Case("Budget 2027 and financial plan 2027-2029",
         "budget", "council", None, "full", "full"),
    Case("Statement to the Ministry of Social Affairs and Health",
         "statement", "executive_board", None, "screen", "none"),
    Case("Filling the post of director of education",
         "filling_post", "executive_board", None, "exempt", "none", "filling_posts"),
    Case("Merging two divisions and moving their staff",
         "organisation_change", "executive_board", None, "light", "light"),
    Case("Detailed plan of the town centre",
         "land_use_plan", "council", None, "light", "light"),
]
# fmt: on


def _cases(name, cases):
    return [pytest.param(name, c, id=f"{name[:-5]}: {c.decision}") for c in cases]


@pytest.mark.parametrize(("name", "case"), _cases(TOWN, TOWN_CASES) + _cases(MODEL, MODEL_CASES))
def test_a_realistic_decision_gets_the_expected_rule(name, case: Case):
    applied = apply(
        load(name),
        decision_type=case.decision_type,
        body=case.body,
        amount_eur=case.amount_eur,
        policy_version=1,
        starts_on=None,
    )
    assert (applied.rule, applied.minimum_level, applied.exempt_category) == (
        case.rule,
        case.minimum,
        case.exempt_category,
    )
    text = explanation(applied, type_label=case.decision_type, language="en")
    assert text.endswith("(version 1)")


def test_the_tables_are_large_enough():
    assert len(TOWN_CASES) >= 12 and len(MODEL_CASES) >= 10


def test_the_body_rule_of_the_model_gives_its_own_time_limit():
    model = load(MODEL)
    by_board = apply(model, decision_type="procurement", body="executive_board", amount_eur=None)
    assert (by_board.matched, by_board.submit_days_before_meeting) == ("body", 28)
    other = apply(model, decision_type="procurement", body="council", amount_eur=None)
    assert (other.matched, other.submit_days_before_meeting) == ("type", 21)


def test_the_models_reporting_cites_the_local_government_act():
    reporting = load(MODEL).reporting
    assert reporting is not None
    assert "410/2015, 121 §" in reporting.text.fi
    assert "410/2015, 121 §" in reporting.text.sv
    assert "410/2015, section 121" in reporting.text.en
