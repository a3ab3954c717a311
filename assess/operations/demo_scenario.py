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
from . import demo_swedish
from . import flags as flag_ops
from . import follow_up as follow_up_ops
from . import meetings as meeting_ops
from . import plan as plan_ops
from . import translations as translation_ops
from .context import today
from .documents import languages_for

# The health station's reception closes (KPHA/412/2026): the scenario's texts describe it.
HEALTH_STATION_SOURCE = "Halsuan terveysaseman käyntitilastot 2025"
# Why a light level was chosen although the screening recommends a full one (the effects on
# the service network were assessed in the regional service network review).
LIGHT_LEVEL_REASON = (
    "Vastaanottojen verkon muutos ja sen vaikutukset arvioitiin laajasti aluehallituksen "
    "palveluverkkoselvityksessä 2025; tässä arvioidaan palvelujen siirron järjestelyt."
)
SUMMARY = {
    "fi": (
        "Halsuan terveysaseman vastaanoton lakkauttaminen pidentää erityisesti ikääntyneiden "
        "ja haja-asutusalueen asukkaiden matkaa lähimmälle vastaanotolle noin 5 kilometristä "
        "35 kilometriin. Vanhusneuvostoa kuultiin; sen esityksestä palvelubussi kulkee "
        "Kokkolaan kahdesti viikossa ja liikkuva vastaanotto käy Halsualla kerran "
        "kuukaudessa. Vaikutuksia seurataan halsualaisten käynneillä Kokkolan "
        "terveyskeskuksessa."
    ),
    "sv": (
        "Nedläggningen av mottagningen vid Halsua hälsostation förlänger särskilt äldres och "
        "glesbygdsbors resa till närmaste mottagning från cirka 5 till 35 kilometer. "
        "Äldrerådet hördes; på dess förslag kör en servicebuss till Karleby två gånger i "
        "veckan och en mobil mottagning besöker Halsua en gång i månaden. Konsekvenserna "
        "följs upp med antalet besök av invånare från Halsua vid Karleby hälsovårdscentral."
    ),
}
RATIONALE = {
    "older_people": (
        "Lähin vastaanotto siirtyy Halsualta Kokkolaan, noin 35 km:n päähän; kolmannes "
        "alueen yli 75-vuotiaista ei aja autoa, ja julkista liikennettä on kaksi vuoroa päivässä."
    ),
    "rural_residents": (
        "Haja-asutusalueen kylistä matka vastaanotolle pitenee 5–10 km:stä 35–45 km:iin, eikä "
        "kylistä ole julkista liikennettä Kokkolaan."
    ),
}
MITIGATION = "Palvelubussi Kokkolaan kahdesti viikossa ja liikkuva vastaanotto kerran kuukaudessa."
# How the closure bears on the objectives of the demo's wellbeing plan.
PLAN_LINKS = [
    {
        "objective": "mental_health_substance_use",
        "effect": "harmed",
        "note": (
            "Mielenterveyshoitajan vastaanotto siirtyy Kokkolaan; matka pitenee niiltä, "
            "joilla ei ole autoa."
        ),
    },
    {
        "objective": "healthy_lifestyles_safety",
        "effect": "neutral",
        "note": "Ensihoidon tavoittamisaika Halsualla ei muutu.",
    },
]
# The zero option: the situation without the decision, the baseline of the others.
BASELINE = "Nykytila: vastaanotto Halsualla kaksi päivää viikossa, matka enintään 10 km."


def complete_screening(preparer, a, level="light"):
    """Answer the screening through the operations: the decision affects many residents and
    changes the service network (a reception closes); the rest no. A light level, below what
    that recommends, gives its reason."""
    form = answer_ops.form_for(a)
    answers = {q.id: "no" for q in form.screening.questions}
    answers["s_many_residents"] = "yes"
    answers["s_service_network"] = "yes"
    payload = {"answers": answers, "level": level}
    if level == "light":
        payload["level_reason"] = LIGHT_LEVEL_REASON
    answer_ops.save_screening(preparer, a, payload, expected_version=a.version)


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
        {"answers": {"sources": [{"title": HEALTH_STATION_SOURCE, "kind": "statistics"}]}},
    )
    section(
        "hearings",
        {
            "hearings": [
                {
                    "council": "older_people_council",
                    "requested_on": "2026-09-01",
                    "answered_on": "2026-09-20",
                    "statement": (
                        "Vanhusneuvosto edellyttää, että kuljetus Kokkolaan järjestetään "
                        "ennen kuin vastaanotto lakkaa."
                    ),
                    "taken_into_account": (
                        "Palvelubussi kahdesti viikossa lisättiin päätösesitykseen."
                    ),
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
                        "description": (
                            "Vastaanotto jatkuu Halsualla kaksi päivää viikossa; lääkärin "
                            "vastaanotto on ollut suljettuna joka kolmas aukiolopäivä."
                        ),
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
                                "note": "Ilmanvaihdon korjaus, joka on tehtävä joka tapauksessa.",
                            },
                            {
                                "kind": "cost",
                                "timing": "yearly",
                                "category": "operating",
                                "borne_by": "organisation",
                                "amount_eur": 90_000,
                                "note": "Keikkalääkärit, kun virat ovat täyttämättä.",
                            },
                        ],
                    },
                    {
                        "id": "ve1",
                        "label": "VE1",
                        "description": (
                            "Vastaanotto lakkaa 1.6.2027 ja palvelut siirtyvät Kokkolan "
                            "terveyskeskukseen; palvelubussi ja liikkuva vastaanotto."
                        ),
                        "recommended": True,
                        "horizon_years": 5,
                        "costs": [
                            {
                                "kind": "saving",
                                "timing": "yearly",
                                "category": "operating",
                                "borne_by": "organisation",
                                "amount_eur": 410_000,
                                "note": "Toimitila ja kaksi vastaanoton tointa vähemmän.",
                            },
                            {
                                "kind": "cost",
                                "timing": "yearly",
                                "category": "operating",
                                "borne_by": "organisation",
                                "amount_eur": 120_000,
                                "note": "Palvelubussi kahdesti viikossa ja liikkuva vastaanotto.",
                            },
                            {
                                "kind": "cost",
                                "timing": "one_off",
                                "category": "investment",
                                "borne_by": "organisation",
                                "amount_eur": 150_000,
                                "note": "Lisää vastaanottohuoneita Kokkolan terveyskeskukseen.",
                            },
                            {
                                "kind": "cost",
                                "timing": "yearly",
                                "category": "operating",
                                "borne_by": "residents",
                                "amount_eur": 35_000,
                                "note": "Pidemmät matkat: asukkaiden polttoaine- ja matkakulut.",
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
                "rationale": RATIONALE[group],
                "mitigation": MITIGATION,
            }
            # The zero option is the baseline: the situation without the decision, described
            # and not scored; the others are compared with it (issue 18).
            described = {"rationale": BASELINE}
            answer_ops.save_cell(
                preparer,
                a,
                {
                    "alternative": alt,
                    "group": group,
                    "dimension": "access_to_services",
                    "evidence": HEALTH_STATION_SOURCE,
                    **(described if alt == "ve0" else scored),
                },
                expected_version=a.version,
            )
    # The light level is asked how effects are mitigated; the full one to compare (issue 18).
    answers = (
        {
            "comparison": (
                "VE1 pidentää ikääntyneiden ja kylien asukkaiden matkoja, mutta lääkärin "
                "vastaanotto on Kokkolassa auki joka arkipäivä; VE0 säilyttää lähipalvelun, "
                "mutta vastaanotto on ollut lääkäripulan vuoksi suljettuna joka kolmas "
                "aukiolopäivä."
            ),
            "recommendation_reason": (
                "Halsualle ei ole saatu lääkäriä kahteen vuoteen; Kokkolassa hoitoon "
                "pääsee hoitotakuun ajassa, ja palvelubussi ja liikkuva vastaanotto "
                "turvaavat ikääntyneiden pääsyn palveluihin."
            ),
        }
        if level == "full"
        else {"mitigation_measures": MITIGATION}
    )
    section("mitigation", {"answers": answers})
    # Where the organisation keeps a wellbeing plan (the demo's, from the seeds), how the
    # closure bears on its objectives (issue 18).
    known = plan_ops.known(a.decision.organisation_id)
    links = [link for link in PLAN_LINKS if link["objective"] in known]
    if links:
        section("wellbeing_plan", {"plan_links": links})
    section(
        "follow_up",
        {
            "indicators": [
                {
                    "name": "Halsualaisten käynnit Kokkolan terveyskeskuksessa",
                    "source": HEALTH_STATION_SOURCE,
                    "baseline": "1 450 käyntiä vuodessa (2025)",
                    "target": "vähintään 1 300 käyntiä vuodessa",
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
    section("summary", {"summary": dict(SUMMARY)})


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

    # A bilingual county writes the decision in Swedish too (issue 19).
    decision_ops.update_decision(
        preparer,
        first,
        expected_version=first.version,
        case_number=first.case_number,
        title=first.title,
        language=first.language,
        body_id=first.body_id,
        proposal=first.proposal,
        translations={"sv": {"title": demo_swedish.TITLE, "proposal": demo_swedish.PROPOSAL}},
    )
    # The reception's closure changes the service network: a full assessment.
    a = prepared(preparer, first, level="full")
    translation_ops.save_translations(
        preparer,
        a,
        {"sv": demo_swedish.swedish(translation_ops.texts(a))},
        expected_version=a.version,
    )
    ops.fire(preparer, a, "submit", expected_version=a.version)
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
        # The Swedish agenda names the place in Swedish (issue 19).
        place_sv="Karleby, fullmäktigesalen",
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
                        {"on": "2026-10-15", "value": "412", "note": "Liikennöitsijän laskema."}
                    ],
                }
                for i in data.indicators
            ],
            "ex_post": [
                {
                    "group": c.group,
                    "dimension": c.dimension,
                    "outcome": "as_expected",
                    "lesson": "Palvelubussi kuljetti ne, joilla ei ole autoa.",
                }
                for c in followed_effects(data)
            ],
        },
        expected_version=a.version,
    )
    language = languages_for(a.decision)[0]
    for council in heard_councils(a.content):
        follow_up_ops.make_summary(person, a, council, language, expected_version=a.version)
