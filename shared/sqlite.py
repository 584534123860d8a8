"""SQLite as the services' small local stores use it (the gateway's per-replica store, the feedback store).

One connection per store, in autocommit mode (``isolation_level=None``) so transactions are explicit, shared
across threads (the store serialises its own use), with the write-ahead log: readers don't wait for a writer,
and ``synchronous=NORMAL`` keeps every committed transaction across a process crash (not across a power cut).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator


def connect(path: str) -> sqlite3.Connection:
    """A connection to ``path`` (``:memory:`` too) set up as described above."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


@contextlib.contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` (the write lock now, not at the first write), committed when the block ends and rolled
    back when it raises."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
