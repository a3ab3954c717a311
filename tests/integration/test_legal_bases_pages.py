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


def test_the_document_cites_the_acts_of_the_type_recorded_in_its_revision(ctx):
    import io

    from docx import Document as Docx

    from assess.operations import answers as answer_ops
    from assess.operations import documents as doc_ops
    from assess.operations.context import snapshot

    db.session.get(Organisation, 1).kind = "wellbeing_county"
    db.session.commit()
    a = ops.create_assessment(user("preparer"), db.session.get(Decision, 1))
    ops.fire(user("preparer"), a, "start_screening", expected_version=a.version)
    a = answer_ops.save_screening(
        user("preparer"), a, {"level": "full"}, expected_version=a.version
    )
    hearing = {"council": "youth_council", "not_heard_reason": "Not yet appointed."}
    a = answer_ops.save_section(
        user("preparer"), a, "hearings", {"hearings": [hearing]}, expected_version=a.version
    )

    def text(content):
        return "\n".join(p.text for p in Docx(io.BytesIO(content)).paragraphs)

    fi = text(doc_ops.preview(user("preparer"), a, "fi")[0])
    assert "(612/2021) 7 §:n 2 momentti" in fi
    assert "laki hyvinvointialueesta (611/2021) 32 §" in fi
    sv = text(doc_ops.preview(user("preparer"), a, "sv")[0])
    assert "lagen om välfärdsområden (611/2021) 32 §" in sv
    # A revision from before the type was recorded prints no act, as it did then.
    snap = snapshot(a, seq=1, user=user("preparer"), transition={"to": a.state, "trigger": None})
    del snap["organisation_kind"]
    old = text(doc_ops.render_snapshot(snap, "fi"))
    assert "612/2021" not in old and "611/2021" not in old
