"""Tell a person's open or click from a machine's, and say why (the reason stored).

Per hit: HEAD requests, prefetches, the hidden honeypot link, Apple Mail Privacy
Protection, link scanners (user agent or network), hits too soon after the send. Per
message: every link of it clicked within one second, whichever drains brought the clicks.
Gmail's image proxy fetches only when a person opens the mail: that open is a person's.
"""
import ipaddress
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path

DATA = Path(__file__).parent / "data" / "machines.json"
ALL_LINKS_SECONDS = 1.0  # every link of a message clicked within this: a scanner's


@dataclass(frozen=True)
class Known:
    apple_agents: frozenset
    apple_networks: tuple
    human_agents: tuple
    scanner_agents: tuple
    scanner_networks: tuple


@cache
def known() -> Known:
    raw = json.loads(DATA.read_text())
    nets = [ipaddress.ip_network(n) for n in raw["apple_mpp"]["networks"]]
    return Known(frozenset(raw["apple_mpp"]["user_agents"]), tuple(nets),
                 tuple(raw["human_agents"]), tuple(raw["scanner_agents"]),
                 tuple(ipaddress.ip_network(n) for n in raw["scanner_networks"]))


def _in(ip: str | None, networks: tuple) -> bool:
    try:
        address = ipaddress.ip_address(ip or "")
    except ValueError:
        return False
    return any(address in net for net in networks)


@dataclass(frozen=True)
class Hit:
    """One open or click as the endpoint saw it."""

    kind: str  # opened | clicked
    at: datetime
    method: str = "GET"
    prefetch: bool = False
    honeypot: bool = False
    ip: str | None = None
    user_agent: str = ""


def agent_reason(hit: Hit) -> str | None:
    """Why the request itself shows a machine (None: it looks like a person)."""
    ua, data = hit.user_agent.strip(), known()
    if hit.method == "HEAD":
        return "head"
    if hit.prefetch:
        return "prefetch"
    if hit.honeypot:
        return "honeypot"
    lowered = ua.lower()
    if any(agent in lowered for agent in data.human_agents):
        return None
    if ua in data.apple_agents or (hit.kind == "opened" and _in(hit.ip, data.apple_networks)):
        return "apple_mpp"
    if any(agent in lowered for agent in data.scanner_agents):
        return "scanner_agent"
    if _in(hit.ip, data.scanner_networks):
        return "scanner_network"
    return None


def reason(hit: Hit, sent_at: datetime | None, min_seconds: int) -> str | None:
    """Why a hit is a machine's, or None for a person's."""
    found = agent_reason(hit)
    if found:
        return found
    if min_seconds and (sent_at is None or (hit.at - sent_at).total_seconds() < min_seconds):
        return "too_fast"
    return None


def all_links_at_once(clicks: list[tuple[str, float, int, int]],
                      window: float = ALL_LINKS_SECONDS) -> set[int]:
    """Indexes of clicks where a message had every one of its links (two or more) clicked
    within `window` seconds of each other, wherever the seconds begin; clicks are
    (notification id, unix time, link id, links in message). Linear in the clicks after
    the sort, however many one message gets."""
    by_message: dict[str, list[int]] = {}
    for index, click in enumerate(clicks):
        by_message.setdefault(click[0], []).append(index)
    out: set[int] = set()
    for members in by_message.values():
        total = max(clicks[i][3] for i in members)
        if total >= 2:
            out.update(_windows_with_every_link(clicks, members, total, window))
    return out


def _windows_with_every_link(clicks, members, total, window) -> list[int]:
    """Two pointers over one message's clicks in time order: the window ending at each
    click holds every link, or it does not."""
    members = sorted(members, key=lambda i: clicks[i][1])
    seen: dict[int, int] = {}  # link id -> clicks of it in the window
    start = 0
    marked_to = -1  # members[..marked_to] are already out
    out = []
    for end, index in enumerate(members):
        link = clicks[index][2]
        seen[link] = seen.get(link, 0) + 1
        while clicks[index][1] - clicks[members[start]][1] > window:
            gone = clicks[members[start]][2]
            seen[gone] -= 1
            if not seen[gone]:
                del seen[gone]
            start += 1
        if len(seen) >= total:
            out.extend(members[max(start, marked_to + 1):end + 1])
            marked_to = end
    return out
