"""CPU cost per request of the bench's endpoints, in-process, and where it goes.

`python -m bench.profile` seeds a throwaway SQLite database like `make bench`,
then sends each endpoint's request through Django's test client (the whole
middleware stack, no HTTP server) and prints the CPU milliseconds per request.
CPU time, unlike wall time, hardly changes when other programs load the machine,
so this is the figure to compare before and after a change.
`--profile list` also prints cProfile's top functions for that endpoint.
"""

import argparse
import cProfile
import os
import pstats
import secrets
import sys
import tempfile
import time


def configure(data_dir: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        TASKAPP_ROLE="api",
        TASKAPP_DEBUG="false",
        TASKAPP_SECRET_KEY=secrets.token_urlsafe(32),
        TASKAPP_ALLOWED_HOSTS="testserver",
        TASKAPP_DATA_DIR=data_dir,
        TASKAPP_LOG_LEVEL="warning",
        # An empty static root: whitenoise warns about a missing one.
        TASKAPP_STATIC_ROOT=data_dir,
    )
    os.environ.pop("MONGODB_URI", None)


def sender(client, endpoint, task_ids):
    """A function that sends the endpoint's request once, like the wrk script does."""
    counter = iter(range(1, 10**9))

    def send():
        n = next(counter)
        path = endpoint.path.replace("{id}", task_ids[n % len(task_ids)])
        body = endpoint.body.replace("{n}", str(n))
        method = getattr(client, endpoint.method.lower())
        return method(path, body, content_type="application/json") if body else method(path)

    return send


def checked(send, expect: int):
    def send_and_check():
        response = send()
        if response.status_code != expect:
            raise AssertionError(f"{response.status_code} (expected {expect}): {response.content}")

    return send_and_check


def cpu_ms_per_request(send, requests: int) -> float:
    for _ in range(min(20, requests)):  # warm caches and lazy imports
        send()
    start = time.process_time()
    for _ in range(requests):
        send()
    return (time.process_time() - start) * 1000 / requests


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--profile", help="endpoint to profile with cProfile (e.g. list)")
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="taskapp-profile-") as data_dir:
        configure(data_dir)
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        from bench.run import ENDPOINTS
        from bench.seed import seed

        call_command("migrate", interactive=False, verbosity=0)
        seeded = seed(count=args.tasks)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {seeded.token}")
        senders = {e.name: checked(sender(client, e, seeded.task_ids), e.expect) for e in ENDPOINTS}

        if args.profile:
            send = senders[args.profile]
            cpu_ms_per_request(send, 20)
            profiler = cProfile.Profile()
            profiler.runcall(lambda: [send() for _ in range(args.requests)])
            stats = pstats.Stats(profiler, stream=sys.stdout)
            stats.sort_stats("cumulative").print_stats(args.top)
            stats.sort_stats("tottime").print_stats(args.top)
            return 0

        costs = {name: cpu_ms_per_request(send, args.requests) for name, send in senders.items()}
        ceiling = costs["ceiling"]
        print(f"{'endpoint':<10}{'CPU ms/req':>12}{'x ceiling':>11}")
        for name, cost in costs.items():
            print(f"{name:<10}{cost:>12.2f}{cost / ceiling:>11.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
