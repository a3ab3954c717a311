"""The legal bases the product cites follow the organisation's type, as the content says
(issue 17, "The organisation's type"; forms/iva.yaml, from ../shared/legal-bases.md)."""

from pathlib import Path

import pytest
import yaml

from assess.definitions import DefinitionError
from assess.flags.rules import RULES, FlagContext
from assess.questionnaire import load_forms
from assess.questionnaire.definition import ORGANISATION_KINDS
from assess.questionnaire.organisation import OrgSettings, council_basis, legal_bases
from tests.unit.test_flags import cell, data

ROOT = Path(__file__).resolve().parents[2]
IVA = load_forms(ROOT / "forms").latest("iva")

# What each type cites, in Finnish; None: no act is cited for that type.
EXPECTED = {
    "municipality": {
        "youth_council": "kuntalaki (410/2015) 26 §",
        "older_people_council": "kuntalaki (410/2015) 27 §",
        "disability_council": "kuntalaki (410/2015) 28 §",
        "national_language_committee": None,
        "residents_heard": "kuntalaki (410/2015) 22 §; hallintolaki (434/2003) 41 §",
        "duty_to_assess": "(612/2021) 6 §:n 2 momentti",
    },
    "helsinki": {
        "youth_council": "kuntalaki (410/2015) 26 §",
        "older_people_council": "kuntalaki (410/2015) 27 §",
        "disability_council": "kuntalaki (410/2015) 28 §",
        "national_language_committee": "Uudellamaalla (615/2021) 19 §",
        "residents_heard": "kuntalaki (410/2015) 22 §; hallintolaki (434/2003) 41 §",
        "duty_to_assess": "(612/2021) 6 §:n 2 momentti",
    },
    "wellbeing_county": {
        "youth_council": "laki hyvinvointialueesta (611/2021) 32 §",
        "older_people_council": "laki hyvinvointialueesta (611/2021) 32 §",
        "disability_council": "laki hyvinvointialueesta (611/2021) 32 §",
        "national_language_committee": "laki hyvinvointialueesta (611/2021) 33 §",
        "residents_heard": "laki hyvinvointialueesta (611/2021) 29 §; hallintolaki (434/2003) 41 §",
        "duty_to_assess": "(612/2021) 7 §:n 2 momentti",
    },
    "joint_authority": {
        "youth_council": None,
        "older_people_council": None,
        "disability_council": None,
        "national_language_committee": None,
        "residents_heard": "hallintolaki (434/2003) 41 §",
        "duty_to_assess": None,
    },
}
SWEDISH = {
    "municipality": ("youth_council", "kommunallagen (410/2015) 26 §"),
    "helsinki": ("national_language_committee", "räddningsväsendet i Nyland (615/2021) 19 §"),
    "wellbeing_county": ("national_language_committee", "lagen om välfärdsområden (611/2021) 33 §"),
    "joint_authority": ("residents_heard", "förvaltningslagen (434/2003) 41 §"),
}


def test_every_type_is_covered():
    assert set(EXPECTED) == set(ORGANISATION_KINDS)


@pytest.mark.parametrize("kind", ORGANISATION_KINDS)
def test_the_councils_and_the_duty_to_assess_follow_the_type(kind):
    org = OrgSettings(kind=kind)
    for name, expected in EXPECTED[kind].items():
        if name == "duty_to_assess":
            found = legal_bases(IVA, org).get(name)
        else:
            found = council_basis(IVA, name, org)
        if expected is None:
            assert found is None, (kind, name)
        else:
            assert found is not None and expected in found.fi, (kind, name, found)
            assert found.sv and found.en
    council, swedish = SWEDISH[kind]
    assert swedish in council_basis(IVA, council, org).sv
    # The language act binds every authority, whatever its type.
    assert legal_bases(IVA, org)["language_rights"].sv == "språklagen (423/2003) 23 §"
    # The children's hearing rests on the convention for every type.
    assert "12" in council_basis(IVA, "children_heard", org).en


def test_an_unknown_type_reads_as_a_municipality():
    assert council_basis(IVA, "youth_council", OrgSettings(kind="town")).fi.startswith("kuntalaki")


def test_the_type_comes_from_the_organisation():
    class Org:
        kind = "wellbeing_county"
        bilingual = False
        minority_language = "none"
        settings: dict = {}

    assert OrgSettings.of(Org()).kind == "wellbeing_county"
    Org.kind = None  # a row from before the column: the default type
    assert OrgSettings.of(Org()).kind == "municipality"


def _load_changed(tmp_path, mutate):
    raw = yaml.safe_load((ROOT / "forms" / "iva.yaml").read_text())
    mutate(raw)
    (tmp_path / "iva.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True))
    with pytest.raises(DefinitionError) as err:
        load_forms(tmp_path)
    return [str(p) for p in err.value.problems]


def test_a_basis_given_per_type_must_name_every_type(tmp_path):
    def drop_county(raw):
        del raw["councils"][0]["basis"]["wellbeing_county"]
        del raw["legal_bases"]["duty_to_assess"]["helsinki"]

    problems = _load_changed(tmp_path, drop_county)
    assert any(
        "councils.0(youth_council).basis" in p and "wellbeing_county" in p and "null" in p
        for p in problems
    ), problems
    assert any("legal_bases.duty_to_assess" in p and "helsinki" in p for p in problems)


def test_an_unknown_type_in_the_content_is_named(tmp_path):
    def add_town(raw):
        raw["legal_bases"]["duty_to_assess"]["town"] = {"fi": "a", "sv": "b", "en": "c"}

    assert any("legal_bases.duty_to_assess" in p for p in _load_changed(tmp_path, add_town))


def test_a_council_without_an_act_for_the_type_is_cited_without_one():
    # Client panels: no act verified for a joint authority, which still hears its users.
    ctx = FlagContext(form=IVA, org=OrgSettings(kind="joint_authority"))
    d = data([cell(group="working_age")])
    d["screening"] = {"level": "full", "answers": {"s_fees_eligibility": "yes"}}
    (flag,) = RULES["consultation_required"](d, ctx)
    assert flag.field == "hearings.client_panel" and flag.severity == "medium"
    assert "(" not in flag.resolution("en") and "client panel" in flag.resolution("en")


@pytest.mark.parametrize(
    "kind, cited",
    [
        ("municipality", "Local Government Act (410/2015), section 27"),
        ("helsinki", "Local Government Act (410/2015), section 27"),
        ("wellbeing_county", "Act on Wellbeing Services Counties (611/2021), section 32"),
        ("joint_authority", None),
    ],
)
def test_the_hearing_flag_names_the_act_of_the_type(kind, cited):
    ctx = FlagContext(form=IVA, org=OrgSettings(kind=kind))
    (flag,) = RULES["consultation_required"](data([cell()]), ctx)
    text = flag.resolution("en")
    if cited:
        assert f"older people's council ({cited})" in text
    else:
        assert "(" not in text and "older people's council" in text
    assert flag.resolution("fi") and flag.resolution("sv") != text
