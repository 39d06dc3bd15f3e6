"""Which addresses a crawl may connect to: public ones, and the configured sources' own hosts.

A page can name any host (a feed link, a redirect, a meta refresh, a sitemap child, an address
spelled as `2130706434` or `[::ffff:127.0.0.2]`). Every connection Scrapy opens goes through the
reactor's name resolver, so the check lives there: the addresses a host resolves to are
filtered before Twisted connects to them, and a connection can only go to an address that
passed. The check is made on the address connected to, not on the name, so a name that
resolves to a public address once and to an internal one the next time (DNS rebinding) is
refused the second time.
"""
from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from twisted.internet.interfaces import IAddress, IHostnameResolver, IHostResolution, IResolutionReceiver
from w3lib.url import safe_url_string
from zope.interface import implementer, provider

GUARD_SETTING = "SPACEWATCH_ADDRESS_GUARD"
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def is_public(ip: IPAddress) -> bool:
    """A globally routable unicast address: not loopback, private, link-local, unique-local,
    shared, multicast, reserved or unspecified (IPv4 inside IPv6 is judged as IPv4)."""
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return is_public(embedded)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_unspecified)


def url_host(url: str) -> str:
    """The host of `url` as the downloader names it (lower case, IDNA, no brackets)."""
    return (urlsplit(safe_url_string(url)).hostname or "").lower()


@dataclass
class AddressGuard:
    """The rule, and the hosts it refused in this crawl (for the failure message)."""

    allowed_hosts: frozenset[str] = frozenset()
    allow_private: bool = False
    refused: dict[str, str] = field(default_factory=dict)  # host -> the address it resolved to

    @classmethod
    def for_sources(cls, urls: Iterable[str], allow_private: bool) -> "AddressGuard":
        return cls(frozenset(url_host(url) for url in urls), allow_private)

    def allows(self, host: str, address: str) -> bool:
        if self.allow_private or host.lower() in self.allowed_hosts:
            return True
        try:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
        except ValueError:
            return False
        return is_public(ip)

    def refusal(self, host: str) -> str | None:
        """Why connections to `host` were refused, or None if they were not."""
        address = self.refused.get(host.lower())
        if address is None:
            return None
        return (f"refused: {host} is {address}, not a public address (only a configured source's own "
                "host may be internal, or set [crawl] allow_private = true)")


@implementer(IHostnameResolver)
class GuardedResolver:
    """The reactor's resolver, passing on only the addresses the guard allows.

    Scrapy builds it from `TWISTED_DNS_RESOLVER`; the guard comes from the crawl's settings.
    """

    def __init__(self, reactor, guard: AddressGuard) -> None:
        self.reactor, self.guard = reactor, guard
        self.original = reactor.nameResolver

    @classmethod
    def from_crawler(cls, crawler, reactor) -> "GuardedResolver":
        guard = crawler.settings.get(GUARD_SETTING)
        return cls(reactor, guard if guard is not None else AddressGuard())

    def install_on_reactor(self) -> None:
        self.reactor.installNameResolver(self)

    def resolveHostName(self, resolutionReceiver: IResolutionReceiver, hostName: str,  # noqa: N802, N803
                        portNumber: int = 0, addressTypes: Sequence[type[IAddress]] | None = None,  # noqa: N803
                        transportSemantics: str = "TCP") -> IHostResolution:  # noqa: N803
        receiver = _FilteringReceiver(resolutionReceiver, hostName, self.guard)
        return self.original.resolveHostName(receiver, hostName, portNumber, addressTypes, transportSemantics)


@provider(IResolutionReceiver)
class _FilteringReceiver:
    def __init__(self, receiver: IResolutionReceiver, host: str, guard: AddressGuard) -> None:
        self.receiver, self.host, self.guard = receiver, host, guard

    def resolutionBegan(self, resolution: IHostResolution) -> None:  # noqa: N802
        self.receiver.resolutionBegan(resolution)

    def addressResolved(self, address: IAddress) -> None:  # noqa: N802
        if self.guard.allows(self.host, address.host):
            self.receiver.addressResolved(address)
        else:
            self.guard.refused.setdefault(self.host.lower(), address.host)

    def resolutionComplete(self) -> None:  # noqa: N802
        self.receiver.resolutionComplete()
