"""The HTTP gateway against the real stack: real HTTP in, real Kafka, the five services, real results.

Tasks here need no generation (calculator, tools), so nothing races a model against the clock; waits are
generous bounds, not expectations.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from autoglm.services.gateway.auth import mint_hs256
from autoglm.shared.cli.stack import Stack, probe
from autoglm.shared.sdk.client import AutoGLMClient

from .conftest import Bus

PROBLEM = "application/problem+json"


class Gateway:
    def __init__(self, stack: Stack, url: str) -> None:
        self.stack = stack
        self.url = url
        self.secret = (stack.settings.data_dir / "run" / "gateway-jwt.secret").read_bytes()

    def token(self, tenant: str = "default", user: str | None = "dev", **claims: Any) -> str:
        ttl = claims.pop("ttl", 600)
        return mint_hs256(self.secret, tenant=tenant, user=user, ttl_seconds=ttl, **claims)

    def auth(self, tenant: str = "default", user: str | None = "dev") -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(tenant, user)}"}


@pytest.fixture
def gw(stack: Stack) -> Gateway:
    assert stack.dev_token and stack.gateway_url, "the stack starts the gateway with a development token"
    return Gateway(stack, stack.gateway_url)


def problem(resp: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == PROBLEM
    doc = resp.json()
    assert doc["type"] == f"/problems/{slug}" and doc["status"] == status
    return doc


async def sse(client: httpx.AsyncClient, url: str, headers: dict[str, str], stop: int | None = None) -> list[dict[str, Any]]:
    """The events of a stream until it closes (or ``stop`` events)."""
    events: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    async with client.stream("GET", url, headers=headers) as resp:
        assert resp.status_code == 200, await resp.aread()
        async for line in resp.aiter_lines():
            if line == "":
                if "event" in current:
                    events.append(current)
                    if stop is not None and len(events) >= stop:
                        break
                current = {}
            elif not line.startswith(":"):
                name, _, value = line.partition(": ")
                current[name] = json.loads(value) if name == "data" else value
    return events


async def test_submit_and_wait_returns_the_result_events_data(gw: Gateway, bus: Bus) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        resp = await client.post(f"{gw.url}/v1/tasks", json={"text": "(12+8)*3等于多少？", "metadata": {"k": "v"}},
                                 headers={**gw.auth("acme", "alice"), "Prefer": "wait=60"})
        assert resp.status_code == 200, resp.text
        doc = resp.json()
        assert doc["status"] == "completed" and "60" in doc["result"]["answer"]
        again = (await client.get(f"{gw.url}/v1/tasks/{doc['task_id']}", headers=gw.auth("acme", "alice"))).json()
    event = await bus.result(doc["task_id"])
    assert event["tenant"] == "acme"
    assert again["result"] == event["data"] == doc["result"]
    assert doc["result"]["metadata"] == {"k": "v"}


async def test_events_stream_to_the_result_and_resume_after_any_event(gw: Gateway) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        task_id = (await client.post(f"{gw.url}/v1/tasks", json={"text": "What is 2^10?"},
                                     headers=gw.auth())).json()["task_id"]
        url = f"{gw.url}/v1/tasks/{task_id}/events"
        events = await sse(client, url, gw.auth())
        assert events[-1]["event"] == "result" and events[-1]["id"] == "result"
        assert "1024" in events[-1]["data"]["answer"]
        ids = [e["id"] for e in events]
        assert ids[:-1] == sorted(ids[:-1], key=int) and len(set(ids)) == len(ids)
        for cut in range(len(events)):  # resuming after each event gives exactly the rest
            after = await sse(client, url, {**gw.auth(), "Last-Event-ID": events[cut]["id"]})
            assert [e["id"] for e in after] == ids[cut + 1:]


async def test_another_tenants_task_is_not_found_anywhere(gw: Gateway) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        resp = await client.post(f"{gw.url}/v1/tasks", json={"text": "1+1等于几"},
                                 headers={**gw.auth("acme", "alice"), "Prefer": "wait=60"})
        task_id = resp.json()["task_id"]
        other = gw.auth("globex", "alice")
        for method, path in (("GET", ""), ("GET", "/events"), ("GET", "/trace"), ("POST", "/feedback")):
            kwargs: dict[str, Any] = {"json": {"score": 1}} if method == "POST" else {}
            problem(await client.request(method, f"{gw.url}/v1/tasks/{task_id}{path}", headers=other, **kwargs),
                    404, "not-found")
        listed = (await client.get(f"{gw.url}/v1/tasks", headers=other)).json()["tasks"]
    assert task_id not in {t["task_id"] for t in listed}


async def test_idempotency_key_gives_one_task_and_one_result(gw: Gateway, bus: Bus) -> None:
    key = {"Idempotency-Key": f"it-{uuid.uuid4().hex}"}
    body = {"text": "(1+2)*3等于多少？", "session_id": f"s-{uuid.uuid4().hex[:8]}"}
    async with httpx.AsyncClient(timeout=120) as client:
        first = await client.post(f"{gw.url}/v1/tasks", json=body, headers={**gw.auth(), **key, "Prefer": "wait=60"})
        second = await client.post(f"{gw.url}/v1/tasks", json=body, headers={**gw.auth(), **key})
        conflict = await client.post(f"{gw.url}/v1/tasks", json={**body, "text": "2+2"}, headers={**gw.auth(), **key})
    assert first.status_code == 200 and second.status_code == 202
    assert first.json()["task_id"] == second.json()["task_id"]
    assert second.json()["result"] == first.json()["result"]
    problem(conflict, 409, "idempotency-conflict")
    assert len(await bus.results(first.json()["task_id"])) == 1


async def test_every_error_is_a_problem_document(gw: Gateway) -> None:
    url = f"{gw.url}/v1/tasks"
    async with httpx.AsyncClient(timeout=30) as client:
        missing = await client.post(url, json={"text": "hi"})
        problem(missing, 401, "unauthenticated")
        assert missing.headers["www-authenticate"].startswith("Bearer")
        expired = {"Authorization": f"Bearer {gw.token(ttl=-300)}"}
        problem(await client.post(url, json={"text": "hi"}, headers=expired), 401, "invalid-token")
        problem(await client.post(url, content=b"{oops", headers={**gw.auth(), "Content-Type": "application/json"}),
                400, "malformed-json")
        problem(await client.post(url, content=b"hi", headers={**gw.auth(), "Content-Type": "text/plain"}),
                415, "unsupported-media-type")
        problem(await client.post(url, json={"text": "x" * 200_000}, headers=gw.auth()), 413, "payload-too-large")
        problem(await client.post(url, json={"txt": "hi"}, headers=gw.auth()), 422, "validation-failed")
        problem(await client.get(f"{gw.url}/v1/tasks/nope", headers=gw.auth()), 404, "not-found")
        limited = gw.auth("limited", "u")
        codes = [(await client.get(url, headers=limited)).status_code for _ in range(4)]
        assert 429 in codes
        last = await client.get(url, headers=limited)
        problem(last, 429, "rate-limited")
        assert int(last.headers["retry-after"]) >= 1


async def test_trace_shows_the_task_across_the_gateway_and_the_services(gw: Gateway) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        doc = (await client.post(f"{gw.url}/v1/tasks", json={"text": "(12+8)*3等于多少？"},
                                 headers={**gw.auth(), "Prefer": "wait=60"})).json()
        services: set[str] = set()
        deadline = time.monotonic() + 30
        wanted = {"gateway", "parser", "planner", "tool_executor", "memory"}
        while time.monotonic() < deadline and not wanted <= services:
            trace = (await client.get(f"{gw.url}/v1/tasks/{doc['task_id']}/trace", headers=gw.auth())).json()
            services = set(trace.get("services", []))
            await asyncio.sleep(0.5)
    assert trace["trace_id"] == doc["result"]["trace_id"]
    assert wanted <= services, services
    root = trace["spans"][0]
    assert root["name"] == "POST /v1/tasks" and root["depth"] == 0


async def test_feedback_goes_to_the_feedback_topic_and_is_listed(gw: Gateway, bus: Bus) -> None:
    async with httpx.AsyncClient(timeout=120) as client:
        task_id = (await client.post(f"{gw.url}/v1/tasks", json={"text": "3*3等于多少"},
                                     headers={**gw.auth(), "Prefer": "wait=60"})).json()["task_id"]
        resp = await client.post(f"{gw.url}/v1/tasks/{task_id}/feedback",
                                 json={"score": 1, "comment": "right", "correction": {"answer": "9"}}, headers=gw.auth())
        assert resp.status_code == 202
        listed = (await client.get(f"{gw.url}/v1/feedback?task_id={task_id}", headers=gw.auth())).json()["feedback"]
    [event] = await bus.read("autoglm.feedback", lambda d: d.get("taskid") == task_id, 1, timeout=30)
    assert event["type"] == "autoglm.feedback.submitted" and event["tenant"] == "default"
    assert event["data"]["score"] == 1 and event["data"]["user"] == "dev" and event["data"]["correction"]["answer"] == "9"
    assert listed[0]["id"] == event["id"] == resp.json()["feedback_id"]


async def test_session_turns_of_the_caller(gw: Gateway) -> None:
    session = f"s-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(timeout=120) as client:
        for text in ("5*5等于多少", "6*6等于多少"):
            resp = await client.post(f"{gw.url}/v1/tasks", json={"text": text, "session_id": session},
                                     headers={**gw.auth("acme", "alice"), "Prefer": "wait=60"})
            assert resp.json()["status"] == "completed"
        turns: list[dict[str, Any]] = []
        deadline = time.monotonic() + 30  # the turn write follows the result, fire-and-forget
        while time.monotonic() < deadline and len(turns) < 2:
            turns = (await client.get(f"{gw.url}/v1/sessions/{session}", headers=gw.auth("acme", "alice"))).json().get(
                "turns", [])
            await asyncio.sleep(0.5)
        bob = await client.get(f"{gw.url}/v1/sessions/{session}", headers=gw.auth("acme", "bob"))
        other_tenant = await client.get(f"{gw.url}/v1/sessions/{session}", headers=gw.auth("globex", "alice"))
    assert [t["request"] for t in turns] == ["5*5等于多少", "6*6等于多少"]
    problem(bob, 404, "not-found")
    problem(other_tenant, 404, "not-found")


async def test_an_uploaded_document_answers_the_tenants_questions_only(gw: Gateway) -> None:
    # memory loads, chunks and embeds the upload itself; the answer is the document's extract (no model call)
    tenant = f"kb-{uuid.uuid4().hex[:8]}"
    doc = (b"# Travel policy\n\n## Hotels\n\nThe nightly hotel limit is 1,200 yuan in Beijing and Shanghai and 800 "
           b"yuan in other cities.\n\n## Taxis\n\nTaxis are reimbursed only between 22:00 and 06:00.\n")
    async with httpx.AsyncClient(timeout=180) as client:
        up = await client.post(f"{gw.url}/v1/kb/documents", headers=gw.auth(tenant, "alice"),
                               files={"file": ("travel.md", doc, "text/markdown")})
        assert up.status_code == 201, up.text
        report = up.json()
        assert report["chunks"] >= 2 and report["added"] == report["chunks"] and not report.get("error"), report
        asked = await client.post(f"{gw.url}/v1/tasks", json={"text": "根据知识库，北京的酒店每晚限额是多少？"},
                                  headers={**gw.auth(tenant, "alice"), "Prefer": "wait=150"})
        assert asked.status_code == 200, asked.text
        result = asked.json()["result"]
        assert result["status"] == "completed" and "1,200" in result["answer"], result
        assert result["answer_source"] in ("extract", "model"), result
        other = await client.post(f"{gw.url}/v1/tasks", json={"text": "根据知识库，北京的酒店每晚限额是多少？"},
                                  headers={**gw.auth(f"{tenant}-other", "alice"), "Prefer": "wait=150"})
    assert other.status_code == 200, other.text
    assert "1,200" not in other.json()["result"]["answer"]  # another tenant's documents are not searched


async def test_health_metrics_openapi_and_docs_offline(gw: Gateway) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        assert (await client.get(f"{gw.url}/readyz")).json()["ready"] is True
        assert "autoglm_http_requests_total" in (await client.get(f"{gw.url}/metrics")).text
        spec = (await client.get(f"{gw.url}/openapi.json")).json()
        docs = (await client.get(f"{gw.url}/docs")).text
    assert "/v1/tasks/{task_id}/events" in spec["paths"]
    assert "/docs/assets/swagger-ui-bundle.js" in docs and "cdn." not in docs


# ------------------------------------------------------------------ restarts and replicas


def gateway_process(stack: Stack, store: Path, port_file: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ, **stack.client_env(), "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap or "",
        "AUTOGLM_GATEWAY__PORT": "0", "AUTOGLM_GATEWAY__STORE__PATH": str(store),
        "AUTOGLM_GATEWAY__AUTH__JWT__SECRET_FILE": str(stack.settings.data_dir / "run" / "gateway-jwt.secret"),
        "AUTOGLM_HEALTH_PORT_FILE": str(port_file),
    }
    log = open(store.with_suffix(".log"), "ab")  # noqa: SIM115 - the child's
    return subprocess.Popen([sys.executable, "-m", "autoglm.services.gateway"], env=env, stdout=log,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)


def wait_ready(port_file: Path, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            port = int(port_file.read_text())
        except (OSError, ValueError):
            port = 0
        if port and probe(port)[0]:
            return f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    raise AssertionError("the gateway replica did not become ready")


@contextlib.contextmanager
def second_replica(stack: Stack, tmp_path: Path) -> Iterator[str]:
    """Another gateway process on the same topics, with its own (new, empty) store: a second replica."""
    port_file = tmp_path / "replica.port"
    proc = gateway_process(stack, tmp_path / "replica.sqlite", port_file)
    try:
        yield wait_ready(port_file)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


async def until(client: httpx.AsyncClient, url: str, headers: dict[str, str], done: Any, timeout: float = 10) -> Any:
    """GET ``url`` until ``done(doc)``: replicas converge within a poll of the topics, not at once."""
    deadline = time.monotonic() + timeout
    while True:
        doc = (await client.get(url, headers=headers)).json()
        if done(doc) or time.monotonic() > deadline:
            return doc
        await asyncio.sleep(0.05)


async def test_two_replicas_both_answer_for_any_task(gw: Gateway, stack: Stack, tmp_path: Path) -> None:
    auth = gw.auth("acme", "alice")
    async with httpx.AsyncClient(timeout=120) as client:
        done = (await client.post(f"{gw.url}/v1/tasks", json={"text": "7*8等于多少"},
                                  headers={**auth, "Prefer": "wait=60"})).json()
        assert done["status"] == "completed"
        with second_replica(stack, tmp_path) as replica:
            # started empty after the task finished: it read it from the topics before it said it was ready
            there = (await client.get(f"{replica}/v1/tasks/{done['task_id']}", headers=auth)).json()
            assert there["result"] == done["result"] and there["request"] == "7*8等于多少"
            # a task accepted by one replica is followed live on the other, and read back on the first
            task_id = (await client.post(f"{replica}/v1/tasks", json={"text": "9*9等于多少"},
                                         headers=auth)).json()["task_id"]
            events = await sse(client, f"{gw.url}/v1/tasks/{task_id}/events", auth)
            assert events[-1]["event"] == "result" and "81" in events[-1]["data"]["answer"]
            back = await until(client, f"{replica}/v1/tasks/{task_id}", auth, lambda d: d.get("result"))
            assert back["result"] == events[-1]["data"]
            # an idempotency key used on one replica is honoured on the other
            key = {"Idempotency-Key": f"k-{uuid.uuid4().hex}"}
            a = (await client.post(f"{gw.url}/v1/tasks", json={"text": "2*5等于多少"}, headers={**auth, **key})).json()
            await until(client, f"{replica}/v1/tasks/{a['task_id']}", auth, lambda d: "task_id" in d)
            b = await client.post(f"{replica}/v1/tasks", json={"text": "2*5等于多少"}, headers={**auth, **key})
            c = await client.post(f"{replica}/v1/tasks", json={"text": "2*6等于多少"}, headers={**auth, **key})
    assert b.json()["task_id"] == a["task_id"] and b.headers["idempotent-replayed"] == "true"
    problem(c, 409, "idempotency-conflict")


async def test_a_gateway_restart_keeps_finished_results_and_catches_up(gw: Gateway, stack: Stack) -> None:
    auth = gw.auth("acme", "alice")
    async with httpx.AsyncClient(timeout=120) as client:
        before = (await client.post(f"{gw.url}/v1/tasks", json={"text": "11*11等于多少"},
                                    headers={**auth, "Prefer": "wait=60"})).json()
        assert before["status"] == "completed"
    sp = stack.procs["gateway"]
    old_pid = sp.pid
    assert sp.proc is not None
    sp.proc.kill()  # no graceful shutdown: the store must survive a crash
    sp.proc.wait()
    # a task finished while no gateway ran (submitted on Kafka directly) is known after the restart too
    async with AutoGLMClient(stack.bootstrap or "", settings=stack.settings, source="/tests/sdk") as kafka:
        offline = await kafka.submit("12*12等于多少", tenant="acme", user="alice", timeout=60)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not (sp.pid != old_pid and probe(sp.port)[0]):
        await asyncio.sleep(0.3)  # the stack's supervisor restarts it
    url = f"http://127.0.0.1:{sp.port}"
    async with httpx.AsyncClient(timeout=30) as client:
        after = (await client.get(f"{url}/v1/tasks/{before['task_id']}", headers=auth)).json()
        caught_up = (await client.get(f"{url}/v1/tasks/{offline.task_id}", headers=auth)).json()
    assert after["result"] == before["result"]
    assert caught_up["status"] == "completed" and "144" in caught_up["result"]["answer"]
    assert caught_up["request"] == "12*12等于多少"


def test_cli_submits_and_traces_through_the_gateway(gw: Gateway, stack: Stack) -> None:
    env = {**os.environ, **stack.client_env(), "AUTOGLM_GATEWAY_URL": gw.url, "AUTOGLM_TOKEN": gw.token("acme", "carol")}
    env.pop("KAFKA_BOOTSTRAP_SERVERS", None)  # over HTTP the CLI needs no broker
    out = subprocess.run([sys.executable, "-m", "autoglm.shared.cli", "submit", "(2+3)*4等于多少？", "--via", "http",
                          "--json"], env=env, capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["status"] == "completed" and "20" in doc["answer"]
    trace = subprocess.run([sys.executable, "-m", "autoglm.shared.cli", "trace", doc["task_id"], "--via", "http",
                            "--json"], env=env, capture_output=True, text=True, timeout=60)
    assert trace.returncode == 0, trace.stderr
    assert any(s["name"] == "POST /v1/tasks" for s in json.loads(trace.stdout))
    refused = subprocess.run([sys.executable, "-m", "autoglm.shared.cli", "submit", "hi", "--via", "http",
                              "--token", "wrong"], env=env, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "401" in refused.stderr
