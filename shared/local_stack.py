"""Finding a running local stack: its state file, and the per-user list of running stacks.

``autoglm up`` writes ``<data_dir>/run/stack.json`` (broker address, pids, ports, topic prefix) and a
pointer to it under ``$XDG_STATE_HOME/autoglm/stacks/`` (default ``~/.local/state``), so the SDK and
every CLI command find the stack by themselves: first a cluster named by the configuration
(``KAFKA_BOOTSTRAP_SERVERS``), then a stack running on the configured data directory, then the one
running stack of this user, wherever it was started. Several running stacks are not guessed between.

Library floor: the SDK uses it, and the CLI's supervisor (``shared/cli/stack.py``) writes what it reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Settings

NO_STACK = "no running stack found: start one with `autoglm up --detach`, or set KAFKA_BOOTSTRAP_SERVERS"


class NoStack(RuntimeError):
    """No broker to talk to, with what to do about it."""


class SeveralStacks(NoStack):
    """More than one running stack and nothing saying which: not guessed between."""


@dataclass(frozen=True)
class LocalStack:
    """Where a client's records go: the broker, and (for a local stack) its data directory and topic prefix."""

    bootstrap_servers: str
    data_dir: Path | None = None
    topic_prefix: str | None = None
    state: dict[str, Any] | None = None


def run_dir(settings: Settings) -> Path:
    return settings.data_dir / "run"


def state_file(settings: Settings) -> Path:
    return run_dir(settings) / "stack.json"


def read_state(settings: Settings) -> dict[str, Any] | None:
    return _read_json(state_file(settings))


def registry_dir() -> Path:
    """This user's list of running stacks (one pointer file per data directory)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "autoglm" / "stacks"


def registry_entry(data_dir: Path) -> Path:
    return registry_dir() / f"{hashlib.sha256(str(data_dir).encode()).hexdigest()[:16]}.json"


def register(data_dir: Path, pid: int) -> None:
    """Record a running stack's data directory for clients started elsewhere (best effort)."""
    path = registry_entry(data_dir)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"data_dir": str(data_dir), "pid": pid}))
        tmp.replace(path)


def unregister(data_dir: Path) -> None:
    with contextlib.suppress(OSError):
        registry_entry(data_dir).unlink()


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child still answers kill(0); look at its state.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[1].split()[0] == "Z":
            return False
    return True


def running_stacks() -> list[dict[str, Any]]:
    """The state of every registered stack whose supervisor is alive; stale pointers are removed."""
    found = []
    with contextlib.suppress(OSError):
        for entry in sorted(registry_dir().glob("*.json")):
            pointer = _read_json(entry)
            state = _read_json(Path(str((pointer or {}).get("data_dir", ""))) / "run" / "stack.json") if pointer else None
            if state and pointer and state.get("pid") == pointer.get("pid") and pid_alive(state.get("pid")):
                found.append(state)
            elif pointer is None or not pid_alive(pointer.get("pid")):
                with contextlib.suppress(OSError):
                    entry.unlink()
    return found


def locate(settings: Settings) -> LocalStack:
    """The broker a client of ``settings`` should use (see the module docstring), or :class:`NoStack`."""
    if settings.broker.bootstrap_servers:
        return LocalStack(settings.broker.bootstrap_servers)
    state = read_state(settings)
    if state and pid_alive(state.get("pid")):
        return _local(state)
    stacks = running_stacks()
    if len(stacks) == 1:
        return _local(stacks[0])
    if stacks:
        places = ", ".join(str(s.get("data_dir")) for s in stacks)
        raise SeveralStacks(f"{len(stacks)} stacks are running ({places}): choose one with AUTOGLM_DATA_DIR=<its data "
                      "directory>, or set KAFKA_BOOTSTRAP_SERVERS")
    if state:
        raise NoStack(f"the stack of {settings.data_dir} is not running (its supervisor, pid {state.get('pid')}, is "
                      "gone): start it with `autoglm up --detach`")
    raise NoStack(NO_STACK)


def _local(state: dict[str, Any]) -> LocalStack:
    return LocalStack(
        bootstrap_servers=str(state["bootstrap_servers"]),
        data_dir=Path(state["data_dir"]) if state.get("data_dir") else None,
        topic_prefix=state.get("topic_prefix"),
        state=state,
    )


def _read_json(path: Path) -> dict[str, Any] | None:
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return doc if isinstance(doc, dict) else None
