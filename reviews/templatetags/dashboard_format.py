"""How the dashboard writes percentages, durations and times; shared with the alert e-mails."""
from __future__ import annotations

from datetime import datetime, timedelta

from django import template

register = template.Library()

NONE = "—"


@register.filter
def percent(value: float | None) -> str:
    """0.3333 → "33.3%"; None (nothing to divide by) → "—"."""
    return NONE if value is None else f"{value * 100:.1f}%"


@register.filter
def duration(value: timedelta | None) -> str:
    """A short span in words: "45 s", "4 min 30 s", "6 min", "1 h 30 min", "2 d 3 h"."""
    if value is None:
        return NONE
    seconds = round(abs(value.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    mins, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {mins} min" if mins else f"{hours} h"
    if mins:
        return f"{mins} min {secs} s" if secs else f"{mins} min"
    return f"{secs} s"


@register.simple_tag
def relative(moment: datetime | None, now: datetime) -> str:
    """"in 1 h 30 min", "1 h ago" or "now", from `now`."""
    if moment is None:
        return NONE
    delta = moment - now
    if abs(delta) < timedelta(minutes=1):
        return "now"
    return f"in {duration(delta)}" if delta > timedelta() else f"{duration(delta)} ago"


@register.filter
def per_hour(value: float | None) -> str:
    return NONE if value is None else f"{value:.1f}"
