"""Runs the whole stack on one machine: the embedded broker and the five services.

``autoglm up`` is a supervisor process: it starts Tansu (unless KAFKA_BOOTSTRAP_SERVERS
names a cluster), creates the catalog's topics, starts one process per service, restarts
a service that dies, and on SIGINT/SIGTERM stops the services (each finishes or hands
back its in-flight batch) and then the broker. ``<data_dir>/run/stack.json`` tells
``autoglm status``/``down`` and the SDK where everything is, and a pointer to it in the user's list of
running stacks lets them find it from any directory (``shared/local_stack.py``).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..config import Settings, config_file
from ..kafka.security import security_kwargs
from ..local_stack import locate, pid_alive, read_state, register, run_dir, state_file, unregister
from .embedded import EmbeddedBroker, create_topics_sync, die_with_parent

SERVICES = ("memory", "inference", "tool_executor", "parser", "planner")
"""The five services of the pipeline (what benchmarks and chaos runs start)."""
GATEWAY = "gateway"
FEEDBACK = "feedback"
WITH_GATEWAY = (*SERVICES, FEEDBACK, GATEWAY)
"""What `autoglm up`, `make demo` and the integration tests start: the pipeline, the feedback service and the HTTP
gateway."""
DEV_TOKEN_HOURS = 24


def probe(port: int | None, path: str = "/readyz", timeout: float = 1.0) -> tuple[bool, dict[str, Any]]:
    if not port:
        return False, {}
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=timeout) as resp:  # noqa: S310
            return resp.status == 200, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        with contextlib.suppress(Exception):
            return False, json.loads(exc.read() or b"{}")
        return False, {}
    except (OSError, ValueError):
        return False, {}


def bootstrap_from(settings: Settings) -> str:
    """The configured cluster, else the running local stack's broker (see :func:`locate`)."""
    return locate(settings).bootstrap_servers


def for_running_stack(settings: Settings) -> Settings:
    """``settings`` pointed at the running stack a client finds (:func:`locate`): its data directory (state,
    span files) and topic prefix, when it was found through its state rather than a configured cluster.
    Raises :class:`~autoglm.shared.local_stack.NoStack` (a RuntimeError) saying what to do when there is none."""
    found = locate(settings)
    update: dict[str, Any] = {}
    if found.data_dir is not None and found.data_dir != settings.data_dir:
        update["data_dir"] = found.data_dir
    if found.topic_prefix is not None and found.topic_prefix != settings.topic_prefix:
        update["topic_prefix"] = found.topic_prefix
    return settings.model_copy(update=update) if update else settings


@dataclass
class ServiceProcess:
    name: str
    port_file: Path
    log_file: Path
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = 0.0
    env: dict[str, str] = field(default_factory=dict)

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    @property
    def port(self) -> int | None:
        try:
            return int(self.port_file.read_text())
        except (OSError, ValueError):
            return None

    def start(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.port_file.unlink()
        log = open(self.log_file, "ab")  # noqa: SIM115 - owned by the child
        self.proc = subprocess.Popen(
            [sys.executable, "-m", f"autoglm.services.{self.name}"],
            env={**self.env, "AUTOGLM_HEALTH_PORT_FILE": str(self.port_file)},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
        )
        log.close()
        self.started_at = time.monotonic()

    def stop(self, timeout: float = 25.0) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def embedded_broker(settings: Settings, log_path: Path) -> EmbeddedBroker:
    """The embedded broker secured as the clients are configured: TLS with the embedded
    certificate for SSL/SASL_SSL, and the configured SASL user for SASL_*."""
    b = settings.broker
    tls = b.security_protocol in ("SSL", "SASL_SSL")
    if tls and not (b.embedded_tls_certfile and b.embedded_tls_keyfile):
        raise RuntimeError(
            f"security_protocol {b.security_protocol} with the embedded broker needs "
            "broker.embedded_tls_certfile and broker.embedded_tls_keyfile"
        )
    users: dict[str, str] = {}
    if b.security_protocol.startswith("SASL_"):
        if not (b.sasl_username and b.sasl_password):
            raise RuntimeError("SASL with the embedded broker needs broker.sasl_username and a password")
        users[b.sasl_username] = b.sasl_password.get_secret_value()
    return EmbeddedBroker(
        log_path=log_path,
        tls_certfile=b.embedded_tls_certfile if tls else None,
        tls_keyfile=b.embedded_tls_keyfile if tls else None,
        users=users,
    )


class Stack:
    """The supervisor's view of the stack. Only 127.0.0.1 is ever bound."""

    def __init__(
        self,
        settings: Settings,
        services: tuple[str, ...] = WITH_GATEWAY,
        extra_env: dict[str, str] | None = None,
        *,
        listed: bool = False,
    ) -> None:
        """``listed``: list the stack among the user's running stacks, so clients started anywhere find it
        (``autoglm up``; the stacks of tests, benchmarks and the demo stay private)."""
        self.settings = settings
        self.extra_env = dict(extra_env or {})
        self.services_wanted = services
        self.broker: EmbeddedBroker | None = None
        self.bootstrap = settings.broker.bootstrap_servers
        self.procs: dict[str, ServiceProcess] = {}
        self._stopping = False
        self._listed = listed
        self._registered = False
        self.started_at = time.time()
        self.dev_token: str | None = None

    def start(self) -> None:
        rd = run_dir(self.settings)
        rd.mkdir(parents=True, exist_ok=True)
        logs = self.settings.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        existing = read_state(self.settings)
        if existing and pid_alive(existing.get("pid")) and existing.get("pid") != os.getpid():
            raise RuntimeError(f"a stack is already running (pid {existing['pid']}); run `autoglm down` first")
        if not self.bootstrap:
            self.broker = embedded_broker(self.settings, logs / "broker.log").start()
            self.bootstrap = self.broker.bootstrap_servers
        create_topics_sync(
            self.bootstrap,
            partitions=self.settings.broker.embedded_partitions,
            prefix=self.settings.topic_prefix,
            **security_kwargs(self.settings),
        )
        env = dict(os.environ)
        env.update(self.extra_env)
        env.update(
            {
                "KAFKA_BOOTSTRAP_SERVERS": self.bootstrap,
                **self.client_env(),
                "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1",
            }
        )
        if GATEWAY in self.services_wanted:
            check_gateway_port(env)
            env.update(self._gateway_credentials(env))
        for name in self.services_wanted:
            sp = ServiceProcess(name, rd / f"{name}.port", logs / f"{name}.log", env=env)
            sp.start()
            self.procs[name] = sp
        self.write_state()

    def _gateway_credentials(self, env: dict[str, str]) -> dict[str, str]:
        """A development credential for the gateway when none is configured: a fresh HS256 secret file and a
        token for tenant ``default``, user ``dev`` (``dev_token``, also in ``run/gateway.token``)."""
        import jwt

        if _gateway_auth_configured(env):
            return {}
        secret = secrets.token_hex(32).encode()
        rd = run_dir(self.settings)
        secret_file = rd / "gateway-jwt.secret"
        _write_private(secret_file, secret)
        now = int(time.time())
        claims = {"tenant": "default", "sub": "dev", "iat": now, "nbf": now, "exp": now + DEV_TOKEN_HOURS * 3600}
        self.dev_token = jwt.encode(claims, secret, algorithm="HS256")
        _write_private(rd / "gateway.token", self.dev_token.encode())
        return {"AUTOGLM_GATEWAY__AUTH__JWT__SECRET_FILE": str(secret_file)}

    @property
    def gateway_url(self) -> str | None:
        sp = self.procs.get(GATEWAY)
        if sp is None or not sp.port:
            return None
        host = os.environ.get("AUTOGLM_GATEWAY__HOST", "127.0.0.1")
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{sp.port}"

    def client_env(self) -> dict[str, str]:
        """What a CLI or SDK process needs in its environment to find this stack."""
        return {"AUTOGLM_DATA_DIR": str(self.settings.data_dir), "AUTOGLM_TOPIC_PREFIX": self.settings.topic_prefix}

    def write_state(self) -> None:
        state = {
            "pid": os.getpid(),
            "bootstrap_servers": self.bootstrap,
            "embedded_broker": self.broker is not None,
            "broker_pid": self.broker.process.pid if self.broker and self.broker.process else None,
            "topic_prefix": self.settings.topic_prefix,
            "data_dir": str(self.settings.data_dir),
            "started_at": self.started_at,
            "gateway": {"url": self.gateway_url, "token_file": str(run_dir(self.settings) / "gateway.token")
                        if self.dev_token else None},
            "services": {
                n: {"pid": p.pid, "port": p.port, "restarts": p.restarts, "log": str(p.log_file)}
                for n, p in self.procs.items()
            },
        }
        path = state_file(self.settings)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.replace(path)
        if self._listed and not self._registered:
            register(self.settings.data_dir, os.getpid())
            self._registered = True

    def ready(self) -> dict[str, bool]:
        return {n: probe(p.port)[0] for n, p in self.procs.items()}

    def wait_ready(self, timeout: float = 180.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_children()
            status = self.ready()
            self.write_state()
            if all(status.values()):
                return True
            time.sleep(0.2)
        return False

    def check_children(self) -> list[str]:
        """Restart services that died (a crash must not stop the stack)."""
        restarted = []
        for name, sp in self.procs.items():
            if self._stopping or sp.proc is None or sp.proc.poll() is None:
                continue
            sp.restarts += 1
            if time.monotonic() - sp.started_at < 2.0:
                time.sleep(1.0)  # crash loop: don't spin
            sp.start()
            restarted.append(name)
        if restarted:
            self.write_state()
        return restarted

    def supervise(self, stop_flag: list[bool]) -> None:
        while not stop_flag[0]:
            self.check_children()
            self.write_state()
            time.sleep(0.5)

    def stop(self) -> None:
        self._stopping = True
        # Producers before consumers would lose nothing either way (offsets commit only after
        # outputs are published); stopping the entry service first just drains faster.
        order = [n for n in (GATEWAY, "parser", "planner", "tool_executor", "inference", "memory", FEEDBACK)
                 if n in self.procs]
        for name in order:
            sp = self.procs[name]
            if sp.proc is not None and sp.proc.poll() is None:
                sp.proc.send_signal(signal.SIGTERM)
        for name in order:
            self.procs[name].stop()
        if self.broker is not None:
            self.broker.stop()
        with contextlib.suppress(FileNotFoundError):
            state_file(self.settings).unlink()
        if self._registered:
            unregister(self.settings.data_dir)


def _gateway_auth_configured(env: dict[str, str]) -> bool:
    """Whether the gateway's credentials (or ``auth.disabled``) are set, by environment or config file."""
    if any(k.startswith("AUTOGLM_GATEWAY__AUTH") for k in env):
        return True
    path = config_file()
    if path is None or not path.exists():
        return False
    doc = yaml.safe_load(path.read_text()) or {}
    return bool(isinstance(doc, dict) and isinstance(doc.get("gateway"), dict) and doc["gateway"].get("auth"))


def check_gateway_port(env: dict[str, str]) -> None:
    """Fail now, saying why, rather than have the gateway restart forever on a port someone else holds."""
    import socket

    host = env.get("AUTOGLM_GATEWAY__HOST", "127.0.0.1")
    port = int(env.get("AUTOGLM_GATEWAY__PORT", "8080") or 0)
    if port == 0:
        return
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise RuntimeError(
                f"the gateway's port {host}:{port} is not free ({exc.strerror}): set AUTOGLM_GATEWAY__PORT "
                "(0 picks a free one)"
            ) from None


def _write_private(path: Path, data: bytes) -> None:
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def run_foreground(settings: Settings, on_ready: Any = None, ready_timeout: float = 300.0) -> int:
    """`autoglm up`: run until SIGINT/SIGTERM. Returns the exit code."""
    stack = Stack(settings, listed=True)
    stop_flag = [False]

    def _stop(*_: object) -> None:
        stop_flag[0] = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        stack.start()
        if not stack.wait_ready(ready_timeout):
            not_ready = [n for n, ok in stack.ready().items() if not ok]
            print(f"services not ready after {ready_timeout:.0f}s: {', '.join(not_ready)}", file=sys.stderr)
            return 1
        if on_ready is not None:
            on_ready(stack)
        stack.supervise(stop_flag)
        return 0
    finally:
        stack.stop()


def start_detached(settings: Settings, timeout: float = 300.0) -> dict[str, Any]:
    """Start `autoglm up` in the background and return once every service is ready."""
    run_dir(settings).mkdir(parents=True, exist_ok=True)
    existing = read_state(settings)
    if existing and pid_alive(existing.get("pid")):
        raise RuntimeError(f"a stack is already running (pid {existing['pid']})")
    log = open(settings.data_dir / "run" / "supervisor.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "autoglm.shared.cli", "up"],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
        env={**os.environ, "AUTOGLM_DATA_DIR": str(settings.data_dir)},
    )
    log.close()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the stack exited with {proc.returncode}; see {settings.data_dir}/run/supervisor.log")
        state = read_state(settings)
        if state and state.get("pid") == proc.pid:
            ports = [s.get("port") for s in state["services"].values()]
            if all(ports) and all(probe(p)[0] for p in ports):
                return state
        time.sleep(0.3)
    stop_detached(settings)
    raise RuntimeError(f"the stack was not ready within {timeout:.0f}s")


def stop_detached(settings: Settings, timeout: float = 60.0) -> bool:
    state = read_state(settings)
    if not state or not pid_alive(state.get("pid")):
        with contextlib.suppress(FileNotFoundError):
            state_file(settings).unlink()
        unregister(settings.data_dir)
        return False
    pid = int(state["pid"])
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if pid_alive(pid):
        os.kill(pid, signal.SIGKILL)
        for svc in state.get("services", {}).values():
            with contextlib.suppress(ProcessLookupError, TypeError):
                os.kill(svc["pid"], signal.SIGKILL)
        if state.get("broker_pid"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(state["broker_pid"], signal.SIGKILL)
    return True
