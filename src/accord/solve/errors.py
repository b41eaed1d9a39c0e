"""Exceptions raised by the exact solver engine."""

from __future__ import annotations

from accord.model.errors import AccordError, NoAgreementError, SpaceTooLargeError

__all__ = ["NoAgreementError", "SolveError", "SolverError", "SpaceTooLargeError"]


class SolveError(AccordError):
    """Root of the errors raised by :mod:`accord.solve`."""


class SolverError(SolveError, RuntimeError):
    """The MILP solver failed (numerical trouble, error status) before proving anything."""
