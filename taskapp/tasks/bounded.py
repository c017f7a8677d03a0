"""Reading untrusted JSON and CSV in bounded memory.

The byte cap of a request (TASKAPP_MAX_BODY_BYTES) does not bound what parsing
builds from those bytes: 5 MiB of ``[{},{},…]`` is 1.7 million dicts (hundreds of
MB) for json.loads, 5 MiB of ``title\\na\\na…`` 2.5 million CSV rows. So the
structure is counted before anything is built:

- JSON: every value but the first follows one of ``, : [ {``; counting those
  characters (in C, ``str.count``) bounds the number of values json.loads would
  make. The count includes such characters inside strings, so it over-counts
  text full of commas; the budget (MAX_JSON_SEPARATORS) is far above what any
  body the API takes needs (an import of 10,000 complete rows: ~410,000).
- CSV: rows are read one at a time from a text stream and reading stops at the
  first row past the cap; a line longer than MAX_CSV_LINE is refused before the
  csv module splits it into fields.

ijson (incremental parsing) was considered: it streams the items of an array,
but builds each item in C without a bound, so a budget would still need a
Python loop per parse event (~1 µs each); counting is dependency-free and runs
at memory speed.
"""

import csv
import io
import json

from django.utils.translation import gettext as _

# Values one JSON document may hold (see the module docstring): at most ~60 bytes
# each (a short string and its slot), so about 30 MB at the limit.
MAX_JSON_SEPARATORS = 500_000
# One CSV line: a description of 10,000 characters, quoted and UTF-8, is ~40 KB.
MAX_CSV_LINE = 256 * 1024


class TooLarge(ValueError):
    """The document holds more than one request may make us build."""


def decode_json(data: bytes | str) -> str:
    """The text of a JSON document, decoded as json.loads decodes bytes."""
    if isinstance(data, str):
        return data
    return data.decode(json.detect_encoding(data), "surrogatepass")


def separator_count(text: str) -> int:
    return sum(text.count(char) for char in ",:[{")


def load_json(data: bytes | str, *, max_separators: int = MAX_JSON_SEPARATORS):
    """json.loads, refused (TooLarge) before parsing when the document could hold
    more than ``max_separators`` values. Parse errors raise as json.loads raises
    them (ValueError, RecursionError)."""
    text = decode_json(data)
    if separator_count(text) > max_separators:
        raise TooLarge(
            _("The JSON document holds more than %(max)d values.") % {"max": max_separators}
        )
    return json.loads(text)


class LineTooLong(ValueError):
    pass


def _bounded_lines(stream, limit: int):
    """Lines of a text stream, each read with a size limit (readline(limit+1))."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith("\n"):
            raise LineTooLong(limit)
        yield line


def csv_records(data: bytes, *, encoding: str = "utf-8-sig", max_line: int = MAX_CSV_LINE):
    """A csv.reader over ``data`` that decodes and splits one line at a time."""
    text = io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")
    return csv.reader(_bounded_lines(text, max_line))
