"""Outbound-request policy for http_get: which URLs may be fetched, judged on resolved addresses.

A URL passes when its scheme is allowed, its host matches `allowed_hosts`, and the address it
resolves to is public, or is non-public but listed in `private_allowlist`. The caller then connects
to exactly that checked address (DNS is not asked twice), so a name that re-resolves elsewhere
(DNS rebinding) can't redirect the connection. IP literals are parsed the way `inet_aton` reads them,
so `2130706433`, `0x7f000001`, `0177.0.0.1` and `127.1` are all 127.0.0.1; IPv4-mapped, NAT64, 6to4
and Teredo IPv6 forms are judged on the IPv4 address inside.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

from .config import HttpConfig
from .context import ToolError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_EXTRA_BLOCKED = [
    ipaddress.ip_network(n)
    for n in ("0.0.0.0/8", "100.64.0.0/10", "192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4", "fec0::/10")
]


def parse_ip_literal(host: str) -> IPAddress | None:
    """The address `host` denotes if it is an IP literal in any form a resolver accepts, else None."""
    host = host.strip().rstrip(".")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return None
    parts = host.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers: list[int] = []
    for part in parts:
        try:
            if part.lower().startswith("0x"):
                numbers.append(int(part[2:] or "0", 16))
            elif len(part) > 1 and part.startswith("0"):
                numbers.append(int(part, 8))
            else:
                numbers.append(int(part, 10))
        except ValueError:
            return None
    *head, last = numbers
    if any(n > 255 for n in head) or last >= 256 ** (4 - len(head)):
        return None
    value = 0
    for n in head:
        value = value * 256 + n
    value = value * 256 ** (4 - len(head)) + last
    return ipaddress.IPv4Address(value)


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4, Teredo client), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    return None


def is_public(ip: IPAddress) -> bool:
    """Whether `ip` is a globally routable unicast address (not loopback, private, link-local, metadata...)."""
    inner = embedded_ipv4(ip)
    if inner is not None and not is_public(inner):
        return False
    if (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    ):
        return False
    return not any(ip.version == net.version and ip in net for net in _EXTRA_BLOCKED)


@dataclass(frozen=True)
class _PrivateEntry:
    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    port: int | None

    @classmethod
    def parse(cls, text: str) -> _PrivateEntry:
        text = text.strip()
        port: int | None = None
        if text.startswith("["):
            addr, _, rest = text[1:].partition("]")
            port = int(rest[1:]) if rest.startswith(":") else None
        elif text.count(":") == 1:
            addr, _, p = text.partition(":")
            port = int(p)
        else:
            addr = text
        return cls(ipaddress.ip_network(addr, strict=False), port)

    def allows(self, ip: IPAddress, port: int) -> bool:
        return ip.version == self.network.version and ip in self.network and self.port in (None, port)


@dataclass(frozen=True)
class Target:
    """A checked URL and the address to connect to."""

    url: httpx.URL
    ip: IPAddress

    @property
    def pinned_url(self) -> httpx.URL:
        """The URL with its host replaced by the checked address."""
        return self.url.copy_with(host=str(self.ip))

    @property
    def host_header(self) -> str:
        default = {"http": 80, "https": 443}.get(self.url.scheme)
        host = self.url.raw_host.decode("ascii")
        if ":" in host:
            host = f"[{host}]"
        return host if self.url.port in (None, default) else f"{host}:{self.url.port}"


class NetPolicy:
    """The http_get rules from :class:`HttpConfig`."""

    def __init__(self, cfg: HttpConfig) -> None:
        self.cfg = cfg
        self._private = [_PrivateEntry.parse(e) for e in cfg.private_allowlist]
        self._schemes = {s.lower() for s in cfg.allowed_schemes}

    def _host_allowed(self, host: str, port: int) -> bool:
        for pattern in self.cfg.allowed_hosts:
            pattern = pattern.lower().strip()
            pat_host, _, pat_port = pattern.rpartition(":") if pattern.count(":") == 1 else (pattern, "", "")
            if pat_port and int(pat_port) != port:
                continue
            if pat_host == "*" or pat_host == host:
                return True
            if pat_host.startswith("*.") and host.endswith(pat_host[1:]):
                return True
        return False

    def address_allowed(self, ip: IPAddress, port: int) -> bool:
        return is_public(ip) or any(entry.allows(ip, port) for entry in self._private)

    async def check(self, raw_url: str | httpx.URL) -> Target:
        """Validate a URL and pick the address to connect to; raises ToolError with the reason."""
        try:
            url = httpx.URL(raw_url)
        except (httpx.InvalidURL, TypeError, ValueError) as exc:
            raise ToolError(f"invalid URL: {exc}") from None
        if url.scheme.lower() not in self._schemes:
            raise ToolError(
                f"scheme {url.scheme or '(none)'!r} is not allowed; allowed: {', '.join(sorted(self._schemes))}"
            )
        if url.userinfo:
            raise ToolError("URLs with credentials (user:password@) are not allowed")
        host = url.host.lower().rstrip(".")
        if not host:
            raise ToolError("URL has no host")
        port = url.port or (443 if url.scheme == "https" else 80)
        literal = parse_ip_literal(host)
        if not self._host_allowed(host, port) and not (literal and self._host_allowed(str(literal), port)):
            raise ToolError(f"host {host!r} is not in the allowed hosts")
        if literal is not None:
            candidates: list[IPAddress] = [literal]
        else:
            candidates = await _resolve(host, port)
        for ip in candidates:
            if self.address_allowed(ip, port):
                return Target(url=url, ip=ip)
        shown = ", ".join(str(ip) for ip in candidates[:4])
        raise ToolError(
            f"refused: {host} resolves to a non-public address ({shown}): loopback, private, link-local, "
            "metadata, multicast and reserved addresses are blocked unless allowlisted"
        )


async def _resolve(host: str, port: int) -> list[IPAddress]:
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise ToolError(f"could not resolve {host}: {exc}", retryable=True) from None
    seen: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in seen:
            seen.append(ip)
    if not seen:
        raise ToolError(f"could not resolve {host}")
    return seen
