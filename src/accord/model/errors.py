"""Exceptions raised by Accord.

Every error a user can cause derives from :class:`AccordError` and also from the
built-in exception that best describes it, so callers may catch either.
"""

from __future__ import annotations


class AccordError(Exception):
    """Root of every error Accord raises on purpose."""


class ScenarioError(AccordError, ValueError):
    """A scenario is inconsistent: unknown ids, bad numbers, contradictory rules.

    Attributes:
        where: a dotted path to the offending field (``preferences.UA.weights.nato``),
            or an empty string when the whole scenario is at fault.
    """

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message
        self.where = where


class UnknownIdError(ScenarioError, KeyError):
    """A party, issue, option, plan or parameter id that the scenario does not define."""

    def __str__(self) -> str:
        # KeyError would quote the message; keep it readable.
        return ScenarioError.__str__(self)


class InvalidPlanError(AccordError, ValueError):
    """A plan that cannot be evaluated: open points without a default, wrong shape, bad ids."""


class NoAgreementError(AccordError, ValueError):
    """No admissible package leaves every party at least at its disagreement utility."""


class SpaceTooLargeError(AccordError, ValueError):
    """A package space too large for what was asked (enumeration, 63-bit package ids)."""


class FileFormatError(AccordError, ValueError):
    """A scenario or domain file that cannot be read.

    Attributes:
        path: the file.
        line: 1-based line number, or ``None`` when unknown.
        field: dotted path of the offending field, or an empty string.
        reason: what was expected.
    """

    def __init__(
        self, path: str, reason: str, line: int | None = None, field: str = ""
    ) -> None:
        location = path if line is None else f"{path}:{line}"
        where = f" (field {field})" if field else ""
        super().__init__(f"{location}{where}: {reason}")
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason
