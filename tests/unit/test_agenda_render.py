"""The agenda renderer alone (pure): Finnish time whatever offset the data comes with,
texts in the agenda's language or marked, the presenter with their title."""

import io

import docx

from assess.documents.agenda import in_language, presenter_text, render_agenda


def agenda(starts_at: str, **item) -> dict:
    return {
        "organisation": {"fi": "Kokkolan kaupunki", "sv": "Karleby stad"},
        "body": {"fi": "Kaupunginhallitus", "sv": "Stadsstyrelsen"},
        "meeting": {
            "id": 1, "number": 4, "year": 2026, "starts_at": starts_at,
            "place": "Kokkola, kaupungintalo", "place_sv": "Karleby, stadshuset",
        },
        "published_at": None,
        "author": "Kokkolan kaupunki",
        "items": [
            {
                "position": 1, "case_number": "KOK/1/2026", "language": "fi",
                "title": {"fi": "Koulun lakkauttaminen"},
                "proposal": {"fi": "Lakkautetaan.", "sv": "Läggs ned."},
                "preparer": "Paula Peltonen", "presenter": None, "paragraphs": {},
                "attachments": [], **item,
            }
        ],
    }  # fmt: skip


def lines(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]


def test_finnish_time_on_both_sides_of_the_daylight_saving_change():
    # 17.00 Finnish time: 15.00 UTC in winter (EET), 14.00 UTC in summer (EEST).
    for utc, day in (
        ("2026-10-26T15:00:00+00:00", "26.10.2026"),
        ("2026-03-30T14:00:00+00:00", "30.3.2026"),
    ):
        assert f"Aika: {day} 17.00" in lines(render_agenda(agenda(utc), "fi"))
        assert f"Tid: {day} 17.00" in lines(render_agenda(agenda(utc), "sv"))
    # The night the clocks go back: 03.30 happens twice; each instant prints as it was.
    assert "Aika: 25.10.2026 03.30" in lines(
        render_agenda(agenda("2026-10-25T00:30:00+00:00"), "fi")
    )
    assert "Aika: 25.10.2026 03.30" in lines(
        render_agenda(agenda("2026-10-25T01:30:00+00:00"), "fi")
    )


def test_texts_in_the_agenda_s_language_or_the_original_marked():
    sv = lines(render_agenda(agenda("2026-12-01T15:00:00+00:00"), "sv"))
    assert "1. Koulun lakkauttaminen (på finska)" in sv
    assert sv[sv.index("Föredragandens förslag:") + 1] == "Läggs ned."
    assert "Plats: Karleby, stadshuset" in sv and "Föredragande: inte vald" in sv
    fi = lines(render_agenda(agenda("2026-12-01T15:00:00+00:00"), "fi"))
    assert "1. Koulun lakkauttaminen" in fi and "Paikka: Kokkola, kaupungintalo" in fi
    assert in_language({"sv": "Text"}, "sv", "fi") == "Text (ruotsiksi)"
    assert in_language({"sv": ""}, "sv", "fi") == ""


def test_the_presenter_is_printed_with_the_title_in_the_agenda_s_language():
    presenter = {"name": "Kaisa Kallio", "title": {"fi": "kaupunginjohtaja", "sv": "stadsdirektör"}}
    assert presenter_text(presenter, "fi") == "Kaisa Kallio, kaupunginjohtaja"
    assert presenter_text(presenter, "sv") == "Kaisa Kallio, stadsdirektör"
    # A title given in Finnish only (a Finnish-only agenda) is printed as it is.
    assert presenter_text({"name": "K", "title": {"fi": "johtaja", "sv": ""}}, "sv") == "K, johtaja"
    assert presenter_text({"name": "K", "title": {}}, "fi") == "K"
    assert presenter_text(None, "fi") == "ei valittu"
