"""Web latency under load: the queue and review pages with 100 000 documents and 20 logged-in clients.

It needs PostgreSQL, wrk and nginx (Debian's; `make bench` installs them). On the server of
DATABASE_URL it creates a database of its own, migrates it and seeds it with COPY
(reviews/benchmarks/load_seed.py: 100 000 documents with fields, pages and audit
trails, or 10 000 with --quick). gunicorn then serves medocr with production
settings (DEBUG=0, a random SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, the cache on a
Redis of the benchmark's own; SECURE_SSL_REDIRECT=0 because the clients speak plain
http on loopback) behind nginx, as the deployment puts a proxy in front of it:
gunicorn's sync workers rely on one to read whole requests, and wrk opens a
paced client's next connection before its wait, which would otherwise hold a
worker idle for the whole wait. Twenty reviewers log in through the login form, each getting
its own session cookie. Two wrk processes run side by side, one thread and one
connection per client: ten clients on the queue page (default view, pages 1 to 5
in turn) and ten on the review page, each opening a different document waiting
for review every time, which claims it (a write and an audit event per request).

Two runs of 60 s each (15 s with --quick):
- paced: each client waits 0.5-1.5 s before its next request, far busier than a
  reviewer reading a document; the latency target is read from this run;
- saturated: no wait at all, so the server always has 20 requests in hand; its
  latency is mostly queueing and its requests per second are the capacity.
"""
from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from extraction.benchmarks import Section

NAME = "load"
TITLE = "Web latency under load: queue and review pages, 20 clients"
DOCUMENTS, QUICK_DOCUMENTS = 100_000, 10_000
SECONDS, QUICK_SECONDS = 60, 15
CLIENTS_PER_PAGE = 10
RUNS = (("paced", "500-1500"), ("saturated", "0"))
GUNICORN_WORKERS = 4  # 2 x cores on the 2-core machine
P95_TARGET_MS = 200
ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("load.lua")


def run(options) -> Section:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return Section(NAME, TITLE, "Skipped: the load benchmark needs DATABASE_URL to name a PostgreSQL server.\n",
                       {"skipped": "needs PostgreSQL"})
    if shutil.which("wrk") is None or shutil.which("nginx") is None:
        return Section(NAME, TITLE, "Skipped: wrk or nginx is not installed (`make bench` installs both).\n",
                       {"skipped": "needs wrk and nginx"})
    from .export_seed import bench_database
    from .load_seed import needs_review_ids, seed
    from .processes import Gunicorn, Nginx, RedisServer

    count = QUICK_DOCUMENTS if options.get("quick") else DOCUMENTS
    seconds = QUICK_SECONDS if options.get("quick") else SECONDS
    load_before = os.getloadavg()
    with (bench_database({**db, "NAME": f"{db['NAME']}_load"}) as url, RedisServer(appendonly=False) as cache,
          tempfile.TemporaryDirectory(prefix="medocr-bench-load-") as folder):
        env = production_env(url, cache.url, Path(folder))
        manage(env, "migrate", "--noinput", "-v", "0")
        manage(env, "collectstatic", "--noinput", "-v", "0")
        seeded = seed(url, count)
        ids = needs_review_ids(url)
        with Gunicorn(workers=GUNICORN_WORKERS, env=env) as app, Nginx(app.port) as server:
            write_sessions(server.url, Path(folder))
            (Path(folder) / "ids").write_text("\n".join(map(str, ids)) + "\n")
            # Warm-up: every gunicorn worker connects and renders both pages once before the clock starts.
            wrk(server.url, "queue", Path(folder), seconds=3, clients=4)
            results = {name: run_side_by_side(server.url, Path(folder), seconds, think)
                       for name, think in RUNS}
            server_log = app.output()
    return report(count, seconds, seeded, results, load_before, os.getloadavg(), server_log)


def production_env(url: str, cache_url: str, folder: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"}}
    env.update(
        DJANGO_SETTINGS_MODULE="medocr.settings", DEBUG="0", SECRET_KEY=secrets.token_urlsafe(48),
        ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="0", DATABASE_URL=url, REDIS_URL=cache_url,
        MEDOCR_VAR_DIR=str(folder), MEDIA_ROOT=str(folder / "media"), STORAGE_BACKEND="local", LOG_LEVEL="WARNING",
    )
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _cookies(headers) -> dict[str, str]:
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def login(base: str, username: str, password: str) -> str:
    """Log in through the login form as a browser does; returns the session cookie to send."""
    opener = urllib.request.build_opener(_KeepRedirects)
    with opener.open(f"{base}/accounts/login/", timeout=30) as response:
        form, cookies = response.read().decode(), _cookies(response.headers)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/accounts/login/", data=body.encode(),
                                     headers={"Cookie": f"csrftoken={cookies['csrftoken']}"})
    try:
        opener.open(request, timeout=30)
    except urllib.error.HTTPError as answer:  # the 302 to the home page
        if answer.code != 302:
            raise RuntimeError(f"Logging in {username} answered {answer.code}.") from None
        return f"sessionid={_cookies(answer.headers)['sessionid']}"
    raise RuntimeError(f"Logging in {username} did not redirect: wrong password or form.")


def write_sessions(base: str, folder: Path) -> None:
    from .load_seed import PASSWORD, REVIEWERS, reviewer_name

    cookies = [login(base, reviewer_name(n), PASSWORD) for n in range(1, REVIEWERS + 1)]
    # Queue clients take the first ten sessions, review clients the last ten.
    (folder / "sessions-queue").write_text("\n".join(cookies[:CLIENTS_PER_PAGE]) + "\n")
    (folder / "sessions-review").write_text("\n".join(cookies[CLIENTS_PER_PAGE:]) + "\n")


def wrk_command(base: str, mode: str, folder: Path, seconds: int, clients: int, think: str = "0"):
    env = {**os.environ, "LOAD_MODE": mode, "LOAD_CLIENTS": str(clients), "LOAD_THINK_MS": think,
           "LOAD_SESSIONS": str(folder / f"sessions-{mode}"), "LOAD_IDS": str(folder / "ids")}
    command = ["wrk", "-t", str(clients), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "10s",
               "-s", str(SCRIPT), base]
    return command, env


def wrk(base: str, mode: str, folder: Path, *, seconds: int, clients: int) -> dict:
    command, env = wrk_command(base, mode, folder, seconds, clients)
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return json.loads(output.strip().splitlines()[-1])


def run_side_by_side(base: str, folder: Path, seconds: int, think: str) -> dict:
    """Both wrk processes at once, so each page is measured under the whole load of 20 clients."""
    running = {}
    for mode in ("queue", "review"):
        command, env = wrk_command(base, mode, folder, seconds, CLIENTS_PER_PAGE, think)
        running[mode] = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    results = {}
    for mode, process in running.items():
        output, _ = process.communicate(timeout=seconds + 60)
        if process.returncode != 0:
            raise RuntimeError(f"wrk ({mode}) failed with status {process.returncode}.")
        results[mode] = json.loads(output.strip().splitlines()[-1])
    return results


def report(count, seconds, seeded, results, load_before, load_after, server_log) -> Section:
    lines = [
        f"{count:,} documents in PostgreSQL ({seeded['fields']:,} fields, {seeded['pages']:,} pages, "
        f"{seeded['audit_events']:,} audit events; seeded with COPY in {seeded['seconds']:.0f} s). gunicorn, "
        f"{GUNICORN_WORKERS} sync workers behind nginx, production settings. {2 * CLIENTS_PER_PAGE} reviewers logged in through "
        f"the form, {seconds} s per run: {CLIENTS_PER_PAGE} on the queue page (pages 1-5), {CLIENTS_PER_PAGE} "
        "opening and claiming a different waiting document each time. Paced: each client waits 0.5-1.5 s between "
        "requests; saturated: no wait. wrk and nginx run on the same 2 cores as gunicorn and PostgreSQL. "
        f"Load average before/after: {load_before[0]:.2f} / {load_after[0]:.2f} (the machine was shared).",
        "",
        "| run | page | clients | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors | p95 target | ratio |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    data = {"documents": count, "seconds": seconds, "seed": seeded, "gunicorn_workers": GUNICORN_WORKERS,
            "load_average_before": load_before[0], "load_average_after": load_after[0], "runs": {}}
    for run_name, _ in RUNS:
        data["runs"][run_name] = {}
        for mode, label in (("queue", "queue"), ("review", "review (claims)")):
            r = results[run_name][mode]
            errors = r["not_200"] + r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
            p95 = r["p95_us"] / 1000
            rate = r["requests"] / (r["duration_us"] / 1e6)
            target = f"< {P95_TARGET_MS} | {p95 / P95_TARGET_MS:.2f}" if run_name == "paced" else "- | -"
            lines.append(
                f"| {run_name} | {label} | {CLIENTS_PER_PAGE} | {r['requests']:,} | {rate:.1f} | {r['p50_us'] / 1000:.0f} | "
                f"{p95:.0f} | {r['p99_us'] / 1000:.0f} | {r['max_us'] / 1000:.0f} | {errors} | {target} |"
            )
            data["runs"][run_name][mode] = {**r, "requests_per_second": round(rate, 1), "errors": errors,
                                            "meets_targets": p95 < P95_TARGET_MS and errors == 0}
    if "Error" in server_log or "Traceback" in server_log:
        lines += ["", "gunicorn logged errors during the runs; see the JSON report."]
        data["server_log"] = server_log
    return Section(NAME, TITLE, "\n".join(lines) + "\n", data)
