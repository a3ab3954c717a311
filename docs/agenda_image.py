"""Build a realistic agenda on the demo data (two items, the presenter chosen, a hearing's
statement attached, the decision's title and proposal in Swedish too), publish it, convert
the kept Finnish and Swedish agendas to PDF with LibreOffice and save their first pages as
docs/agenda.png and docs/agenda-sv.png (issue 19).

Run: `.venv/bin/python docs/agenda_image.py` (needs soffice and poppler-utils).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _page_image import page_png, to_pdf  # noqa: E402  (this folder, first on the path)
from sqlalchemy import select  # noqa: E402

from assess import create_app  # noqa: E402
from assess.extensions import db  # noqa: E402
from assess.models import Decision, MeetingDocument, User  # noqa: E402
from assess.operations import agenda_presenters as presenter_ops  # noqa: E402
from assess.operations import assessments as ops  # noqa: E402
from assess.operations import attachments as attachment_ops  # noqa: E402
from assess.operations import decisions as decision_ops  # noqa: E402
from assess.operations import meetings as meeting_ops  # noqa: E402
from assess.operations.demo import load_demo  # noqa: E402
from assess.operations.demo_scenario import acknowledge_high, to_review  # noqa: E402

OUTPUT = {"fi": "agenda", "sv": "agenda-sv"}
SWEDISH = {
    "KPHA/412/2026": {
        "title": "Nedläggning av mottagningen vid Halsua hälsostation och flytt av tjänsterna "
        "till Karleby",
        "proposal": "Välfärdsområdesstyrelsen beslutar att lägga ned mottagningen vid Halsua "
        "hälsostation från 1.6.2027 och flytta tjänsterna till Karleby hälsocentral.",
    },
}


def person(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def decision(case: str) -> Decision:
    return db.session.scalar(select(Decision).where(Decision.case_number == case))


def approve(case: str, level: str, statement: bytes | None = None) -> None:
    preparer, reviewer = person("preparer@demo.example"), person("reviewer@demo.example")
    d = decision(case)
    if case in SWEDISH:
        decision_ops.update_decision(
            preparer,
            d,
            case_number=d.case_number,
            title=d.title,
            language=d.language,
            body_id=d.body_id,
            proposal=d.proposal or "Aluehallitus hyväksyy selvityksen.",
            translations={"sv": SWEDISH[case]},
            expected_version=d.version,
        )
    a = to_review(preparer, d, level)
    if statement is not None:
        ops.fire(reviewer, a, "return_for_revision", comment="Liitä lausunto.",
                 expected_version=a.version)  # fmt: skip
        attachment_ops.attach_statement(
            preparer, a, a.data["hearings"][0]["id"], "vanhusneuvoston_lausunto.pdf", statement,
            expected_version=a.version,
        )  # fmt: skip
        ops.fire(preparer, a, "submit", expected_version=a.version)
    acknowledge_high(reviewer, a)
    ops.fire(reviewer, a, "approve", expected_version=a.version)


def main() -> None:
    tmp = Path(tempfile.mkdtemp())
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp / 'agenda.db'}")
    with app.app_context(), app.test_request_context():
        db.create_all()
        load_demo()
        approve("KPHA/412/2026", "full", statement=b"%PDF-1.4 vanhusneuvoston lausunto")
        secretary = person("secretary@demo.example")
        m = meeting_ops.create_meeting(
            secretary,
            body_id=decision("KPHA/412/2026").body_id,
            number=14,
            year=2026,
            starts_at="2026-10-26T17:00",  # the day after summer time ends: still 17.00
            place="Kokkola, aluehallituksen kokoushuone",
            place_sv="Karleby, välfärdsområdesstyrelsens mötesrum",
        )
        item = meeting_ops.add_item_and_attach(
            secretary, m, decision("KPHA/412/2026").id, expected_version=m.version
        )
        presenter_ops.choose(
            secretary, m, item.id, person("reviewer@demo.example").id,
            "hyvinvointialuejohtaja", "välfärdsområdesdirektör", expected_version=m.version,
        )  # fmt: skip
        meeting_ops.publish(secretary, m, expected_version=m.version)
        for kept in db.session.scalars(select(MeetingDocument)):
            (tmp / f"agenda-{kept.language}.docx").write_bytes(kept.content)
    for language, name in OUTPUT.items():
        page_png(to_pdf(tmp / f"agenda-{language}.docx"), 1, ROOT / "docs" / name)
        print(f"docs/{name}.png: page 1 of the {language} agenda")


if __name__ == "__main__":
    main()
