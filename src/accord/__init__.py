"""Accord: a workbench for multi-party, multi-issue agreements.

Model a plan (parties, points, options, private preferences), evaluate drafts,
measure how robust they are to uncertain preferences, and find efficient, fair
packages exactly.
"""

__version__ = "0.1.0"
