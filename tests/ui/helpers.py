"""Read forms out of rendered pages, so tests post what a browser would (pretix style)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        # The form's id, or for a form without one the action it posts to ->
        # {"action", "fields": [(name, value)]}. Never a position on the page.
        self.forms: dict[str, dict] = {}
        self.ambiguous: set[str] = set()  # actions of several forms without an id
        self._stack: list[str] = []
        self._select: tuple[str, str] | None = None
        self._textarea: list | None = None

    def _form_of(self, attrs) -> str | None:
        return attrs.get("form") or (self._stack[-1] if self._stack else None)

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            key = attrs.get("id") or attrs.get("action", "")
            if key in self.forms:
                self.ambiguous.add(key)
            self.forms[key] = {"action": attrs.get("action", ""), "fields": []}
            self._stack.append(key)
        elif tag == "textarea" and "name" in attrs:
            form = self._form_of(attrs)
            if form:
                self._textarea = [attrs["name"], ""]
                self.forms[form]["fields"].append(self._textarea)
        elif tag == "input" and "name" in attrs:
            form = self._form_of(attrs)
            kind = attrs.get("type", "text")
            if form is None or kind in ("submit", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.forms.setdefault(form, {"action": "", "fields": []})["fields"].append(
                (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
            )
        elif tag == "select" and "name" in attrs:
            self._select = (self._form_of(attrs), attrs["name"])
        elif tag == "option" and self._select and "selected" in attrs:
            form, name = self._select
            if form:
                self.forms[form]["fields"].append((name, attrs.get("value", "")))

    def handle_data(self, data):
        if self._textarea is not None:
            # Browsers drop the newline right after <textarea>.
            self._textarea[1] += data.removeprefix("\n") if not self._textarea[1] else data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        if tag == "form" and self._stack:
            self._stack.pop()
        elif tag == "select":
            self._select = None


def _parsed(html) -> _Forms:
    parser = _Forms()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser


def forms_in(html: bytes | str) -> dict[str, dict]:
    """The page's forms by id, or by the action they post to when they have no id."""
    return _parsed(html).forms


def form_data(html, form: str, **changes) -> dict:
    """The fields a browser would submit for ``form`` (its id, or the action it
    posts to: "/accounts/login/"), with ``changes`` applied."""
    parsed = _parsed(html)
    assert form not in parsed.ambiguous, f"several forms post to {form}: give them ids"
    assert form in parsed.forms, f"no form {form!r} on the page; there are {list(parsed.forms)}"
    data: dict[str, list[str]] = {}
    for name, value in parsed.forms[form]["fields"]:
        data.setdefault(name, []).append(value)
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Names(HTMLParser):
    """Accessible names from aria-label / aria-labelledby (the referenced elements'
    text, joined by spaces, hidden ones included: what browsers compute)."""

    def __init__(self):
        super().__init__()
        self.texts: dict[str, str] = {}
        self.labelled: list[tuple[str, str]] = []  # (tag, name or "@ids")
        self._open: list[tuple[str, str | None]] = []  # (tag, id)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("aria-label"):
            self.labelled.append((tag, attrs["aria-label"]))
        elif attrs.get("aria-labelledby"):
            self.labelled.append((tag, "@" + attrs["aria-labelledby"]))
        if tag not in VOID:
            self._open.append((tag, attrs.get("id")))
            if attrs.get("id"):
                self.texts[attrs["id"]] = ""

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _tag, element_id in self._open:
            if element_id:
                self.texts[element_id] += data


def accessible_names(html: bytes | str) -> list[str]:
    parser = _Names()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    names = []
    for _tag, name in parser.labelled:
        if name.startswith("@"):
            name = " ".join(parser.texts[i].strip() for i in name[1:].split())
        names.append(" ".join(name.split()))
    return names
