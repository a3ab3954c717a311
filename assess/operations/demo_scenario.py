"""A demo scenario: assessments at several steps and a meeting, made through the
operations exactly as people would make them (``flask --app wsgi demo scenario``).

The tests use the same realistic answers (``tests/support.py``), so what a person sees in
the demo is what the tests check.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ..extensions import db
from ..models import Assessment, Decision, User
from ..questionnaire.follow_up import followed_effects, heard_councils
from . import answers as answer_ops
from . import assessments as ops
from . import decisions as decision_ops
from . import flags as flag_ops
from . import follow_up as follow_up_ops
from . import meetings as meeting_ops
from .context import today
from .documents import languages_for


def complete_screening(preparer, a, level="light"):
    """Answer the screening through the operations (s_many_residents yes, the rest no)."""
    form = answer_ops.form_for(a)
    answers = {q.id: "no" for q in form.screening.questions}
    answers["s_many_residents"] = "yes"
    if level == "full":
        answers["s_service_network"] = "yes"
    answer_ops.save_screening(
        preparer, a, {"answers": answers, "level": level}, expected_version=a.version
    )


def complete_assessment(preparer, a, level="light"):
    """Fill every section of a realistic assessment through the operations layer."""

    def section(section_id, payload):
        answer_ops.save_section(preparer, a, section_id, payload, expected_version=a.version)

    section(
        "scoping",
        {
            "answers": {
                "groups_in_scope": ["older_people", "rural_residents"],
                "dimensions_in_scope": ["access_to_services"],
                "time_horizons": ["budget_year"],
            }
        },
    )
    section(
        "evidence",
        {"answers": {"sources": [{"title": "Visit statistics 2025", "kind": "statistics"}]}},
    )
    section(
        "hearings",
        {
            "hearings": [
                {
                    "council": "older_people_council",
                    "requested_on": "2026-09-01",
                    "answered_on": "2026-09-20",
                    "statement": "Transport must be arranged.",
                    "taken_into_account": "A service bus was added.",
                }
            ]
        },
    )
    alternatives = ["proposal"]
    if level == "full":
        section(
            "alternatives",
            {
                "alternatives": [
                    {
                        "id": "ve0",
                        "label": "VE0",
                        "description": "The station stays open.",
                        "zero_option": True,
                        # The economic view (issue 18): what each alternative costs or saves
                        # against today's budget, over five years.
                        "horizon_years": 5,
                        "costs": [
                            {
                                "kind": "cost",
                                "timing": "one_off",
                                "category": "investment",
                                "borne_by": "organisation",
                                "amount_eur": 280_000,
                                "note": "Repairs of the ventilation, needed anyway.",
                            },
                            {
                                "kind": "cost",
                                "timing": "yearly",
                                "category": "operating",
                                "borne_by": "organisation",
                                "amount_eur": 90_000,
                                "note": "Locum doctors while posts stay vacant.",
                            },
                        ],
                    },
                    {
                        "id": "ve1",
                        "label": "VE1",
                        "description": "Services move to the centre.",
                        "recommended": True,
                        "horizon_years": 5,
                        "costs": [
                            {
                                "kind": "saving",
                                "timing": "yearly",
                                "category": "operating",
                                "borne_by": "organisation",
                                "amount_eur": 410_000,
                                "note": "Premises and two reception posts fewer.",
                            },
                            {
                                "kind": "cost",
                                "timing": "yearly",
                                "category": "operating",
                                "borne_by": "organisation",
                                "amount_eur": 120_000,
                                "note": "Service bus twice a week and a mobile clinic.",
                            },
                            {
                                "kind": "cost",
                                "timing": "one_off",
                                "category": "investment",
                                "borne_by": "organisation",
                                "amount_eur": 150_000,
                                "note": "Extra reception rooms in the centre.",
                            },
                            {
                                "kind": "cost",
                                "timing": "yearly",
                                "category": "operating",
                                "borne_by": "residents",
                                "amount_eur": 35_000,
                                "note": "Longer trips: fuel and time of residents.",
                            },
                        ],
                    },
                ]
            },
        )
        alternatives = ["ve0", "ve1"]
    for alt in alternatives:
        for group in ("older_people", "rural_residents"):
            scored = {
                "direction": "negative",
                "magnitude": "moderate",
                "likelihood": "likely",
                "rationale": "Longer trips to the health centre.",
                "mitigation": "A service bus twice a week.",
            }
            # The zero option is the baseline: the situation without the decision, described
            # and not scored; the others are compared with it (issue 18).
            described = {"rationale": "The health station is 5 km away; no change."}
            answer_ops.save_cell(
                preparer,
                a,
                {
                    "alternative": alt,
                    "group": group,
                    "dimension": "access_to_services",
                    "evidence": "Visit statistics 2025",
                    **(described if alt == "ve0" else scored),
                },
                expected_version=a.version,
            )
    # The light level is asked how effects are mitigated; the full one to compare (issue 18).
    answers = (
        {
            "comparison": "VE1 saves costs; VE0 keeps access.",
            "recommendation_reason": "Staff shortage.",
        }
        if level == "full"
        else {"mitigation_measures": "A service bus twice a week, from the start."}
    )
    section("mitigation", {"answers": answers})
    section(
        "follow_up",
        {
            "indicators": [
                {
                    "name": "Trips to the centre",
                    "owner": "Paula",
                    "review_date": "2027-12-31",
                    # The effects it shows (issue 18): the longer trips of both groups.
                    "follows": [
                        "older_people:access_to_services",
                        "rural_residents:access_to_services",
                    ],
                }
            ]
        },
    )
    section("summary", {"summary": {"fi": "Tiivistelmä.", "sv": "Sammanfattning."}})


def acknowledge_high(reviewer, a, comment="Accepted: the effect is weighed in the proposal."):
    """Acknowledge every open high flag, as a reviewer does before approving."""
    acknowledged = []
    for f in a.content.flags:
        if f.severity == "high" and f.status == "open":
            flag_ops.acknowledge(reviewer, a, f.id, comment, expected_version=a.version)
            acknowledged.append(f.id)
    return acknowledged


def prepared(preparer, decision, level: str = "light"):
    """An assessment of ``decision`` with every section answered, not yet submitted."""
    a = ops.create_assessment(preparer, decision)
    # Never below what the organisation's policy requires for the decision.
    if (a.policy or {}).get("minimum_level") == "full":
        level = "full"
    ops.fire(preparer, a, "start_screening", expected_version=a.version)
    complete_screening(preparer, a, level)
    ops.fire(preparer, a, "start_assessment", expected_version=a.version)
    complete_assessment(preparer, a, level)
    return a


def to_review(preparer, decision, level: str = "light"):
    """An assessment of ``decision``, answered and submitted for review."""
    a = prepared(preparer, decision, level)
    ops.fire(preparer, a, "submit", expected_version=a.version)
    return a


def _user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


def load_scenario() -> bool:
    """Into the demo organisation, once: an approved assessment with its documents, one
    waiting for review, and the regional board's next meeting with both on its agenda."""
    if db.session.scalar(select(Assessment.id).limit(1)) is not None:
        return False
    preparer = _user("preparer@demo.example")
    reviewer = _user("reviewer@demo.example")
    secretary = _user("secretary@demo.example")
    first = db.session.scalar(select(Decision).where(Decision.case_number == "KPHA/412/2026"))
    if preparer is None or reviewer is None or secretary is None or first is None:
        return False

    a = to_review(preparer, first)
    acknowledge_high(reviewer, a, comment="The service bus and the mobile clinic carry it.")
    ops.fire(reviewer, a, "approve", expected_version=a.version)
    second = decision_ops.create_decision(
        preparer,
        case_number="KPHA/431/2026",
        language="fi",
        body_id=first.body_id,
        title="Kotihoidon iltakäyntien järjestäminen Kaustisen seutukunnassa",
        proposal="",
        # With the demo policy (demo_policy.py) the organisation's decisions have a type.
        **({"decision_type": "service_organisation"} if first.decision_type_id else {}),
    )
    to_review(preparer, second)
    when = datetime.combine(today() + timedelta(days=9), datetime.min.time()).replace(hour=14)
    m = meeting_ops.create_meeting(
        secretary,
        body_id=first.body_id,
        number=12,
        year=when.year,
        starts_at=when.isoformat(timespec="minutes"),
        place="Kokkola, valtuustosali",
    )
    for d in (first, second):
        meeting_ops.add_item(secretary, m, d.id, expected_version=m.version)
    meeting_ops.attach_documents(secretary, m, expected_version=m.version)
    return True


def complete_follow_up(person, a):
    """Record what the follow-up found and make the summary for everyone heard (issue 18):
    what a reviewer does before closing the follow-up."""
    data = a.content
    follow_up_ops.save(
        person,
        a,
        {
            "indicators": [
                {
                    "id": i.id,
                    "observations": [
                        {"on": "2026-10-15", "value": "412", "note": "Counted by the operator."}
                    ],
                }
                for i in data.indicators
            ],
            "ex_post": [
                {
                    "group": c.group,
                    "dimension": c.dimension,
                    "outcome": "as_expected",
                    "lesson": "The service bus carried those who had no car.",
                }
                for c in followed_effects(data)
            ],
        },
        expected_version=a.version,
    )
    language = languages_for(a.decision)[0]
    for council in heard_councils(a.content):
        follow_up_ops.make_summary(person, a, council, language, expected_version=a.version)
