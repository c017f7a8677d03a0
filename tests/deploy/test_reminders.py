"""The reminders CronJob: `manage.py send_reminders` every minute."""

import pytest

from tests.deploy.conftest import CHART, PROFILES, containers, env_of, helm, named, render

pytestmark = pytest.mark.deploy


def _cronjob(docs):
    return named(docs, "CronJob")["taskapp-reminders"]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_profile_sends_reminders_every_minute(profile):
    job = _cronjob(render(PROFILES[profile]))
    assert job["spec"]["schedule"] == "* * * * *"
    assert job["spec"]["concurrencyPolicy"] == "Forbid"
    spec = job["spec"]["jobTemplate"]["spec"]
    assert spec["activeDeadlineSeconds"] < 15 * 60  # inside the claim lease
    (container,) = containers(job)
    assert container["command"] == ["python", "manage.py", "send_reminders"]
    env = env_of(container)
    # The same settings as the app: database, secret key, e-mail, time zone.
    assert {"MONGODB_URI_FILE", "TASKAPP_SECRET_KEY_FILE", "TASKAPP_TIME_ZONE"} <= set(env)
    pod = spec["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_it_can_be_switched_off_and_rescheduled():
    assert "taskapp-reminders" not in named(
        render(set_values=["reminders.enabled=false"]), "CronJob"
    )
    job = _cronjob(render(set_values=["reminders.schedule=*/5 * * * *"]))
    assert job["spec"]["schedule"] == "*/5 * * * *"


@pytest.mark.parametrize(
    "bad", ["reminders.schedule=every minute", "reminders.activeDeadlineSeconds=3600"]
)
def test_the_schema_refuses_bad_values(bad):
    result = helm("template", "taskapp", str(CHART), "--set", bad, check=False)
    assert result.returncode != 0
    assert "reminders" in result.stderr
