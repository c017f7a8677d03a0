"""A size budget for the task list (deterministic: bytes, not time). The figures and
what keeps rows small are in docs/performance.md ("UI")."""

from django.contrib.auth.models import User
from django.test import Client

from bench.measure_ui import seed
from tests.ui.helpers import accessible_names

# Bytes of HTML for 50 tasks: 41,428 (40.5 KB) with lists and planning together
# (the lists sidebar ~0.8 KB, the add box's quick-add switch); docs/performance.md
# says what keeps rows small.
BUDGET = 41 * 1024


def list_page(user) -> str:
    client = Client()
    client.force_login(user)
    return client.get("/").content.decode()


def test_it_keeps_the_list_of_50_tasks_within_its_budget(db):
    user = User.objects.create_user("measure")
    seed(user, 50)
    html = list_page(user)
    assert html.count('role="checkbox"') == 50
    assert len(html.encode()) < BUDGET


def test_it_names_every_row_control_without_repeating_the_title(db):
    user = User.objects.create_user("measure")
    seed(user, 3)
    html = list_page(user)
    names = accessible_names(html)
    for number in range(3):
        title = f"Task {number}: call the plumber"
        for name in ("Select", "Done:", "Edit", "Delete"):
            assert f"{name} {title}" in names
        assert html.count(title) == 1
