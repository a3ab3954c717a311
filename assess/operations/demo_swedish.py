"""The demo's approved assessment in Swedish too (issue 19): a bilingual county writes its
decision and the assessment's texts in both national languages, so the demo's Swedish
documents and agenda are Swedish throughout. Keyed by the Finnish original, so a text is
translated wherever the scenario uses it."""

from __future__ import annotations

TITLE = (
    "Indragning av mottagningen vid Halsua hälsostation och överföring av tjänsterna till Karleby"
)
PROPOSAL = (
    "Välfärdsområdesstyrelsen beslutar att mottagningen vid Halsua hälsostation dras in från "
    "och med 1.6.2027 och att tjänsterna överförs till Karleby hälsovårdscentral."
)

TEXTS = {
    "VE1 pidentää ikääntyneiden ja kylien asukkaiden matkoja, mutta lääkärin vastaanotto on "
    "Kokkolassa auki joka arkipäivä; VE0 säilyttää lähipalvelun, mutta vastaanotto on ollut "
    "lääkäripulan vuoksi suljettuna joka kolmas aukiolopäivä.": (
        "ALT1 förlänger de äldres och bybornas resor, men läkarmottagningen i Karleby är öppen "
        "varje vardag; ALT0 behåller närservicen, men mottagningen har på grund av läkarbrist "
        "varit stängd var tredje öppethållningsdag."
    ),
    "Halsualle ei ole saatu lääkäriä kahteen vuoteen; Kokkolassa hoitoon pääsee hoitotakuun "
    "ajassa, ja palvelubussi ja liikkuva vastaanotto turvaavat ikääntyneiden pääsyn "
    "palveluihin.": (
        "Halsua har inte fått någon läkare på två år; i Karleby får man vård inom "
        "vårdgarantins tid, och servicebussen och den mobila mottagningen tryggar de äldres "
        "tillgång till tjänsterna."
    ),
    "VE0": "ALT0",
    "VE1": "ALT1",
    "Vastaanotto jatkuu Halsualla kaksi päivää viikossa; lääkärin vastaanotto on ollut "
    "suljettuna joka kolmas aukiolopäivä.": (
        "Mottagningen i Halsua fortsätter två dagar i veckan; läkarmottagningen har varit "
        "stängd var tredje öppethållningsdag."
    ),
    "Vastaanotto lakkaa 1.6.2027 ja palvelut siirtyvät Kokkolan terveyskeskukseen; "
    "palvelubussi ja liikkuva vastaanotto.": (
        "Mottagningen upphör 1.6.2027 och tjänsterna överförs till Karleby "
        "hälsovårdscentral; servicebuss och mobil mottagning."
    ),
    "Nykytila: vastaanotto Halsualla kaksi päivää viikossa, matka enintään 10 km.": (
        "Nuläget: mottagning i Halsua två dagar i veckan, resan högst 10 km."
    ),
    "Halsuan terveysaseman käyntitilastot 2025": "Besöksstatistiken för Halsua hälsostation 2025",
    "Lähin vastaanotto siirtyy Halsualta Kokkolaan, noin 35 km:n päähän; kolmannes alueen "
    "yli 75-vuotiaista ei aja autoa, ja julkista liikennettä on kaksi vuoroa päivässä.": (
        "Närmaste mottagning flyttar från Halsua till Karleby, cirka 35 km bort; en tredjedel "
        "av områdets invånare över 75 år kör inte bil, och kollektivtrafiken har två turer "
        "om dagen."
    ),
    "Palvelubussi Kokkolaan kahdesti viikossa ja liikkuva vastaanotto kerran kuukaudessa.": (
        "Servicebuss till Karleby två gånger i veckan och mobil mottagning en gång i månaden."
    ),
    "Haja-asutusalueen kylistä matka vastaanotolle pitenee 5–10 km:stä 35–45 km:iin, eikä "
    "kylistä ole julkista liikennettä Kokkolaan.": (
        "Från byarna i glesbygden blir resan till mottagningen 35–45 km i stället för 5–10 km, "
        "och från byarna finns ingen kollektivtrafik till Karleby."
    ),
    "Vanhusneuvosto edellyttää, että kuljetus Kokkolaan järjestetään ennen kuin vastaanotto "
    "lakkaa.": (
        "Äldrerådet förutsätter att transporten till Karleby ordnas innan mottagningen upphör."
    ),
    "Palvelubussi kahdesti viikossa lisättiin päätösesitykseen.": (
        "Servicebussen två gånger i veckan togs in i beslutsförslaget."
    ),
    "Halsualaisten käynnit Kokkolan terveyskeskuksessa": (
        "Halsuabornas besök vid Karleby hälsovårdscentral"
    ),
    "1 450 käyntiä vuodessa (2025)": "1 450 besök per år (2025)",
    "vähintään 1 300 käyntiä vuodessa": "minst 1 300 besök per år",
}


def swedish(texts: list[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """The Swedish translations of ``texts`` (path, Finnish original) that the demo has."""
    return {path: {"text": TEXTS[original]} for path, original in texts if original in TEXTS}
