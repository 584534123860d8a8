"""A startup resource is empty until the service's startup hook sets it, and says so if read early."""

from __future__ import annotations

import pytest

from autoglm.shared.resources import Resource


def test_a_resource_is_read_after_startup_sets_it() -> None:
    store: Resource[dict[str, int]] = Resource("the memory store")
    assert store.peek() is None
    with pytest.raises(RuntimeError, match="the memory store is not ready"):
        store.get()
    store.set({"points": 3})
    assert store.get() == {"points": 3} and store.peek() is store.get()
    assert Resource("an injected engine", "engine").get() == "engine"  # given up front (tests inject fakes)
