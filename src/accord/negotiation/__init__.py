"""Negotiation: protocols, strategies, sessions and tournaments (no I/O)."""
