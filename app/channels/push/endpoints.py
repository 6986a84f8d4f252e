"""Which web push endpoints workers may connect to (a guard against request forgery).

An API caller chooses a subscription's endpoint, and workers POST to it: left unchecked,
that is a way to make them call hosts inside the network. So an endpoint must be one of
the browsers' push services (HERALD_WEBPUSH_ALLOWED_HOSTS) in one strict, canonical form,
read with the parser the HTTP client connects with (requests, then urllib3), so that no
two parsers can disagree about the host. Only origins listed in
HERALD_WEBPUSH_PRIVATE_ORIGINS (the sandbox in development) may be an IP, another port or
a private address. When a worker opens a connection it resolves the host once, refuses it if any
address is not public, and connects to the addresses it checked (no second lookup a
rebinding DNS server could answer differently).
"""
import ipaddress
import re
import socket
from collections.abc import Collection

from requests import RequestException
from requests.adapters import HTTPAdapter
from requests.models import PreparedRequest
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    LocationParseError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.util import connection, parse_url

_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# A top-level domain starts with a letter, so no name that passes is an IPv4 address in
# any of the forms resolvers accept (2130706433, 0x7f.1, 017700000001, 127.1).
_TLD = re.compile(r"^[a-z][a-z0-9-]{0,61}[a-z0-9]$")
_PERCENT = re.compile(r"%[0-9a-f]{2}", re.IGNORECASE)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class ForbiddenAddress(Exception):
    """The push service's host resolved to an address workers must not connect to.

    Deliberately not an OSError: urllib3 and requests let it through unwrapped.
    """


def check_endpoint(endpoint: str, allowed_hosts: Collection[str],
                   private_origins: Collection[str]) -> str:
    """Return the endpoint's origin (the VAPID audience); raise ValueError saying why not.

    The hosts and origins are the settings as loaded: lowercase, origins without a slash.
    """
    if not endpoint.isascii() or not endpoint.isprintable() or " " in endpoint \
            or "\\" in endpoint:
        raise ValueError("contains whitespace, a backslash, a control or non-ASCII character")
    try:
        prepared = PreparedRequest()
        prepared.prepare_url(endpoint, None)
        parts = parse_url(prepared.url)
    except (RequestException, LocationParseError, ValueError) as exc:
        raise ValueError("not a URL the push client can send to") from exc
    # The client writes percent-escapes in upper case (WNS hands them out in lower case).
    if prepared.url != _PERCENT.sub(lambda m: m[0].upper(), endpoint) \
            or parts.fragment is not None:
        raise ValueError("not in canonical form (the push client would send to "
                         f"{prepared.url!r})")
    if parts.scheme != "https":
        raise ValueError("not an https URL")
    origin = f"https://{parts.netloc}"
    if parts.auth is None and origin in private_origins:
        return origin
    if parts.auth is not None:
        raise ValueError("has user info (user@ or user:password@)")
    if parts.port not in (None, 443):
        raise ValueError("has a port other than 443")
    _check_host_name(parts.host)
    if not host_allowed(parts.host, allowed_hosts):
        raise ValueError("not a known browser push service (see HERALD_WEBPUSH_ALLOWED_HOSTS)")
    return f"https://{parts.host}"


def _check_host_name(host: str) -> None:
    labels = host.split(".")
    if len(labels) < 2 or not all(_LABEL.match(label) for label in labels) \
            or not _TLD.match(labels[-1]):
        raise ValueError("the host is not a lowercase DNS name (IP addresses are refused)")


def host_allowed(host: str, allowed: Collection[str]) -> bool:
    """Whether the host is in `allowed` (lowercase; "*.x" = any subdomain of x)."""
    for pattern in allowed:
        if host == pattern or (pattern.startswith("*.") and host.endswith(pattern[1:])):
            return True
    return False


def public_address(address: str) -> bool:
    """Whether an IP address is globally routable unicast (also what it embeds, for IPv6)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if not ip.is_global or ip.is_multicast or ip.is_unspecified:
        return False
    if ip.version == 6:
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo or (None, None))[1]
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return public_address(str(embedded))
    return True


def public_addresses(host: str, port: int) -> list[str]:
    """Resolve the host once; return its addresses, or raise ForbiddenAddress if any is
    loopback, private, link-local, reserved, multicast or unspecified."""
    infos = socket.getaddrinfo(host, port, connection.allowed_gai_family(), socket.SOCK_STREAM)
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not public_address(address):
            raise ForbiddenAddress(f"{host} resolves to {address}, which is not a public "
                                   "address")
    return addresses


class _AddressGuard:
    """Connection mixin: connect only to checked public addresses of the host."""

    private: frozenset[tuple[str, int]] = frozenset()

    def _new_conn(self) -> socket.socket:
        if (self.host, self.port) in self.private:
            return super()._new_conn()
        try:
            addresses = public_addresses(self._dns_host, self.port)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc
        error: OSError | None = None
        for address in addresses:
            try:
                return connection.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
            except OSError as exc:  # try the next address, as urllib3 does
                error = exc
        if isinstance(error, TimeoutError):
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out. "
                                            f"(connect timeout={self.timeout})") from error
        raise NewConnectionError(self, f"Failed to establish a new connection: {error}")


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose connections go only to public addresses, or to the
    listed private origins; optionally with its own TLS context."""

    def __init__(self, private_origins: Collection[str], ssl_context=None, **kw):
        self._ssl_context = ssl_context
        self._pools = _guarded_pools(_host_ports(private_origins))
        super().__init__(**kw)

    def init_poolmanager(self, *args, **kwargs):
        if self._ssl_context is not None:
            kwargs["ssl_context"] = self._ssl_context
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = self._pools


def _host_ports(origins: Collection[str]) -> frozenset[tuple[str, int]]:
    pairs = set()
    for origin in origins:
        parts = parse_url(origin)
        if parts.host:
            pairs.add((parts.host.strip("[]"), parts.port or 443))
    return frozenset(pairs)


def _guarded_pools(private: frozenset[tuple[str, int]]) -> dict:
    """Pool classes whose connections carry the guard (urllib3 keys pools by fixed
    fields, so the setting rides on the classes rather than in the pool keywords)."""
    pools = {}
    for scheme, pool, conn in (("http", HTTPConnectionPool, HTTPConnection),
                               ("https", HTTPSConnectionPool, HTTPSConnection)):
        guarded = type(f"Guarded{conn.__name__}", (_AddressGuard, conn), {"private": private})
        pools[scheme] = type(f"Guarded{pool.__name__}", (pool,), {"ConnectionCls": guarded})
    return pools
