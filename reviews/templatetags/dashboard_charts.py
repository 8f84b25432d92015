"""Inline SVG charts for the dashboard: geometry here, markup in templates/reviews/dashboard_chart_*.html."""
from __future__ import annotations

import math

from django import template
from django.utils import timezone

from .dashboard_format import percent

register = template.Library()


def nice_ticks(maximum: float, most: int = 5) -> list[int]:
    """0 and round steps (1, 2, 5 × 10^k) up to at least `maximum`, at most `most` + 1 ticks."""
    maximum = max(maximum, 1)
    magnitude = 10 ** math.floor(math.log10(maximum))
    for factor in (0.1, 0.2, 0.5, 1, 2, 5, 10):
        step = max(1, int(magnitude * factor))
        if math.ceil(maximum / step) <= most:
            break
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


@register.inclusion_tag("reviews/dashboard_chart_throughput.html")
def throughput_chart(hours: list[dict]):
    """Two bars per hour (processed, reviewed), a day line at each midnight."""
    width, height = 1180, 220
    left, right, top, bottom = 40, 10, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / max(len(hours), 1)
    ticks = nice_ticks(max([h["processed"] for h in hours] + [h["reviewed"] for h in hours] + [1]))
    scale = plot_h / ticks[-1]
    base = top + plot_h

    bars, days = [], []
    for index, hour in enumerate(hours):
        x = left + index * slot
        local = timezone.localtime(hour["hour"])
        if local.hour == 0:
            days.append({"x": round(x, 1), "label": f"{local:%a} {local.day} {local:%b}"})
        if not (hour["processed"] or hour["reviewed"]):
            continue
        half = slot / 2
        bars.append(
            {
                "x": round(x, 1),
                "slot": round(slot, 2),
                "px": round(x + 0.5, 2),
                "rx": round(x + half, 2),
                "w": round(half - 0.5, 2),
                "ph": round(hour["processed"] * scale, 1),
                "rh": round(hour["reviewed"] * scale, 1),
                "py": round(base - hour["processed"] * scale, 1),
                "ry": round(base - hour["reviewed"] * scale, 1),
                "title": f"{local:%a} {local.day} {local:%b %H}:00: {hour['processed']} processed, {hour['reviewed']} reviewed",
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_edge": width - right,
        "top": top,
        "base": base,
        "plot_h": plot_h,
        "bars": bars,
        "days": days,
        "grid": [{"y": round(base - t * scale, 1), "label": t} for t in ticks],
    }


@register.inclusion_tag("reviews/dashboard_chart_calibration.html")
def calibration_chart(buckets: list[dict], threshold: float):
    """Accuracy per confidence bucket against the diagonal of perfect calibration."""
    width, height = 460, 250
    left, right, top, bottom = 44, 14, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    slot = plot_w / len(buckets)
    bars = []
    for index, bucket in enumerate(buckets):
        label = f"{bucket['low']:.1f}–{bucket['high']:.1f}"
        if not bucket["fields"]:
            continue
        bar_h = bucket["accuracy"] * plot_h
        bars.append(
            {
                "x": round(left + index * slot + 3, 1),
                "w": round(slot - 6, 1),
                "y": round(base - bar_h, 1),
                "h": round(bar_h, 1),
                "flagged": bucket["high"] <= threshold,
                "title": f"Confidence {label}: {bucket['right']} of {bucket['fields']} right ({percent(bucket['accuracy'])})",
                "count_x": round(left + index * slot + slot / 2, 1),
                "count_y": round(min(base - bar_h - 4, base - 4), 1),
                "count": bucket["fields"],
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right_edge": width - right,
        "top": top,
        "base": base,
        "bars": bars,
        "threshold_x": round(left + threshold * plot_w, 1),
        "threshold": f"{threshold:.2f}",
        "x_ticks": [{"x": round(left + n / 5 * plot_w, 1), "label": f"{n / 5:.1f}"} for n in range(6)],
        "y_ticks": [{"y": round(base - p / 100 * plot_h, 1), "label": f"{p}%"} for p in (0, 25, 50, 75, 100)],
    }


@register.inclusion_tag("reviews/dashboard_chart_bar.html")
def share_bar(value: float | None, tone: str = ""):
    """A 100 px bar filled to `value` (0..1)."""
    return {"width": round(100 * (value or 0), 1), "tone": tone}


@register.inclusion_tag("reviews/dashboard_chart_progress.html")
def batch_progress(batch):
    """Done, failed and open documents of a batch as one stacked bar."""
    total = max(batch.documents, 1)
    done = 120 * batch.done / total
    failed = 120 * batch.failed / total
    opened = 120 * batch.open / total
    return {
        "done": round(done, 1),
        "failed_x": round(done, 1),
        "failed": round(failed, 1),
        "open_x": round(done + failed, 1),
        "open": round(opened, 1),
        "title": f"{batch.done} done, {batch.failed} failed, {batch.open} open of {batch.documents}",
    }
