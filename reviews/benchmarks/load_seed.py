"""A throw-away PostgreSQL database the size of a busy firm's, for the web load benchmark.

Rows go in with COPY, straight into the migrated tables: four insurer
organisations, batches of 1 000 documents received an hour apart up to now,
and per document its fields, its pages and its audit trail (upload, processing,
review). Statuses repeat in tens: six need review, three are approved (with a
claim and a correction in their trail), one failed. Twenty reviewers log in
with one password. Page images are not written: the pages load them separately,
and the benchmark requests the HTML only. Page rows carry no OCR words.
"""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import psycopg
from psycopg import sql
from psycopg.types.json import Jsonb

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION, field_names

from .export_seed import BATCH_SIZE, FIRST, LAST, patient_record, prescription

ORGANIZATIONS = ["Northwind Health", "Southwind Care", "Eastgate Mutual", "Westbrook Assurance"]
REVIEWERS = 20
PASSWORD = "load-benchmark-password-7315"
STATUS_CYCLE = ["needs_review"] * 6 + ["approved"] * 3 + ["failed"]


def reviewer_name(number: int) -> str:
    return f"load-reviewer-{number:02d}"


def seed(url: str, count: int) -> dict:
    """Insert `count` documents and their rows; returns what was made and how long it took."""
    from django.contrib.auth.hashers import make_password

    started = time.perf_counter()
    now = datetime.now(timezone.utc).replace(microsecond=0)
    batches = (count + BATCH_SIZE - 1) // BATCH_SIZE
    first_received = now - timedelta(hours=batches)
    with psycopg.connect(url) as conn:
        orgs = [conn.execute("INSERT INTO reviews_organization (name, slug, double_check, created_at) "
                             "VALUES (%s, %s, false, now()) RETURNING id", (name, name.lower().replace(" ", "-"))
                             ).fetchone()[0] for name in ORGANIZATIONS]
        reviewers = _reviewers(conn, make_password(PASSWORD))
        with conn.cursor().copy("COPY reviews_batch (id, organization_id, name, received_at, due_at, intake_errors) "
                                "FROM STDIN") as copy:
            for b in range(batches):
                received = first_received + timedelta(hours=b)
                copy.write_row((b + 1, orgs[b % len(orgs)], f"Load batch {b + 1}", received,
                                received + timedelta(hours=24), "[]"))
        rows = _copy_documents(conn, count, orgs, reviewers, first_received)
        for table in ("reviews_batch", "reviews_document", "reviews_extractedfield", "reviews_page", "reviews_auditevent"):
            conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))").format(
                sql.Literal(table), sql.Identifier(table)))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return {"documents": count, "batches": batches, **rows, "seconds": time.perf_counter() - started}


def _reviewers(conn, password_hash: str) -> list[int]:
    group = conn.execute("SELECT id FROM auth_group WHERE name = 'reviewer'").fetchone()[0]
    ids = []
    for number in range(1, REVIEWERS + 1):
        user = conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,"
            " date_joined) VALUES (%s, false, %s, '', '', '', false, true, now()) RETURNING id",
            (password_hash, reviewer_name(number)),
        ).fetchone()[0]
        conn.execute("INSERT INTO auth_user_groups (user_id, group_id) VALUES (%s, %s)", (user, group))
        ids.append(user)
    return ids


def needs_review_ids(url: str) -> list[int]:
    """The documents waiting for review, in queue order (due first)."""
    with psycopg.connect(url) as conn:
        return [row[0] for row in conn.execute(
            "SELECT id FROM reviews_document WHERE status = 'needs_review' ORDER BY due_at, id")]


def _copy_documents(conn, count: int, orgs: list[int], reviewers: list[int], first_received: datetime) -> dict:
    doc_columns = (
        "id, batch_id, organization_id, due_at, original, original_filename, sha256, content_type, size, page_count,"
        " kind, kind_confidence, status, error, patient_name, version, reviewed_by_id, reviewed_at, rejection_reason,"
        " created_at, updated_at, processing_started_at, processed_at, attempts"
    )
    cursor = conn.cursor()
    plan = []
    with cursor.copy(f"COPY reviews_document ({doc_columns}) FROM STDIN") as copy:
        for i in range(count):
            batch = i // BATCH_SIZE
            org = orgs[batch % len(orgs)]
            kind = PRESCRIPTION if i % 2 == 0 else PATIENT_DETAILS
            status = STATUS_CYCLE[i % len(STATUS_CYCLE)]
            received = first_received + timedelta(hours=batch)
            processed = received + timedelta(minutes=5, seconds=i % BATCH_SIZE)
            reviewed = processed + timedelta(minutes=30) if status == "approved" else None
            pages = (1 if kind == PRESCRIPTION else 2) if status != "failed" else 0
            copy.write_row((
                i + 1, batch + 1, org, received + timedelta(hours=24), f"originals/{org}/{i:032x}", f"scan_{i + 1:06d}.pdf",
                f"{i:064x}", "application/pdf", 250_000, pages, kind if status != "failed" else "unknown",
                0.97, status, "The PDF is damaged or incomplete and cannot be read." if status == "failed" else "",
                f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}" if status != "failed" else "", 3,
                reviewers[i % len(reviewers)] if reviewed else None, reviewed, "", received, processed,
                received + timedelta(minutes=1), processed, 1,
            ))
            plan.append((i + 1, batch + 1, org, kind, status, received, processed, reviewed, pages))
    fields = _copy_fields(cursor, plan)
    pages = _copy_pages(cursor, plan)
    events = _copy_audit(cursor, plan, reviewers)
    return {"fields": fields, "pages": pages, "audit_events": events}


def _copy_fields(cursor, plan) -> int:
    rows = 0
    columns = "document_id, name, position, extracted_value, value, confidence, page, bbox, corrected"
    with cursor.copy(f"COPY reviews_extractedfield ({columns}) FROM STDIN") as copy:
        for doc_id, _, _, kind, status, *_ in plan:
            if status == "failed":
                continue
            values = prescription(doc_id) if kind == PRESCRIPTION else patient_record(doc_id)
            for position, name in enumerate(field_names(kind)):
                value = Jsonb(values[name])
                low = (doc_id + position) % 7 == 0
                copy.write_row((doc_id, name, position, value, value, 0.62 if low else 0.94, 1,
                                Jsonb([0.1, 0.05 + position * 0.03, 0.6, 0.07 + position * 0.03]), False))
                rows += 1
    return rows


def _copy_pages(cursor, plan) -> int:
    rows = 0
    with cursor.copy("COPY reviews_page (document_id, number, image, width, height, words) FROM STDIN") as copy:
        for doc_id, _, org, _, _, _, _, _, pages in plan:
            for number in range(1, pages + 1):
                copy.write_row((doc_id, number, f"pages/{org}/{doc_id}/{number:032x}.png", 1600, 2070, "[]"))
                rows += 1
    return rows


def _copy_audit(cursor, plan, reviewers) -> int:
    rows = 0
    columns = "created_at, actor_id, action, document_id, batch_id, organization_id, detail, ip_address"
    with cursor.copy(f"COPY reviews_auditevent ({columns}) FROM STDIN") as copy:
        for doc_id, batch, org, _, status, received, processed, reviewed, _ in plan:
            upload = {"name": f"scan_{doc_id:06d}.pdf", "size": 250_000, "content_type": "application/pdf"}
            events = [
                (received, None, "upload", upload),
                (received + timedelta(minutes=1), None, "status", {"from": "queued", "to": "processing"}),
                (processed, None, "status", {"from": "processing", "to": "failed" if status == "failed" else "needs_review"}),
            ]
            if reviewed:
                reviewer = reviewers[doc_id % len(reviewers)]
                events += [
                    (reviewed - timedelta(minutes=3), reviewer, "claim", {"until": reviewed.isoformat()}),
                    (reviewed - timedelta(minutes=1), reviewer, "correction",
                     {"field": "patient_address", "label": "Address", "old": "9 Ash Dr", "new": "19 Ash Dr"}),
                    (reviewed, reviewer, "status", {"from": "needs_review", "to": "approved"}),
                ]
            for created, actor, action, detail in events:
                copy.write_row((created, actor, action, doc_id, batch, org, Jsonb(detail), "127.0.0.1"))
                rows += 1
    return rows
