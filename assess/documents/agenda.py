"""The agenda (esityslista / föredragningslista): a pure function from an agenda's data
to .docx bytes, with the same accessibility rules as the assessment document.

Each item lists its attachments by title, language and SHA-256, so a board member (or an
auditor years later) can check that the attached assessment is the one approved.
"""

from __future__ import annotations

from datetime import datetime

from ._docx import Writer
from .texts import date_text, text


def render_agenda(agenda: dict, language: str) -> bytes:
    """``agenda``: organisation, body, meeting, items (see ``operations.meetings.agenda_data``)."""
    t = lambda key, **kw: text(key, language, **kw)  # noqa: E731
    w = Writer(language)
    meeting = agenda["meeting"]
    body = agenda["body"].get(language) or agenda["body"]["fi"]
    label = f"{meeting['number']}/{meeting['year']}"
    when = datetime.fromisoformat(meeting["starts_at"])
    stamp = datetime.fromisoformat(agenda.get("published_at") or meeting["starts_at"])
    w.footer(f"{body} {label}", t("page"), t("agenda_title"))
    w.heading(f"{t('agenda_title')}: {body} {label}", 1)
    w.paragraph(
        agenda["organisation"].get(language) or agenda["organisation"]["fi"],
        bold_label=t("organisation"),
    )
    w.paragraph(f"{date_text(meeting['starts_at'], language)} {when:%H.%M}", bold_label=t("time"))
    if meeting.get("place"):
        w.paragraph(meeting["place"], bold_label=t("place"))
    if agenda.get("published_at"):
        w.paragraph(date_text(agenda["published_at"], language), bold_label=t("published"))
    else:
        w.paragraph(t("not_published"), bold=True)
    w.heading(t("items"), 2)
    if not agenda["items"]:
        w.paragraph(t("no_items"))
    for item in agenda["items"]:
        w.heading(f"{item['position']}. {item['title']}", 3)
        w.paragraph(item["case_number"], bold_label=t("case_number"))
        w.paragraph(item["preparer"], bold_label=t("preparer"))
        w.paragraph(item.get("presenter") or item["preparer"], bold_label=t("presenter"))
        paragraph = (item.get("paragraphs") or {}).get(language)
        w.paragraph(paragraph or t("no_paragraph"))
        w.paragraph(t("attachments") + ":", bold=True)
        if item["attachments"]:
            w.table(
                [t("attachment_title"), t("language"), "SHA-256"],
                [
                    [a["title"], t("lang_" + a["language"]), a["sha256"]]
                    for a in item["attachments"]
                ],
                first_width=6.0,
                font_size=8,
            )
        else:
            w.paragraph(t("no_attachments"))
    w.core(
        title=f"{t('agenda_title')}: {body} {label}",
        subject=body,
        author=agenda["author"],
        when=stamp,
        revision=1,
        identifier=f"AGENDA-{meeting['id']}-{language.upper()}",
        last_modified_by=agenda["author"],
        keywords=f"{t('agenda_title')}; {label}",
    )
    return w.save(stamp)
