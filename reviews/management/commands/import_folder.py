"""python manage.py import_folder DIR --org NAME: load a folder of documents as one batch.

Every file under DIR (sub-folders included, hidden files skipped, symbolic
links not followed) goes through the same intake service as an upload. The
exit status is 0 when every file was accepted, 1 when some were not (each is
listed on stderr); accepted files are queued either way.
"""
from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from reviews.models import Organization
from reviews.services import intake


def folder_files(root: Path) -> Iterator[tuple[str, object]]:
    """(path relative to root, open file) for each regular file, in name order; each closed after use."""
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in sorted(names):
            path = Path(folder) / name
            if name.startswith(".") or path.is_symlink() or not path.is_file():
                continue
            with open(path, "rb") as handle:
                yield path.relative_to(root).as_posix(), handle


class Command(BaseCommand):
    help = "Import every document in a folder (and its sub-folders) as one batch of an organisation."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="folder holding PDF, PNG, JPEG, TIFF or zip files")
        parser.add_argument("--org", required=True, help="organisation name or slug")
        parser.add_argument("--batch-name", default="", help="name of the new batch (default: the folder's name)")

    def handle(self, *args, folder, org, batch_name, **options):
        root = Path(folder).expanduser()
        if not root.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        organization = Organization.objects.filter(Q(name__iexact=org) | Q(slug__iexact=org)).first()
        if organization is None:
            known = ", ".join(Organization.objects.values_list("name", flat=True)) or "none yet"
            raise CommandError(f"No organisation named {org!r}. Known organisations: {known}.")
        batch = intake.create_batch(organization=organization, name=batch_name or root.resolve().name)
        report = intake.intake_files(batch=batch, files=folder_files(root))
        self.stdout.write(f"Batch #{batch.pk} “{batch.name}” for {organization}: {report.summary()}")
        for duplicate in report.duplicates:
            original = duplicate.duplicate_of_id
            self.stdout.write(f"duplicate: {duplicate.original_filename} (same file as document #{original})")
        for name, message in report.errors:
            self.stderr.write(f"{name}: {message}")
        if report.errors:
            raise CommandError(f"{intake.plural(len(report.errors), 'file')} not accepted (listed above).", returncode=1)
