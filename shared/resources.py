"""Startup resources: what a service creates in its app's startup hook and its handlers use.

Handlers are registered while the app is built, before the startup hook has loaded the model, opened
the store or built the tool registry. So a handler holds a :class:`Resource` and reads it per event
(``get()``, a dict-free attribute read); ``main.py`` fills it in startup and releases it in shutdown.
A handler never runs before startup, so reading an empty one is a bug and raises saying which.
"""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Resource(Generic[T]):
    """One startup resource of a service, empty until its startup hook sets it."""

    __slots__ = ("_value", "name")

    def __init__(self, name: str, value: T | None = None) -> None:
        self.name = name
        self._value = value

    def set(self, value: T) -> None:
        self._value = value

    def get(self) -> T:
        """The resource; raises before startup has set it."""
        if self._value is None:
            raise RuntimeError(f"{self.name} is not ready: the service has not started")
        return self._value

    def peek(self) -> T | None:
        """The resource, or None before startup (for health details and shutdown)."""
        return self._value
