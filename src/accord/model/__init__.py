"""The domain model: pure, immutable values with no I/O."""

from accord.model.constraints import Constraint, LinkKind, Selector
from accord.model.errors import (
    AccordError,
    FileFormatError,
    InvalidPlanError,
    NoAgreementError,
    ScenarioError,
    SpaceTooLargeError,
    UnknownIdError,
)
from accord.model.issue import Issue, Option
from accord.model.party import Constituent, Party
from accord.model.plan import Plan
from accord.model.preferences import Commitment, Form, Preferences, RedLineOdds, Term
from accord.model.provenance import ChoiceNote, Status
from accord.model.ratification import RatificationRule, RuleKind
from accord.model.scenario import Scenario
from accord.model.tolerances import ACTIVE, EPS, RESOLUTION
from accord.model.uncertainty import DistKind, Distribution, Param, fixed, uniform

__all__ = [
    "ACTIVE",
    "EPS",
    "RESOLUTION",
    "AccordError",
    "ChoiceNote",
    "Commitment",
    "Constituent",
    "Constraint",
    "DistKind",
    "Distribution",
    "FileFormatError",
    "Form",
    "InvalidPlanError",
    "Issue",
    "LinkKind",
    "NoAgreementError",
    "Option",
    "Param",
    "Party",
    "Plan",
    "Preferences",
    "RatificationRule",
    "RedLineOdds",
    "RuleKind",
    "Scenario",
    "ScenarioError",
    "Selector",
    "SpaceTooLargeError",
    "Status",
    "Term",
    "UnknownIdError",
    "fixed",
    "uniform",
]
