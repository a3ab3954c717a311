"""The method, table-driven: constructed assessments and the flags they must (not) raise.

Every ``method_cases/*.yaml`` holds cases in the format of issue 18 (see that directory's
README.md): an organisation, a context, the assessment's data, the flags expected and not
expected, and optionally the questions shown or hidden. Each case runs the rules on the
questionnaire as shipped (forms/iva.yaml); each flag it raises must read in Finnish, Swedish
and English, the first two translated.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from assess.flags.rules import RULES, Flag, FlagContext, OtherAssessment, compute
from assess.questionnaire.completeness import visible
from assess.questionnaire.definition import FormDefinition, Question, load_form
from assess.questionnaire.organisation import OrgSettings
from assess.translation import render

ROOT = Path(__file__).resolve().parents[2]
CASES_DIR = Path(__file__).resolve().parent / "method_cases"
LANGUAGES = ("fi", "sv", "en")
CASE_KEYS = {"id", "hole", "org", "context", "data", "expect", "expect_not", "shown", "hidden"}
SUBJECT_KEYS = ("group", "dimension")


def _form() -> FormDefinition:
    form, problems = load_form(ROOT / "forms" / "iva.yaml")
    assert form is not None and not problems, problems
    return form


FORM = _form()


def _iso(value: Any) -> Any:
    """YAML reads an unquoted 2026-12-10 as a date; the stored data holds ISO strings."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


def _date(value: Any) -> Any:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _load_cases() -> list[tuple[str, dict]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        # Keys other than ``cases`` are for YAML anchors only, and say so by a leading "_".
        stray = [k for k in content if k != "cases" and not str(k).startswith("_")]
        assert not stray, f"{path.name}: unknown top-level keys {stray}"
        for i, case in enumerate(content.get("cases") or []):
            cases.append((f"{path.stem}.{i}", case))
    return cases


CASES = _load_cases()


def test_the_case_files_are_well_formed():
    """Ids unique across the files, no unknown keys (a typo would silently test nothing)."""
    assert CASES, f"no cases in {CASES_DIR}"
    seen: dict[str, str] = {}
    for where, case in CASES:
        assert isinstance(case, dict), f"{where}: a case is a mapping"
        unknown = set(case) - CASE_KEYS
        assert not unknown, f"{where}: unknown keys {sorted(unknown)}; known: {sorted(CASE_KEYS)}"
        assert case.get("id"), f"{where}: a case needs an id"
        assert case["id"] not in seen, f"{where}: id {case['id']!r} is also {seen[case['id']]}"
        seen[case["id"]] = where
        assert (
            case.get("expect") or case.get("expect_not") or case.get("shown") or case.get("hidden")
        ), f"{where} ({case['id']}): expects nothing"
        for spec in list(case.get("expect") or []) + list(case.get("expect_not") or []):
            rule = spec.split("@", 1)[0]
            assert rule in RULES, f"{case['id']}: unknown rule {rule!r}"
        for qid in list(case.get("shown") or []) + list(case.get("hidden") or []):
            assert _question(qid) is not None, f"{case['id']}: unknown question {qid!r}"


def _question(question_id: str) -> Question | None:
    return next(
        (q for s in FORM.sections for q in s.questions if q.id == question_id),
        None,
    )


def _org(spec: dict | None) -> OrgSettings:
    spec = dict(spec or {})
    for name in ("groups_off", "exempt_categories"):
        if spec.get(name) is not None:
            spec[name] = frozenset(spec[name])
    if "flag_thresholds" in spec:
        spec["flag_thresholds"] = tuple(sorted(spec["flag_thresholds"].items()))
    return OrgSettings(**spec)


def _context(org: OrgSettings, spec: dict | None) -> FlagContext:
    extras: dict[str, Any] = {}
    for name, value in (spec or {}).items():
        if name == "others":
            value = tuple(
                OtherAssessment(
                    id=o["id"],
                    case_number=o.get("case_number", ""),
                    approved_on=_date(o["approved_on"]),
                    negative_groups=frozenset(o["negative_groups"]),
                )
                for o in value
            )
        elif isinstance(value, list):
            value = tuple(value)
        else:
            value = _date(value)
        extras[name] = value
    return FlagContext.of(FORM, org, **extras)


def _matches(flag: Flag, spec: str) -> bool:
    """``rule`` matches any flag of the rule, ``rule@group:dimension`` the one on that cell
    (``rule@group`` a flag on the group, whatever its dimension)."""
    rule, _, subject = spec.partition("@")
    if flag.rule != rule:
        return False
    if not subject:
        return True
    wanted = subject.split(":")
    return all(
        getattr(flag, key) == value for key, value in zip(SUBJECT_KEYS, wanted, strict=False)
    )


def _in(value: Any, language: str) -> str:
    """A flag's text part in ``language``: a lazy text, labels, or a mapping by language."""
    if value is None:
        return ""
    rendered = render(value, language)
    if rendered is not value:
        return str(rendered)
    if isinstance(value, dict):
        return str(value.get(language) or "")
    getter = getattr(value, "get", None)
    return str(getter(language)) if getter else str(value)


def _texts(flag: Flag) -> dict[str, dict[str, str]]:
    parts = {
        "message": {lang: flag.text(lang) for lang in LANGUAGES},
        "resolution": {lang: flag.resolution(lang) for lang in LANGUAGES},
    }
    # The basis arrives with hole 9 ([basis]); from then on it is checked like the others.
    if "basis" in getattr(Flag, "__dataclass_fields__", {}):
        parts["basis"] = {lang: _in(getattr(flag, "basis", None), lang) for lang in LANGUAGES}
    return parts


@pytest.mark.parametrize("where,case", CASES, ids=[c.get("id", w) for w, c in CASES])
def test_case(where, case):
    data = _iso(case.get("data") or {})
    ctx = _context(_org(case.get("org")), case.get("context"))
    flags = compute(data, ctx)
    found = sorted(f"{f.rule}@{f.group or ''}:{f.dimension or ''}" for f in flags)
    for spec in case.get("expect") or []:
        assert any(_matches(f, spec) for f in flags), f"{spec} expected; found: {found}"
    for spec in case.get("expect_not") or []:
        assert not any(_matches(f, spec) for f in flags), f"{spec} not expected; found: {found}"
    for flag in flags:
        for part, texts in _texts(flag).items():
            for lang, text in texts.items():
                assert text.strip(), f"{flag.key}: empty {part} in {lang}"
            for lang in ("fi", "sv"):
                assert texts[lang] != texts["en"], (
                    f"{flag.key}: the {part} in {lang} is the English one (untranslated): "
                    f"{texts['en']!r}"
                )
    for qid in case.get("shown") or []:
        assert visible(_question(qid), data), f"{qid} should be shown"
    for qid in case.get("hidden") or []:
        assert not visible(_question(qid), data), f"{qid} should be hidden"


def test_the_runner_can_fail():
    """A case expecting a flag the data cannot raise fails, and an untranslated text too."""
    case = {
        "id": "x",
        "data": {"screening": {"level": "light"}},
        "expect": ["serious_negative_effect"],
    }
    with pytest.raises(AssertionError, match="serious_negative_effect expected"):
        test_case("x", case)
    assert _matches(
        Flag("r", "high", "m", "r", group="children", dimension="health"), "r@children:health"
    )
    assert not _matches(
        Flag("r", "high", "m", "r", group="children", dimension="health"), "r@children:income"
    )
