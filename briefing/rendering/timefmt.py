"""How times are shown to readers: in the briefing's timezone, labelled with it."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_valid_timezone(name: str) -> bool:
    if not name or name not in _known_timezones():
        return False
    try:
        zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


@lru_cache(maxsize=1)
def _known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_label(name: str) -> str:
    """'Europe/Kyiv' → 'Kyiv time'; 'UTC' → 'UTC'."""
    if name in ("UTC", "Etc/UTC", "GMT"):
        return "UTC"
    return name.rsplit("/", 1)[-1].replace("_", " ") + " time"


def local(moment: datetime, tz: str) -> datetime:
    return moment.astimezone(zone(tz))


def clock(moment: datetime, tz: str) -> str:
    """'14:32'"""
    return local(moment, tz).strftime("%H:%M")


def clock_with_zone(moment: datetime, tz: str) -> str:
    """'14:32 Kyiv time'"""
    return f"{clock(moment, tz)} {zone_label(tz)}"


def day(moment: datetime, tz: str) -> str:
    """'26 November 2026'"""
    value = local(moment, tz)
    return f"{value.day} {value.strftime('%B %Y')}"


def iso(moment: datetime, tz: str | None = None) -> str:
    """ISO 8601 with offset, in the given zone (UTC by default)."""
    value = local(moment, tz) if tz else moment
    return value.isoformat(timespec="seconds")
