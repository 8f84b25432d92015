"""A throw-away PostgreSQL database with many approved records, for the export benchmark.

Rows go in with COPY, straight into the migrated tables: one organisation, one
reviewer, one insurer, batches of 1 000 documents, every document approved with
one ExtractedField per field of its kind (a few corrected).
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

import psycopg
from psycopg import sql

from extraction.fields import PATIENT_DETAILS, PRESCRIPTION, field_names

ORG_SLUG = "bench-insurer"
USERNAME = "bench-insurer"
REVIEWER = "bench-reviewer"
BATCH_SIZE = 1_000
START = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)

FIRST = ["Maria", "Kathy", "John", "Aisha", "Wei", "Olga", "Pedro", "Fatima", "Liam", "Noor"]
LAST = ["Sharapova", "Crawford", "Smith", "Khan", "Zhang", "Petrova", "Alvarez", "Haddad", "Murphy", "Rahman"]
MEDICINES = ["Prednisone 20 mg", "Lialda 2.4 gram", "Amoxicillin 500 mg", "Metformin 500 mg", "Atorvastatin 10 mg"]


def _url(db: dict, name: str) -> str:
    auth = quote(db.get("USER") or "")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"


@contextmanager
def bench_database(db: dict):
    """Create the benchmark database beside the configured one, yield its URL, drop it afterwards."""
    name = f"{db['NAME']}_bench"
    with psycopg.connect(_url(db, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield _url(db, name)
    finally:
        with psycopg.connect(_url(db, "postgres"), autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def prescription(i: int) -> dict:
    name = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}"
    return {
        "prescriber_name": f"Dr {LAST[(i // 7) % 10]}, M.D", "prescription_date": f"{i % 28 + 1}/{i % 12 + 1}/2025",
        "patient_name": name, "patient_address": f"{i % 9000 + 10} Ash Dr, New York City, 10005",
        "medicines": [MEDICINES[i % 5], MEDICINES[(i + 2) % 5]],
        "directions": "Take one tablet twice daily after meals for 14 days", "refills": i % 4,
    }


def patient_record(i: int) -> dict:
    name = f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}"
    return {
        "record_date": f"{i % 28 + 1}/{i % 12 + 1}/2025", "patient_name": name, "birth_date": f"May {i % 28 + 1} 1972",
        "phone_number": f"(737) 988-{i % 10000:04d}", "patient_address": f"{i % 9000 + 10} Ash Dr, New York City, 10005",
        "weight": 50 + i % 60, "height": 150 + i % 45, "emergency_contact_name": f"{FIRST[(i + 3) % 10]} {LAST[i % 10]}",
        "emergency_contact_phone": f"(990) 375-{i % 10000:04d}",
        "emergency_contact_address": f"{i % 9000 + 12} Ash Dr, New York City, New York, 10005",
        "chicken_pox": "IMMUNE", "measles": "NOT IMMUNE" if i % 3 else "IMMUNE",
        "hepatitis_b_vaccination": "Yes" if i % 2 else "No", "medical_problems": "Migraine, Asthma",
        "insurance_company": "Random Insurance Company", "policy_number": f"{7115200000 + i}",
        "insurance_address": "4789 Bollinger Rd, Jersey City, New Jersey, 07030",
        "insurance_expiry_date": "30 December 2027", "has_insurance": "Yes", "allergies": "Peanuts",
        "regular_medications": "Triptans",
    }


def seed(url: str, count: int) -> float:
    """Insert `count` approved documents; returns the seconds it took."""
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        org_id, reviewer_id = _accounts(conn)
        batches = (count + BATCH_SIZE - 1) // BATCH_SIZE
        with conn.cursor().copy(
            "COPY reviews_batch (id, organization_id, name, received_at, due_at, intake_errors) FROM STDIN"
        ) as copy:
            for b in range(batches):
                received = START + timedelta(hours=b)
                copy.write_row((b + 1, org_id, f"Bench batch {b + 1}", received, received + timedelta(hours=24), "[]"))
        _copy_documents(conn, count, org_id, reviewer_id)
        for table in ("reviews_batch", "reviews_document", "reviews_extractedfield"):
            conn.execute(sql.SQL("SELECT setval(pg_get_serial_sequence({}, 'id'), (SELECT max(id) FROM {}))").format(
                sql.Literal(table), sql.Identifier(table)))
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")
    return time.perf_counter() - started


def _accounts(conn) -> tuple[int, int]:
    org_id = conn.execute(
        "INSERT INTO reviews_organization (name, slug, double_check, created_at) VALUES (%s, %s, false, now()) RETURNING id",
        ("Bench Insurer", ORG_SLUG),
    ).fetchone()[0]
    ids = []
    for username in (REVIEWER, USERNAME):
        ids.append(conn.execute(
            "INSERT INTO auth_user (password, is_superuser, username, first_name, last_name, email, is_staff, is_active,"
            " date_joined) VALUES ('!', false, %s, '', '', '', false, true, now()) RETURNING id", (username,)
        ).fetchone()[0])
    conn.execute("INSERT INTO reviews_membership (user_id, organization_id) VALUES (%s, %s)", (ids[1], org_id))
    return org_id, ids[0]


def _copy_documents(conn, count: int, org_id: int, reviewer_id: int) -> None:
    doc_columns = (
        "id, batch_id, organization_id, due_at, original, original_filename, sha256, content_type, size, page_count,"
        " kind, kind_confidence, status, error, patient_name, version, reviewed_by_id, reviewed_at, rejection_reason,"
        " created_at, updated_at, attempts"
    )
    field_columns = "document_id, name, position, extracted_value, value, confidence, page, corrected"
    cursor = conn.cursor()
    with cursor.copy(f"COPY reviews_document ({doc_columns}) FROM STDIN") as copy:
        for i in range(count):
            kind = PRESCRIPTION if i % 2 == 0 else PATIENT_DETAILS
            received = START + timedelta(hours=i // BATCH_SIZE)
            copy.write_row((
                i + 1, i // BATCH_SIZE + 1, org_id, received + timedelta(hours=24), f"originals/{org_id}/{i:032x}",
                f"scan_{i + 1}.pdf", f"{i:064x}", "application/pdf", 250_000, 1 if kind == PRESCRIPTION else 2,
                kind, 0.97, "approved", "", f"{FIRST[i % 10]} {LAST[(i // 10) % 10]}", 3, reviewer_id,
                received + timedelta(hours=2, seconds=i % 3600), "", received, received, 1,
            ))
    with cursor.copy(f"COPY reviews_extractedfield ({field_columns}) FROM STDIN") as copy:
        for i in range(count):
            kind = PRESCRIPTION if i % 2 == 0 else PATIENT_DETAILS
            values = prescription(i) if kind == PRESCRIPTION else patient_record(i)
            for position, name in enumerate(field_names(kind)):
                value = psycopg.types.json.Jsonb(values[name])
                corrected = (i + position) % 17 == 0
                extracted = psycopg.types.json.Jsonb(None if corrected else values[name])
                copy.write_row((i + 1, name, position, extracted, value, 0.6 if corrected else 0.93, 1, corrected))
