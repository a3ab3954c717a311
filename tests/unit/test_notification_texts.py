"""What a notification says (issue 20): every kind reads in fi, sv and en with its facts
filled in, and leads to the page it is about. Pure: no app."""

import pytest

from assess import notification_texts as texts

# The kinds of assess.models.notification.NOTIFICATION_KINDS (the integration tests check
# they are the same; a unit test imports no model).
KINDS = tuple(texts.KIND_LABELS)
PARAMS = {
    "actor": "Rasmus Backman",
    "case_number": "KPHA/388/2026",
    "title": "Asiakasmaksut 2027",
    "count": 3,
    "date": "2027-01-15",
    "meeting": "12/2026",
    "body": {"fi": "Aluehallitus", "sv": "Välfärdsområdesstyrelsen", "en": "Aluehallitus"},
    "indicator": "Odotusaika",
    "comment": "Lisää vertailu.\nToinen rivi.",
}


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_reads_in_every_language_with_its_facts(kind, language):
    title = texts.title(kind, PARAMS, language)
    assert "%(" not in title and title != kind
    assert texts.next_step(kind, PARAMS, language)
    assert texts.kind_label(kind, language)
    if kind not in ("meeting_deadline",):
        assert "KPHA/388/2026" in title


def test_the_words_are_the_readers_language():
    fi = texts.title("returned", PARAMS, "fi")
    sv = texts.title("returned", PARAMS, "sv")
    en = texts.title("returned", PARAMS, "en")
    assert fi.startswith("Rasmus Backman palautti sinulle arvioinnin")
    assert sv.startswith("Rasmus Backman returnerade bedömningen till dig")
    assert en == "Rasmus Backman returned the assessment of KPHA/388/2026 Asiakasmaksut 2027 to you"
    # A date in the reader's own form; a body's name in the reader's language.
    meeting = {k: v for k, v in PARAMS.items() if k not in ("case_number", "title")}
    assert "15. tammikuuta 2027" in texts.title("meeting_deadline", meeting, "fi")
    assert "Välfärdsområdesstyrelsen 12/2026" in texts.title("meeting_deadline", meeting, "sv")


def test_links():
    assert texts.link_path("review_requested", 7, None) == "/assessments/7"
    assert texts.link_path("flags_to_weigh", 7, None) == "/assessments/7/flags"
    assert texts.link_path("meeting_deadline", None, 3) == "/meetings/3"
    assert texts.link_path("meeting_deadline", None, 3, 12) == "/decisions/12"


def test_the_email_has_the_comment_the_link_and_where_to_change_it():
    subject, body = texts.email(
        "returned",
        PARAMS,
        "fi",
        name="Paula Peltonen",
        link="https://eva.example/assessments/7",
        account_link="https://eva.example/account#notifications",
    )
    assert subject == texts.title("returned", PARAMS, "fi")
    assert body.startswith("Hei Paula Peltonen,\n")
    assert "  Lisää vertailu.\n  Toinen rivi.\n" in body
    assert "Avaa: https://eva.example/assessments/7\n" in body
    assert body.rstrip().endswith("https://eva.example/account#notifications")
