"""Column helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, TypeDecorator

from ..canonical import canonical_json


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC datetime on every database.

    SQLite stores no offset; values are normalised to UTC on the way in and marked
    UTC on the way out so comparisons never mix naive and aware datetimes.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC datetime is expected")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class CanonicalJSON(TypeDecorator):
    """JSON stored as its canonical text (``canonical.canonical_json``: sorted keys, no
    spaces, UTF-8), read as JSON is read.

    The audit log's events hash that text, so ``audit verify`` hashes the stored text as it
    is, without parsing and writing it again (``audit.fastwalk``).
    """

    impl = JSON
    cache_ok = True

    def bind_processor(self, dialect):
        def process(value):
            return canonical_json(value).decode("utf-8")

        return process
