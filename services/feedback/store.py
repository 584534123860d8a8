"""The feedback service's durable state: one SQLite file, written by this service alone.

- ``tasks``: what the service learnt of each task from ``autoglm.tasks`` (request text, user, tenant)
  and ``autoglm.results`` (status, answer, intents, steps, prompt versions), so feedback is stored with
  the request, plan, answer and prompt version that produced it. Tasks nobody rated are pruned after
  ``task_retention_days``; rated ones stay with their feedback.
- ``task_variants``: which prompt variant each task's generation used, per task type (traffic).
- ``feedback``: every accepted rating or correction (id = the event id, so a redelivered event is
  stored once), with a copy of the task's task type and prompt versions when it was rated.
- ``ratings``: the bandit's evidence, the latest reward per (task, rater, task type) and the variant it
  rates: a user who rates the same answer twice replaces their rating instead of counting twice.
- ``variants``, ``retired``, ``policies``, ``assignments``: prompt variants per scope (a tenant, or ``*``
  for every tenant) and task type, pins and exploration shares, and users' sticky assignments.

Knows nothing of Kafka: rows in, rows out. Every write is one transaction; WAL with synchronous=NORMAL.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from autoglm.shared import sqlite
from autoglm.shared.events import PromptVariant

SCHEMA_VERSION = "1"
EVERYONE = "*"
NO_PROMPT = "none"
"""The prompt version of a task whose answer no prompt produced (a tool's, an extract): its ratings still count
per task type."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
    task_id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    user TEXT,
    session_id TEXT,
    request TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    status TEXT,
    answer TEXT,
    intents BLOB,
    steps BLOB,
    prompt_versions BLOB,
    answer_source TEXT,
    task_type TEXT,
    finished_at REAL
);
CREATE INDEX IF NOT EXISTS tasks_tenant ON tasks (tenant, task_type, finished_at);
CREATE TABLE IF NOT EXISTS task_variants (
    task_id TEXT NOT NULL,
    tenant TEXT NOT NULL,
    task_type TEXT NOT NULL,
    variant TEXT NOT NULL,
    PRIMARY KEY (task_id, task_type)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS task_variants_policy ON task_variants (tenant, task_type, variant);
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    task_id TEXT NOT NULL,
    user TEXT,
    created_at REAL NOT NULL,
    score INTEGER NOT NULL,
    scale TEXT NOT NULL,
    reward REAL NOT NULL,
    comment TEXT,
    correction BLOB,
    kind TEXT NOT NULL,
    applied BLOB,
    task_type TEXT,
    prompt_versions BLOB
);
CREATE INDEX IF NOT EXISTS feedback_tenant ON feedback (tenant, created_at);
CREATE INDEX IF NOT EXISTS feedback_task ON feedback (task_id);
CREATE TABLE IF NOT EXISTS ratings (
    task_id TEXT NOT NULL,
    rater TEXT NOT NULL,
    task_type TEXT NOT NULL,
    tenant TEXT NOT NULL,
    variant TEXT NOT NULL,
    reward REAL NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (task_id, rater, task_type)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ratings_policy ON ratings (tenant, task_type, variant);
CREATE TABLE IF NOT EXISTS variants (
    scope TEXT NOT NULL,
    task_type TEXT NOT NULL,
    variant TEXT NOT NULL,
    body BLOB NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (scope, task_type, variant)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS retired (
    scope TEXT NOT NULL,
    task_type TEXT NOT NULL,
    variant TEXT NOT NULL,
    PRIMARY KEY (scope, task_type, variant)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS policies (
    scope TEXT NOT NULL,
    task_type TEXT NOT NULL,
    pinned TEXT,
    min_share REAL,
    PRIMARY KEY (scope, task_type)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS assignments (
    tenant TEXT NOT NULL,
    task_type TEXT NOT NULL,
    user TEXT NOT NULL,
    variant TEXT NOT NULL,
    assigned_at REAL NOT NULL,
    PRIMARY KEY (tenant, task_type, user)
) WITHOUT ROWID;
"""


class StoreError(RuntimeError):
    """The store file is from another schema version."""


@dataclass(slots=True)
class TaskRecord:
    """One task as the feedback service knows it."""

    task_id: str
    tenant: str
    user: str | None = None
    session_id: str | None = None
    request: str = ""
    created_at: float = 0.0
    status: str | None = None
    answer: str | None = None
    intents: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    prompt_versions: dict[str, str] = field(default_factory=dict)
    answer_source: str | None = None
    task_type: str | None = None
    finished_at: float | None = None

    def doc(self) -> dict[str, Any]:
        return {
            "task_id": self.task_id, "tenant": self.tenant, "user": self.user, "session_id": self.session_id,
            "request": self.request, "status": self.status, "answer": self.answer, "intents": self.intents,
            "steps": self.steps, "prompt_versions": self.prompt_versions, "answer_source": self.answer_source,
            "task_type": self.task_type, "created_at": self.created_at, "finished_at": self.finished_at,
        }


@dataclass(frozen=True, slots=True)
class RequestSeen:
    """A task request read from ``autoglm.tasks``."""

    task_id: str
    tenant: str
    user: str | None
    session_id: str | None
    request: str
    at: float


@dataclass(frozen=True, slots=True)
class ResultSeen:
    """A task result read from ``autoglm.results``."""

    task_id: str
    tenant: str
    session_id: str | None
    status: str
    answer: str
    intents: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    prompt_versions: dict[str, str]
    answer_source: str | None
    at: float

    @property
    def task_type(self) -> str | None:
        return task_type_of(self.intents)


def task_type_of(intents: list[dict[str, Any]]) -> str | None:
    """A task's type for statistics: its first intent's type (None for a task without intents)."""
    return str(intents[0].get("type")) if intents and intents[0].get("type") else None


@dataclass(frozen=True, slots=True)
class FeedbackRow:
    """One accepted piece of feedback."""

    id: str
    tenant: str
    task_id: str
    user: str | None
    created_at: float
    score: int
    scale: str
    reward: float
    comment: str | None
    correction: dict[str, Any] | None
    kind: str  # rating | answer | intents
    applied: list[str]
    task_type: str | None
    prompt_versions: dict[str, str]


def _dumps(value: Any) -> bytes:
    return orjson.dumps(value)


def _loads(value: bytes | None, default: Any) -> Any:
    return orjson.loads(value) if value else default


class FeedbackStore:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    @classmethod
    def open(cls, path: Path | str) -> FeedbackStore:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite.connect(str(path))
        conn.executescript(_SCHEMA)
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
        if row is None:
            conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
        elif row[0] != SCHEMA_VERSION:
            raise StoreError(f"{path} has schema {row[0]}; this service writes {SCHEMA_VERSION}")
        return cls(conn)

    def close(self) -> None:
        self.conn.close()

    def _tx(self) -> contextlib.AbstractContextManager[sqlite3.Connection]:
        return sqlite.write_transaction(self.conn)

    # ------------------------------------------------------------------ tasks

    def record(self, requests: Iterable[RequestSeen] = (), results: Iterable[ResultSeen] = ()) -> None:
        """Apply what one poll of the tasks and results topics said, in one transaction (idempotent)."""
        with self._tx() as c:
            for r in requests:
                c.execute(
                    "INSERT INTO tasks (task_id, tenant, user, session_id, request, created_at) VALUES (?,?,?,?,?,?) "
                    "ON CONFLICT (task_id) DO UPDATE SET request = excluded.request, user = excluded.user, "
                    "created_at = MIN(tasks.created_at, excluded.created_at) WHERE tasks.tenant = excluded.tenant",
                    (r.task_id, r.tenant, r.user, r.session_id, r.request, r.at),
                )
            for r in results:
                c.execute(
                    "INSERT INTO tasks (task_id, tenant, session_id, created_at, status, answer, intents, steps, "
                    "prompt_versions, answer_source, task_type, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
                    "ON CONFLICT (task_id) DO UPDATE SET status = excluded.status, answer = excluded.answer, "
                    "intents = excluded.intents, steps = excluded.steps, prompt_versions = excluded.prompt_versions, "
                    "answer_source = excluded.answer_source, task_type = excluded.task_type, "
                    "finished_at = excluded.finished_at WHERE tasks.tenant = excluded.tenant",
                    (r.task_id, r.tenant, r.session_id, r.at, r.status, r.answer, _dumps(r.intents), _dumps(r.steps),
                     _dumps(r.prompt_versions), r.answer_source, r.task_type, r.at),
                )
                for task_type, variant in r.prompt_versions.items():
                    c.execute("INSERT OR REPLACE INTO task_variants VALUES (?,?,?,?)",
                              (r.task_id, r.tenant, task_type, variant))

    def task(self, task_id: str) -> TaskRecord | None:
        row = self.conn.execute(
            "SELECT task_id, tenant, user, session_id, request, created_at, status, answer, intents, steps, "
            "prompt_versions, answer_source, task_type, finished_at FROM tasks WHERE task_id = ?", (task_id,)
        ).fetchone()
        if row is None:
            return None
        return TaskRecord(
            task_id=row[0], tenant=row[1], user=row[2], session_id=row[3], request=row[4], created_at=row[5],
            status=row[6], answer=row[7], intents=_loads(row[8], []), steps=_loads(row[9], []),
            prompt_versions=_loads(row[10], {}), answer_source=row[11], task_type=row[12], finished_at=row[13],
        )

    def prune(self, retention_seconds: float, now: float | None = None) -> int:
        """Forget tasks older than the retention that nobody rated; the number removed."""
        cutoff = (now or time.time()) - retention_seconds
        with self._tx() as c:
            old = "SELECT task_id FROM tasks WHERE created_at < ? AND task_id NOT IN (SELECT task_id FROM feedback)"
            c.execute(f"DELETE FROM task_variants WHERE task_id IN ({old})", (cutoff,))
            return c.execute(f"DELETE FROM tasks WHERE task_id IN ({old})", (cutoff,)).rowcount

    # ------------------------------------------------------------------ feedback

    def add_feedback(self, fb: FeedbackRow, rater: str) -> bool:
        """Store one piece of feedback and its ratings; False when this event was stored before."""
        with self._tx() as c:
            cur = c.execute(
                "INSERT OR IGNORE INTO feedback VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (fb.id, fb.tenant, fb.task_id, fb.user, fb.created_at, fb.score, fb.scale, fb.reward, fb.comment,
                 _dumps(fb.correction) if fb.correction else None, fb.kind, _dumps(fb.applied), fb.task_type,
                 _dumps(fb.prompt_versions)),
            )
            if cur.rowcount == 0:
                return False
            versions = fb.prompt_versions or {fb.task_type or "unknown": NO_PROMPT}
            for task_type, variant in versions.items():
                c.execute("INSERT OR REPLACE INTO ratings VALUES (?,?,?,?,?,?,?)",
                          (fb.task_id, rater, task_type, fb.tenant, variant, fb.reward, fb.created_at))
        return True

    def feedback_of(
        self, tenant: str, *, task_id: str | None = None, task_type: str | None = None, limit: int = 50
    ) -> list[dict[str, Any]]:
        """The tenant's feedback, newest first, each with its task's request, answer and plan."""
        where, args = ["f.tenant = ?"], [tenant]
        if task_id:
            where.append("f.task_id = ?")
            args.append(task_id)
        if task_type:
            where.append("f.task_type = ?")
            args.append(task_type)
        rows = self.conn.execute(
            "SELECT f.id, f.task_id, f.user, f.created_at, f.score, f.scale, f.reward, f.comment, f.correction, "
            "f.kind, f.applied, f.task_type, f.prompt_versions, t.request, t.answer, t.status, t.intents, t.steps, "
            "t.answer_source FROM feedback f LEFT JOIN tasks t ON t.task_id = f.task_id "
            f"WHERE {' AND '.join(where)} ORDER BY f.created_at DESC, f.id LIMIT ?",
            (*args, limit),
        ).fetchall()
        return [
            {
                "id": r[0], "task_id": r[1], "user": r[2], "created_at": r[3], "score": r[4], "scale": r[5],
                "reward": r[6], "comment": r[7], "correction": _loads(r[8], None), "kind": r[9],
                "applied": _loads(r[10], []), "task_type": r[11], "prompt_versions": _loads(r[12], {}),
                "request": r[13], "answer": r[14], "status": r[15], "intents": _loads(r[16], []),
                "steps": _loads(r[17], []), "answer_source": r[18],
            }
            for r in rows
        ]

    def stats(self, tenant: str) -> list[dict[str, Any]]:
        """Ratings per task type and prompt version: count, mean reward, thumbs up/down, mean stars, corrections."""
        rows = self.conn.execute(
            "SELECT r.task_type, r.variant, COUNT(*), AVG(r.reward) FROM ratings r WHERE r.tenant = ? "
            "GROUP BY r.task_type, r.variant ORDER BY r.task_type, r.variant", (tenant,)
        ).fetchall()
        detail = {
            (r[0], r[1]): r[2:]
            for r in self.conn.execute(
                "SELECT COALESCE(f.task_type, 'unknown'), COALESCE(tv.variant, ?), "
                "SUM(f.scale = 'thumbs' AND f.score > 0), SUM(f.scale = 'thumbs' AND f.score < 0), "
                "AVG(CASE WHEN f.scale = 'stars' THEN f.score END), SUM(f.kind != 'rating') FROM feedback f "
                "LEFT JOIN task_variants tv ON tv.task_id = f.task_id AND tv.task_type = f.task_type "
                "WHERE f.tenant = ? GROUP BY 1, 2", (NO_PROMPT, tenant)
            )
        }
        out = []
        for task_type, variant, count, mean in rows:
            up, down, stars, corrections = detail.get((task_type, variant), (0, 0, None, 0))
            out.append({"task_type": task_type, "prompt_version": variant, "ratings": count, "mean_reward": mean,
                        "thumbs_up": up or 0, "thumbs_down": down or 0, "mean_stars": stars,
                        "corrections": corrections or 0})
        return out

    def rated_answers(self, tenant: str, task_type: str | None = None) -> list[dict[str, Any]]:
        """Every rated or corrected task of the tenant with its latest feedback (for export and proposals)."""
        args: list[Any] = [tenant]
        extra = ""
        if task_type:
            extra = " AND f.task_type = ?"
            args.append(task_type)
        rows = self.conn.execute(
            "SELECT f.task_id, f.reward, f.correction, f.kind, f.created_at, t.request, t.answer, t.status, "
            "t.task_type, t.prompt_versions, t.intents FROM feedback f JOIN tasks t ON t.task_id = f.task_id "
            f"WHERE f.tenant = ?{extra} ORDER BY f.created_at, f.id", args
        ).fetchall()
        latest: dict[str, dict[str, Any]] = {}
        for r in rows:
            prev = latest.get(r[0])
            correction = _loads(r[2], None) or (prev or {}).get("correction")
            rewards = [*(prev or {}).get("rewards", []), r[1]]
            latest[r[0]] = {
                "task_id": r[0], "reward": r[1], "rewards": rewards, "correction": correction, "kind": r[3],
                "created_at": r[4], "request": r[5], "answer": r[6], "status": r[7], "task_type": r[8],
                "prompt_versions": _loads(r[9], {}), "intents": _loads(r[10], []),
            }
        return list(latest.values())

    # ------------------------------------------------------------------ prompt variants

    def add_variant(self, scope: str, task_type: str, variant: PromptVariant, now: float | None = None) -> None:
        with self._tx() as c:
            c.execute("INSERT OR REPLACE INTO variants VALUES (?,?,?,?,?)",
                      (scope, task_type, variant.id, variant.model_dump_json().encode(), now or time.time()))
            c.execute("DELETE FROM retired WHERE scope = ? AND task_type = ? AND variant = ?",
                      (scope, task_type, variant.id))

    def retire(self, scope: str, task_type: str, variant: str) -> None:
        with self._tx() as c:
            c.execute("INSERT OR IGNORE INTO retired VALUES (?,?,?)", (scope, task_type, variant))
            c.execute("UPDATE policies SET pinned = NULL WHERE scope = ? AND task_type = ? AND pinned = ?",
                      (scope, task_type, variant))
            c.execute("DELETE FROM assignments WHERE task_type = ? AND variant = ? AND (? = '*' OR tenant = ?)",
                      (task_type, variant, scope, scope))

    def pin(self, scope: str, task_type: str, variant: str | None, min_share: float | None) -> None:
        with self._tx() as c:
            c.execute("INSERT OR IGNORE INTO policies (scope, task_type) VALUES (?, ?)", (scope, task_type))
            c.execute("UPDATE policies SET pinned = ? WHERE scope = ? AND task_type = ?", (variant, scope, task_type))
            if min_share is not None:
                c.execute("UPDATE policies SET min_share = ? WHERE scope = ? AND task_type = ?",
                          (min_share, scope, task_type))

    def variants(self, scope: str, task_type: str) -> list[PromptVariant]:
        """The scope's own live variants (a tenant's include none of ``*``'s; see :meth:`live_variants`)."""
        rows = self.conn.execute(
            "SELECT body FROM variants v WHERE scope = ? AND task_type = ? AND NOT EXISTS (SELECT 1 FROM retired r "
            "WHERE r.scope = v.scope AND r.task_type = v.task_type AND r.variant = v.variant) ORDER BY created_at",
            (scope, task_type),
        ).fetchall()
        return [PromptVariant.model_validate_json(r[0]) for r in rows]

    def live_variants(self, tenant: str, task_type: str) -> list[PromptVariant]:
        """Variants a tenant's users may get: every tenant's and its own, less those it or ``*`` retired."""
        retired = self.retired(tenant, task_type)
        found: dict[str, PromptVariant] = {}
        for scope in (EVERYONE, tenant):
            for v in self.variants(scope, task_type):
                if v.id not in retired:
                    found[v.id] = v
        return list(found.values())

    def retired(self, tenant: str, task_type: str) -> set[str]:
        rows = self.conn.execute("SELECT variant FROM retired WHERE scope IN (?, '*') AND task_type = ?",
                                 (tenant, task_type)).fetchall()
        return {r[0] for r in rows}

    def policy(self, tenant: str, task_type: str) -> tuple[str | None, float | None]:
        """(pinned variant, min share) of the tenant's policy, falling back to ``*``'s."""
        for scope in (tenant, EVERYONE):
            row = self.conn.execute("SELECT pinned, min_share FROM policies WHERE scope = ? AND task_type = ?",
                                    (scope, task_type)).fetchone()
            if row is not None and (row[0] is not None or row[1] is not None):
                return row[0], row[1]
        return None, None

    def policy_keys(self) -> list[tuple[str, str]]:
        """Every (tenant or ``*``, task type) with variants, pins or retirements in force, and every tenant that
        has traffic in a task type that has any."""
        keys: set[tuple[str, str]] = set()
        for table in ("variants", "retired", "policies"):
            keys.update(self.conn.execute(f"SELECT DISTINCT scope, task_type FROM {table}").fetchall())
        managed = {t for _, t in keys}
        if managed:
            marks = ",".join("?" * len(managed))
            keys.update(self.conn.execute(
                f"SELECT DISTINCT tenant, task_type FROM task_variants WHERE task_type IN ({marks})", tuple(managed)
            ).fetchall())
        return sorted(keys)

    def managed(self, tenant: str, task_type: str) -> bool:
        """Whether the tenant's users of this task type are assigned variants (anything for it or for ``*``)."""
        for table in ("variants", "retired", "policies"):
            if self.conn.execute(f"SELECT 1 FROM {table} WHERE scope IN (?, '*') AND task_type = ? LIMIT 1",
                                 (tenant, task_type)).fetchone():
                return True
        return False

    def arm_evidence(self, tenant: str, task_type: str) -> dict[str, tuple[float, float, int]]:
        """Per variant: (sum of rewards, sum of shortfalls, ratings) from the tenant's latest ratings."""
        rows = self.conn.execute(
            "SELECT variant, SUM(reward), SUM(1 - reward), COUNT(*) FROM ratings WHERE tenant = ? AND task_type = ? "
            "GROUP BY variant", (tenant, task_type)
        ).fetchall()
        return {r[0]: (float(r[1]), float(r[2]), int(r[3])) for r in rows}

    def traffic(self, tenant: str, task_type: str) -> dict[str, int]:
        rows = self.conn.execute(
            "SELECT variant, COUNT(*) FROM task_variants WHERE tenant = ? AND task_type = ? GROUP BY variant",
            (tenant, task_type),
        ).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def task_types(self, tenant: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT DISTINCT task_type FROM task_variants WHERE tenant = ? UNION "
            "SELECT DISTINCT task_type FROM variants WHERE scope IN (?, '*') ORDER BY 1", (tenant, tenant)
        ).fetchall()
        return [r[0] for r in rows]

    # ------------------------------------------------------------------ sticky assignments

    def assign(self, tenant: str, task_type: str, user: str, variant: str, at: float, sticky_seconds: float) -> bool:
        """Keep ``variant`` as the user's assignment unless they hold a live one; True when it changed."""
        row = self.conn.execute("SELECT variant, assigned_at FROM assignments WHERE tenant = ? AND task_type = ? "
                                "AND user = ?", (tenant, task_type, user)).fetchone()
        if row is not None and row[0] == variant:
            return False
        if row is not None and at - row[1] < sticky_seconds and row[0] not in self.retired(tenant, task_type):
            return False
        with self._tx() as c:
            c.execute("INSERT OR REPLACE INTO assignments VALUES (?,?,?,?,?)", (tenant, task_type, user, variant, at))
        return True

    def assignment(self, tenant: str, task_type: str, user: str) -> tuple[str, float] | None:
        row = self.conn.execute("SELECT variant, assigned_at FROM assignments WHERE tenant = ? AND task_type = ? "
                                "AND user = ?", (tenant, task_type, user)).fetchone()
        return (row[0], row[1]) if row else None
