"""Benchmarks run by `make bench` (`python manage.py bench`).

Each section is a module with NAME, TITLE and `run(options) -> Section`. The
runner prints every section's table and writes the combined report to
docs/benchmarks/report.md and report.json.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# In report order. A module listed here must exist.
SECTIONS: list[str] = [
    "extraction.benchmarks.accuracy",
    "reviews.benchmarks.throughput",
    "reviews.benchmarks.load",
    "reviews.benchmarks.exports",
]


@dataclass
class Section:
    name: str
    title: str
    markdown: str  # one or more Markdown tables with a line of context
    data: dict = field(default_factory=dict)  # the same figures, machine-readable
