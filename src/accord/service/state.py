"""What one application instance holds: its settings, database and caches."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from accord.service.fingerprint import RenderCache
from accord.service.ratelimit import RateLimiter
from accord.service.scenarios import ScenarioCache
from accord.service.settings import Settings
from accord.store.db import Database


@dataclass
class ServiceState:
    """Per-application state (kept on ``app.state.accord``; never a module global)."""

    settings: Settings
    db: Database
    scenarios: ScenarioCache
    renders: RenderCache = field(default_factory=RenderCache)
    memo: dict[str, Any] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: RateLimiter = field(init=False)
    writes: RateLimiter = field(init=False)

    def __post_init__(self) -> None:
        self.requests = RateLimiter(self.settings.requests_per_minute, "requests")
        self.writes = RateLimiter(self.settings.writes_per_minute, "writes")
