"""The application and its ``definitions check`` command refuse broken content.

These build an application, so they live here; the definitions themselves are tested
without one in tests/unit.
"""

from pathlib import Path

import pytest
import yaml

from assess import create_app
from assess.definitions import DefinitionError

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path, mutate, name="broken.yaml"):
    data = yaml.safe_load((ROOT / "workflows" / "eva-light.yaml").read_text())
    mutate(data)
    (tmp_path / name).write_text(yaml.safe_dump(data, allow_unicode=True))
    return tmp_path


def _t(data, trigger):
    return next(t for t in data["transitions"] if t["trigger"] == trigger)


def test_the_app_refuses_to_start_on_a_broken_definition(tmp_path):
    _write(tmp_path, lambda d: _t(d, "approve")["guards"].append("coffee_break"))
    with pytest.raises(DefinitionError, match="broken.yaml: transitions.7"):
        create_app("testing", WORKFLOWS_DIR=str(tmp_path))


def test_definitions_check_command(tmp_path):
    app = create_app("testing")
    ok = app.test_cli_runner().invoke(args=["definitions", "check"])
    assert ok.exit_code == 0 and "ok: workflow eva-standard version 1" in ok.output
    _write(tmp_path, lambda d: d["states"]["draft"]["labels"].pop("fi"))
    bad = app.test_cli_runner().invoke(args=["definitions", "check", "--workflows", str(tmp_path)])
    assert bad.exit_code == 1
    assert "broken.yaml: states.draft.labels.fi: missing translation (fi)" in bad.output
    _write(tmp_path, lambda d: d["outcomes"].update({"returned": "send_back"}))
    bad = app.test_cli_runner().invoke(args=["definitions", "check", "--workflows", str(tmp_path)])
    assert bad.exit_code == 1
    assert "broken.yaml: outcomes.returned: unknown trigger 'send_back'" in bad.output


def test_definitions_check_covers_forms():
    app = create_app("testing")
    ok = app.test_cli_runner().invoke(args=["definitions", "check"])
    assert ok.exit_code == 0 and "ok: form iva version 1" in ok.output
