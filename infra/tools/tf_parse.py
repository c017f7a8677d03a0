"""Parse every .tf file of a directory with python-hcl2 and print it as JSON.

    python tf_parse.py infra/terraform/hetzner  ->  {"main.tf": {...}, "variables.tf": {...}}

Runs in the infra-tools venv (python-hcl2 is not a Taskapp dependency). A syntax
error exits 1 naming the file. The output is normalised for tests: no quotes
around names and string values, no parser bookkeeping keys.
"""

import json
import sys
from pathlib import Path

import hcl2


def unquote(value):
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    return value


def normalise(node):
    if isinstance(node, dict):
        return {unquote(k): normalise(v) for k, v in node.items() if not k.startswith("__")}
    if isinstance(node, list):
        return [normalise(item) for item in node]
    return unquote(node)


def main(directory: str) -> int:
    parsed = {}
    for path in sorted(Path(directory).rglob("*.tf")):
        if ".terraform" in path.parts:
            continue
        try:
            with path.open() as handle:
                parsed[str(path.relative_to(directory))] = normalise(hcl2.load(handle))
        except Exception as error:  # the parser raises several unrelated types
            print(f"{path}: {error}", file=sys.stderr)
            return 1
    json.dump(parsed, sys.stdout, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
