"""Failures a user can act on, each with its own exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    QUALITY_GATE = 1  # dbt tests or GX checks failed: nothing was published
    USAGE = 2
    BAD_INPUT = 3  # a raw file is missing, unreadable or breaks the contract
    BUILD = 4  # dbt could not build a model
    NOT_FOUND = 5  # something to read (published marts, a report) does not exist yet


class ChwError(Exception):
    """An error with a one-line message for people and an exit code for machines."""

    def __init__(self, message: str, code: ExitCode) -> None:
        super().__init__(message)
        self.code = code
