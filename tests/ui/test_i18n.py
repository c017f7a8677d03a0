"""German pages, and the committed .mo in step with the .po it is compiled from."""

import ast
import gettext
import re
from pathlib import Path

from taskapp.tasks import services
from tests.ui.helpers import accessible_names

LOCALE = Path(__file__).resolve().parents[2] / "taskapp" / "locale" / "de" / "LC_MESSAGES"
DE = {"HTTP_ACCEPT_LANGUAGE": "de"}


def test_it_renders_german_from_the_browser_language(logged_in_client, user):
    services.task_create(owner=user, title="Milch kaufen", due_date="2030-03-05", priority="high")
    html = logged_in_client.get("/", **DE).content.decode()
    assert '<html lang="de">' in html
    assert "<h1>Aufgaben</h1>" in html
    assert '<strong id="count-open">1</strong> offen' in html
    names = accessible_names(html)
    assert "Erledigt: Milch kaufen" in names
    assert "Milch kaufen auswählen" in names  # the title first, as the translation says
    assert "Milch kaufen löschen" in names
    assert ">Hoch</i>" in html
    assert "5. März 2030" in html  # dates in the user's language


def test_german_pages_say_no_tasks_yet_in_german(logged_in_client):
    assert "Noch keine Aufgaben." in logged_in_client.get("/", **DE).content.decode()


def test_the_switcher_posts_to_setlang(logged_in_client):
    html = logged_in_client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert '<option value="de">Deutsch</option>' in html
    response = logged_in_client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 302
    assert "<h1>Aufgaben</h1>" in logged_in_client.get("/").content.decode()


def test_service_errors_are_german_too(logged_in_client, user):
    task = services.task_create(owner=user, title="x")
    response = logged_in_client.post(
        f"/tasks/{task.id}/edit/", {"title": "ok", "priority": "normal", "tags": "a" * 40}, **DE
    )
    assert "ist länger als 32 Zeichen" in response.content.decode()


def _po_catalog(path: Path) -> dict:
    """msgid -> msgstr (plurals as (msgid, n) keys, as gettext stores them), fuzzy skipped."""
    catalog = {}
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        if "#, fuzzy" in block or "msgid" not in block:
            continue
        parts: dict[str, str] = {}
        key = None
        for line in block.splitlines():
            match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$", line)
            if match:
                key = match.group(1)
                parts[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                parts[key] += ast.literal_eval(line)
        msgid = parts.get("msgid", "")
        if "msgctxt" in parts:
            msgid = f"{parts['msgctxt']}\x04{msgid}"
        if "msgid_plural" in parts:
            for name, value in parts.items():
                if name.startswith("msgstr[") and value:
                    catalog[(msgid, int(name[7:-1]))] = value
        elif parts.get("msgstr"):
            catalog[msgid] = parts["msgstr"]
    return catalog


def test_the_committed_mo_matches_the_po():
    with (LOCALE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    source = _po_catalog(LOCALE / "django.po")
    compiled = {key: value for key, value in compiled.items() if key != ""}
    source.pop("", None)
    stale = set(source.keys() ^ compiled.keys()) | {
        k for k in source.keys() & compiled.keys() if source[k] != compiled[k]
    }
    examples = sorted(map(str, stale))[:5]
    assert not stale, f"run `make ui-messages`: django.mo differs from django.po: {examples}"


def test_every_german_string_is_translated():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text.split("\n\n", 1)[1]
    empty = re.findall(r'\nmsgstr(?:\[\d\])? ""\n\n', text.split("\n\n", 1)[1] + "\n")
    assert not empty
