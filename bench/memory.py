"""`make bench-memory`: how much one request grows a gunicorn worker's memory.

Serves Taskapp with gunicorn on loopback (one worker, one thread, DEBUG off, the
`all` role so that the UI's upload is there too) on a throwaway SQLite database,
then sends the bodies of issue 10 one at a time: refused ones (5 MiB of
``[{},…]``, 5 MiB of CSV rows, a 20 MiB upload), the largest accepted imports,
and exports and the original list of 100,000 tasks. Before each request the
worker's peak RSS is reset (``5 > /proc/<pid>/clear_refs``); after it, the growth
of the peak over the RSS before (VmHWM - VmRSS) is the figure. Target: at most
64 MB for any request (docs/performance.md, "Memory").

  python -m bench.memory [--tasks 100000] [--app-dir DIR] [--json FILE]

``--app-dir`` serves another checkout of Taskapp (e.g. an older commit, unpacked
with ``git archive``) with this harness, to measure before and after a change.
"""

import argparse
import http.client
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench import loopback, run

PORTS = range(18270, 18290)  # within the bench's port range (bench/run.py)
MB = 1024 * 1024
TARGET_MB = 64
CAP = 5 * MB  # TASKAPP_MAX_BODY_BYTES' default


def _empty_objects(size: int) -> bytes:
    return b"[" + b"{}," * (size // 3 - 1) + b"{}]"


def _csv_rows(size: int) -> bytes:
    return b"title\n" + b"a\n" * ((size - 6) // 2)


def _full_rows(count: int = 10_000) -> list[dict]:
    """The largest import the API accepts: 10,000 rows, each with 20 tags."""
    return [
        {
            "title": f"Imported task number {n}",
            "description": "d" * 200,
            "priority": "high",
            "due_date": "2030-01-01",
            "tags": [f"tag{i}" for i in range(20)],
        }
        for n in range(count)
    ]


def _full_csv(rows: list[dict]) -> bytes:
    lines = ["title,description,priority,due_date,tags"]
    for row in rows:
        tags = ",".join(row["tags"])
        lines.append(f'{row["title"]},{row["description"]},high,2030-01-01,"{tags}"')
    return ("\n".join(lines) + "\n").encode()


class Client:
    def __init__(self, served: loopback.Served):
        self.served = served
        self.netloc = urlsplit(served.url).netloc

    def send(self, method, path, body=None, headers=None, token=True):
        """(status, body length) of one request; the body is read and dropped."""
        all_headers = dict(headers or {})
        if token:
            all_headers["Authorization"] = f"Bearer {self.served.token}"
        conn = http.client.HTTPConnection(self.netloc, timeout=300)
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            size = 0
            while piece := response.read(65536):
                size += len(piece)
            return response.status, size, response.getheaders()
        finally:
            conn.close()


def _session_cookie(served: loopback.Served) -> str:
    """A signed-in session for the bench user, made in the server's environment."""
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, HASH_SESSION_KEY,"
        " SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "user = get_user_model().objects.get(username='bench')\n"
        "s = SessionStore(); s[SESSION_KEY] = str(user.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = user.get_session_auth_hash(); s.create()\n"
        "from django.conf import settings; print(settings.SESSION_COOKIE_NAME, s.session_key)\n"
    )
    out = run.run_quiet([sys.executable, "-c", code], served.env, 60).split()
    return f"{out[-2]}={out[-1]}"


def _upload(client: Client, cookie: str, size: int) -> tuple[int, int, list]:
    """POST /import/ with a CSV file of ``size`` bytes, as the import form sends it."""
    # The CSRF token: in the session (CSRF_USE_SESSIONS) or a cookie, and in the form.
    conn = http.client.HTTPConnection(client.netloc, timeout=30)
    conn.request("GET", "/import/", headers={"Cookie": cookie})
    response = conn.getresponse()
    page = response.read().decode()
    conn.close()
    csrf = [v.split(";")[0] for k, v in response.getheaders() if k.lower() == "set-cookie"]
    cookie = "; ".join([cookie, *(c for c in csrf if "csrf" in c)])
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise run.BenchError(f"GET /import/ answered {response.status}: {page[:300]!r}")
    token = found[1]
    boundary = "taskappbenchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n'
        f"{token}\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    body = head + _csv_rows(size) + f"\r\n--{boundary}--\r\n".encode()
    return client.send(
        "POST",
        "/import/",
        body,
        {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Cookie": cookie,
        },
        token=False,
    )


def measure(worker: int, call) -> dict:
    loopback.reset_peak(worker)
    before = loopback.memory_kb(worker)["VmRSS"]
    started = time.monotonic()
    status, size, _ = call()
    seconds = time.monotonic() - started
    after = loopback.memory_kb(worker)
    return {
        "status": status,
        "response_bytes": size,
        "seconds": round(seconds, 2),
        "rss_before_mb": round(before / 1024, 1),
        "peak_growth_mb": round((after["VmHWM"] - before) / 1024, 1),
        "kept_mb": round((after["VmRSS"] - before) / 1024, 1),
    }


def cases(client: Client, cookie: str, tasks: int):
    """(name, call) in order; the accepted imports fill the account to ``tasks``."""
    json_type = {"Content-Type": "application/json"}
    csv_type = {"Content-Type": "text/csv"}
    rows = _full_rows()
    full_json, full_csv = json.dumps(rows).encode(), _full_csv(rows)
    assert len(full_json) < CAP and len(full_csv) < CAP
    yield (
        "import JSON, 5 MiB of [{},{},…]",
        lambda: client.send("POST", "/api/v1/tasks/import", _empty_objects(CAP - 1024), json_type),
    )
    yield (
        "import CSV, 5 MiB of title\\na\\na…",
        lambda: client.send("POST", "/api/v1/tasks/import", _csv_rows(CAP - 1024), csv_type),
    )
    yield (
        "create, 5 MiB of [{},{},…]",
        lambda: client.send("POST", "/api/v1/tasks", _empty_objects(CAP - 1024), json_type),
    )
    yield "UI upload, 20 MiB CSV", lambda: _upload(client, cookie, 20 * MB)
    yield (
        "import JSON, 10,000 rows x 20 tags (accepted)",
        lambda: client.send("POST", "/api/v1/tasks/import", full_json, json_type),
    )
    yield (
        "import CSV, 10,000 rows x 20 tags (accepted)",
        lambda: client.send("POST", "/api/v1/tasks/import", full_csv, csv_type),
    )
    imported = 20_000
    while imported < tasks:
        # Fill the account for the exports (not measured).
        client.send("POST", "/api/v1/tasks/import", full_json, json_type)
        imported += len(rows)
    yield (
        f"export JSON, {tasks:,} tasks",
        lambda: client.send("GET", "/api/v1/tasks/export?format=json"),
    )
    yield (
        f"export CSV, {tasks:,} tasks",
        lambda: client.send("GET", "/api/v1/tasks/export?format=csv"),
    )
    yield f"original list GET /api/task, {tasks:,} tasks", lambda: client.send("GET", "/api/task")


def bench(tasks: int, app_dir: Path | None) -> dict:
    if app_dir:
        run.ROOT = app_dir.resolve()
        run.GUNICORN_CONF = run.ROOT / "config" / "gunicorn_conf.py"
    env = {"TASKAPP_ROLE": "all", "TASKAPP_SECURE_COOKIES": "false", "TASKAPP_THREADS": "1"}
    results = {}
    with loopback.serve(
        collectstatic=True, ports=PORTS, tasks=1, workers=1, threads=1, **env
    ) as served:
        (worker,) = loopback.worker_pids(served.pid)
        client = Client(served)
        cookie = _session_cookie(served)
        # Warm up: every code path once, so imports and caches are in the baseline.
        client.send("GET", "/api/v1/tasks")
        client.send(
            "POST",
            "/api/v1/tasks/import",
            b'[{"title": "w"}]',
            {"Content-Type": "application/json"},
        )
        client.send("GET", "/api/v1/tasks/export?format=csv")
        client.send("GET", "/api/task")
        client.send("GET", "/import/", headers={"Cookie": cookie}, token=False)
        for name, call in cases(client, cookie, tasks):
            results[name] = measure(worker, call)
            row = results[name]
            print(f"  {name}: {row['status']}, peak +{row['peak_growth_mb']} MB, "
                  f"kept +{row['kept_mb']} MB, {row['seconds']} s", flush=True)  # fmt: skip
    return results


def table(results: dict) -> str:
    lines = [
        "| Request | Status | Worker peak RSS growth | Kept after | Time |",
        "|---|---|---|---|---|",
    ]
    for name, row in results.items():
        lines.append(
            f"| {name} | {row['status']} | {row['peak_growth_mb']} MB | {row['kept_mb']} MB "
            f"| {row['seconds']} s |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--app-dir", type=Path, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args(argv)
    try:
        results = bench(args.tasks, args.app_dir)
    except (run.BenchError, subprocess.SubprocessError, OSError) as exc:
        print(f"bench-memory failed: {exc}", file=sys.stderr)
        return 1
    print()
    print(table(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    over = [name for name, row in results.items() if row["peak_growth_mb"] > TARGET_MB]
    if over:
        print(f"\nover the {TARGET_MB} MB target: {', '.join(over)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
