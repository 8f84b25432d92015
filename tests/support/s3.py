"""A real S3-compatible server for tests: moto in server mode, on loopback."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid

import boto3

ACCESS_KEY = "medocr-test"
SECRET_KEY = "medocr-test-secret"
REGION = "us-east-1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class S3Server:
    def __init__(self):
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.bucket = f"medocr-{uuid.uuid4().hex[:8]}"
        self.process: subprocess.Popen | None = None

    def client(self):
        return boto3.client(
            "s3", endpoint_url=self.endpoint, region_name=REGION,
            aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
        )

    def start(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                self.client().create_bucket(Bucket=self.bucket)
                return
            except Exception:
                if self.process.poll() is not None:
                    raise RuntimeError("moto server exited at start")
                time.sleep(0.2)
        raise RuntimeError("moto server did not answer")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def env(self) -> dict:
        """Settings for a process (web or worker) that should use this store."""
        return {
            "STORAGE_BACKEND": "s3", "S3_BUCKET": self.bucket, "S3_ENDPOINT_URL": self.endpoint,
            "S3_REGION": REGION, "S3_ACCESS_KEY_ID": ACCESS_KEY, "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def storages_setting(self, staticfiles: dict) -> dict:
        return {
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {
                    "bucket_name": self.bucket, "endpoint_url": self.endpoint, "region_name": REGION,
                    "access_key": ACCESS_KEY, "secret_key": SECRET_KEY, "default_acl": "private",
                    "file_overwrite": False,
                },
            },
            "staticfiles": staticfiles,
        }

    def keys(self) -> list[str]:
        response = self.client().list_objects_v2(Bucket=self.bucket)
        return sorted(obj["Key"] for obj in response.get("Contents", []))
