"""Write the chart README's values table from the "# --" comments in values.yaml.

    python deploy/tools/values_doc.py           # rewrite the table in README.md
    python deploy/tools/values_doc.py --check   # fail if README.md is stale

Each "# -- text" comment documents the key on the next line; nested keys are joined
with dots. The table goes between the BEGIN/END markers in README.md.
"""

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

CHART = Path(__file__).resolve().parents[1] / "helm" / "taskapp"
BEGIN, END = "<!-- BEGIN VALUES (values_doc.py) -->", "<!-- END VALUES -->"
KEY = re.compile(r"^(?P<indent> *)(?P<key>[A-Za-z0-9_]+):")


def documented_keys(text: str) -> list[tuple[str, str]]:
    """(dotted.key, description) for every key that has a "# --" comment."""
    rows, stack, pending = [], [], None
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("# -- "):
            pending = stripped[5:]
            continue
        match = KEY.match(line)
        if not match:
            continue
        depth = len(match["indent"]) // 2
        stack = [*stack[:depth], match["key"]]
        if pending:
            rows.append((".".join(stack), pending))
            pending = None
    return rows


def lookup(values: dict, dotted: str):
    node = values
    for part in dotted.split("."):
        node = node[part]
    return node


def table(text: str) -> str:
    values = yaml.safe_load(text)
    lines = ["| Key | Default | Description |", "|---|---|---|"]
    for key, description in documented_keys(text):
        default = json.dumps(lookup(values, key), separators=(", ", ": "))
        description = description.replace("|", "\\|")
        lines.append(f"| `{key}` | `{default}` | {description} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    readme = CHART / "README.md"
    current = readme.read_text()
    head, rest = current.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    wanted = f"{head}{BEGIN}\n{table((CHART / 'values.yaml').read_text())}\n{END}{tail}"
    if args.check:
        if wanted != current:
            print("deploy/helm/taskapp/README.md is out of date: run `make manifests`.")
            return 1
        return 0
    readme.write_text(wanted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
