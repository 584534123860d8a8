"""Every reach into aiokafka's private internals, in one place (written against aiokafka 0.14.0).

pyproject pins ``aiokafka>=0.14,<0.15``; tests/unit/test_compat.py checks each reach below against
the installed aiokafka and fails naming the one that moved. At run time each degrades to doing
nothing.

- :func:`set_fetch_max_wait`: ``consumer._fetcher._fetch_max_wait_ms``, which the fetcher reads
  for every fetch request it builds (the consumer's ``fetch_max_wait_ms`` is fixed at construction).
- :func:`refresh_metadata`: ``consumer._client.force_metadata_update()``, to see a topic created
  after the consumer started.
"""

from __future__ import annotations

from typing import Any


def set_fetch_max_wait(consumer: Any, wait_ms: int) -> bool:
    """Make the consumer's next fetch requests wait up to ``wait_ms`` for data; False if it can't."""
    fetcher = getattr(consumer, "_fetcher", None)
    if fetcher is None or not hasattr(fetcher, "_fetch_max_wait_ms"):
        return False
    fetcher._fetch_max_wait_ms = wait_ms  # noqa: SLF001 - the reach this module exists for
    return True


async def refresh_metadata(consumer: Any) -> None:
    """Ask the cluster for current metadata now (new topics and partitions)."""
    await consumer._client.force_metadata_update()  # noqa: SLF001 - the reach this module exists for
