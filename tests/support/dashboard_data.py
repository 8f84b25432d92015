"""A small, fully known floor for the dashboard and alert tests.

Built with the ORM relative to a fixed `now`, so every figure on the dashboard
can be worked out by hand (the tests write the arithmetic out):

- review rate: 6 decisions in the 6 hours before now → 1.0 document per hour.
- open work, in due order: "Acme late" 1 (overdue), "Borealis morning" 2 (due
  in 1 h 30: 3 documents due by then > 1.5 → at risk), "Borealis midday" 1
  (due in 5 h: 4 ≤ 5), "Acme evening" 2 (due in 20 h: 6 ≤ 20), "Borealis
  weekly" 1 (due in 47 h: 7 ≤ 47).
- reviewers in the last 7 days: alice 4 approvals (3, 5, 8, 4 minutes from
  claim to decision), bob 2 approvals and 1 rejection (6, 10, 2 minutes), ada
  1 approval without a claim of her own; alice's approval of 8 days ago is
  outside every 7-day figure.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone as dt_timezone
from html.parser import HTMLParser

from django.contrib.auth.models import Group, User

from reviews.models import (
    AuditAction,
    AuditEvent,
    Batch,
    Document,
    DocumentStatus,
    ExtractedField,
    Organization,
)

S = DocumentStatus
NOW = datetime(2025, 6, 11, 14, 20, tzinfo=dt_timezone.utc)
PASSWORD = "dashboard-test-pass-1"
NOT_A_DOCUMENT = "The file is not a PDF or an image."
TOO_MANY_PAGES = "The document has more than 20 pages."

PRESCRIPTION_FIELDS = (("prescriber_name", 0), ("prescription_date", 1), ("refills", 6))
PATIENT_FIELDS = (("patient_name", 1), ("phone_number", 3))


def minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


@dataclass
class Floor:
    now: datetime
    users: dict[str, User] = field(default_factory=dict)
    organizations: dict[str, Organization] = field(default_factory=dict)
    batches: dict[str, Batch] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)


def make_user(username: str, role: str | None, *, email: str = "", superuser: bool = False) -> User:
    user = User.objects.create_user(username, email=email, password=PASSWORD, is_superuser=superuser)
    if role:
        # get_or_create: a transactional test (the browser's) empties the
        # table that migration 0002 filled.
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


class Builder:
    def __init__(self, now: datetime):
        self.floor = Floor(now=now)
        self.now = now
        self._sha = 0

    def batch(self, key: str, org: str, name: str, *, due_in: timedelta, deadline: timedelta = hours(24)) -> Batch:
        due_at = self.now + due_in
        batch = Batch.objects.create(
            organization=self.floor.organizations[org], name=name, received_at=due_at - deadline, due_at=due_at
        )
        self.floor.batches[key] = batch
        return batch

    def document(self, key: str, batch: str, status: str, *, kind: str = "prescription", error: str = "") -> Document:
        batch_obj = self.floor.batches[batch]
        self._sha += 1
        document = Document.objects.create(
            batch=batch_obj,
            organization=batch_obj.organization,
            due_at=batch_obj.due_at,
            original=f"originals/test/{key}",
            original_filename=f"{key}.pdf",
            sha256=f"{self._sha:064x}",
            kind=kind if status not in (S.QUEUED, S.PROCESSING, S.DUPLICATE) else "unknown",
            status=status,
            error=error,
            created_at=batch_obj.received_at,
        )
        self.floor.documents[key] = document
        return document

    def event(self, document: Document, at: datetime, action: str, actor: User | None = None, **detail) -> None:
        AuditEvent.objects.create(
            created_at=at,
            action=action,
            actor=actor,
            document=document,
            batch=document.batch,
            organization=document.organization,
            detail=detail,
        )

    def processed(self, key: str, *, after: timedelta = minutes(15)) -> None:
        """The worker's run: queued → processing → needs review (or failed)."""
        document = self.floor.documents[key]
        started = document.batch.received_at + after - minutes(1)
        finished = document.batch.received_at + after
        outcome = S.FAILED if document.status == S.FAILED else S.NEEDS_REVIEW
        self.event(document, started, AuditAction.STATUS, **{"from": S.QUEUED, "to": S.PROCESSING})
        self.event(document, finished, AuditAction.STATUS, **{"from": S.PROCESSING, "to": outcome})
        Document.objects.filter(pk=document.pk).update(processing_started_at=started, processed_at=finished)

    def decided(self, key: str, reviewer: str, *, ago: timedelta, claimed_for: timedelta | None) -> None:
        """A reviewer's claim (unless None) and decision, `ago` before now."""
        document = self.floor.documents[key]
        user = self.floor.users[reviewer]
        decided_at = self.now - ago
        if claimed_for is not None:
            self.event(document, decided_at - claimed_for, AuditAction.CLAIM, user)
        self.event(document, decided_at, AuditAction.STATUS, user, **{"from": S.NEEDS_REVIEW, "to": document.status})
        Document.objects.filter(pk=document.pk).update(reviewed_by=user, reviewed_at=decided_at)

    def fields(self, key: str, values: list[tuple[float, bool]]) -> None:
        """(confidence, corrected) for each field of the document's kind, in order."""
        document = self.floor.documents[key]
        names = PRESCRIPTION_FIELDS if document.kind == "prescription" else PATIENT_FIELDS
        assert len(names) == len(values)
        reviewer = document.reviewed_by
        for (name, position), (confidence, corrected) in zip(names, values):
            ExtractedField.objects.create(
                document=document,
                name=name,
                position=position,
                extracted_value="extracted",
                value="checked" if corrected else "extracted",
                confidence=confidence,
                corrected=corrected,
                corrected_by=reviewer if corrected else None,
            )


def build_floor(now: datetime = NOW) -> Floor:
    b = Builder(now)
    f = b.floor
    f.users = {
        "ada": make_user("ada", "admin", email="ada@example.com"),
        "root": make_user("root", None, email="root@example.com", superuser=True),
        "ops": make_user("ops", "admin"),  # an admin without an e-mail address
        "alice": make_user("alice", "reviewer", email="alice@example.com"),
        "bob": make_user("bob", "reviewer", email="bob@example.com"),
    }
    f.organizations = {
        "acme": Organization.objects.create(name="Acme Health", slug="acme"),
        "borealis": Organization.objects.create(name="Borealis Insurance", slug="borealis"),
    }

    # Finished work: an old batch, and yesterday's batch (done, not overdue).
    b.batch("archive", "acme", "Acme archive", due_in=-timedelta(days=9))
    b.document("arch1", "archive", S.APPROVED)
    b.processed("arch1")
    b.decided("arch1", "alice", ago=timedelta(days=8), claimed_for=minutes(10))

    b.batch("week", "acme", "Acme week 23", due_in=-hours(20))
    b.document("w1", "week", S.APPROVED)
    b.document("w2", "week", S.APPROVED)
    b.document("w3", "week", S.APPROVED, kind="patient_details")
    b.document("w4", "week", S.REJECTED, kind="patient_details")
    b.document("w5", "week", S.FAILED, error=NOT_A_DOCUMENT)
    b.document("w6", "week", S.DUPLICATE)
    for key in ("w1", "w2", "w3", "w4", "w5"):
        b.processed(key)
    b.decided("w1", "alice", ago=hours(30), claimed_for=minutes(5))
    b.decided("w2", "bob", ago=hours(26), claimed_for=minutes(6))
    b.decided("w3", "alice", ago=hours(5), claimed_for=minutes(3))
    b.decided("w4", "bob", ago=hours(4), claimed_for=minutes(10))

    # Open work, in due order.
    b.batch("late", "acme", "Acme late", due_in=-hours(1))
    b.document("l1", "late", S.APPROVED)
    b.document("l2", "late", S.APPROVED, kind="patient_details")
    b.document("l3", "late", S.APPROVED, kind="patient_details")
    b.document("l4", "late", S.NEEDS_REVIEW)
    b.document("l5", "late", S.FAILED, error=TOO_MANY_PAGES)
    for key in ("l1", "l2", "l3", "l4", "l5"):
        b.processed(key)
    # alice claimed l1, let it go, and claimed it again: her latest claim counts.
    b.event(f.documents["l1"], now - hours(3) - minutes(30), AuditAction.CLAIM, f.users["alice"])
    b.event(f.documents["l1"], now - hours(3) - minutes(25), AuditAction.RELEASE, f.users["alice"])
    b.decided("l1", "alice", ago=hours(3), claimed_for=minutes(8))
    b.decided("l2", "bob", ago=hours(2), claimed_for=minutes(2))
    # bob claimed l3 but ada decided it without a claim of her own: no time for either.
    b.event(f.documents["l3"], now - minutes(50), AuditAction.CLAIM, f.users["bob"])
    b.decided("l3", "ada", ago=minutes(30), claimed_for=None)

    b.batch("morning", "borealis", "Borealis morning", due_in=hours(1.5))
    b.document("m1", "morning", S.APPROVED)
    b.document("m2", "morning", S.NEEDS_REVIEW)
    b.document("m3", "morning", S.PROCESSING)
    b.processed("m1")
    b.processed("m2")
    b.event(f.documents["m3"], now - minutes(10), AuditAction.STATUS, **{"from": S.QUEUED, "to": S.PROCESSING})
    b.decided("m1", "alice", ago=hours(1), claimed_for=minutes(4))

    b.batch("midday", "borealis", "Borealis midday", due_in=hours(5))
    b.document("d1", "midday", S.QUEUED)
    b.document("d2", "midday", S.FAILED, error=NOT_A_DOCUMENT)
    b.processed("d2")

    b.batch("evening", "acme", "Acme evening", due_in=hours(20))
    b.document("e1", "evening", S.QUEUED)
    b.document("e2", "evening", S.NEEDS_REVIEW)
    b.processed("e2")

    b.batch("weekly", "borealis", "Borealis weekly", due_in=hours(47), deadline=hours(48))
    b.document("k1", "weekly", S.QUEUED)

    # Fields: (confidence, corrected). Prescriptions: prescriber, date, refills;
    # patient records: patient name, phone.
    b.fields("arch1", [(0.95, False), (0.72, False), (0.91, False)])
    b.fields("w1", [(0.97, False), (0.85, False), (0.55, True)])
    b.fields("w2", [(0.93, False), (0.64, True), (0.88, False)])
    b.fields("l1", [(0.99, False), (0.78, False), (0.92, True)])
    b.fields("m1", [(0.96, False), (0.81, True), (0.35, True)])
    b.fields("w3", [(0.94, False), (0.62, True)])
    b.fields("l2", [(0.90, False), (0.83, False)])
    b.fields("l3", [(0.75, True), (0.58, False)])
    # Not approved: left out of every quality figure.
    b.fields("w4", [(0.20, True), (0.30, True)])
    b.fields("l4", [(0.40, False), (0.45, True), (0.50, False)])
    for document in f.documents.values():
        document.refresh_from_db()
    return f


class _PageReader(HTMLParser):
    """Collects, for every <table id> and <ul id>, its rows (or items) as lists of cell texts."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, list[list[str]]] = {}
        self._block: str | None = None
        self._depth = 0  # nesting of the block's own tag
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._in_svg = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self._in_svg += 1
        if self._block is None and tag in ("table", "ul") and attrs.get("id"):
            self._block, self._tag, self._depth = attrs["id"], tag, 1
            self.found[self._block] = []
            return
        if self._block is None:
            return
        if tag == self._tag:
            self._depth += 1
        if tag in ("tr", "li"):
            self._row = []
            if tag == "li":
                self._cell = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "svg":
            self._in_svg -= 1
        if self._block is None:
            return
        if tag in ("td", "th", "li") and self._cell is not None:
            # Chunks between tags are joined with a space, none before punctuation.
            text = " ".join(" ".join(self._cell).split())
            self._row.append(re.sub(r" ([.,;:)])", r"\1", text))
            self._cell = None
        if tag in ("tr", "li") and self._row is not None:
            self.found[self._block].append(self._row)
            self._row = None
        if tag == self._tag:
            self._depth -= 1
            if self._depth == 0:
                self._block = None

    def handle_data(self, data):
        if self._cell is not None and not self._in_svg:
            self._cell.append(data)


def page_blocks(html: str) -> dict[str, list[list[str]]]:
    """{id: rows} for the page's tables and lists; a list's rows are its items' texts."""
    reader = _PageReader()
    reader.feed(html)
    return reader.found
