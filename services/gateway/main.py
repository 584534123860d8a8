"""HTTP gateway: the REST API, live events and the web console, talking to the services only over Kafka.

``create_app()`` wires settings, credentials, the store, the Kafka link and the routes; ``main()`` serves
it with uvicorn on ``gateway.host:gateway.port`` and writes the bound port where the stack supervisor
looks (``AUTOGLM_HEALTH_PORT_FILE``): the API port is also the health port.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib.resources
import logging
import os
import socket
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from autoglm.shared import telemetry
from autoglm.shared.app import configure_logging

from . import metrics, routes
from .auth import Authenticator
from .config import GatewaySettings
from .context import Gateway, Link
from .link import KafkaLink, Unavailable
from .problems import Problem, describe, problem_response
from .ratelimit import RateLimiter
from .store import TaskStore
from .streams import Notifier
from .traces import SpanIndex

log = logging.getLogger("autoglm.gateway")
CONSOLE = Path(__file__).with_name("console")
CONSOLE_FILES = {"app.js": "text/javascript", "app.css": "text/css", "favicon.svg": "image/svg+xml"}
DOCS_ASSETS = {"swagger-ui-bundle.js": "text/javascript", "swagger-ui.css": "text/css"}

LinkFactory = Callable[[GatewaySettings, TaskStore, Notifier], Link]


def kafka_link(settings: GatewaySettings, store: TaskStore, notifier: Notifier) -> Link:
    return KafkaLink(
        settings, store, notifier, retention_seconds=settings.gateway.store.retention_hours * 3600,
        on_batch=metrics.RECORDS_READ.inc,
    )


class Metrics:
    """Request count and latency per route template (pure ASGI: no per-request objects of its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                route = scope.get("route")
                template = getattr(route, "path", None) or "unmatched"
                metrics.HTTP_LATENCY.labels(scope["method"], template).observe(time.perf_counter() - started)
                metrics.HTTP_REQUESTS.labels(scope["method"], template, str(status[0])).inc()
            await send(message)

        await self.app(scope, receive, sending)


def create_app(settings: GatewaySettings | None = None, *, link_factory: LinkFactory = kafka_link) -> FastAPI:
    settings = settings or GatewaySettings()
    cfg = settings.gateway
    auth = Authenticator(cfg.auth)  # refuses to start without credentials unless auth is explicitly off
    if cfg.auth.disabled:
        log.warning("authentication is OFF (gateway.auth.disabled): every caller is tenant %r",
                    cfg.auth.anonymous_tenant)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gc_before = gc.get_threshold()
        gc.set_threshold(*settings.gc_thresholds)
        tracer_provider = telemetry.setup_tracing("gateway", settings)
        store = TaskStore(settings.store_path, max_events_per_task=cfg.store.max_events_per_task)
        notifier = Notifier()
        link = link_factory(settings, store, notifier)
        gw = Gateway(
            settings=settings, store=store, notifier=notifier, link=link, auth=auth,
            limiter=RateLimiter(cfg.rate_limit), spans=SpanIndex(settings.span_dir),
            tracer=tracer_provider.get_tracer("autoglm.gateway"),
        )
        app.state.gateway = gw
        pruner: asyncio.Task[None] | None = None
        try:
            await link.start()
            pruner = asyncio.create_task(_prune_forever(gw))
            yield
        finally:
            notifier.close()
            if pruner is not None:
                pruner.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await pruner
            await link.stop()
            store.close()
            tracer_provider.shutdown()
            gc.set_threshold(*gc_before)

    app = FastAPI(
        title="Open-AutoGLM gateway",
        version="1",
        summary="Submit natural-language tasks, follow them live, read their results, traces and feedback.",
        description="Every error is an RFC 9457 `application/problem+json` document. Authenticate with "
        "`Authorization: Bearer <JWT or API key>`; the tenant and user come from the credential.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.add_middleware(Metrics)
    app.include_router(routes.router)
    _install_problems(app)
    _install_pages(app)
    return app


async def _prune_forever(gw: Gateway) -> None:
    store_cfg = gw.cfg.store
    while True:
        try:
            gone = gw.store.prune(retention_seconds=store_cfg.retention_hours * 3600, max_tasks=store_cfg.max_tasks)
            if gone:
                log.info("pruned %d tasks from the store", gone)
            metrics.STORE_TASKS.set(gw.store.counts()["tasks"])
        except Exception:  # retention must never take the gateway down
            log.exception("store pruning failed")
        await asyncio.sleep(store_cfg.prune_interval_seconds)


def _install_problems(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> Response:
        return problem_response(exc, request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "bad-request")
        headers = dict(exc.headers or {})
        return problem_response(Problem(slug, str(exc.detail), headers=headers), request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"location": [str(p) for p in e["loc"]], "message": e["msg"]} for e in exc.errors()[:20]]
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            return problem_response(Problem("malformed-json", "the body is not valid JSON"), request.url.path)
        problem = Problem("validation-failed", f"{len(errors)} parameter(s) are missing or invalid",
                          extra={"errors": errors})
        return problem_response(problem, request.url.path)

    @app.exception_handler(Unavailable)
    async def _unavailable(request: Request, exc: Unavailable) -> Response:
        return problem_response(Problem("unavailable", str(exc)[:300], headers={"Retry-After": "1"}), request.url.path)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return problem_response(Problem("internal", f"{type(exc).__name__}"), request.url.path)


def _install_pages(app: FastAPI) -> None:
    docs_dir = importlib.resources.files("fastapi_offline") / "static"

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> Response:
        return Response(b'{"status":"alive"}', media_type="application/json")

    @app.get("/readyz", include_in_schema=False)
    async def readyz(request: Request) -> Response:
        gw: Gateway = request.app.state.gateway
        ready = gw.link.ready and not gw.notifier.closing
        body = {"service": "gateway", "ready": ready, "watched_tasks": gw.notifier.watched}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", include_in_schema=False)
    async def prometheus() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    @app.get("/problems/{slug}", include_in_schema=False)
    async def problem_type(slug: str) -> Response:
        doc = describe(slug)
        if doc is None:
            raise Problem("not-found", f"no problem type {slug[:40]!r}")
        return Response(orjson.dumps(doc), media_type="application/json")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json", title="Open-AutoGLM gateway — API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js", swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/console/favicon.svg",
        )

    @app.get("/docs/assets/{name}", include_in_schema=False)
    async def docs_asset(name: str) -> Response:
        if name not in DOCS_ASSETS:
            raise Problem("not-found", f"no asset {name[:60]!r}")
        return Response((docs_dir / name).read_bytes(), media_type=DOCS_ASSETS[name],
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/", include_in_schema=False)
    async def console() -> FileResponse:
        return FileResponse(CONSOLE / "index.html", media_type="text/html", headers={"Cache-Control": "no-cache"})

    @app.get("/console/{name}", include_in_schema=False)
    async def console_asset(name: str) -> FileResponse:
        if name not in CONSOLE_FILES:
            raise Problem("not-found", f"no asset {name[:60]!r}")
        return FileResponse(CONSOLE / name, media_type=CONSOLE_FILES[name], headers={"Cache-Control": "no-cache"})


def bind(host: str, port: int) -> socket.socket:
    """The listening socket, bound before uvicorn starts so a port of 0 is known (and written) at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named explicitly: asyncio sets TCP_NODELAY on accepted connections only when the socket
    # says it is TCP, and with proto 0 every response waited ~40 ms for the client's delayed ACK (Nagle).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.setblocking(False)
    return sock


class GatewayServer(uvicorn.Server):
    """uvicorn's server, ending the event streams first on shutdown: uvicorn waits for open connections
    before the app's lifespan ends, and a stream would otherwise hold it for the whole grace period
    (its client reconnects to another replica with Last-Event-ID)."""

    def __init__(self, config: uvicorn.Config, app: FastAPI) -> None:
        super().__init__(config)
        self.gateway_app = app

    async def shutdown(self, sockets: Any = None) -> None:
        gw = getattr(self.gateway_app.state, "gateway", None)
        if gw is not None:
            gw.notifier.close()
        await super().shutdown(sockets)


async def serve(settings: GatewaySettings | None = None, **kwargs: Any) -> None:
    settings = settings or GatewaySettings()
    app = create_app(settings, **kwargs)
    sock = bind(settings.gateway.host, settings.gateway.port)
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5,
        http="httptools", loop="asyncio", backlog=2048, timeout_keep_alive=30,
    )
    server = GatewayServer(config, app)

    async def announce() -> None:
        while not server.started:
            await asyncio.sleep(0.02)
        port_file = os.environ.get("AUTOGLM_HEALTH_PORT_FILE")
        if port_file:
            Path(port_file).write_text(str(port))
        log.info("gateway listening on http://%s:%d", settings.gateway.host, port)

    announcer = asyncio.create_task(announce())
    try:
        await server.serve(sockets=[sock])
    finally:
        announcer.cancel()


def main() -> None:
    configure_logging()
    asyncio.run(serve())


if __name__ == "__main__":
    main()
