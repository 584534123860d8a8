"""The replica's durable copy of what it needs to answer for any task: a SQLite file.

Every replica reads ``autoglm.tasks``, ``autoglm.results``, ``autoglm.progress`` and ``autoglm.feedback``
itself (all partitions, no consumer group) and applies each polled batch here in **one transaction
together with the next offsets**. So the file is always a consistent prefix of the topics: after a
crash or restart the replica resumes exactly where its file ends, and a transaction lost with the
machine (WAL with ``synchronous=NORMAL`` syncs at checkpoints) is simply read again from Kafka.
Bounded: tasks older than ``retention_hours`` or beyond ``max_tasks`` are pruned with their events
and feedback, and a task keeps at most ``max_events_per_task`` progress events.

Knows nothing of Kafka or HTTP: facts in, rows out.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from autoglm.shared import sqlite

SCHEMA_VERSION = "1"
FINAL_STATUSES = frozenset({"completed", "failed", "needs_clarification", "blocked", "partial"})

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
    task_id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    user TEXT,
    session_id TEXT NOT NULL,
    request TEXT NOT NULL DEFAULT '',
    fingerprint TEXT,
    source TEXT,
    created_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    result BLOB,
    trace_id TEXT,
    finished_at REAL,
    events INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tasks_created ON tasks (created_at);
CREATE INDEX IF NOT EXISTS tasks_tenant ON tasks (tenant, created_at);
CREATE INDEX IF NOT EXISTS tasks_session ON tasks (tenant, session_id);
CREATE TABLE IF NOT EXISTS events (
    task_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (task_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    tenant TEXT NOT NULL,
    user TEXT,
    created_at REAL NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_tenant ON feedback (tenant, created_at);
CREATE TABLE IF NOT EXISTS offsets (
    topic TEXT NOT NULL,
    partition INTEGER NOT NULL,
    next_offset INTEGER NOT NULL,
    PRIMARY KEY (topic, partition)
);
"""


class StoreInUse(RuntimeError):
    """Another gateway process holds this store file."""


# ------------------------------------------------------------------ facts (what a batch of records says)


@dataclass(frozen=True, slots=True)
class TaskSeen:
    task_id: str
    tenant: str
    user: str | None
    session_id: str
    request: str
    fingerprint: str | None
    source: str
    created_at: float
    trace_id: str | None = None


@dataclass(frozen=True, slots=True)
class ResultSeen:
    task_id: str
    tenant: str
    session_id: str
    status: str
    result: bytes  # the result event's `data`, JSON
    trace_id: str | None
    finished_at: float


@dataclass(frozen=True, slots=True)
class ProgressSeen:
    task_id: str
    tenant: str
    session_id: str
    seq: int  # the record's offset: one task's progress is on one partition, so offsets order it
    kind: str
    data: bytes
    at: float


@dataclass(frozen=True, slots=True)
class FeedbackSeen:
    id: str
    task_id: str
    tenant: str
    user: str | None
    created_at: float
    data: bytes


Fact = TaskSeen | ResultSeen | ProgressSeen | FeedbackSeen


# ------------------------------------------------------------------ rows


@dataclass(frozen=True, slots=True)
class TaskRow:
    task_id: str
    tenant: str
    user: str | None
    session_id: str
    request: str
    fingerprint: str | None
    source: str | None
    created_at: float
    status: str
    result: bytes | None
    trace_id: str | None
    finished_at: float | None
    events: int

    @property
    def finished(self) -> bool:
        return self.result is not None

    def result_doc(self) -> dict[str, Any] | None:
        return None if self.result is None else orjson.loads(self.result)


@dataclass(frozen=True, slots=True)
class EventRow:
    seq: int
    kind: str
    data: bytes


_TASK_COLUMNS = (
    "task_id, tenant, user, session_id, request, fingerprint, source, created_at, status, result, trace_id, "
    "finished_at, events"
)


class TaskStore:
    def __init__(self, path: Path, *, max_events_per_task: int = 5000) -> None:
        self.path = path
        self.max_events_per_task = max_events_per_task
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file: IO[str] | None = open(path.with_name(path.name + ".lock"), "w")  # noqa: SIM115
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            self._lock_file = None
            raise StoreInUse(
                f"{path} is used by another gateway process: give each replica its own gateway.store.path"
            ) from None
        self.db = sqlite.connect(path)
        self.db.execute("PRAGMA foreign_keys=OFF")
        self.db.executescript(_SCHEMA)
        found = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if found is None:
            self.db.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif found[0] != SCHEMA_VERSION:
            raise RuntimeError(f"{path} has store schema {found[0]}, this gateway writes {SCHEMA_VERSION}")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    def _tx(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return sqlite.write_transaction(self.db)

    # ------------------------------------------------------------------ writes

    def add_task(self, fact: TaskSeen) -> None:
        """A task this replica just published (read-your-writes before its record comes back)."""
        with self._tx() as db:
            self._task(db, fact)

    def apply(self, facts: Iterable[Fact], offsets: dict[tuple[str, int], int]) -> None:
        """One polled batch and the offsets after it, atomically."""
        with self._tx() as db:
            for fact in facts:
                if isinstance(fact, ProgressSeen):
                    self._progress(db, fact)
                elif isinstance(fact, ResultSeen):
                    self._result(db, fact)
                elif isinstance(fact, TaskSeen):
                    self._task(db, fact)
                else:
                    db.execute(
                        "INSERT OR IGNORE INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                        (fact.id, fact.task_id, fact.tenant, fact.user, fact.created_at, fact.data),
                    )
            db.executemany(
                "INSERT INTO offsets VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET "
                "next_offset = excluded.next_offset",
                [(topic, partition, offset) for (topic, partition), offset in offsets.items()],
            )

    @staticmethod
    def _task(db: sqlite3.Connection, f: TaskSeen) -> None:
        # A row may exist already from a result or progress event read first: fill in what they lack.
        db.execute(
            "INSERT INTO tasks (task_id, tenant, user, session_id, request, fingerprint, source, created_at, trace_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id) DO UPDATE SET "
            "trace_id = coalesce(tasks.trace_id, excluded.trace_id), "
            "user = coalesce(tasks.user, excluded.user), request = CASE WHEN tasks.request = '' THEN "
            "excluded.request ELSE tasks.request END, fingerprint = coalesce(tasks.fingerprint, "
            "excluded.fingerprint), source = coalesce(tasks.source, excluded.source), "
            "created_at = min(tasks.created_at, excluded.created_at) WHERE tasks.tenant = excluded.tenant",
            (f.task_id, f.tenant, f.user, f.session_id, f.request, f.fingerprint, f.source, f.created_at, f.trace_id),
        )

    @staticmethod
    def _result(db: sqlite3.Connection, f: ResultSeen) -> None:
        # The first result of a task wins (there is one; a duplicate delivery changes nothing).
        db.execute(
            "INSERT INTO tasks (task_id, tenant, session_id, created_at, status, result, trace_id, finished_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (task_id) DO UPDATE SET status = excluded.status, "
            "result = excluded.result, trace_id = coalesce(excluded.trace_id, tasks.trace_id), "
            "finished_at = excluded.finished_at WHERE tasks.result IS NULL AND tasks.tenant = excluded.tenant",
            (f.task_id, f.tenant, f.session_id, f.finished_at, f.status, f.result, f.trace_id, f.finished_at),
        )

    def _progress(self, db: sqlite3.Connection, f: ProgressSeen) -> None:
        db.execute(
            "INSERT INTO tasks (task_id, tenant, session_id, created_at, status) VALUES (?, ?, ?, ?, 'running') "
            "ON CONFLICT (task_id) DO UPDATE SET status = 'running' WHERE tasks.status = 'pending'",
            (f.task_id, f.tenant, f.session_id, f.at),
        )
        cur = db.execute(
            "UPDATE tasks SET events = events + 1 WHERE task_id = ? AND tenant = ? AND events < ?",
            (f.task_id, f.tenant, self.max_events_per_task),
        )
        if cur.rowcount:
            db.execute("INSERT OR IGNORE INTO events VALUES (?, ?, ?, ?)", (f.task_id, f.seq, f.kind, f.data))

    # ------------------------------------------------------------------ reads

    def task(self, task_id: str) -> TaskRow | None:
        row = self.db.execute(f"SELECT {_TASK_COLUMNS} FROM tasks WHERE task_id = ?", (task_id,)).fetchone()
        return TaskRow(*row) if row else None

    def tasks_of(self, tenant: str, user: str | None, limit: int = 20) -> list[TaskRow]:
        if user is None:
            rows = self.db.execute(
                f"SELECT {_TASK_COLUMNS} FROM tasks WHERE tenant = ? ORDER BY created_at DESC LIMIT ?", (tenant, limit)
            )
        else:
            rows = self.db.execute(
                f"SELECT {_TASK_COLUMNS} FROM tasks WHERE tenant = ? AND user = ? ORDER BY created_at DESC LIMIT ?",
                (tenant, user, limit),
            )
        return [TaskRow(*r) for r in rows]

    def events_after(self, task_id: str, after: int, limit: int = 500) -> list[EventRow]:
        rows = self.db.execute(
            "SELECT seq, kind, data FROM events WHERE task_id = ? AND seq > ? ORDER BY seq LIMIT ?",
            (task_id, after, limit),
        )
        return [EventRow(*r) for r in rows]

    def session_users(self, tenant: str, session_id: str) -> set[str | None]:
        rows = self.db.execute(
            "SELECT DISTINCT user FROM tasks WHERE tenant = ? AND session_id = ? LIMIT 5", (tenant, session_id)
        )
        return {r[0] for r in rows}

    def feedback_of(
        self, tenant: str, *, user: str | None = None, task_id: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        sql = "SELECT data FROM feedback WHERE tenant = ?"
        args: list[Any] = [tenant]
        if user is not None:
            sql += " AND user = ?"
            args.append(user)
        if task_id is not None:
            sql += " AND task_id = ?"
            args.append(task_id)
        sql += " ORDER BY created_at DESC LIMIT ?"
        args.append(limit)
        return [orjson.loads(r[0]) for r in self.db.execute(sql, args)]

    def offsets(self) -> dict[tuple[str, int], int]:
        return {(t, p): o for t, p, o in self.db.execute("SELECT topic, partition, next_offset FROM offsets")}

    def counts(self) -> dict[str, int]:
        return {
            "tasks": self.db.execute("SELECT count(*) FROM tasks").fetchone()[0],
            "events": self.db.execute("SELECT count(*) FROM events").fetchone()[0],
            "feedback": self.db.execute("SELECT count(*) FROM feedback").fetchone()[0],
        }

    # ------------------------------------------------------------------ retention

    def prune(self, *, retention_seconds: float, max_tasks: int, now: float | None = None) -> int:
        """Drop tasks (with their events and feedback) older than the retention or past the cap."""
        cutoff = (now or time.time()) - retention_seconds
        with self._tx() as db:
            total = db.execute("SELECT count(*) FROM tasks").fetchone()[0]
            over = max(0, total - max_tasks)
            if over:
                row = db.execute("SELECT created_at FROM tasks ORDER BY created_at LIMIT 1 OFFSET ?", (over,)).fetchone()
                if row is not None:
                    cutoff = max(cutoff, row[0])
            db.execute("DELETE FROM events WHERE task_id IN (SELECT task_id FROM tasks WHERE created_at < ?)", (cutoff,))
            gone = db.execute("DELETE FROM tasks WHERE created_at < ?", (cutoff,)).rowcount
            db.execute("DELETE FROM feedback WHERE created_at < ?", (cutoff,))
        return int(gone)

    def size_bytes(self) -> int:
        return sum(
            os.path.getsize(p) for p in (self.path, Path(f"{self.path}-wal")) if os.path.exists(p)
        )
