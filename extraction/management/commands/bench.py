"""`python manage.py bench [--only NAME ...]`: run the benchmarks, print and save the report."""
from __future__ import annotations

import importlib
import json
import os
import platform
from datetime import datetime, timezone
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from extraction.benchmarks import SECTIONS


def machine_summary() -> str:
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {mem_gib:.0f} GiB, {platform.machine()}, Python {platform.python_version()}"


class Command(BaseCommand):
    help = "Run the benchmarks and write docs/benchmarks/report.md and report.json."

    def add_arguments(self, parser):
        parser.add_argument("--only", nargs="*", default=None, help="section names to run")
        parser.add_argument("--quick", action="store_true", help="smaller inputs, for a fast look")
        parser.add_argument("--output", default=str(Path(settings.BASE_DIR) / "docs" / "benchmarks"))

    def handle(self, *args, **options):
        modules = [importlib.import_module(path) for path in SECTIONS]
        if options["only"]:
            modules = [m for m in modules if m.NAME in options["only"]]
        started = datetime.now(timezone.utc)
        header = f"# medocr benchmark report\n\nRun {started:%Y-%m-%d %H:%M} UTC on {machine_summary()}.\n"
        parts, data = [header], {"started": started.isoformat(), "machine": machine_summary(), "sections": {}}
        for module in modules:
            self.stdout.write(f"== {module.TITLE} ...")
            section = module.run(options)
            self.stdout.write(section.markdown)
            parts.append(f"## {section.title}\n\n{section.markdown}\n")
            data["sections"][section.name] = section.data
        out = Path(options["output"])
        out.mkdir(parents=True, exist_ok=True)
        suffix = "" if not options["only"] else "-" + "-".join(options["only"])
        (out / f"report{suffix}.md").write_text("\n".join(parts))
        (out / f"report{suffix}.json").write_text(json.dumps(data, indent=2, default=str))
        self.stdout.write(f"Report written to {out / f'report{suffix}.md'}")
