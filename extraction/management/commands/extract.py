"""`python manage.py extract FILE [FILE ...] [--kind ...] --json`: print what the engine reads.

One JSON object per file, one per line (JSON Lines) in argument order, as in
FIELDS.md. A file that cannot be read gets one line on stderr and makes the
exit status non-zero; the other files are still read.
"""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from extraction.engine import AUTO, extract
from extraction.errors import DocumentError
from extraction.fields import KINDS


class Command(BaseCommand):
    help = "Read documents (PDF, PNG, JPEG, TIFF) and print their fields as JSON."
    requires_system_checks = []  # a file reader: needs neither the database nor the URLs

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--kind", default=AUTO, choices=(AUTO, *KINDS),
                            help="the document kind; auto classifies each file from its text")
        parser.add_argument("--json", action="store_true", help="print JSON (the only output format)")

    def handle(self, *args, **options):
        failed = 0
        for path in options["files"]:
            try:
                result = extract(path, options["kind"])
            except DocumentError as error:
                failed += 1
                self.stderr.write(f"{path}: {error.message}")
                continue
            self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False))
        if failed:
            self.stdout.flush()
            self.stderr.flush()
            raise SystemExit(1)
