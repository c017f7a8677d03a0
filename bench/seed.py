"""Seed a throwaway database for the bench: one user, a token, N varied tasks.

Tasks are created through ``taskapp.tasks.services.task_create``, the write path
the API itself uses, so the rows (tag rows, versions, timestamps) are exactly
what real clients produce. The mix is deterministic for a given seed.

Run as ``python -m bench.seed --count 1000 --out seed.json`` inside the server's
environment (``bench.run`` does): it migrates first, then writes the token and
the task ids to ``--out`` for the load generator.
"""

import argparse
import json
import os
import random
from dataclasses import asdict, dataclass
from datetime import timedelta

BENCH_USERNAME = "bench"
TAGS = ("work", "home", "errand", "reading", "finance", "health", "garden", "travel")
WORDS = (
    "review", "quarterly", "report", "call", "plumber", "buy", "groceries", "renew",
    "passport", "book", "flights", "water", "plants", "fix", "bike", "pay", "invoice",
    "update", "budget", "clean", "gutters", "draft", "proposal",
)  # fmt: skip


@dataclass(frozen=True)
class Seeded:
    username: str
    token: str
    task_ids: list[str]


def task_fields(rng: random.Random, number: int, today) -> dict:
    """Raw field values for one task, as a client would send them."""
    fields = {
        "title": f"{' '.join(rng.choices(WORDS, k=3)).capitalize()} #{number}",
        "description": " ".join(rng.choices(WORDS, k=rng.randint(0, 30))),
        "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
        "tags": rng.sample(TAGS, k=rng.randint(0, 3)),
    }
    if rng.random() < 0.6:
        fields["due_date"] = today + timedelta(days=rng.randint(-30, 60))
    if rng.random() < 0.2:
        fields["status"] = "done"
    return fields


def seed_tasks(*, owner, count: int, rng_seed: int = 1000) -> list:
    """Create ``count`` tasks for ``owner`` through the service layer; return them."""
    from django.utils import timezone

    from taskapp.tasks.services import task_create, write_block

    rng = random.Random(rng_seed)  # noqa: S311 - test data, not secrets
    today = timezone.localdate()
    # One transaction on SQLite makes 1,000 creates take a second, not ten;
    # on MongoDB it is a no-op and each create stands alone, as in the API.
    with write_block():
        return [
            task_create(owner=owner, **task_fields(rng, number, today))
            for number in range(1, count + 1)
        ]


def seed(*, count: int, username: str = BENCH_USERNAME) -> Seeded:
    """The bench user (created), an API token for it, and ``count`` tasks."""
    from django.contrib.auth import get_user_model

    from taskapp.accounts.models import ApiToken

    user = get_user_model().objects.create_user(username, email=f"{username}@example.com")
    _, raw = ApiToken.issue(user=user, name="bench")
    tasks = seed_tasks(owner=user, count=count)
    return Seeded(username=username, token=raw, task_ids=[str(task.id) for task in tasks])


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--out", required=True, help="where to write token and task ids")
    args = parser.parse_args(argv)

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    seeded = seed(count=args.count)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(asdict(seeded), out)


if __name__ == "__main__":
    main()
