"""Every flag cites its basis (issue 18, hole 9): the act of the organisation's type and
the method source, from forms/iva.yaml ``flag_bases`` (cited from shared/legal-bases.md)."""

from datetime import date
from pathlib import Path

import pytest
import yaml

from assess.definitions import DefinitionError
from assess.flags.lifecycle import stored_form
from assess.flags.rules import RULES, FlagContext, compute
from assess.questionnaire import load_forms
from assess.questionnaire.definition import ORGANISATION_KINDS
from assess.questionnaire.organisation import OrgSettings
from tests.unit.test_flags import cell, data

ROOT = Path(__file__).resolve().parents[2]
FORMS = sorted((ROOT / "forms").glob("*.yaml"))
IVA = load_forms(ROOT / "forms").latest("iva")


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_every_rule_has_a_basis_and_every_basis_a_rule(path):
    form = load_forms(ROOT / "forms").latest(yaml.safe_load(path.read_text())["key"])
    assert sorted(set(RULES) - set(form.flag_bases)) == [], "rules without a flag_bases entry"
    assert sorted(set(form.flag_bases) - set(RULES)) == [], "flag_bases naming no rule"


@pytest.mark.parametrize("kind", ORGANISATION_KINDS)
def test_every_rule_cites_a_method_source_for_every_type(kind):
    for rule in RULES:
        entry = IVA.flag_bases[rule]
        assert entry.method.fi and entry.method.sv and entry.method.en
        law = entry.law_for(kind)
        if law is not None:
            # Acts are cited by their number, as legal-bases.md verifies them.
            assert all("/" in t for t in (law.fi, law.sv, law.en)), (rule, kind)


def _flag(flags, rule):
    return next(f for f in flags if f.rule == rule)


def test_a_flag_cites_the_act_of_the_organisations_type_and_the_method():
    found = data([cell("older_people", "access_to_services", "negative", "large")])
    county = _flag(
        compute(found, FlagContext.of(IVA, OrgSettings(kind="wellbeing_county"))),
        "consultation_required",
    )
    assert county.basis_text("fi").startswith(
        "Laki hyvinvointialueesta (611/2021) 29 § ja 32–33 §. "
    )
    assert "Menetelmä: Kuntaliiton suositus" in county.basis_text("fi")
    assert "Lagen om välfärdsområden (611/2021)" in county.basis_text("sv")
    assert "Metod: Kommunförbundets" in county.basis_text("sv")
    assert "Method: the Association of Finnish Municipalities" in county.basis_text("en")
    town = _flag(
        compute(found, FlagContext.of(IVA, OrgSettings(kind="municipality"))),
        "consultation_required",
    )
    assert town.basis_text("fi").startswith("Kuntalaki (410/2015) 22 § ja 26–28 §")
    joint = _flag(
        compute(found, FlagContext.of(IVA, OrgSettings(kind="joint_authority"))),
        "consultation_required",
    )
    assert joint.basis_text("en").startswith("Administrative Procedure Act (434/2003), section 41")


def test_an_act_ending_in_an_abbreviation_is_not_given_a_second_full_stop():
    late = FlagContext.of(
        IVA,
        OrgSettings(kind="municipality"),
        submitted_on=date(2026, 11, 20),
        meeting_date=date(2026, 11, 25),
    )
    flag = _flag(compute(data([]), late), "late_assessment")
    assert flag.basis_text("sv").startswith(
        "Lagen om ordnande av social- och hälsovård (612/2021) 6 § 2 mom. Metod: "
    )
    assert ".." not in flag.basis_text("sv") and flag.basis_text("sv").endswith("öppna.")


def test_a_rule_of_the_method_only_cites_no_act():
    found = data([cell("older_people", "access_to_services", "unknown", None)], indicators=[])
    flag = _flag(compute(found, FlagContext.of(IVA, OrgSettings())), "unknown_without_plan")
    assert flag.basis_text("fi").startswith("Menetelmä: THL")
    assert "§" not in flag.basis_text("fi")


def test_the_stored_flag_keeps_the_basis_in_every_language():
    found = data([cell("older_people", "access_to_services", "negative", "large")])
    flags = compute(found, FlagContext.of(IVA, OrgSettings(kind="wellbeing_county")))
    stored = stored_form(flags)
    assert stored and all(set(f.basis) == {"fi", "sv", "en"} for f in stored)
    assert all(f.basis["fi"] != f.basis["en"] and f.basis["sv"] != f.basis["en"] for f in stored)
    entry = next(f for f in stored if f.rule == "consultation_required").dump()
    assert entry["basis"]["sv"].startswith("Lagen om välfärdsområden (611/2021)")


def test_the_loader_refuses_a_basis_that_leaves_out_a_type(tmp_path):
    text = (ROOT / "forms" / "iva.yaml").read_text(encoding="utf-8")
    broken = text.replace(
        "      joint_authority: &law_hearing_others\n", "      retired_kind: &law_hearing_others\n"
    )
    assert broken != text
    (tmp_path / "iva.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_forms(tmp_path)
    assert "flag_bases.consultation_required.law" in str(err.value)


def test_the_loader_refuses_a_basis_without_its_method(tmp_path):
    text = (ROOT / "forms" / "iva.yaml").read_text(encoding="utf-8")
    broken = text.replace(
        "  no_follow_up:\n    law: null\n    method: *method_follow_up\n",
        "  no_follow_up:\n    law: null\n",
    )
    assert broken != text
    (tmp_path / "iva.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(DefinitionError) as err:
        load_forms(tmp_path)
    assert "flag_bases.no_follow_up.method" in str(err.value)
