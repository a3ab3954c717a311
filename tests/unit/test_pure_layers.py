"""The pure layers import no Flask, no database and no operations (see docs/architecture.md).

import-linter checks the same in CI (``lint-imports``); this runs with the unit tests, in
a fresh interpreter so that nothing another test imported hides an import.
"""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PURE = [
    "assess.canonical",
    "assess.bilingual",
    "assess.definitions",
    "assess.described",
    "assess.assessment_search",
    "assess.documents",
    "assess.documents.policy",
    "assess.documents.yearly_report",
    "assess.flags",
    "assess.input_shape",
    "assess.list_filters",
    "assess.notification_texts",
    "assess.passwords",
    "assess.policy",
    "assess.questionnaire",
    "assess.questionnaire.forms",
    "assess.report_charts",
    "assess.report_facts",
    "assess.roles",
    "assess.translation",
    "assess.uploads",
    "assess.workflow",
]
FORBIDDEN = [
    "flask",
    "flask_babel",
    "flask_login",
    "flask_sqlalchemy",
    "flask_wtf",
    "sqlalchemy",
    "assess.api",
    "assess.extensions",
    "assess.i18n",
    "assess.models",
    "assess.operations",
    "assess.web",
]


def imported_by(modules: list[str]) -> set[str]:
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def test_the_pure_layers_import_no_flask_database_or_operations():
    loaded = imported_by(PURE)
    assert set(PURE) <= loaded
    assert sorted(m for m in FORBIDDEN if m in loaded) == []


def test_the_check_notices_a_forbidden_import():
    assert "flask" in imported_by(["assess.i18n"])
