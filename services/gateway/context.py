"""What the routes share: built once by ``main.create_app`` and injected through the app's state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, Protocol

from opentelemetry.trace import Tracer

from autoglm.shared.events import CloudEvent, EventType, StepCompleted, StepRequest

from .auth import Authenticator
from .config import GatewayConfig, GatewaySettings
from .ratelimit import RateLimiter
from .store import TaskStore
from .streams import Notifier
from .traces import SpanIndex


class Link(Protocol):
    """The gateway's Kafka side (link.KafkaLink; a fake in the service tests)."""

    @property
    def ready(self) -> bool: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, topic: str, event: CloudEvent[Any], key: str) -> None: ...

    async def call(
        self, topic: str, etype: EventType, request: StepRequest, *, tenant: str, session_id: str,
        timeout: float, traceparent: str | None = None,
    ) -> StepCompleted: ...


@dataclass
class Gateway:
    settings: GatewaySettings
    store: TaskStore
    notifier: Notifier
    link: Link
    auth: Authenticator
    limiter: RateLimiter
    spans: SpanIndex
    tracer: Tracer
    submitting: dict[str, asyncio.Lock] = field(default_factory=dict)

    @property
    def cfg(self) -> GatewayConfig:
        return self.settings.gateway
