"""The chart turns on Strict-Transport-Security wherever it serves HTTPS."""

import pytest

from .conftest import env_of, named, render

pytestmark = pytest.mark.deploy


def _env(docs, component: str) -> dict:
    deployment = named(docs, "Deployment")[f"taskapp-{component}"]
    return env_of(deployment["spec"]["template"]["spec"]["containers"][0])


@pytest.mark.parametrize("component", ["ui", "api"])
def test_it_follows_tls(component):
    tls = render(set_values=["ingress.tls.enabled=true"])
    assert _env(tls, component)["TASKAPP_HSTS_SECONDS"] == "31536000"
    assert _env(render(), component)["TASKAPP_HSTS_SECONDS"] == "0"


def test_it_takes_a_chosen_max_age():
    docs = render(set_values=["ingress.tls.enabled=true", "app.hstsSeconds=300"])
    assert _env(docs, "ui")["TASKAPP_HSTS_SECONDS"] == "300"
    docs = render(set_values=["ingress.tls.enabled=true", "app.hstsSeconds=0"])
    assert _env(docs, "ui")["TASKAPP_HSTS_SECONDS"] == "0"
