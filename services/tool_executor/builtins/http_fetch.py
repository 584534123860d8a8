"""http_get: a GET to an allowed host, connected to the checked address, with size and time limits."""

import zlib
from collections.abc import AsyncIterator
from typing import Annotated

import httpx
from pydantic import BaseModel, Field

from ..config import HttpConfig
from ..context import ToolError
from ..netguard import NetPolicy
from ..plugin import ToolDefinition, definition_from_function

REDIRECTS = {301, 302, 303, 307, 308}
_DROPPED_HEADERS = {
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "accept-encoding",
    "te",
    "upgrade",
}
_CREDENTIAL_HEADERS = {"authorization", "cookie", "proxy-authorization"}
_TEXTUAL = ("text/", "application/json", "application/xml", "application/javascript", "+json", "+xml")


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """The decoded body, refusing once it passes `limit` bytes; gzip/deflate are inflated incrementally."""
    encoding = response.headers.get("content-encoding", "identity").lower().strip()
    if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
        raise ToolError(f"unsupported content encoding {encoding!r}")
    inflater = None if encoding in ("identity", "") else zlib.decompressobj(47 if "gzip" in encoding else 15)
    out = bytearray()
    too_big = ToolError(f"response is larger than {limit} bytes; refused")
    chunks: AsyncIterator[bytes] = response.aiter_raw()
    async for chunk in chunks:
        if inflater is None:
            out += chunk
        else:
            data = chunk
            while data and len(out) <= limit:
                try:
                    out += inflater.decompress(data, limit - len(out) + 1)
                except zlib.error as exc:
                    raise ToolError(f"bad compressed body: {exc}") from None
                data = inflater.unconsumed_tail
        if len(out) > limit:
            raise too_big
    return bytes(out)


class HttpGetResult(BaseModel):
    url: str = Field(description="The URL asked for.")
    final_url: str = Field(description="The URL that answered, after redirects.")
    status: int
    content_type: str
    bytes: int
    text: str | None = Field(description="The body when textual; None for binary bodies.")
    redirects: int

    def tool_text(self) -> str:
        body = self.text if self.text is not None else f"<binary body, {self.bytes} bytes>"
        return f"HTTP {self.status} {self.final_url}\n{body}"


async def fetch(url: str, headers: dict[str, str], cfg: HttpConfig, policy: NetPolicy) -> HttpGetResult:
    """Follow up to `max_redirects` redirects, checking every hop against the policy."""
    sent = {k: v for k, v in headers.items() if k.lower() not in _DROPPED_HEADERS}
    sent.setdefault("User-Agent", cfg.user_agent)
    sent["Accept-Encoding"] = "gzip, deflate, identity;q=0.5"
    timeout = httpx.Timeout(cfg.read_timeout_s, connect=cfg.connect_timeout_s)
    current = url
    origin: tuple[str, str, int | None] | None = None
    # trust_env=False: a proxy from the environment would resolve names itself and void the pinning.
    async with httpx.AsyncClient(trust_env=False, follow_redirects=False, timeout=timeout) as client:
        for hop in range(cfg.max_redirects + 1):
            target = await policy.check(current)
            here = (target.url.scheme, target.url.host, target.url.port)
            if origin is not None and here != origin:
                sent = {k: v for k, v in sent.items() if k.lower() not in _CREDENTIAL_HEADERS}
            origin = here
            request = client.build_request(
                "GET",
                target.pinned_url,
                headers={**sent, "Host": target.host_header},
                extensions={"sni_hostname": target.url.host} if target.url.scheme == "https" else {},
            )
            try:
                response = await client.send(request, stream=True)
            except httpx.TimeoutException:
                raise ToolError(f"timed out fetching {target.url}", retryable=True) from None
            except httpx.TransportError as exc:
                raise ToolError(
                    f"could not fetch {target.url}: {type(exc).__name__}: {exc}", retryable=True
                ) from None
            try:
                if response.status_code in REDIRECTS and "location" in response.headers:
                    current = str(target.url.join(response.headers["location"]))
                    continue
                if response.status_code >= 500:
                    raise ToolError(f"{target.url} answered HTTP {response.status_code}", retryable=True)
                try:
                    body = await read_capped(response, cfg.max_response_bytes)
                except httpx.TimeoutException:
                    raise ToolError(f"timed out reading {target.url}", retryable=True) from None
            finally:
                await response.aclose()
            content_type = response.headers.get("content-type", "")
            textual = not content_type or any(t in content_type.lower() for t in _TEXTUAL)
            return HttpGetResult(
                url=url,
                final_url=str(target.url),
                status=response.status_code,
                content_type=content_type,
                bytes=len(body),
                text=body.decode(response.charset_encoding or "utf-8", errors="replace") if textual else None,
                redirects=hop,
            )
    raise ToolError(f"too many redirects (limit {cfg.max_redirects})")


def make_http_get(cfg: HttpConfig) -> ToolDefinition:
    policy = NetPolicy(cfg)

    async def http_get(
        url: Annotated[
            str, Field(min_length=1, max_length=4096, description="http(s) URL on an allowed host.")
        ],
        headers: Annotated[
            dict[str, str] | None, Field(description="Extra request headers.", max_length=32)
        ] = None,
    ) -> HttpGetResult:
        """Fetch a URL with GET from an allowed host and return status and body (size- and time-limited)."""
        return await fetch(url, headers or {}, cfg, policy)

    return definition_from_function(
        http_get,
        title="HTTP GET",
        read_only=True,
        idempotent=True,
        open_world=True,
        timeout_s=cfg.connect_timeout_s + cfg.read_timeout_s + 5,
    )


__all__ = ["fetch", "make_http_get", "read_capped"]
