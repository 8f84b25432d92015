"""OCR throughput: pages per minute with one and two worker processes, and time per page beside the seed's pipeline.

It needs PostgreSQL. A generated batch (half prescriptions, half two-page
patient records, every degradation, as PDFs) is taken in through the intake
service into a database of its own, on a Redis of its own, and read by a real
`celery worker` (prefork, 1 then 2 pool processes, OMP_THREAD_LIMIT=1 so that
tesseract keeps to one core per process). The clock starts when the intake
transaction commits (which enqueues every document) and stops at the last
document's `processed_at` (needs_review or failed). Before each run, each pool
process reads one small document, so the first task's imports are not timed.

The seed's reference pipeline (extraction.benchmarks.accuracy.seed_pipeline:
pdf2image at 200 dpi, adaptive threshold, image_to_string per page) then
reads the same files in this process, one after another.

Run one measurement by hand: `python -m reviews.benchmarks.throughput WORKERS FILE...`
with DATABASE_URL, REDIS_URL and MEDIA_ROOT naming a migrated database, a broker and a folder.
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

NAME = "throughput"
TITLE = "OCR throughput: one and two workers, beside the seed's pipeline"
DOCUMENTS, QUICK_DOCUMENTS = 28, 8  # 42 pages; 12 pages with --quick
DEGRADATIONS = ("scan", "photo", "clean", "rotated", "lowres")
SCALING_TARGET = 1.8
ROOT = Path(__file__).resolve().parents[2]


def generate_batch(folder: Path, count: int) -> list[Path]:
    """`count` generated PDFs: kinds alternate, degradations cycle; the same arguments give the same files."""
    from extraction import synth
    from extraction.fields import PATIENT_DETAILS, PRESCRIPTION

    files = []
    for i in range(count):
        kind = PRESCRIPTION if i % 2 == 0 else PATIENT_DETAILS
        degradation = DEGRADATIONS[(i // 2) % len(DEGRADATIONS)]
        path = folder / f"{i + 1:03d}_{kind}_{degradation}.pdf"
        synth.write_document(path, kind, 7000 + i, degradation, "pdf")
        files.append(path)
    return files


def run(options) -> Section:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        note = "Skipped: the throughput benchmark needs DATABASE_URL to name a PostgreSQL server.\n"
        return Section(NAME, TITLE, note, {"skipped": "needs PostgreSQL"})
    from .export_seed import bench_database
    from .processes import RedisServer

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="medocr-bench-batch-") as folder:
        files = generate_batch(Path(folder), QUICK_DOCUMENTS if options.get("quick") else DOCUMENTS)
        with bench_database({**db, "NAME": f"{db['NAME']}_throughput"}) as url, RedisServer() as broker:
            subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                           env={**os.environ, "DATABASE_URL": url}, check=True)
            runs = [measure(url, broker.url, files, workers) for workers in (1, 2)]
        seed = seed_run(files)
    return report(runs, seed, load_before, os.getloadavg())


def measure(url: str, broker_url: str, files: list[Path], workers: int) -> dict:
    """One timed run in a child process whose settings name the benchmark's database, broker and storage."""
    with tempfile.TemporaryDirectory(prefix="medocr-bench-media-") as media:
        env = {**os.environ, "DATABASE_URL": url, "REDIS_URL": broker_url, "MEDIA_ROOT": media,
               "STORAGE_BACKEND": "local", "OMP_THREAD_LIMIT": "1", "DJANGO_SETTINGS_MODULE": "medocr.settings"}
        child = subprocess.run([sys.executable, "-m", "reviews.benchmarks.throughput", str(workers), *map(str, files)],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, check=True)
    return json.loads(child.stdout)


def seed_run(files: list[Path]) -> dict:
    from extraction.benchmarks.accuracy import seed_pipeline

    seconds = pages = 0
    for path in files:
        _, elapsed, _, count = seed_pipeline(path, path.stem.split("_", 1)[1].rsplit("_", 1)[0])
        seconds += elapsed
        pages += count
    return {"pages": pages, "seconds": seconds}


def report(runs: list[dict], seed: dict, load_before, load_after) -> Section:
    one, two = runs
    scaling = two["pages_per_minute"] / one["pages_per_minute"]
    seed_per_page = seed["seconds"] / seed["pages"]
    lines = [
        f"{one['documents']} generated PDFs ({one['pages']} pages: prescriptions and two-page patient records, "
        "degraded as scans and phone photos), taken in through the intake service and read by a real Celery "
        "worker on Redis and PostgreSQL; timed from the commit that enqueues them to the last `processed_at`. "
        f"Load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} (the machine was shared).",
        "",
        "| pool processes | documents | pages | failed | seconds | pages/min | s/page | pool CPU s | cores used |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        lines.append(f"| {r['workers']} | {r['documents']} | {r['pages']} | {r['failed']} | {r['seconds']:.1f} | "
                     f"{r['pages_per_minute']:.1f} | {r['seconds'] / r['pages']:.2f} | {r['cpu_seconds']:.1f} | "
                     f"{r['cores_used']:.2f} |")
    lines += [
        "",
        f"Scaling, 2 processes over 1: **{scaling:.3f}×** (target ≥ {SCALING_TARGET}×: "
        f"{'met' if scaling >= SCALING_TARGET else 'missed'}, ratio {scaling / SCALING_TARGET:.3f}). Cores used is the pool's CPU time (tesseract and poppler "
        "included) over the wall time: two processes can only scale as far as the machine gives them a second core.",
        "",
        "| pipeline, same pages, same run | pages | seconds | s/page | over the seed's |",
        "|---|---:|---:|---:|---:|",
        f"| seed's reference (200 dpi, adaptive threshold, image_to_string; 5 fields each) | {seed['pages']} | "
        f"{seed['seconds']:.1f} | {seed_per_page:.2f} | 1.00 |",
    ]
    for r in runs:
        per_page = r["seconds"] / r["pages"]
        lines.append(f"| medocr, {r['workers']} worker process{'es' if r['workers'] > 1 else ''}, enqueue to review "
                     f"(all fields, confidences, boxes, page images) | {r['pages']} | {r['seconds']:.1f} | "
                     f"{per_page:.2f} | {per_page / seed_per_page:.2f} |")
    data = {
        "runs": runs, "scaling": round(scaling, 3), "scaling_target": SCALING_TARGET,
        "seed": {**seed, "seconds_per_page": round(seed_per_page, 3)},
        "medocr_seconds_per_page_one_worker": round(one["seconds"] / one["pages"], 3),
        "load_average_before": load_before[0], "load_average_after": load_after[0],
        "meets_targets": scaling >= SCALING_TARGET and one["seconds"] / one["pages"] <= seed_per_page,
    }
    return Section(NAME, TITLE, "\n".join(lines) + "\n", data)


def _wait(condition, timeout: float, workers) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"The benchmark batch did not finish within {timeout:.0f} s:\n{workers.output()}")
        time.sleep(0.25)


def timed_batch(worker_count: int, files: list[Path]) -> dict:
    """In the child process: start the workers, warm them up, then time the batch."""
    import io
    from contextlib import ExitStack

    from django.db import transaction
    from django.db.models import Max, Sum
    from django.utils import timezone

    from extraction.fields import PRESCRIPTION
    from extraction.synth import generate_document
    from medocr.celery import app
    from reviews.models import Document, DocumentStatus, Organization
    from reviews.services.intake import create_batch, intake_files

    from .processes import Workers

    open_statuses = (DocumentStatus.QUEUED, DocumentStatus.PROCESSING)
    organization = Organization.objects.create(name=f"Throughput {worker_count}", slug=f"throughput-{worker_count}")
    with Workers(concurrency=worker_count, env={}) as workers:
        _wait(lambda: bool(app.control.ping(timeout=0.5)), 60, workers)
        warm = create_batch(organization=organization, name="Warm-up")
        intake_files(batch=warm, files=[(f"warm-{i}.png", io.BytesIO(generate_document(
            PRESCRIPTION, 90 + i + 10 * worker_count, "clean", "png")[0])) for i in range(worker_count)])
        _wait(lambda: not warm.documents.filter(status__in=open_statuses).exists(), 300, workers)
        batch = create_batch(organization=organization, name="Measured")
        cpu_before = workers.pool_cpu_seconds()
        with ExitStack() as stack, transaction.atomic():
            intake_files(batch=batch, files=[(path.name, stack.enter_context(open(path, "rb"))) for path in files])
            started = timezone.now()  # the commit below enqueues every document
        _wait(lambda: not batch.documents.filter(status__in=open_statuses).exists(), 60 * len(files), workers)
        cpu = workers.pool_cpu_seconds() - cpu_before
    documents = Document.objects.filter(batch=batch)
    finished = documents.aggregate(last=Max("processed_at"))["last"]
    seconds = (finished - started).total_seconds()
    pages = documents.filter(status=DocumentStatus.NEEDS_REVIEW).aggregate(n=Sum("page_count"))["n"] or 0
    return {
        "workers": worker_count, "documents": documents.count(), "pages": pages,
        "failed": documents.filter(status=DocumentStatus.FAILED).count(), "seconds": seconds,
        "pages_per_minute": pages / seconds * 60, "cpu_seconds": cpu, "cores_used": cpu / seconds,
    }


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(timed_batch(int(sys.argv[1]), [Path(p) for p in sys.argv[2:]])))
