"""The fixed texts of the documents, in fi, sv and en.

Kept here rather than in the UI's message catalogues: a document re-rendered from its
revision must give the same bytes, so its wording changes only with ``RENDERER_VERSION``
(see ``assessment.py``), never with a catalogue update.
"""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "doc_title": {
        "fi": "Vaikutusten ennakkoarviointi",
        "sv": "Förhandsbedömning av konsekvenser",
        "en": "Ex-ante impact assessment",
    },
    "draft": {"fi": "LUONNOS", "sv": "UTKAST", "en": "DRAFT"},
    "draft_note": {
        "fi": "Luonnos: arviointia ei ole hyväksytty. Älä liitä tätä päätösesitykseen.",
        "sv": "Utkast: bedömningen är inte godkänd. Bifoga den inte till beslutsförslaget.",
        "en": "Draft: the assessment is not approved. Do not attach it to the proposal.",
    },
    "organisation": {"fi": "Organisaatio", "sv": "Organisation", "en": "Organisation"},
    "body": {"fi": "Päättävä toimielin", "sv": "Beslutande organ", "en": "Deciding body"},
    "case_number": {"fi": "Asianumero", "sv": "Ärendenummer", "en": "Case number"},
    "decision": {"fi": "Päätösasia", "sv": "Beslutsärende", "en": "Decision"},
    "preparer": {"fi": "Valmistelija", "sv": "Beredare", "en": "Preparer"},
    "reviewer": {"fi": "Tarkastaja", "sv": "Granskare", "en": "Reviewer"},
    "meeting": {"fi": "Kokous", "sv": "Sammanträde", "en": "Meeting"},
    "not_known": {"fi": "ei vielä tiedossa", "sv": "ännu inte känt", "en": "not known yet"},
    "document_id": {"fi": "Asiakirjan tunnus", "sv": "Dokumentets beteckning", "en": "Document id"},
    "revision": {"fi": "Versio", "sv": "Version", "en": "Revision"},
    "state": {"fi": "Tila", "sv": "Status", "en": "State"},
    "page": {"fi": "Sivu", "sv": "Sida", "en": "Page"},
    "summary": {
        "fi": "Tiivistelmä päätösesitykseen",
        "sv": "Sammandrag för beslutsförslaget",
        "en": "Summary for the decision proposal",
    },
    "no_summary": {
        "fi": "Tiivistelmää ei ole kirjoitettu.",
        "sv": "Inget sammandrag har skrivits.",
        "en": "No summary has been written.",
    },
    "recommended": {
        "fi": "Suositeltu vaihtoehto",
        "sv": "Rekommenderat alternativ",
        "en": "Recommended alternative",
    },
    "why": {"fi": "Perustelu", "sv": "Motivering", "en": "Reason"},
    "screening": {"fi": "Tarveharkinta", "sv": "Behovsprövning", "en": "Screening"},
    "level": {"fi": "Arvioinnin taso", "sv": "Bedömningens nivå", "en": "Level of the assessment"},
    "recommended_level": {
        "fi": "Tarveharkinnan suosittama taso",
        "sv": "Nivå som behovsprövningen rekommenderar",
        "en": "Level the screening recommends",
    },
    "yes_answers": {
        "fi": "Kysymykset, joihin vastattiin kyllä tai ei tiedossa",
        "sv": "Frågor som besvarades med ja eller vet inte",
        "en": "Questions answered yes or don't know",
    },
    "none_yes": {"fi": "Ei yhtään.", "sv": "Inga.", "en": "None."},
    "level_reason": {
        "fi": "Perustelu tasolle",
        "sv": "Motivering för nivån",
        "en": "Reason for the level",
    },
    "exempt": {
        "fi": "Arvioinnista vapautettu asiaryhmä",
        "sv": "Undantagen ärendekategori",
        "en": "Exempt category",
    },
    "level_none": {"fi": "ei arviointia", "sv": "ingen bedömning", "en": "no assessment"},
    "level_light": {"fi": "kevyt arviointi", "sv": "lätt bedömning", "en": "light assessment"},
    "level_full": {"fi": "laaja arviointi", "sv": "omfattande bedömning", "en": "full assessment"},
    "answer_yes": {"fi": "kyllä", "sv": "ja", "en": "yes"},
    "answer_unknown": {"fi": "ei tiedossa", "sv": "vet inte", "en": "don't know"},
    "alternatives": {"fi": "Vaihtoehdot", "sv": "Alternativ", "en": "Alternatives"},
    "zero_option": {"fi": "nollavaihtoehto", "sv": "nollalternativ", "en": "zero option"},
    "recommended_mark": {"fi": "suositeltu", "sv": "rekommenderat", "en": "recommended"},
    "the_proposal": {"fi": "Esitys", "sv": "Förslaget", "en": "The proposal"},
    "impacts": {
        "fi": "Vaikutukset väestöryhmiin",
        "sv": "Konsekvenser för befolkningsgrupper",
        "en": "Effects on population groups",
    },
    "impact_table": {"fi": "Vaikutustaulukko", "sv": "Konsekvenstabell", "en": "Impact table"},
    "group": {"fi": "Väestöryhmä", "sv": "Befolkningsgrupp", "en": "Population group"},
    "legend": {"fi": "Merkit", "sv": "Teckenförklaring", "en": "Legend"},
    "not_assessed": {"fi": "ei arvioitu", "sv": "inte bedömt", "en": "not assessed"},
    "part": {"fi": "osa", "sv": "del", "en": "part"},
    "details": {
        "fi": "Perustelut, lähteet ja lieventäminen",
        "sv": "Motiveringar, källor och lindring",
        "en": "Rationale, evidence and mitigation",
    },
    "rationale": {"fi": "Perustelu", "sv": "Motivering", "en": "Rationale"},
    "evidence": {"fi": "Tietolähteet", "sv": "Källor", "en": "Evidence"},
    "mitigation": {"fi": "Lieventäminen", "sv": "Lindring", "en": "Mitigation"},
    "no_impacts": {
        "fi": "Vaikutuksia ei ole kirjattu.",
        "sv": "Inga konsekvenser har angetts.",
        "en": "No effects have been recorded.",
    },
    "flags": {
        "fi": "Huomautukset ja niiden käsittely",
        "sv": "Anmärkningar och hur de hanterats",
        "en": "Flags and how they were handled",
    },
    "no_flags": {"fi": "Ei huomautuksia.", "sv": "Inga anmärkningar.", "en": "No flags."},
    "severity_high": {"fi": "vakava", "sv": "allvarlig", "en": "high"},
    "severity_medium": {"fi": "kohtalainen", "sv": "måttlig", "en": "medium"},
    "severity_low": {"fi": "lievä", "sv": "lindrig", "en": "low"},
    "status_open": {"fi": "avoin", "sv": "öppen", "en": "open"},
    "status_acknowledged": {"fi": "kuitattu", "sv": "kvitterad", "en": "acknowledged"},
    "status_resolved": {
        "fi": "ratkaistu: vastaukset muuttuivat",
        "sv": "åtgärdad: svaren ändrades",
        "en": "resolved: the answers changed",
    },
    "acknowledged_by": {
        "fi": "Kuittasi {name} {date}",
        "sv": "Kvitterad av {name} {date}",
        "en": "Acknowledged by {name} on {date}",
    },
    "hearings": {"fi": "Kuulemiset", "sv": "Hörande", "en": "Hearings"},
    "no_hearings": {
        "fi": "Kuulemisia ei ole kirjattu.",
        "sv": "Inga höranden har antecknats.",
        "en": "No hearings have been recorded.",
    },
    "requested_on": {
        "fi": "Lausuntoa pyydetty",
        "sv": "Utlåtande begärt",
        "en": "Statement requested",
    },
    "answered_on": {"fi": "Lausunto saatu", "sv": "Utlåtande mottaget", "en": "Statement received"},
    "statement": {"fi": "Lausunto", "sv": "Utlåtande", "en": "Statement"},
    "taken_into_account": {
        "fi": "Miten otettu huomioon",
        "sv": "Hur det beaktats",
        "en": "How it was taken into account",
    },
    "not_heard_reason": {"fi": "Miksi ei kuultu", "sv": "Varför inte hörd", "en": "Why not heard"},
    "attachment": {"fi": "Liite", "sv": "Bilaga", "en": "Attachment"},
    "follow_up": {"fi": "Seuranta", "sv": "Uppföljning", "en": "Follow-up"},
    "no_indicators": {
        "fi": "Seurantamittareita ei ole kirjattu.",
        "sv": "Inga uppföljningsindikatorer har angetts.",
        "en": "No follow-up indicators have been recorded.",
    },
    "indicator": {"fi": "Mittari", "sv": "Indikator", "en": "Indicator"},
    "source": {"fi": "Lähde", "sv": "Källa", "en": "Source"},
    "baseline": {"fi": "Lähtötaso", "sv": "Utgångsläge", "en": "Baseline"},
    "target": {"fi": "Tavoite", "sv": "Mål", "en": "Target"},
    "owner": {"fi": "Vastuuhenkilö", "sv": "Ansvarsperson", "en": "Owner"},
    "review_date": {"fi": "Tarkastelupäivä", "sv": "Granskningsdatum", "en": "Review date"},
    "approval": {"fi": "Hyväksyntä", "sv": "Godkännande", "en": "Approval"},
    "approved_by": {"fi": "Hyväksyjä", "sv": "Godkänd av", "en": "Approved by"},
    "dropped": {
        "fi": "Asiakirjasta jätettiin pois {n} merkkiä, joita Word-asiakirja ei voi sisältää "
        "(ohjausmerkkejä). Alkuperäinen teksti on tallessa arvioinnissa.",
        "sv": "{n} tecken som ett Word-dokument inte kan innehålla (styrtecken) lämnades bort "
        "ur dokumentet. Den ursprungliga texten finns kvar i bedömningen.",
        "en": "{n} characters that a Word document cannot hold (control characters) were left "
        "out of the document. The original text is kept in the assessment.",
    },
    # The decision-text paragraph.
    "paragraph_head": {
        "fi": "Vaikutusten ennakkoarviointi",
        "sv": "Förhandsbedömning av konsekvenser",
        "en": "Ex-ante impact assessment",
    },
    "paragraph_none": {
        "fi": "Päätöksen vaikutuksia ei tarvinnut arvioida",
        "sv": "Beslutets konsekvenser behövde inte bedömas",
        "en": "No assessment of the decision's effects was needed",
    },
    "paragraph_approved": {
        "fi": "Arvioinnin hyväksyi {name} {date} (asiakirja {doc}).",
        "sv": "Bedömningen godkändes av {name} {date} (dokument {doc}).",
        "en": "The assessment was approved by {name} on {date} (document {doc}).",
    },
    # The agenda.
    "agenda_title": {"fi": "Esityslista", "sv": "Föredragningslista", "en": "Agenda"},
    "meeting_number": {"fi": "Kokous", "sv": "Sammanträde", "en": "Meeting"},
    "time": {"fi": "Aika", "sv": "Tid", "en": "Time"},
    "place": {"fi": "Paikka", "sv": "Plats", "en": "Place"},
    "presenter": {"fi": "Esittelijä", "sv": "Föredragande", "en": "Presenter"},
    "items": {"fi": "Käsiteltävät asiat", "sv": "Ärenden", "en": "Items"},
    "no_items": {
        "fi": "Esityslistalla ei ole asioita.",
        "sv": "Föredragningslistan har inga ärenden.",
        "en": "The agenda has no items.",
    },
    "attachments": {"fi": "Liitteet", "sv": "Bilagor", "en": "Attachments"},
    "no_attachments": {"fi": "Ei liitteitä.", "sv": "Inga bilagor.", "en": "No attachments."},
    "attachment_title": {"fi": "Liite", "sv": "Bilaga", "en": "Attachment"},
    "language": {"fi": "Kieli", "sv": "Språk", "en": "Language"},
    "lang_fi": {"fi": "suomi", "sv": "finska", "en": "Finnish"},
    "lang_sv": {"fi": "ruotsi", "sv": "svenska", "en": "Swedish"},
    "lang_en": {"fi": "englanti", "sv": "engelska", "en": "English"},
    "assessment_doc": {
        "fi": "Vaikutusten ennakkoarviointi",
        "sv": "Förhandsbedömning av konsekvenser",
        "en": "Ex-ante impact assessment",
    },
    "no_paragraph": {
        "fi": "Arviointia ei ole liitetty.",
        "sv": "Ingen bedömning har bifogats.",
        "en": "No assessment is attached.",
    },
    "published": {"fi": "Julkaistu", "sv": "Publicerad", "en": "Published"},
    "not_published": {
        "fi": "Esityslistaa ei ole julkaistu.",
        "sv": "Föredragningslistan är inte publicerad.",
        "en": "The agenda is not published.",
    },
}


def text(key: str, language: str, **params) -> str:
    value = TEXTS[key][language]
    return value.format(**params) if params else value


def date_text(iso: str | None, language: str) -> str:
    """A date as Finns and Finland-Swedes write it (23.11.2026); ISO for English."""
    if not iso:
        return "—"
    day = iso[:10]
    if language == "en":
        return day
    y, m, d = day.split("-")
    return f"{int(d)}.{int(m)}.{y}"
