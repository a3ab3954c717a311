"""The pages cite the acts of the organisation's type (issue 17, "The organisation's
type"): the screening page the duty to assess and the Language Act, the hearings page who
is heard under which act."""

import pytest

from assess.extensions import db
from assess.models import Decision, Organisation
from assess.operations import assessments as ops
from tests.support import login, use_language, user

CITED = {
    "municipality": (
        "Act on Organising Social and Health Care (612/2021), section 6, subsection 2",
        "Local Government Act (410/2015), section 26",
    ),
    "helsinki": (
        "Act on Organising Social and Health Care (612/2021), section 6, subsection 2",
        "Rescue Services in Uusimaa (615/2021), section 19",
    ),
    "wellbeing_county": (
        "Act on Organising Social and Health Care (612/2021), section 7, subsection 2",
        "Act on Wellbeing Services Counties (611/2021), section 32",
    ),
    "joint_authority": (None, "Administrative Procedure Act (434/2003), section 41"),
}


@pytest.mark.parametrize("kind", sorted(CITED))
def test_the_pages_cite_the_acts_of_the_organisations_type(demo, client, kind):
    with demo.app_context():
        db.session.get(Organisation, 1).kind = kind
        db.session.commit()
        a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
        ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
        aid = a.id
    login(client, "preparer")
    use_language(client, "en")
    duty, council = CITED[kind]
    screening = client.get(f"/assessments/{aid}/screening").get_data(as_text=True)
    assert "Language Act (423/2003), section 23" in screening
    if duty:
        assert duty in screening
    else:
        assert "612/2021" not in screening
    hearings = client.get(f"/assessments/{aid}/sections/hearings").get_data(as_text=True)
    assert council in hearings
    if kind == "joint_authority":
        assert "410/2015" not in hearings and "611/2021" not in hearings
    if kind == "wellbeing_county":
        assert "410/2015" not in hearings
    use_language(client, "sv")
    hearings = client.get(f"/assessments/{aid}/sections/hearings").get_data(as_text=True)
    assert "förvaltningslagen (434/2003) 41 §" in hearings
