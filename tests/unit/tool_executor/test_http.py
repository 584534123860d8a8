"""http_get: allowed fetches work; SSRF variants, redirects to loopback and oversized bodies are refused."""

import gzip
import ipaddress
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from autoglm.services.tool_executor import netguard
from autoglm.services.tool_executor.builtins.http_fetch import make_http_get
from autoglm.services.tool_executor.config import HttpConfig, ToolsConfig
from autoglm.services.tool_executor.context import ToolContext
from autoglm.services.tool_executor.netguard import is_public, parse_ip_literal
from autoglm.services.tool_executor.registry import ToolRegistry

CTX = ToolContext()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/hello":
            self._reply(200, f"hello via {self.headers['Host']}".encode(), {"Content-Type": "text/plain"})
        elif url.path == "/redirect":
            self._reply(302, b"", {"Location": q["to"]})
        elif url.path == "/big":
            self._reply(200, b"x" * 3_000_000, {"Content-Type": "text/plain"})
        elif url.path == "/bomb":
            self._reply(
                200,
                gzip.compress(b"0" * 20_000_000),
                {"Content-Type": "text/plain", "Content-Encoding": "gzip"},
            )
        elif url.path == "/gz":
            self._reply(
                200,
                gzip.compress(b"small and zipped"),
                {"Content-Type": "text/plain", "Content-Encoding": "gzip"},
            )
        elif url.path == "/fail":
            self._reply(503, b"down")
        else:
            self._reply(404, b"missing", {"Content-Type": "text/plain"})


@contextmanager
def server() -> Iterator[int]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


@pytest.fixture
def port() -> Iterator[int]:
    with server() as p:
        yield p


def registry(**http: object) -> ToolRegistry:
    reg = ToolRegistry(ToolsConfig(plugins_enabled=False, retry_backoff_s=0.0, default_retries=0))
    reg.add(make_http_get(HttpConfig(**http)))  # type: ignore[arg-type]
    return reg


async def get(reg: ToolRegistry, url: str, **extra: object):
    return await reg.call("http_get", {"url": url, **extra}, CTX)


async def test_allowlisted_local_server(port: int) -> None:
    reg = registry(private_allowlist=[f"127.0.0.1:{port}"])
    result = await get(reg, f"http://127.0.0.1:{port}/hello")
    assert not result.isError, result.text
    assert result.structuredContent["status"] == 200  # type: ignore[index]
    assert result.structuredContent["text"] == f"hello via 127.0.0.1:{port}"  # type: ignore[index]
    missing = await get(reg, f"http://127.0.0.1:{port}/nothing")
    assert not missing.isError and missing.structuredContent["status"] == 404  # type: ignore[index]
    zipped = await get(reg, f"http://127.0.0.1:{port}/gz")
    assert zipped.structuredContent["text"] == "small and zipped"  # type: ignore[index]


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "127.1",
        "0x7f.0.0.1",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "0.0.0.0",
        "[::]",
        "169.254.169.254",
        "10.0.0.1",
        "192.168.1.1",
        "172.16.0.1",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "[fe80::1]",
        "[fd00:ec2::254]",
        "[64:ff9b::7f00:1]",
        "[2002:7f00:1::]",
    ],
)
async def test_non_public_addresses_refused(host: str) -> None:
    result = await get(registry(), f"http://{host}:8080/hello")
    assert result.isError
    assert any(w in result.text for w in ("refused", "not in the allowed hosts", "invalid URL")), result.text


async def test_allowlist_entry_is_port_specific(port: int) -> None:
    result = await get(
        registry(private_allowlist=[f"127.0.0.1:{port + 1}"]), f"http://127.0.0.1:{port}/hello"
    )
    assert result.isError and "non-public" in result.text


async def test_dns_name_resolving_to_loopback_refused(port: int, monkeypatch: pytest.MonkeyPatch) -> None:
    async def rebinding(host: str, p: int) -> list:
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(netguard, "_resolve", rebinding)
    result = await get(registry(), f"http://innocent.example:{port}/hello")
    assert result.isError and "innocent.example resolves to a non-public address (127.0.0.1)" in result.text


async def test_connection_is_pinned_to_the_checked_address(
    port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def resolve(host: str, p: int) -> list:
        return [ipaddress.ip_address("127.0.0.1")]

    monkeypatch.setattr(netguard, "_resolve", resolve)
    reg = registry(allowed_hosts=["pinned.test"], private_allowlist=[f"127.0.0.1:{port}"])
    result = await get(reg, f"http://pinned.test:{port}/hello")
    assert not result.isError, result.text
    # Connected to the checked IP while the Host header keeps the name: no second DNS lookup happened.
    assert result.structuredContent["text"] == f"hello via pinned.test:{port}"  # type: ignore[index]


async def test_redirect_to_other_loopback_port_refused(port: int) -> None:
    with server() as other:
        reg = registry(private_allowlist=[f"127.0.0.1:{port}"])
        result = await get(reg, f"http://127.0.0.1:{port}/redirect?to=http://127.0.0.1:{other}/hello")
        assert result.isError and "non-public" in result.text
        to_metadata = await get(
            reg, f"http://127.0.0.1:{port}/redirect?to=http://169.254.169.254/latest/meta-data/"
        )
        assert to_metadata.isError
        same = await get(reg, f"http://127.0.0.1:{port}/redirect?to=/hello")
        assert not same.isError and same.structuredContent["redirects"] == 1  # type: ignore[index]


async def test_redirect_loop_capped(port: int) -> None:
    reg = registry(private_allowlist=[f"127.0.0.1:{port}"], max_redirects=2)
    loop = f"http://127.0.0.1:{port}/redirect?to=/redirect%3Fto%3D/redirect%253Fto%253D/hello"
    result = await get(reg, loop)
    assert result.isError and "too many redirects" in result.text


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme 'file'"),
        ("gopher://127.0.0.1:70/", "scheme 'gopher'"),
        ("ftp://example.com/", "scheme 'ftp'"),
        ("http://user:pw@example.com/", "credentials"),
        ("not a url", "scheme"),
    ],
)
async def test_bad_urls_refused(url: str, reason: str) -> None:
    result = await get(registry(), url)
    assert result.isError and reason in result.text


async def test_host_allowlist() -> None:
    result = await get(registry(allowed_hosts=["*.example.org"]), "http://example.com/")
    assert result.isError and "not in the allowed hosts" in result.text


async def test_body_size_capped_while_reading(port: int) -> None:
    reg = registry(private_allowlist=[f"127.0.0.1:{port}"], max_response_bytes=1_000_000)
    big = await get(reg, f"http://127.0.0.1:{port}/big")
    assert big.isError and "larger than 1000000 bytes" in big.text
    bomb = await get(reg, f"http://127.0.0.1:{port}/bomb")
    assert bomb.isError and "larger than 1000000 bytes" in bomb.text


async def test_server_error_is_an_error(port: int) -> None:
    result = await get(registry(private_allowlist=[f"127.0.0.1:{port}"]), f"http://127.0.0.1:{port}/fail")
    assert result.isError and "HTTP 503" in result.text


def test_ip_literal_forms() -> None:
    for form in ("2130706433", "0x7f000001", "0177.0.0.1", "127.1", "127.0.1", "0x7F.0.0.1"):
        assert parse_ip_literal(form) == ipaddress.ip_address("127.0.0.1"), form
    assert parse_ip_literal("example.com") is None
    assert parse_ip_literal("1.2.3.4.5") is None
    assert parse_ip_literal("256.1.1.1") is None
    assert is_public(ipaddress.ip_address("93.184.216.34"))
    assert is_public(ipaddress.ip_address("2606:4700::1111"))
    assert not is_public(ipaddress.ip_address("::ffff:10.0.0.1"))
