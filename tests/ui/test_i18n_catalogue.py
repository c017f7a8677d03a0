"""Every string the code marks for translation has a German translation.

tests/ui/test_i18n.py checks the .po it is given (no empty or fuzzy entry, the .mo in
step); this checks that the .po is not behind the code: a string added to a template
or a module without running `make ui-messages` (and translating it) fails here. The
strings are found as makemessages finds them, without gettext's tools: Python files
through their syntax tree, templates through Django's own ``templatize`` (what
makemessages hands to xgettext).
"""

import ast
import re
from pathlib import Path

from django.utils.translation.template import templatize

from taskapp.tasks import lists, services
from taskapp.tasks.models import TaskList
from tests.ui.helpers import accessible_names
from tests.ui.test_i18n import DE, LOCALE, _po_catalog

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("api", "config", "taskapp", "ui")
SINGLE = {"_", "gettext", "gettext_lazy", "gettext_noop"}
PLURAL = {"ngettext", "ngettext_lazy"}
CONTEXT = {"pgettext", "pgettext_lazy"}
CONTEXT_PLURAL = {"npgettext", "npgettext_lazy"}
CALL = re.compile(r"\b(n?p?gettext)\(")


def _keys(name: str, args: list) -> list:
    """The catalogue keys (as _po_catalog and gettext store them) of one call."""
    strings = [arg.value for arg in args if isinstance(arg, ast.Constant)]
    if not strings or not all(isinstance(value, str) for value in strings):
        return []  # not a literal: makemessages cannot see it either
    if name in SINGLE:
        return [strings[0]]
    if name in PLURAL and len(strings) >= 2:
        return [(strings[0], 0), (strings[0], 1)]
    if name in CONTEXT and len(strings) >= 2:
        return [f"{strings[0]}\x04{strings[1]}"]
    if name in CONTEXT_PLURAL and len(strings) >= 3:
        key = f"{strings[0]}\x04{strings[1]}"
        return [(key, 0), (key, 1)]
    return []


def _python_keys(source: str) -> list:
    keys = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        keys += _keys(name, node.args) if name else []
    return keys


def _template_keys(path: Path) -> list:
    """The calls templatize writes for {% translate %} and {% blocktranslate %}:
    each is parsed from its name up to the first ``)`` that closes a valid call."""
    text = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    keys = []
    for match in CALL.finditer(text):
        end = match.end()
        while (end := text.find(")", end) + 1) > 0:
            try:
                call = ast.parse(text[match.start() : end], mode="eval").body
            except SyntaxError:
                continue
            keys += _keys(match.group(1), call.args)
            break
    return keys


def marked_strings() -> dict:
    """Catalogue key -> the first file that marks it."""
    found = {}
    for folder in SOURCES:
        for path in sorted((ROOT / folder).rglob("*")):
            if path.suffix == ".py":
                keys = _python_keys(path.read_text(encoding="utf-8"))
            elif path.suffix in (".html", ".txt") and "templates" in path.parts:
                keys = _template_keys(path)
            else:
                continue
            for key in keys:
                found.setdefault(key, path.relative_to(ROOT))
    return found


def test_it_finds_the_strings_of_templates_and_modules():
    found = marked_strings()
    assert found["View only"] in (
        Path("ui/templates/ui/tasks.html"),
        Path("ui/templates/ui/task_view.html"),
    )
    assert ("%(n)s open", 1) in found  # a {% blocktranslate count %}
    assert "Name must be valid Unicode text (no lone surrogates)." in found
    assert 'Someone asked to reset the password of the Taskapp account "%(user)s" at ' in str(
        list(found)
    )


def test_every_marked_string_has_a_german_translation():
    catalog = _po_catalog(LOCALE / "django.po")  # fuzzy entries count as missing
    missing = sorted(
        f"{path}: {key!r}" for key, path in marked_strings().items() if key not in catalog
    )
    assert not missing, (
        f"{len(missing)} strings lack a German translation; run `make ui-messages`, "
        "translate them in django.po and run it again:\n" + "\n".join(missing[:20])
    )


def test_a_list_page_and_a_sharing_error_are_german(logged_in_client, user):
    html = logged_in_client.get("/lists/", **DE).content.decode()
    assert "<h1>Listen</h1>" in html and "Neue Liste" in html and "Ihre Listen" in html
    family = logged_in_client.post("/lists/", {"name": "Familie", "colour": "green"}, **DE)
    assert family.status_code == 302
    page = logged_in_client.get("/lists/", **DE).content.decode()
    assert "Liste „Familie“ erstellt." in page
    assert '<option value="green" selected>Grün</option>' in page
    family = TaskList.objects.get(name="Familie")
    response = logged_in_client.post(
        f"/lists/{family.pk}/share/", {"username": "nobody", "role": "viewer"}, **DE
    )
    assert response.status_code == 422
    assert "Es gibt keinen Benutzer mit diesem Namen." in response.content.decode()


def test_a_viewer_reads_view_only_in_german(logged_in_client, other_user, user):
    family = lists.list_create(owner=other_user, name="Familie")
    services.task_create(owner=other_user, title="Blumen gießen", list=family.pk)
    lists.member_invite(task_list=family, username=user.username, role="viewer")
    html = logged_in_client.get(f"/?list={family.pk}", **DE).content.decode()
    assert '<i class="b-ro">Nur ansehen</i>' in html
    assert "Sie können diese Liste nur ansehen" in html
    assert "Blumen gießen ansehen" in accessible_names(html)
