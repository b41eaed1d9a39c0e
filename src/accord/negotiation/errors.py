"""Exceptions raised by :mod:`accord.negotiation`."""

from __future__ import annotations

from accord.model.errors import AccordError


class NegotiationError(AccordError):
    """Root of the errors raised by :mod:`accord.negotiation`."""


class InvalidOfferError(NegotiationError, ValueError):
    """A strategy put a package on the table that is malformed or breaks a linkage."""


class SpecError(NegotiationError, ValueError):
    """A strategy or protocol written as text that cannot be built (bad name or parameter)."""
