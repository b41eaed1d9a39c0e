"""The registry of strategies by name, and the text form ``name:key=value,...``.

A strategy's :attr:`~accord.negotiation.strategies.base.Strategy.spec` round-trips
through :func:`make_strategy`, so tournaments store strategies as text and any session
can be rebuilt from its record.
"""

from __future__ import annotations

from typing import Any

from accord.negotiation.errors import SpecError
from accord.negotiation.strategies.base import Strategy
from accord.negotiation.strategies.opponent import FrequencyTimeDependent
from accord.negotiation.strategies.reactive import RandomStrategy, RelativeTitForTat
from accord.negotiation.strategies.timedep import (
    Boulware,
    Conceder,
    Hardliner,
    Linear,
    TimeDependent,
)

#: The strategies shipped with Accord (the shared strategy test base runs every one).
BUILTIN: tuple[type[Strategy], ...] = (
    Boulware, Linear, Conceder, Hardliner, TimeDependent, RelativeTitForTat, RandomStrategy,
    FrequencyTimeDependent,
)

_REGISTRY: dict[str, type[Strategy]] = {cls.name: cls for cls in BUILTIN}


class UnknownStrategyError(SpecError, KeyError):
    """A strategy name the registry does not know."""

    def __str__(self) -> str:
        return str(self.args[0])


def register_strategy(cls: type[Strategy]) -> type[Strategy]:
    """Add a strategy class under its :attr:`~Strategy.name` (usable as a decorator)."""
    if not cls.name or (cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls):
        raise ValueError(f"a strategy needs a new, non-empty name (got {cls.name!r})")
    _REGISTRY[cls.name] = cls
    return cls


def strategy_names() -> list[str]:
    """Registered strategy names, sorted."""
    return sorted(_REGISTRY)


def strategy_class(name: str) -> type[Strategy]:
    """The class registered as ``name``."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownStrategyError(
            f"no strategy {name!r} (strategies: {', '.join(strategy_names())})") from None


def _value(text: str) -> Any:
    for cast in (int, float):
        try:
            return cast(text)
        except ValueError:
            pass
    return text


def parse_spec(spec: str) -> tuple[str, dict[str, Any]]:
    """Split ``name:key=value,...`` into the name and keyword arguments."""
    name, _, rest = spec.strip().partition(":")
    kwargs: dict[str, Any] = {}
    if rest:
        for item in _split(rest):
            key, eq, value = item.partition("=")
            if not eq or not key.strip():
                raise SpecError(f"bad strategy parameter {item!r} in {spec!r} "
                                 "(expected key=value)")
            kwargs[key.strip()] = _value(value.strip())
    return name.strip(), kwargs


def _split(text: str) -> list[str]:
    """Split on commas that are not inside parentheses (``accept=next(1,0.1)``)."""
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch == "," and depth == 0:
            out.append("".join(cur))
            cur = []
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur.append(ch)
    out.append("".join(cur))
    return [s for s in (x.strip() for x in out) if s]


def make_strategy(spec: str | Strategy) -> Strategy:
    """A fresh strategy from its text form (or a fresh clone of a strategy)."""
    if isinstance(spec, Strategy):
        return spec.clone()
    name, kwargs = parse_spec(spec)
    cls = strategy_class(name)
    try:
        return cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise SpecError(f"bad parameters for strategy {name!r}: {exc}") from None
