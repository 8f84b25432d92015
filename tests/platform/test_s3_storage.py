from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

ROOT = Path(__file__).resolve().parents[2]


def test_default_storage_writes_private_objects_to_the_s3_store(s3_store):
    name = default_storage.save("originals/1/scan", ContentFile(b"%PDF-1.4 test"))

    assert s3_store.keys() == [name]
    with default_storage.open(name) as handle:
        assert handle.read() == b"%PDF-1.4 test"
    acl = s3_store.client().get_object_acl(Bucket=s3_store.bucket, Key=name)
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]


def test_storage_backend_setting_rejects_unknown_values():
    import os
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT, env={**os.environ, "DEBUG": "1", "STORAGE_BACKEND": "ftp"}, capture_output=True, text=True,
    )

    assert result.returncode != 0
    assert "STORAGE_BACKEND must be 'local' or 's3'." in result.stderr
