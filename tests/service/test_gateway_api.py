"""The gateway's HTTP API over real HTTP, with its Kafka side faked: every endpoint and every error.

(The same API against the real stack is in tests/integration/test_gateway.py.)
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest

from autoglm.services.gateway.auth import ConfigurationError, mint_hs256
from autoglm.services.gateway.main import create_app
from autoglm.shared.events import StepCompleted
from autoglm.shared.topics import FEEDBACK, TASKS

from .gateway_harness import SECRET, Running, gateway_settings, running_gateway

PROBLEM = "application/problem+json"


def assert_problem(resp: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert resp.status_code == status, resp.text
    assert resp.headers["content-type"] == PROBLEM
    doc = resp.json()
    assert doc["status"] == status and doc["type"] == f"/problems/{slug}" and doc["title"] and doc["detail"]
    assert doc["instance"].startswith("/")
    return doc


@pytest.fixture
async def gw(tmp_path: Path) -> Any:
    async with running_gateway(gateway_settings(tmp_path)) as running:
        yield running


async def submit(client: httpx.AsyncClient, gw: Running, who: str = "acme", **body: Any) -> httpx.Response:
    headers = {**gw.auth(who), **body.pop("headers", {})}
    return await client.post(f"{gw.url}/v1/tasks", json={"text": "(12+8)*3等于多少？", **body}, headers=headers)


# ------------------------------------------------------------------ tasks


async def test_submit_answers_202_with_id_and_links_and_takes_tenant_and_user_from_the_token(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        resp = await submit(client, gw, session_id="s-1", metadata={"ticket": "T-9"})
    assert resp.status_code == 202
    doc = resp.json()
    task_id = doc["task_id"]
    assert doc["status"] == "pending" and doc["result"] is None
    assert doc["links"] == {
        "self": f"/v1/tasks/{task_id}", "events": f"/v1/tasks/{task_id}/events",
        "trace": f"/v1/tasks/{task_id}/trace", "feedback": f"/v1/tasks/{task_id}/feedback",
    }
    assert resp.headers["location"] == f"/v1/tasks/{task_id}"
    [(topic, event, key)] = gw.link.published
    assert topic == TASKS and key == "s-1"
    assert event.tenant == "acme" and event.data.user == "alice" and event.sessionid == "s-1"
    assert event.data.report_progress is True and event.data.metadata == {"ticket": "T-9"}
    assert event.traceparent and event.traceparent.split("-")[1] == doc["trace_id"]


async def test_the_body_cannot_name_a_tenant_or_another_user(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        doc = assert_problem(await submit(client, gw, tenant="globex"), 422, "validation-failed")
        assert doc["errors"][0]["location"] == ["body", "tenant"]
        assert_problem(await submit(client, gw, user_id="mallory"), 403, "forbidden")
        # a tenant-wide credential (no user in it) acts for the user the body names
        ok = await submit(client, gw, "acme-service", user_id="carol")
    assert ok.status_code == 202
    assert gw.link.tasks()[-1].data.user == "carol"
    assert not any(e.tenant != "acme" for e in gw.link.tasks())


async def test_get_task_pending_then_with_the_result_events_data(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        task_id = (await submit(client, gw)).json()["task_id"]
        pending = (await client.get(f"{gw.url}/v1/tasks/{task_id}", headers=gw.auth())).json()
        assert pending["status"] == "pending" and pending["request"] == "(12+8)*3等于多少？"
        data = gw.link.finish(task_id, "acme", steps=[{"id": "s1", "kind": "tool_call", "name": "calculator",
                                                       "status": "completed", "duration_ms": 3.0}])
        done = await client.get(f"{gw.url}/v1/tasks/{task_id}", headers=gw.auth())
        listed = await client.get(f"{gw.url}/v1/tasks", headers=gw.auth())
    assert done.status_code == 200
    assert done.json()["status"] == "completed" and done.json()["result"] == data
    assert [t["task_id"] for t in listed.json()["tasks"]] == [task_id]


async def test_prefer_wait_answers_200_with_the_result_when_it_finishes_in_time(gw: Running) -> None:
    loop = asyncio.get_running_loop()
    gw.link.on_task = lambda ev: loop.call_later(0.05, gw.link.finish, ev.taskid, ev.tenant)
    async with httpx.AsyncClient() as client:
        resp = await submit(client, gw, headers={"Prefer": "wait=10"})
    assert resp.status_code == 200, resp.text
    assert resp.json()["result"]["answer"] == "60"
    assert resp.headers["preference-applied"] == "wait=10"


async def test_prefer_wait_answers_202_when_the_task_is_not_done_in_time(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        started = time.monotonic()
        resp = await submit(client, gw, headers={"Prefer": "respond-async, wait=1"})
    assert resp.status_code == 202 and resp.json()["status"] == "pending"
    assert time.monotonic() - started >= 0.9


async def test_idempotency_same_key_and_body_same_task_other_body_409(gw: Running) -> None:
    key = {"Idempotency-Key": "order-1024-retry"}
    async with httpx.AsyncClient() as client:
        first = await submit(client, gw, headers=key, session_id="s-9")
        again = await submit(client, gw, headers=key, session_id="s-9")
        other = await submit(client, gw, headers=key, text="something else", session_id="s-9")
        other_tenant = await submit(client, gw, "globex", headers=key, session_id="s-9")
        concurrent = await asyncio.gather(*(submit(client, gw, headers={"Idempotency-Key": "k2"}) for _ in range(5)))
    assert first.status_code == again.status_code == 202
    assert first.json()["task_id"] == again.json()["task_id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert_problem(other, 409, "idempotency-conflict")
    assert other_tenant.status_code == 202 and other_tenant.json()["task_id"] != first.json()["task_id"]
    assert len({r.json()["task_id"] for r in concurrent}) == 1
    published = [e.taskid for e in gw.link.tasks()]
    assert published.count(first.json()["task_id"]) == 1 and published.count(concurrent[0].json()["task_id"]) == 1
    async with httpx.AsyncClient() as client:
        assert_problem(await submit(client, gw, headers={"Idempotency-Key": "bad key with spaces"}), 400,
                       "bad-request")


async def test_another_tenants_or_users_task_is_not_found(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        task_id = (await submit(client, gw)).json()["task_id"]
        gw.link.finish(task_id, "acme")
        for path in ("", "/events", "/trace"):
            assert_problem(await client.get(f"{gw.url}/v1/tasks/{task_id}{path}", headers=gw.auth("globex")),
                           404, "not-found")
        assert_problem(await client.post(f"{gw.url}/v1/tasks/{task_id}/feedback", json={"score": 1},
                                         headers=gw.auth("globex")), 404, "not-found")
        # the same tenant's other user does not see alice's task; a tenant-wide credential does
        assert_problem(await client.get(f"{gw.url}/v1/tasks/{task_id}", headers=gw.auth("acme-bob")), 404,
                       "not-found")
        assert (await client.get(f"{gw.url}/v1/tasks/{task_id}", headers=gw.auth("acme-service"))).status_code == 200
        unknown = await client.get(f"{gw.url}/v1/tasks/no-such-task", headers=gw.auth())
        assert_problem(unknown, 404, "not-found")


async def test_a_session_belongs_to_the_user_who_started_it(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        assert (await submit(client, gw, session_id="s-alice")).status_code == 202
        assert (await submit(client, gw, session_id="s-alice")).status_code == 202
        assert_problem(await submit(client, gw, "acme-bob", session_id="s-alice"), 403, "forbidden")
        # another tenant's session of the same name is another session
        assert (await submit(client, gw, "globex", session_id="s-alice")).status_code == 202


# ------------------------------------------------------------------ errors


async def test_authentication_errors_are_401_problems_with_a_challenge(gw: Running) -> None:
    now = int(time.time())
    expired = mint_hs256(SECRET, tenant="acme", user="a", ttl_seconds=-120)
    early = mint_hs256(SECRET, tenant="acme", user="a", ttl_seconds=600, nbf=now + 600)
    other_aud = mint_hs256(SECRET, tenant="acme", user="a", ttl_seconds=600, aud="somebody-else")
    wrong_key = mint_hs256(b"x" * 48, tenant="acme", user="a", ttl_seconds=600)
    no_tenant = mint_hs256(SECRET, tenant="bad tenant!", user="a", ttl_seconds=600)
    async with httpx.AsyncClient() as client:
        missing = await client.post(f"{gw.url}/v1/tasks", json={"text": "hi"})
        doc = assert_problem(missing, 401, "unauthenticated")
        assert missing.headers["www-authenticate"] == 'Bearer realm="autoglm"'
        assert "credential" in doc["detail"]
        for token, words in ((expired, "expired"), (early, "not valid yet"), (other_aud, "audience"),
                             (wrong_key, "signature"), (no_tenant, "tenant"), ("garbage.token.here", "malformed"),
                             ("not-a-known-api-key", "unknown API key")):
            resp = await client.get(f"{gw.url}/v1/tasks", headers={"Authorization": f"Bearer {token}"})
            doc = assert_problem(resp, 401, "invalid-token")
            assert words in doc["detail"], (words, doc)
            assert resp.headers["www-authenticate"].startswith('Bearer realm="autoglm", error="invalid_token"')
        basic = await client.get(f"{gw.url}/v1/tasks", headers={"Authorization": "Basic dXNlcjpwYXNz"})
        assert_problem(basic, 401, "unauthenticated")


async def test_body_errors_400_413_415_422(gw: Running) -> None:
    url = f"{gw.url}/v1/tasks"
    headers = {**gw.auth(), "Content-Type": "application/json"}
    async with httpx.AsyncClient() as client:
        assert_problem(await client.post(url, content=b'{"text": "hi",', headers=headers), 400, "malformed-json")
        assert_problem(await client.post(url, content=b"text=hi", headers={**gw.auth(),
                       "Content-Type": "application/x-www-form-urlencoded"}), 415, "unsupported-media-type")
        assert_problem(await client.post(url, content=b'{"text":"hi"}', headers=gw.auth()), 415,
                       "unsupported-media-type")
        big = orjson.dumps({"text": "x" * 100_000})
        assert_problem(await client.post(url, content=big, headers=headers), 413, "payload-too-large")

        async def chunks() -> Any:  # no Content-Length: counted as it streams
            for _ in range(100):
                yield b" " * 1000

        assert_problem(await client.post(url, content=chunks(), headers=headers), 413, "payload-too-large")
        doc = assert_problem(await client.post(url, json={"text": ""}, headers=gw.auth()), 422, "validation-failed")
        assert doc["errors"][0]["location"] == ["body", "text"]
        # the 8,000-character limit of every entry point (Kafka, SDK, CLI): one clear field error, nothing sent
        long = assert_problem(await client.post(url, json={"text": "x" * 8001}, headers=gw.auth()), 422,
                              "validation-failed")
        assert long["errors"][0]["location"] == ["body", "text"] and "8000" in long["errors"][0]["message"]
        assert_problem(await client.post(url, json=["text"], headers=gw.auth()), 422, "validation-failed")
        ok = await client.post(url, content=b'{"text":"hi"}',
                               headers={**gw.auth(), "Content-Type": "application/cloudevents+json; charset=utf-8"})
        assert ok.status_code == 202


async def test_unknown_routes_and_methods_are_problems(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        assert_problem(await client.get(f"{gw.url}/v1/nothing", headers=gw.auth()), 404, "not-found")
        assert_problem(await client.delete(f"{gw.url}/v1/tasks", headers=gw.auth()), 405, "method-not-allowed")
        bad_limit = await client.get(f"{gw.url}/v1/tasks?limit=1000", headers=gw.auth())
        assert_problem(bad_limit, 422, "validation-failed")
        described = await client.get(f"{gw.url}/problems/rate-limited")
    assert described.json()["status"] == 429


async def test_rate_limit_per_tenant_429_with_retry_after(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, rate_limit={"requests_per_second": 0.5, "burst": 3})
    async with running_gateway(settings) as gw, httpx.AsyncClient() as client:
        codes = [(await client.get(f"{gw.url}/v1/tasks", headers=gw.auth())).status_code for _ in range(3)]
        limited = await client.get(f"{gw.url}/v1/tasks", headers=gw.auth())
        other = await client.get(f"{gw.url}/v1/tasks", headers=gw.auth("globex"))
        metrics = (await client.get(f"{gw.url}/metrics")).text
    assert codes == [200, 200, 200]
    doc = assert_problem(limited, 429, "rate-limited")
    assert int(limited.headers["retry-after"]) >= 1 and doc["retry_after"] == int(limited.headers["retry-after"])
    assert other.status_code == 200  # per tenant
    assert 'autoglm_rate_limited_total{tenant="acme"} 1.0' in metrics


async def test_kafka_unavailable_is_503(gw: Running) -> None:
    from autoglm.services.gateway.link import Unavailable

    async def refuse(*_: Any, **__: Any) -> None:
        raise Unavailable("Kafka did not take the record: KafkaTimeoutError")

    gw.link.publish = refuse  # type: ignore[method-assign]
    async with httpx.AsyncClient() as client:
        resp = await submit(client, gw)
    assert_problem(resp, 503, "unavailable")
    assert resp.headers["retry-after"] == "1"


# ------------------------------------------------------------------ events


async def read_events(resp: httpx.Response, stop_after: str | None = "result") -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    async for line in resp.aiter_lines():
        if line == "":
            if current:
                events.append(current)
                if current.get("event") == stop_after:
                    break
            current = {}
        elif line.startswith(":"):
            current.setdefault("comment", line)
        else:
            name, _, value = line.partition(": ")
            current[name] = value
    return events


async def test_events_stream_progress_then_result_and_resume_after_last_event_id(gw: Running) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        task_id = (await submit(client, gw)).json()["task_id"]
        gw.link.progress(task_id, "acme", 10, "plan", steps=[{"id": "s1", "status": "pending"}])
        gw.link.progress(task_id, "acme", 11, "step", steps=[{"id": "s1", "status": "running"}])
        url = f"{gw.url}/v1/tasks/{task_id}/events"
        async with client.stream("GET", url, headers=gw.auth()) as resp:
            assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/event-stream")
            loop = asyncio.get_running_loop()
            loop.call_later(0.1, lambda: gw.link.progress(task_id, "acme", 14, "tokens", step_id="s1", delta="6"))
            loop.call_later(0.2, lambda: gw.link.progress(task_id, "acme", 15, "tokens", step_id="s1", delta="0"))
            loop.call_later(0.3, gw.link.finish, task_id, "acme")
            events = [e for e in await read_events(resp) if "event" in e]
        assert [(e["event"], e["id"]) for e in events] == [
            ("plan", "10"), ("step", "11"), ("token", "14"), ("token", "15"), ("result", "result")]
        assert json.loads(events[-1]["data"])["answer"] == "60"
        # a client that saw up to id 11 gets exactly what came after it
        async with client.stream("GET", url, headers={**gw.auth(), "Last-Event-ID": "11"}) as resp:
            resumed = [(e["event"], e["id"]) for e in await read_events(resp) if "event" in e]
        assert resumed == [("token", "14"), ("token", "15"), ("result", "result")]
        async with client.stream("GET", f"{url}?last_event_id=15", headers=gw.auth()) as resp:
            assert [e["event"] for e in await read_events(resp) if "event" in e] == ["result"]
        after_result = await client.get(url, headers={**gw.auth(), "Last-Event-ID": "result"})
        assert after_result.status_code == 200 and "event:" not in after_result.text
        assert_problem(await client.get(url, headers={**gw.auth(), "Last-Event-ID": "x-1"}), 400, "bad-request")


async def test_idle_streams_get_heartbeats_and_a_disconnect_costs_nothing(gw: Running) -> None:
    app_gw = None
    async with httpx.AsyncClient(timeout=10) as client:
        task_id = (await submit(client, gw)).json()["task_id"]
        url = f"{gw.url}/v1/tasks/{task_id}/events"
        async with client.stream("GET", url, headers=gw.auth()) as resp:
            lines: list[str] = []
            async for line in resp.aiter_lines():
                lines.append(line)
                if lines.count(": ping") >= 2:
                    break
        metrics = (await client.get(f"{gw.url}/metrics")).text
        await asyncio.sleep(0.3)
        ready = (await client.get(f"{gw.url}/readyz")).json()
    assert ": ping" in lines
    app_gw = ready
    assert app_gw["watched_tasks"] == 0, "the disconnected stream still waits on its task"
    assert "autoglm_sse_streams" in metrics


# ------------------------------------------------------------------ trace, feedback, kb, sessions


async def test_trace_returns_the_tasks_spans_in_tree_order(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        doc = (await submit(client, gw)).json()
        trace_id = doc["trace_id"]
        spans_dir = gw.settings.span_dir
        spans_dir.mkdir(parents=True, exist_ok=True)
        lines = [
            {"trace_id": trace_id, "span_id": "b" * 16, "parent_span_id": "a" * 16, "name": "process autoglm.tasks",
             "service": "autoglm-parser", "start_ns": 2, "end_ns": 3, "status": "UNSET", "attributes": {}},
            {"trace_id": trace_id, "span_id": "a" * 16, "parent_span_id": None, "name": "POST /v1/tasks",
             "service": "autoglm-gateway", "start_ns": 1, "end_ns": 4, "status": "UNSET", "attributes": {}},
            {"trace_id": "f" * 32, "span_id": "c" * 16, "parent_span_id": None, "name": "other",
             "service": "autoglm-planner", "start_ns": 1, "end_ns": 2, "status": "UNSET", "attributes": {}},
        ]
        (spans_dir / "spans-test-1.jsonl").write_bytes(b"".join(orjson.dumps(s) + b"\n" for s in lines))
        trace = (await client.get(f"{gw.url}/v1/tasks/{doc['task_id']}/trace", headers=gw.auth())).json()
    assert trace["trace_id"] == trace_id
    assert [(s["name"], s["depth"]) for s in trace["spans"]] == [("POST /v1/tasks", 0), ("process autoglm.tasks", 1)]
    assert trace["services"] == ["gateway", "parser"]


async def test_feedback_is_published_stored_and_listed(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        task_id = (await submit(client, gw, session_id="s-fb")).json()["task_id"]
        gw.link.finish(task_id, "acme", answer="61")
        url = f"{gw.url}/v1/tasks/{task_id}/feedback"
        resp = await client.post(url, json={"score": -1, "comment": "off by one", "correction": "60"},
                                 headers=gw.auth())
        stars = await client.post(url, json={"score": 4, "scale": "stars"}, headers=gw.auth())
        bad = await client.post(url, json={"score": 3}, headers=gw.auth())
        listed = (await client.get(f"{gw.url}/v1/feedback?task_id={task_id}", headers=gw.auth())).json()
        other = (await client.get(f"{gw.url}/v1/feedback", headers=gw.auth("globex"))).json()
    assert resp.status_code == 202 and stars.status_code == 202
    assert_problem(bad, 422, "validation-failed")
    topic, event, key = gw.link.published[1]
    assert topic == FEEDBACK and key == "s-fb" and event.tenant == "acme"
    data = event.data
    assert (data.score, data.user, data.answer, data.correction.answer) == (-1, "alice", "61", "60")
    assert [f["score"] for f in listed["feedback"]] == [4, -1]
    assert listed["feedback"][1]["comment"] == "off by one" and listed["feedback"][1]["id"] == resp.json()["feedback_id"]
    assert other["feedback"] == []


async def test_kb_upload_goes_to_memory_in_the_callers_tenant(gw: Running) -> None:
    seen: list[tuple[Any, str]] = []

    def memory(request: Any, tenant: str, session_id: str) -> StepCompleted:
        seen.append((request, tenant))
        return StepCompleted(step_id=request.step_id, ok=True, service="memory",
                             output={"source": request.source, "chunks": 2, "added": 2, "unchanged": 0, "removed": 0})

    gw.link.memory = memory
    url = f"{gw.url}/v1/kb/documents"
    async with httpx.AsyncClient() as client:
        resp = await client.post(url, files={"file": ("handbook.md", b"# Reset\n\nUse the portal.", "text/markdown")},
                                 data={"tenant": "globex"}, headers=gw.auth())
        assert resp.status_code == 201, resp.text
        assert resp.json()["tenant"] == "acme" and resp.json()["chunks"] == 2
        request, tenant = seen[0]
        assert tenant == "acme" and request.operation == "kb_ingest" and request.filename == "handbook.md"
        assert request.source == "handbook.md"
        assert_problem(await client.post(url, json={"file": "x"}, headers=gw.auth()), 415, "unsupported-media-type")
        big = {"file": ("big.txt", b"x" * 600_000, "text/plain")}
        assert_problem(await client.post(url, files=big, headers=gw.auth()), 413, "payload-too-large")
        assert_problem(await client.post(url, files={"other": ("a.txt", b"x", "text/plain")}, headers=gw.auth()),
                       422, "validation-failed")
        gw.link.memory = lambda r, t, s: StepCompleted(step_id=r.step_id, ok=True, service="memory",
                                                       output={"error": "a.bin: binary content", "chunks": 0})
        assert_problem(await client.post(url, files={"file": ("a.bin", b"\x00\x01", "application/octet-stream")},
                                         headers=gw.auth()), 422, "validation-failed")
        gw.link.memory = lambda r, t, s: StepCompleted(step_id=r.step_id, ok=False, service="memory", error="boom")
        assert_problem(await client.post(url, files={"file": ("a.md", b"# A", "text/markdown")}, headers=gw.auth()),
                       503, "unavailable")


async def test_sessions_return_the_callers_own_turns(gw: Running) -> None:
    turns = [{"task_id": "t1", "user": "alice", "request": "hi", "answer": "hello"},
             {"task_id": "t2", "user": "bob", "request": "x", "answer": "y"}]
    asked: list[tuple[str, str]] = []

    def memory(request: Any, tenant: str, session_id: str) -> StepCompleted:
        asked.append((tenant, session_id))
        return StepCompleted(step_id=request.step_id, ok=True, service="memory", output={"turns": turns})

    gw.link.memory = memory
    async with httpx.AsyncClient() as client:
        doc = (await client.get(f"{gw.url}/v1/sessions/s-7", headers=gw.auth())).json()
        tenant_wide = (await client.get(f"{gw.url}/v1/sessions/s-7", headers=gw.auth("acme-service"))).json()
        gw.link.memory = lambda r, t, s: StepCompleted(step_id=r.step_id, ok=True, service="memory", output={"turns": []})
        assert_problem(await client.get(f"{gw.url}/v1/sessions/none", headers=gw.auth()), 404, "not-found")
        gw.link.memory = None
        gw.settings.gateway.request_timeout_seconds = 0.2
        assert_problem(await client.get(f"{gw.url}/v1/sessions/s-7", headers=gw.auth()), 504, "upstream-timeout")
    assert asked[0] == ("acme", "s-7")
    assert [t["task_id"] for t in doc["turns"]] == ["t1"]
    assert [t["task_id"] for t in tenant_wide["turns"]] == ["t1", "t2"]


# ------------------------------------------------------------------ pages, health, docs, settings


async def test_health_metrics_openapi_docs_and_console(gw: Running) -> None:
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{gw.url}/healthz")).json() == {"status": "alive"}
        assert (await client.get(f"{gw.url}/readyz")).json()["ready"] is True
        assert "autoglm_http_requests_total" in (await client.get(f"{gw.url}/metrics")).text
        spec = (await client.get(f"{gw.url}/openapi.json")).json()
        docs = (await client.get(f"{gw.url}/docs")).text
        bundle = await client.get(f"{gw.url}/docs/assets/swagger-ui-bundle.js")
        console = await client.get(f"{gw.url}/")
        me = (await client.get(f"{gw.url}/v1/me", headers=gw.auth())).json()
    assert {"/v1/tasks", "/v1/tasks/{task_id}", "/v1/tasks/{task_id}/events", "/v1/tasks/{task_id}/trace",
            "/v1/tasks/{task_id}/feedback", "/v1/kb/documents", "/v1/sessions/{session_id}"} <= set(spec["paths"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert "/docs/assets/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower() and "http" not in docs.split(
        "<body>")[-1].replace("http-equiv", "")
    assert bundle.status_code == 200 and len(bundle.content) > 500_000
    assert console.status_code == 200 and "text/html" in console.headers["content-type"]
    assert me == {"tenant": "acme", "user": "alice", "via": "jwt"}


def test_no_credentials_configured_refuses_to_start_unless_auth_is_explicitly_off(tmp_path: Path) -> None:
    from autoglm.services.gateway.config import GatewaySettings

    with pytest.raises(ConfigurationError, match="gateway.auth.disabled"):
        create_app(GatewaySettings(data_dir=tmp_path))
    create_app(GatewaySettings(data_dir=tmp_path, gateway={"auth": {"disabled": True}}))


async def test_auth_off_by_setting_serves_the_anonymous_tenant(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, auth={"disabled": True, "anonymous_tenant": "open"})
    async with running_gateway(settings) as gw, httpx.AsyncClient() as client:
        resp = await client.post(f"{gw.url}/v1/tasks", json={"text": "hi"})
    assert resp.status_code == 202
    assert gw.link.tasks()[0].tenant == "open"


async def test_a_restarted_gateway_still_answers_for_finished_tasks(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    async with running_gateway(settings) as gw, httpx.AsyncClient() as client:
        task_id = (await submit(client, gw)).json()["task_id"]
        data = gw.link.finish(task_id, "acme")
        token = gw.auth()
    async with running_gateway(settings) as gw, httpx.AsyncClient() as client:
        doc = (await client.get(f"{gw.url}/v1/tasks/{task_id}", headers=token)).json()
    assert doc["result"] == data


def test_the_listening_socket_is_tcp_so_responses_are_not_held_by_nagle() -> None:
    """asyncio sets TCP_NODELAY on accepted connections only for a socket whose proto is IPPROTO_TCP; with 0
    every small response waited ~40 ms for the client's delayed ACK (measured: 44 ms -> 0.3 ms)."""
    import socket

    from autoglm.services.gateway.main import bind

    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
