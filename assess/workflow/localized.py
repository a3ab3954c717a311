from flask_babel import LazyString, get_locale

from ..definitions import Labels


def localized(labels: Labels) -> LazyString:
    """A content label that renders in the reader's language, like a lazy gettext."""
    return LazyString(lambda: labels.get(str(get_locale() or "en")))
