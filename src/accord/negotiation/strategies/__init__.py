"""Negotiation strategies: each decides from its own party's view only."""

from accord.negotiation.strategies.acceptance import (
    Acceptance,
    ACCombi,
    ACConst,
    ACNext,
    ACTime,
    parse_acceptance,
)
from accord.negotiation.strategies.base import Response, Strategy, UnboundStrategyError
from accord.negotiation.strategies.opponent import FrequencyModel, FrequencyTimeDependent
from accord.negotiation.strategies.reactive import RandomStrategy, RelativeTitForTat
from accord.negotiation.strategies.registry import (
    BUILTIN,
    UnknownStrategyError,
    make_strategy,
    parse_spec,
    register_strategy,
    strategy_class,
    strategy_names,
)
from accord.negotiation.strategies.scripted import Scripted
from accord.negotiation.strategies.timedep import (
    Boulware,
    Conceder,
    Hardliner,
    Linear,
    TimeDependent,
)

__all__ = [
    "BUILTIN",
    "ACCombi",
    "ACConst",
    "ACNext",
    "ACTime",
    "Acceptance",
    "Boulware",
    "Conceder",
    "FrequencyModel",
    "FrequencyTimeDependent",
    "Hardliner",
    "Linear",
    "RandomStrategy",
    "RelativeTitForTat",
    "Response",
    "Scripted",
    "Strategy",
    "TimeDependent",
    "UnboundStrategyError",
    "UnknownStrategyError",
    "make_strategy",
    "parse_acceptance",
    "parse_spec",
    "register_strategy",
    "strategy_class",
    "strategy_names",
]
