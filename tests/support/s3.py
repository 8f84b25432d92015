"""A real S3-compatible server for tests: moto in server mode, on loopback.

`StoreLink` sits between a worker and the server, like the network between
two hosts: it forwards TCP connections to the store and can be cut and
restored on the same port, so a worker sees the store as unreachable for a
while and then back, with every object still there.
"""
from __future__ import annotations

import select
import socket
import subprocess
import sys
import threading
import time
import uuid

import boto3

from reviews.benchmarks.processes import free_port

ACCESS_KEY = "medocr-test"
SECRET_KEY = "medocr-test-secret"
REGION = "us-east-1"


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

    def read(self, key: str) -> bytes:
        return self.client().get_object(Bucket=self.bucket, Key=key)["Body"].read()

    def encryption(self, key: str) -> str | None:
        return self.client().head_object(Bucket=self.bucket, Key=key).get("ServerSideEncryption")


class StoreLink:
    """A TCP link to the store on its own port that the test can cut and restore.

    While cut, nothing listens on the port, so clients get "connection
    refused", and every open connection is closed. `cut_on(marker)` cuts the
    link by itself as soon as a client sends bytes containing `marker` (e.g.
    the path of the first page image a worker writes); that request never
    reaches the store.
    """

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.cut_done = threading.Event()
        self._marker: bytes | None = None
        self._listener: socket.socket | None = None
        self._sockets: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._stopping = threading.Event()

    def cut_on(self, marker: bytes) -> None:
        self._marker = marker

    def up(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._stopping.clear()
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self) -> None:
        self._stopping.set()
        with self._lock:
            listener, self._listener = self._listener, None
            sockets, self._sockets = list(self._sockets), set()
        for sock in ([listener] if listener else []) + sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        self.cut_done.set()

    def _accept(self, listener: socket.socket) -> None:
        while not self._stopping.is_set():
            try:
                ready, _, _ = select.select([listener], [], [], 0.1)
                if not ready:
                    continue
                client, _ = listener.accept()
            except (OSError, ValueError):
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._stopping.is_set():
                    client.close()
                    upstream.close()
                    return
                self._sockets |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, from_client: bool) -> None:
        tail = b""
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if from_client and data and self._marker and not self.cut_done.is_set():
                if self._marker in tail + data:
                    self.cut()
                    return
                tail = data[-len(self._marker):]
            if not data:
                break
            try:
                target.sendall(data)
            except OSError:
                break
        # The other direction sees the end too; each pump closes the socket it read from.
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        with self._lock:
            self._sockets.discard(source)
        source.close()
