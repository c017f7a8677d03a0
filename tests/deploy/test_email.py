"""The chart's e-mail values become the app's TASKAPP_EMAIL_* environment; the SMTP
password comes from an existing Secret as a file, never as a value."""

import pytest

from .conftest import containers, env_of, named, pod_spec, render

pytestmark = pytest.mark.deploy


def app_pods(docs):
    deployments = named(docs, "Deployment")
    pods = [deployments[name] for name in deployments if name.endswith(("-api", "-ui"))]
    assert len(pods) == 2
    return pods


def test_by_default_mail_goes_to_the_log():
    for deployment in app_pods(render()):
        env = env_of(containers(deployment)[0])
        assert env["TASKAPP_EMAIL_HOST"] == ""
        assert "TASKAPP_EMAIL_PASSWORD_FILE" not in env


def test_smtp_values_and_the_password_file():
    docs = render(
        set_values=(
            "email.host=smtp.example.com",
            "email.port=465",
            "email.user=taskapp",
            "email.useTls=false",
            "email.useSsl=true",
            "email.existingSecret=smtp",
        )
    )
    for deployment in app_pods(docs):
        env = env_of(containers(deployment)[0])
        assert (env["TASKAPP_EMAIL_HOST"], env["TASKAPP_EMAIL_PORT"]) == ("smtp.example.com", "465")
        assert (env["TASKAPP_EMAIL_USE_TLS"], env["TASKAPP_EMAIL_USE_SSL"]) == ("false", "true")
        assert env["TASKAPP_EMAIL_PASSWORD_FILE"] == "/run/secrets/taskapp/email-password"
        sources = pod_spec(deployment)["volumes"][0]["projected"]["sources"]
        assert {
            "secret": {
                "name": "smtp",
                "items": [{"key": "smtp-password", "path": "email-password"}],
            }
        } in sources
