"""axe-core in the page: the accessibility check of the browser tests.

`make test-browser` installs axe-core from npm (mk/ui.mk, AXE_JS); a test that
checks a page fails when the file is missing rather than passing unchecked.
"""

import json
import os
from pathlib import Path

import pytest

AXE_JS = Path(
    os.environ.get(
        "AXE_JS",
        Path.home() / ".cache/taskapp/axe-4.14.1/node_modules/axe-core/axe.min.js",
    )
)


def page_violations(pages, user, path: str) -> list[str]:
    """axe's violations on ``path`` opened afresh for ``user``: in a context of its
    own that lets the injected script past the CSP (the page under test keeps it,
    and keeps JavaScript off where the test turned it off)."""
    return violations(pages.open(user=user, path=path, bypass_csp=True))


def violations(page) -> list[str]:
    """axe's WCAG 2.1 A/AA violations on the page as it is now, one line each
    (the page must allow the injected script: bypass_csp)."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core is missing at {AXE_JS}: run `make axe`")
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
    )
    return [
        f"{v['id']}: {v['help']} at {json.dumps([n['target'] for n in v['nodes']][:3])}"
        for v in result["violations"]
    ]
