"""The models and the migrations agree on the backend the suite runs on (CI runs both)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_needs_no_new_migrations():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    assert "No changes detected" in out.getvalue()
