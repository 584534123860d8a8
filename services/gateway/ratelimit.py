"""Per-tenant token buckets: ``take(tenant)`` admits a request or says how long to wait."""

from __future__ import annotations

import time
from collections.abc import Callable

from .config import RateLimitConfig


class RateLimiter:
    """A bucket of ``burst`` tokens per tenant, refilled at ``requests_per_second``. Buckets of tenants
    idle long enough to be full again are dropped, so memory stays bounded by the active tenants."""

    def __init__(self, config: RateLimitConfig, clock: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # tenant -> (tokens, at)
        self._swept = clock()

    def _limits(self, tenant: str) -> tuple[float, float]:
        rate, burst = self.config.tenants.get(tenant, (self.config.requests_per_second, self.config.burst))
        return float(rate), float(burst)

    def take(self, tenant: str) -> float:
        """0.0 when admitted (one token taken), else the seconds until a token is there."""
        now = self.clock()
        rate, burst = self._limits(tenant)
        tokens, at = self._buckets.get(tenant, (burst, now))
        tokens = min(burst, tokens + (now - at) * rate)
        if tokens >= 1.0:
            self._buckets[tenant] = (tokens - 1.0, now)
            wait = 0.0
        else:
            self._buckets[tenant] = (tokens, now)
            wait = (1.0 - tokens) / rate
        if now - self._swept > 60.0:
            self._sweep(now)
        return wait

    def _sweep(self, now: float) -> None:
        self._swept = now
        for tenant, (tokens, at) in list(self._buckets.items()):
            rate, burst = self._limits(tenant)
            if tokens + (now - at) * rate >= burst:
                del self._buckets[tenant]
