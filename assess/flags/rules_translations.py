"""Both national languages (issue 19): a bilingual organisation's documents need every text
in both, so a text the document prints that is missing in one of its languages is flagged.
High, so it blocks approval until it is written or the reviewer accepts the original in its
place (acknowledged, with the reason); the documents then mark it "(in Finnish)"."""

from __future__ import annotations

from ..assessment_data import AssessmentData
from ..bilingual import missing
from ..translation import joined
from ..translation import lazy_text as _l
from .rules import Flag, FlagContext, rule

# One sentence per language: the language's name would have to inflect in Finnish.
LACKS = {
    "sv": lambda what: _l(
        "The Swedish documents lack %(what)s in Swedish: they would print the Finnish "
        "originals in their place.",
        what=what,
    ),
    "fi": lambda what: _l(
        "The Finnish documents lack %(what)s in Finnish: they would print the Swedish "
        "originals in their place.",
        what=what,
    ),
}


def lacking(data: AssessmentData, ctx: FlagContext, language: str) -> list:
    """What the ``language`` document lacks, as lazy texts that count it."""
    decision = ctx.decision
    assert decision is not None
    origin = decision.language
    out = []
    if not decision.title_in(language)[1]:
        out.append(_l("the decision's title"))
    if (decision.proposal or "").strip() and not decision.proposal_in(language)[1]:
        out.append(_l("the proposal"))
    if (data.summary.get(origin) or "").strip() and not (data.summary.get(language) or "").strip():
        out.append(_l("the summary"))
    texts = missing(data, ctx.form, language, origin)
    if texts:
        out.append(
            _l("%(n)d of the assessment's texts", n=len(texts))
            if len(texts) != 1
            else _l("one of the assessment's texts")
        )
    return out


@rule("translation_missing")
def translation_missing(data: AssessmentData, ctx: FlagContext) -> list[Flag]:
    if ctx.decision is None:
        return []
    flags = []
    for language in ctx.document_languages:
        if language == ctx.decision.language or language not in LACKS:
            continue
        what = lacking(data, ctx, language)
        if not what:
            continue
        flags.append(
            Flag(
                "translation_missing",
                "high",
                LACKS[language](joined(what)),
                _l(
                    "Write them on the Translations page (the decision's title and proposal "
                    "on the decision's page), or a reviewer may accept the originals in their "
                    "place, with the reason."
                ),
                field=f"translations.{language}",
            )
        )
    return flags
