"""`make test-fuzz`: schemathesis against Taskapp's API as production serves it.

gunicorn on loopback (DEBUG off, the api role, bench/loopback.py) on a throwaway
SQLite database with one user, a token and a few tasks; schemathesis reads
/api/v1/openapi.json and runs every check, every phase (examples, coverage,
fuzzing, stateful) with a fixed seed and a bounded number of examples and time.
Any failure fails the run; its report is in $ARTIFACTS/fuzz (or test-artifacts/).

The by-design answers need no exemption: every route documents 401, 404, 405,
409, 412, 413, 415, 422, 429 and 503 in the schema. The bad-token rate limit is
raised for the run, as schemathesis sends many requests without a valid token.

  python scripts/fuzz/run.py ST [--max-examples N] [--max-time S]   (ST: the st binary)
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench import loopback  # noqa: E402

PORTS = range(18290, 18300)  # within the bench's port range (bench/run.py)
SEED = 20261202
CONFIG = Path(__file__).with_name("schemathesis.toml")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("st", help="the schemathesis CLI (st)")
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--max-time", type=int, default=150)
    args = parser.parse_args(argv)
    reports = Path(os.environ.get("ARTIFACTS", ROOT / "test-artifacts")) / "fuzz"
    reports.mkdir(parents=True, exist_ok=True)
    env = {"TASKAPP_RATE_LIMIT_FAILURES": "1000000"}
    with loopback.serve(ports=PORTS, tasks=5, workers=1, threads=4, **env) as served:
        command = [
            args.st, "--config-file", str(CONFIG), "run", f"{served.url}/api/v1/openapi.json",
            "--checks", "all",
            "--exclude-checks", "use_after_free,ensure_resource_availability",
            "--phases", "examples,coverage,fuzzing,stateful",
            "--seed", str(SEED),
            "--max-examples", str(args.max_examples),
            "--max-time", str(args.max_time),
            "--workers", "1",
            "--request-timeout", "30",
            "--header", f"Authorization: Bearer {served.token}",
            "--report", "junit,ndjson",
            "--report-dir", str(reports),
            "--no-color",

        ]  # fmt: skip
        # In the reports directory: schemathesis keeps its example database (.schemathesis/) in
        # the working directory.
        done = subprocess.run(command, cwd=reports, check=False)  # noqa: S603 - fixed argv
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
