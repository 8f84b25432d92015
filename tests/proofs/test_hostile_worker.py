"""The hostile corpus through intake and a real worker: each file ends with a clear status, the
worker's pool process survives all of them, stays within its memory, and then reads a good document."""
from __future__ import annotations

import io
from pathlib import Path

import pytest

from extraction.fields import PRESCRIPTION, UNKNOWN, field_names
from reviews.models import DocumentStatus
from reviews.services.intake import create_batch, intake_files
from tests.proofs import hostile
from tests.proofs.checks import wait_until_final
from tests.proofs.test_hostile_input import ENGINE_MESSAGES
from tests.support import documents

pytestmark = [pytest.mark.worker, pytest.mark.slow]
S = DocumentStatus
READ_AS = {
    "wrong-extension.jpg": UNKNOWN,  # a blank PDF page
    "png-named.pdf": PRESCRIPTION,
    "polyglot-png-zip.png": PRESCRIPTION,
    "polyglot-pdf-html.pdf": UNKNOWN,
    "200-inch-page.pdf": UNKNOWN,
}
MESSAGES = {**ENGINE_MESSAGES, "corrupt_image": "The image file is damaged or incomplete and cannot be read."}


def peak_rss_mb(pid: int) -> float:
    """The process's high-water mark of resident memory (VmHWM), from the kernel."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for {pid}")


def expected_error(case: hostile.Case) -> str:
    if case.name == "truncated.png":
        return MESSAGES["corrupt_image"]
    return MESSAGES[case.error] if case.error else ""


def test_the_worker_survives_the_hostile_corpus_and_then_reads_a_good_document(worker):
    pool = worker.child_pids()
    cases = hostile.engine_cases()
    refused = hostile.intake_refused_cases()
    batch = create_batch(organization=documents.organization(), name="Hostile")
    files = [(c.name, c.data) for c in cases] + [(n, d) for n, d, _ in refused]
    files.append(("good.png", hostile.small_prescription_png(seed=777)))

    report = intake_files(batch=batch, files=[(name, io.BytesIO(data)) for name, data in files])

    assert len(report.documents) == len(cases) + 1
    assert [name for name, _ in report.errors] == [n for n, _, _ in refused]
    wait_until_final(batch, worker=worker, timeout=240)
    docs = {d.original_filename: d for d in batch.documents.all()}
    for case in cases:
        document = docs[case.name]
        if case.error:
            assert (document.status, document.error) == (S.FAILED, expected_error(case)), case.name
            assert document.pages.count() == 0 and document.fields.count() == 0
        else:
            assert (document.status, document.error, document.kind) == (S.NEEDS_REVIEW, "", READ_AS[case.name])
    for name, _, reason in refused:
        assert docs[name].status == S.FAILED
        assert docs[name].error.startswith(reason), docs[name].error
    good = docs["good.png"]
    assert (good.status, good.kind) == (S.NEEDS_REVIEW, PRESCRIPTION)
    assert good.processed_at == max(d.processed_at for d in docs.values() if d.processed_at)
    assert [f.name for f in good.fields.order_by("position")] == field_names(PRESCRIPTION)
    assert good.fields.exclude(value=None).count() >= 5
    # Same pool process from the first file to the last: nothing crashed it.
    assert worker.child_pids() == pool
    assert worker.process.poll() is None
    # Its peak memory was the 200-inch page, drawn at the pixel limit; the bombs never decoded.
    assert peak_rss_mb(pool[0]) < 1500
