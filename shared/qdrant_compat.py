"""Every reach into qdrant-client's private internals, in one place (written against qdrant-client 1.20).

tests/unit/test_compat.py checks each reach below against the installed qdrant-client and fails
naming the one that moved. At run time each degrades to doing nothing.

- :func:`local_sqlite_connections`: ``client._client.collections[*].storage.storage``, the SQLite
  connection that embedded (local, path) mode keeps per collection. A client of a Qdrant server, or
  an in-memory one, has none.
"""

from __future__ import annotations

import sqlite3
from typing import Any


def local_sqlite_connections(client: Any) -> list[sqlite3.Connection]:
    """The SQLite connections of an embedded client's collections (none for a server or ``:memory:``)."""
    found = []
    for collection in getattr(getattr(client, "_client", None), "collections", {}).values():
        conn = getattr(getattr(collection, "storage", None), "storage", None)
        if isinstance(conn, sqlite3.Connection):
            found.append(conn)
    return found
