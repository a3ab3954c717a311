"""Repeated identical errors are logged once per window, then with their count (issue 15,
item 8): a database outage logged a traceback for every request."""

from __future__ import annotations

import logging

from assess.logs import RepeatFilter, install


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class DriverError(Exception):
    pass


class WrappedError(Exception):
    """Like SQLAlchemy's errors: the statement differs, the driver's error underneath not."""

    def __init__(self, statement: str, orig: Exception):
        super().__init__(f"({type(orig).__name__}) {orig}\n[SQL: {statement}]")
        self.orig = orig


def record(exc: BaseException | None = None, msg: str = "failed", level=logging.ERROR):
    exc_info = (type(exc), exc, None) if exc is not None else None
    return logging.LogRecord("assess", level, __file__, 1, msg, (), exc_info)


def test_the_first_passes_the_same_ones_are_counted_and_reported_after_the_window():
    clock = Clock()
    repeats = RepeatFilter(window=10, clock=clock)
    refused = DriverError("connection refused")
    assert repeats.filter(record(WrappedError("SELECT 1", refused)))
    passed = [
        repeats.filter(record(WrappedError(f"SELECT {i}", DriverError("connection refused"))))
        for i in range(2314)
    ]
    assert not any(passed)
    clock.now += 10
    later = record(WrappedError("SELECT 2", refused))
    assert repeats.filter(later)
    assert later.getMessage() == (
        "failed [DriverError: connection refused] (repeated 2,314 times in the last 10 s)"
    )
    assert later.exc_info is None  # the traceback was written with the first of the window
    clock.now += 1
    assert not repeats.filter(record(refused))  # a new window began with the one above


def test_different_errors_and_messages_are_not_held_back():
    repeats = RepeatFilter(window=10, clock=Clock())
    assert repeats.filter(record(DriverError("connection refused")))
    assert repeats.filter(record(DriverError("the database is shutting down")))
    assert repeats.filter(record(ValueError("connection refused")))
    assert repeats.filter(record(msg="soffice failed"))
    assert not repeats.filter(record(msg="soffice failed"))
    assert repeats.filter(record(msg="soffice failed", level=logging.WARNING))


def test_install_puts_one_filter_per_logger_and_zero_turns_it_off():
    logger = logging.getLogger("assess")
    install(10, ["assess"])
    install(5, ["assess"])
    assert [f.window for f in logger.filters if isinstance(f, RepeatFilter)] == [5]
    install(0, ["assess"])
    assert not [f for f in logger.filters if isinstance(f, RepeatFilter)]
