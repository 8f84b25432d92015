"""Export benchmark: CSV and FHIR throughput and the exporting process's peak memory.

It needs PostgreSQL. On the server of DATABASE_URL it creates a database of its
own (the configured name + "_bench"), migrates it, seeds N approved records
with COPY (100 000, or 10 000 with --quick), runs each export in a separate
process exactly as the export page does (stream, hash, store, record), reads
that process's peak resident memory from the kernel (wait4's ru_maxrss), and
drops the database again.

Run one export by hand: `python -m reviews.benchmarks.exports csv` with
DATABASE_URL naming a seeded database.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extraction.benchmarks import Section

from .processes import run_measured

NAME = "exports"
TITLE = "Exports: CSV and FHIR throughput, peak memory"
RECORDS, QUICK_RECORDS = 100_000, 10_000
TARGETS = {"csv": 5_000, "fhir": 1_000}  # records per second
RSS_TARGET_MB = 200
ROOT = Path(__file__).resolve().parents[2]


def run(options) -> Section:
    from django.conf import settings

    count = QUICK_RECORDS if options.get("quick") else RECORDS
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        note = "Skipped: the export benchmark needs DATABASE_URL to name a PostgreSQL server.\n"
        return Section(NAME, TITLE, note, {"skipped": "needs PostgreSQL"})
    from .export_seed import bench_database, seed

    with bench_database(db) as url:
        _manage(url, "migrate", "--noinput", "-v", "0")
        seed_seconds = seed(url, count)
        results = [measure(url, fmt, count) for fmt in ("csv", "fhir")]
    return report(count, seed_seconds, results)


def _manage(url: str, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True)


def measure(url: str, fmt: str, count: int) -> dict:
    """Run one export in a child process; its peak RSS comes from the kernel, not from itself."""
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="medocr-bench-media-") as media:
        env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": media, "STORAGE_BACKEND": "local"}
        # Started through a small launcher: a child spawned by this (large) process
        # would count this process's resident memory in its own peak.
        child = run_measured([sys.executable, "-m", "reviews.benchmarks.exports", fmt], env=env)
    if child.returncode != 0:
        raise RuntimeError(f"The {fmt} export process failed with status {child.returncode}.")
    figures = json.loads(child.stdout)
    if figures["records"] != count:
        raise RuntimeError(f"The {fmt} export wrote {figures['records']} records, not {count}.")
    figures["peak_rss_mb"] = child.max_rss_mb
    figures["records_per_second"] = figures["records"] / figures["seconds"]
    # CPU time of the exporting process (the database server's work is not in it):
    # a figure that other load on the machine does not change much.
    figures["cpu_seconds"] = child.cpu_seconds
    figures["load_average"] = load
    return figures


def report(count: int, seed_seconds: float, results: list[dict]) -> Section:
    lines = [
        f"{count:,} approved records (half prescriptions, half patient records; "
        f"seeded with COPY in {seed_seconds:.1f} s). Each export runs in its own process as the export "
        "page runs it: stream, hash, write to private storage, record the Export and its documents. "
        "records/s is wall-clock; CPU s is the exporting process's own CPU time (the database's is not in "
        "it); load is the machine's 1-minute load average when the export started.",
        "",
        "| format | records | seconds | records/s | target | ratio | CPU s | peak RSS (MB) | RSS target | ratio "
        "| file (MB) | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    data = {"records": count, "seed_seconds": round(seed_seconds, 2), "formats": {}}
    for result in results:
        fmt, rate, rss = result["format"], result["records_per_second"], result["peak_rss_mb"]
        target = TARGETS[fmt]
        lines.append(
            f"| {fmt.upper()} | {result['records']:,} | {result['seconds']:.1f} | {rate:,.0f} | ≥ {target:,} | "
            f"{rate / target:.2f} | {result['cpu_seconds']:.1f} | {rss:.0f} | < {RSS_TARGET_MB} | "
            f"{rss / RSS_TARGET_MB:.2f} | {result['bytes'] / 2**20:.1f} | {result['load_average']:.1f} |"
        )
        data["formats"][fmt] = {
            "records": result["records"], "seconds": round(result["seconds"], 3),
            "records_per_second": round(rate, 1), "target_records_per_second": target,
            "peak_rss_mb": round(rss, 1), "target_peak_rss_mb": RSS_TARGET_MB,
            "cpu_seconds": round(result["cpu_seconds"], 2), "load_average": round(result["load_average"], 2),
            "bytes": result["bytes"], "sha256": result["sha256"],
            "meets_targets": rate >= target and rss < RSS_TARGET_MB,
        }
    return Section(NAME, TITLE, "\n".join(lines) + "\n", data)


def export_once(fmt: str) -> dict:
    """In the child process: export every approved record of the seeded organisation, as a client would receive it."""
    from django.contrib.auth import get_user_model

    from reviews.models import Export, Organization
    from reviews.selectors.exports import RecordFilter
    from reviews.services.exports import export_records

    from .export_seed import ORG_SLUG, USERNAME

    organization = Organization.objects.get(slug=ORG_SLUG)
    user = get_user_model().objects.get(username=USERNAME)
    started = time.perf_counter()
    size = 0
    for piece in export_records(record_filter=RecordFilter(organization=organization), fmt=fmt, user=user):
        size += len(piece)
    seconds = time.perf_counter() - started
    export = Export.objects.filter(format=fmt).latest("id")
    assert export.size == size
    return {"format": fmt, "records": export.document_count, "seconds": seconds, "bytes": size, "sha256": export.sha256}


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medocr.settings")
    import django

    django.setup()
    print(json.dumps(export_once(sys.argv[1])))
