"""The processes a benchmark runs beside itself: its own Redis, Celery workers, gunicorn.

Everything listens on 127.0.0.1 on a free port and is stopped by the benchmark
that started it (each is a context manager). The machine's shared Redis is
never used, so a benchmark's queue holds only its own tasks.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop_group(process: subprocess.Popen | None, timeout: float = 20.0) -> None:
    """SIGTERM the process group, then SIGKILL whatever is left after `timeout`."""
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


class RedisServer:
    """redis-server on a free loopback port, with append-only persistence like the deployment's.

    docker-compose.yml runs Redis with `appendonly yes` (fsync every second), so
    queued tasks outlive a restart. `restart()` stops it as a deploy or a reboot
    does (SIGTERM: Redis writes the append-only file and exits) and starts it
    again on the same port and data folder.
    """

    def __init__(self, *, appendonly: bool = True):
        self.appendonly = appendonly
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="medocr-redis-")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 15.0) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.folder,
             "--save", "", "--appendonly", "yes" if self.appendonly else "no", "--appendfsync", "everysec",
             "--daemonize", "no", "--logfile", os.path.join(self.folder, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited early:\n{self.log()}")
            try:
                if client.ping():
                    return
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not answer within {timeout}s:\n{self.log()}")

    def stop(self) -> None:
        stop_group(self.process, timeout=15)

    def restart(self, down_seconds: float = 1.0) -> None:
        self.stop()
        time.sleep(down_seconds)
        self.start()

    def queued(self, queue: str = "ocr") -> int:
        return redis.Redis(host="127.0.0.1", port=self.port).llen(queue)

    def log(self) -> str:
        path = os.path.join(self.folder, "redis.log")
        return open(path, errors="replace").read()[-3000:] if os.path.exists(path) else ""

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()


class _LoggedProcess:
    """A child process in its own session whose output goes to a log file kept until it stops."""

    def __init__(self, log_prefix: str, env: dict):
        self.env = env
        self.log = tempfile.NamedTemporaryFile(prefix=log_prefix, suffix=".log", delete=False)
        self.process: subprocess.Popen | None = None

    def start(self, args: list[str]) -> None:
        self.process = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)

    def __exit__(self, *exc):
        stop_group(self.process, timeout=30)
        Path(self.log.name).unlink(missing_ok=True)

    def output(self) -> str:
        self.log.flush()
        return Path(self.log.name).read_text(errors="replace")[-4000:]


class Workers(_LoggedProcess):
    """`celery worker` with `concurrency` pool processes on the given database, broker and storage."""

    def __init__(self, *, concurrency: int, env: dict):
        super().__init__("medocr-bench-worker-",
                         {**os.environ, **env, "OMP_THREAD_LIMIT": "1", "CELERY_TASK_ALWAYS_EAGER": "0"})
        self.concurrency = concurrency

    def __enter__(self):
        self.start([sys.executable, "-m", "celery", "-A", "medocr", "worker", "--loglevel", "WARNING",
                    "--concurrency", str(self.concurrency), "--queues", "ocr,default", "--pool", "prefork",
                    "--without-gossip", "--without-mingle", "--hostname", f"bench-{os.getpid()}@%h"])
        return self

    def pool_cpu_seconds(self) -> float:
        """CPU time of the pool processes so far, with that of the tesseract and poppler runs they waited for."""
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout
        ticks = 0
        for pid in children.split():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            ticks += sum(int(v) for v in fields[11:15])  # utime, stime, cutime, cstime
        return ticks / os.sysconf("SC_CLK_TCK")


NGINX_CONF = """
worker_processes 1;
error_log {folder}/error.log warn;
pid {folder}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://127.0.0.1:{upstream};
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_buffers 32 16k;
            proxy_max_temp_file_size 0;
        }}
    }}
}}
"""


def wait_until_healthy(name: str, process: subprocess.Popen, url: str, *, timeout: float, pause: float, output) -> None:
    """Wait for `url`/healthz to answer 200; raise with the server's own output if it exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{output()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(pause)
    raise RuntimeError(f"{name} did not answer within {timeout:g} s:\n{output()}")


class Nginx:
    """nginx on a free loopback port, proxying to `upstream_port` as the deployment's proxy does.

    gunicorn's sync workers expect a buffering proxy in front: it reads a whole
    request before it takes a worker, so a client that connects and then waits
    (as wrk does before a paced request) never holds one.
    """

    def __init__(self, upstream_port: int):
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="medocr-nginx-")
        Path(self.folder, "nginx.conf").write_text(
            NGINX_CONF.format(folder=self.folder, port=self.port, upstream=upstream_port))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.process = subprocess.Popen(
            ["nginx", "-p", self.folder, "-c", f"{self.folder}/nginx.conf", "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_until_healthy("nginx", self.process, self.url, timeout=30, pause=0.1, output=self.errors)
        return self

    def __exit__(self, *exc):
        stop_group(self.process, timeout=15)
        shutil.rmtree(self.folder, ignore_errors=True)

    def errors(self) -> str:
        path = Path(self.folder, "error.log")
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


class Gunicorn(_LoggedProcess):
    """gunicorn serving medocr on 127.0.0.1 with the given (production) environment."""

    def __init__(self, *, workers: int, env: dict):
        super().__init__("medocr-bench-gunicorn-", {**os.environ, **env})
        self.port = free_port()
        self.workers = workers

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.start([sys.executable, "-m", "gunicorn", "medocr.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                    "--workers", str(self.workers), "--worker-class", "sync", "--log-level", "warning"])
        wait_until_healthy("gunicorn", self.process, self.url, timeout=60, pause=0.2, output=self.output)
        return self


@dataclass
class Measured:
    returncode: int
    stdout: bytes
    stderr: bytes
    max_rss_mb: float
    cpu_seconds: float  # user + system time of the program


# wait4's ru_maxrss for a child starts at the RSS of the process that spawned
# it (exec records the old address space's high-water mark), so a large
# parent would be counted in its child's peak. The measured program is
# therefore started by this small launcher, which reports its peak.
LAUNCHER = """
import os, resource, subprocess, sys
limit, report = int(sys.argv[1]), sys.argv[2]
def bound():
    if limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
child = subprocess.Popen(sys.argv[3:], preexec_fn=bound)
_, status, usage = os.wait4(child.pid, 0)
with open(report, "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}")
"""


def run_measured(argv: list[str], *, env: dict, cwd: Path = ROOT, address_space_mb: int = 0,
                 timeout: float | None = None) -> Measured:
    """Run `argv` to its end; its exit status, output and peak resident memory as the kernel counted it.

    `address_space_mb` sets RLIMIT_AS on the program, so that a runaway
    allocation fails in it instead of exhausting the machine.
    """
    with tempfile.TemporaryDirectory(prefix="medocr-measured-") as folder:
        report = os.path.join(folder, "usage")
        with open(os.path.join(folder, "out"), "w+b") as out, open(os.path.join(folder, "err"), "w+b") as err:
            launcher = subprocess.Popen(
                [sys.executable, "-c", LAUNCHER, str(address_space_mb * 1024 * 1024), report, *argv],
                stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True,
            )
            try:
                launcher.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait()
                raise
            out.seek(0)
            err.seek(0)
            stdout, stderr = out.read(), err.read()
        returncode, max_rss_kb, cpu = open(report).read().split()
    return Measured(int(returncode), stdout, stderr, int(max_rss_kb) / 1024, float(cpu))
