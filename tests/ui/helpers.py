"""Read forms out of rendered pages, so tests post what a browser would (pretix style)."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict] = {}  # id -> {"action", "fields": [(name, value)]}
        self._stack: list[str] = []
        self._select: tuple[str, str] | None = None
        self._textarea: list | None = None
        self._anonymous = 0

    def _form_of(self, attrs) -> str | None:
        return attrs.get("form") or (self._stack[-1] if self._stack else None)

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            self._anonymous += 1
            form_id = attrs.get("id") or f"form-{self._anonymous}"
            self.forms[form_id] = {"action": attrs.get("action", ""), "fields": []}
            self._stack.append(form_id)
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


def forms_in(html: bytes | str) -> dict[str, dict]:
    parser = _Forms()
    parser.feed(html.decode() if isinstance(html, bytes) else html)
    return parser.forms


def form_data(html, form_id: str, **changes) -> dict:
    """The fields a browser would submit for form ``form_id``, with ``changes`` applied."""
    data: dict[str, list[str]] = {}
    for name, value in forms_in(html)[form_id]["fields"]:
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
