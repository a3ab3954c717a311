"""The agenda (esityslista / föredragningslista): a pure function from an agenda's data
to .docx bytes, with the same accessibility rules as the assessment document.

Every time is printed in Finnish time (Europe/Helsinki) whatever offset it comes with, so a
meeting at 17.00 reads 17.00 in winter and in summer. The Swedish agenda is Swedish
throughout: the body, organisation and place by their Swedish names, the title and the
proposal in Swedish where they are written in it (else the original with a mark saying its
language). Each item numbers its attachments (Liite 1, 2 … / Bilaga 1, 2 …): the assessment
in each language, then the hearings' statements, each with its file checksum, so a board
member (or an auditor years later) can check the file is the one attached.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from ._docx import Writer
from .texts import date_text, text

HELSINKI = ZoneInfo("Europe/Helsinki")
LANGUAGE_MARKS = {"fi": "agenda_in_finnish", "sv": "agenda_in_swedish"}


def local(iso: str) -> datetime:
    """An ISO timestamp in Finnish time; one without an offset is taken as Finnish already."""
    moment = datetime.fromisoformat(iso)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=HELSINKI)
    return moment.astimezone(HELSINKI)


def in_language(versions: dict, original_language: str, language: str) -> str:
    """A text of ``versions`` ({language: text}) in ``language``; when it has none there,
    the original followed by the mark of its language ("(suomeksi)", "(på finska)")."""
    given = (versions.get(language) or "").strip()
    if given:
        return given
    original = (versions.get(original_language) or "").strip()
    if not original or original_language == language:
        return original
    return f"{original} {text(LANGUAGE_MARKS[original_language], language)}"


def named(names: dict, language: str) -> str:
    return names.get(language) or names.get("fi") or ""


def presenter_text(presenter: dict | None, language: str) -> str:
    if not presenter or not presenter.get("name"):
        return text("agenda_no_presenter", language)
    title = named(presenter.get("title") or {}, language)
    return f"{presenter['name']}, {title}" if title else presenter["name"]


def render_agenda(agenda: dict, language: str) -> bytes:
    """``agenda``: organisation, body, meeting, items (see
    ``operations.agenda_documents.agenda_data``)."""
    t = lambda key, **kw: text(key, language, **kw)  # noqa: E731
    w = Writer(language, kind="agenda")
    meeting = agenda["meeting"]
    body = named(agenda["body"], language)
    label = f"{meeting['number']}/{meeting['year']}"
    when = local(meeting["starts_at"])
    stamp = datetime.fromisoformat(agenda.get("published_at") or meeting["starts_at"])
    w.footer(f"{body} {label}", t("page"), t("agenda_title"))
    w.heading(f"{t('agenda_title')}: {body} {label}", 1)
    w.paragraph(named(agenda["organisation"], language), bold_label=t("organisation"))
    w.paragraph(
        f"{date_text(when.date().isoformat(), language)} {when:%H.%M}", bold_label=t("time")
    )
    place = meeting.get("place_sv") if language == "sv" else None
    if place or meeting.get("place"):
        w.paragraph(place or meeting["place"], bold_label=t("place"))
    if agenda.get("published_at"):
        published = local(agenda["published_at"]).date().isoformat()
        w.paragraph(date_text(published, language), bold_label=t("published"))
    else:
        w.paragraph(t("not_published"), bold=True)
    w.heading(t("items"), 2)
    if not agenda["items"]:
        w.paragraph(t("no_items"))
    for item in agenda["items"]:
        _item(w, item, language)
    w.core(
        title=f"{t('agenda_title')}: {body} {label}",
        subject=body,
        author=named(agenda["organisation"], language) or agenda["author"],
        when=stamp,
        revision=1,
        identifier=f"AGENDA-{meeting['id']}-{language.upper()}",
        last_modified_by=agenda["author"],
        keywords=f"{t('agenda_title')}; {label}",
    )
    return w.save(stamp)


def _item(w: Writer, item: dict, language: str) -> None:
    t = lambda key, **kw: text(key, language, **kw)  # noqa: E731
    original = item["language"]
    w.heading(f"{item['position']}. {in_language(item['title'], original, language)}", 3)
    w.paragraph(item["case_number"], bold_label=t("case_number"))
    w.paragraph(item["preparer"], bold_label=t("preparer"))
    w.paragraph(presenter_text(item.get("presenter"), language), bold_label=t("presenter"))
    paragraph = (item.get("paragraphs") or {}).get(language)
    w.paragraph(paragraph or t("no_paragraph"))
    proposal = in_language(item.get("proposal") or {}, original, language)
    w.paragraph(t("agenda_proposal") + ":", bold=True)
    w.paragraph(proposal or t("agenda_no_proposal"))
    w.paragraph(t("attachments") + ":", bold=True)
    attachments = item["attachments"]
    if not attachments:
        w.paragraph(t("no_attachments"))
        return
    w.table(
        [t("attachment_title"), t("agenda_document"), t("agenda_file_name"), t("agenda_checksum")],
        [
            [
                t("attachment_number", n=a["number"]),
                _attachment_title(a, language),
                a["filename"],
                a["sha256"],
            ]
            for a in attachments
        ],
        widths=[1.7, 5.0, 4.3],
        font_size=8,
    )
    w.paragraph(t("agenda_checksum_note"))


def _attachment_title(a: dict, language: str) -> str:
    if a["kind"] == "statement":
        return text("agenda_statement", language, name=named(a["council"], language))
    title = text("assessment_doc", language)
    written_in = text("lang_" + a["language"], language)
    return f"{title} ({written_in}), {a['reference']}"
