"""The policy printed for the board: rendering a demo-like policy (a wellbeing services
county, 12 decision types, per-body rules, both workflows) in fi and sv.

Pure: no application, no database; what a click on "Print the policy" costs besides
reading one row. Run: `.venv/bin/python -m bench.policy_document_bench`.
"""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import docx

from assess.documents.policy import PolicyContext, render_policy
from assess.policy import Known, check
from assess.questionnaire import load_forms
from assess.workflow import load_workflows
from bench.common import machine, median_ms

ROOT = Path(__file__).resolve().parents[1]

TYPES = {
    "service_network_change": ("Palveluverkon muutos", "Ändring av servicenätet"),
    "service_organisation": (
        "Palvelujen järjestämistavan muutos",
        "Ändring av hur tjänster ordnas",
    ),
    "strategy_plan": ("Strategia, ohjelma tai suunnitelma", "Strategi, program eller plan"),
    "budget": ("Talousarvio ja -suunnitelma", "Budget och ekonomiplan"),
    "procurement": ("Hankinta", "Upphandling"),
    "investment": ("Investointi", "Investering"),
    "fee_change": ("Asiakasmaksujen muutos", "Ändring av klientavgifter"),
    "eligibility": ("Palvelujen myöntämisperusteet", "Grunder för beviljande av tjänster"),
    "statement": ("Lausunto", "Utlåtande"),
    "filling_post": ("Viran tai tehtävän täyttäminen", "Tillsättning av tjänst eller befattning"),
    "rectification_claim": ("Oikaisuvaatimus", "Begäran om omprövning"),
    "for_information": ("Tiedoksi merkittävä asia", "Ärende för kännedom"),
}
BODIES = {
    "council": ("Aluevaltuusto", "Välfärdsområdesfullmäktige"),
    "executive_board": ("Aluehallitus", "Välfärdsområdesstyrelsen"),
    "wellbeing_committee": ("Hyvinvointilautakunta", "Välfärdsnämnden"),
    "rescue_committee": ("Pelastuslautakunta", "Räddningsnämnden"),
}
DATA = {
    "format": 1,
    "title": {
        "fi": "Keski-Pohjanmaan hyvinvointialueen EVA-toimintamalli",
        "sv": "Mellersta Österbottens välfärdsområdes EVA-modell",
        "en": "The EVA model of Central Ostrobothnia",
    },
    "default": {"rule": "screen"},
    "rules": [
        {"decision_type": "service_network_change", "rule": "full"},
        {"decision_type": "service_organisation", "rule": "full"},
        {"decision_type": "strategy_plan", "rule": "full", "submit_days_before_meeting": 21},
        {"decision_type": "budget", "rule": "light"},
        {"decision_type": "procurement", "rule": "screen", "threshold_eur": 100000},
        {"decision_type": "procurement", "body": "council", "rule": "light"},
        {"decision_type": "investment", "rule": "screen", "threshold_eur": 100000},
        {"decision_type": "fee_change", "rule": "light"},
        {"decision_type": "eligibility", "rule": "light"},
        {"decision_type": "statement", "rule": "screen"},
        {"decision_type": "filling_post", "rule": "exempt", "exempt_category": "filling_posts"},
        {
            "decision_type": "rectification_claim",
            "rule": "exempt",
            "exempt_category": "rectification_claim",
        },
        {
            "decision_type": "for_information",
            "rule": "exempt",
            "exempt_category": "information_only",
        },
    ],
    "processes": {"screening": "eva-standard", "light": "eva-light", "full": "eva-standard"},
    "review": {"role": "reviewer"},
    "time_limits": {"submit_days_before_meeting": 14},
    "screening": {
        "investment_threshold_eur": 100000,
        "questions_off": [],
        "own_questions": [
            {
                "id": "x_regional_balance",
                "labels": {
                    "fi": "Muuttaako päätös palvelujen alueellista saatavuutta kuntien välillä?",
                    "sv": "Ändrar beslutet tjänsternas regionala tillgänglighet mellan kommunerna?",
                    "en": "Does it change how services are available between municipalities?",
                },
                "recommends": "full",
            }
        ],
    },
    "reporting": {
        "text": {
            "fi": (
                "Hyvinvointilautakunta ohjaa toimintamallia ja seuraa sen soveltamista. "
                "Tehdyt arvioinnit lasketaan vuosittain toimialoittain ja tasoittain, ja "
                "tiedot liitetään hyvinvointikertomukseen."
            ),
            "sv": (
                "Välfärdsnämnden styr modellen och följer upp hur den tillämpas. De "
                "bedömningar som gjorts räknas varje år per sektor och nivå, och uppgifterna "
                "fogas till välfärdsberättelsen."
            ),
            "en": "The wellbeing committee steers the model and follows how it is applied.",
        }
    },
}


def demo_like(*, draft: bool = False) -> tuple[object, PolicyContext]:
    """The checked policy and its context, as the demo organisation would print them."""
    form = load_forms(ROOT / "forms").latest("iva")
    workflows = {e.definition.key: e.definition for e in load_workflows(ROOT / "workflows")}
    known = Known(
        decision_types=set(TYPES),
        bodies=set(BODIES),
        workflows=workflows,
        exempt_categories={c.id for c in form.screening.exempt_categories},
        screening_questions={q.id for q in form.screening.questions},
    )
    policy, problems = check(DATA, known, source="demo-like policy")
    assert not problems, problems
    context = PolicyContext(
        organisation={
            "fi": "Keski-Pohjanmaan hyvinvointialue",
            "sv": "Mellersta Österbottens välfärdsområde",
        },
        organisation_kind="wellbeing_county",
        form=form,
        workflows=workflows,
        when=datetime(2026, 12, 10, 12, 0, tzinfo=UTC),
        version=None if draft else 2,
        starts_on=None if draft else date(2027, 1, 1),
        draft=draft,
        decision_types={k: {"fi": fi, "sv": sv, "en": fi} for k, (fi, sv) in TYPES.items()},
        bodies={k: {"fi": fi, "sv": sv, "en": fi} for k, (fi, sv) in BODIES.items()},
    )
    return policy, context


def floor() -> bytes:
    """An empty python-docx document, opened and saved: what any .docx costs here."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def main(runs: int = 31) -> dict:
    policy, context = demo_like()
    floor_ms, _ = median_ms(floor, runs)
    result: dict = {"machine": machine(), "runs": runs, "floor_ms": round(floor_ms, 1)}
    for language in ("fi", "sv"):
        content = render_policy(policy, context, language)
        d = docx.Document(io.BytesIO(content))
        ms, _ = median_ms(lambda language=language: render_policy(policy, context, language), runs)
        result[language] = {
            "render_ms": round(ms, 1),
            "ratio_to_floor": round(ms / floor_ms, 2),
            "bytes": len(content),
            "paragraphs": len(d.paragraphs),
            "tables": len(d.tables),
            "table_rows": sum(len(t.rows) for t in d.tables),
        }
    return result


if __name__ == "__main__":
    import json

    print(json.dumps(main(), indent=2))
