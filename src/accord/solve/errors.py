"""Exceptions raised by the exact solver engine."""

from __future__ import annotations

from accord.model.errors import AccordError, SpaceTooLargeError

__all__ = ["NoAgreementError", "SolveError", "SolverError", "SpaceTooLargeError"]


class SolveError(AccordError):
    """Root of the errors raised by :mod:`accord.solve`."""


class NoAgreementError(SolveError, ValueError):
    """No admissible package leaves every party at least at its disagreement utility."""


class SolverError(SolveError, RuntimeError):
    """The MILP solver failed (numerical trouble, error status) before proving anything."""
