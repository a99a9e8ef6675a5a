"""Sweet's JSON parser and writer against Python's json module as the oracle.

tests/servers/json_roundtrip_tool parses each document with json::parse and writes it back with
the JSON writer. For thousands of documents from a seeded generator (nested arrays and objects,
repeated names, strings with every kind of character and escape, astral characters raw and as
surrogate pairs, integers of every size, floats in every notation, random whitespace):

- valid documents: the tool's output must read back, in Python, as exactly what Python reads
  from the original: same types (int vs float vs bool), floats bit for bit (the sign of zero
  too: the writer's shortest form must give back the same double), same member order;
- mutated documents (truncated, a trailing comma, a character replaced, inserted or deleted):
  whatever Python refuses the tool must refuse, with an offset inside the document, and whatever
  Python accepts the tool must accept with the same value, except where Sweet is stricter on
  purpose (documented in include/sweet/json/parse.hpp): lone surrogates, numbers that overflow a
  double, integers beyond 64 bits, nesting deeper than 64.

The tool is found in $SWEET_BIN_DIR (default build/tests). The test does not use a server, so
it ignores $SWEET_BACKEND (CTest runs it once per backend all the same).
"""

from __future__ import annotations

import decimal
import json
import math
import os
import random
import struct
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("SWEET_BIN_DIR", REPO / "build" / "tests"))
TOOL = BIN_DIR / "json_roundtrip_tool"

SEED = int(os.environ.get("SWEET_JSON_ORACLE_SEED", "20261126"))  # another seed explores further
VALID_DOCUMENTS = 3000
MUTATIONS_PER_DOCUMENT = 2
MAX_DEPTH = 64  # json::ParseOptions' default
INT64_MIN, UINT64_MAX = -(2**63), 2**64 - 1


# ---- running the tool ---------------------------------------------------------------------------


def run_tool(documents: list[bytes], *args: str) -> list[str]:
    """Feeds `documents` to the tool, length-prefixed; returns one result line per document."""
    assert TOOL.exists(), f"{TOOL} is missing: build the json_roundtrip_tool target (or set SWEET_BIN_DIR)"
    stdin = b"".join(b"%d\n%s" % (len(d), d) for d in documents)
    done = subprocess.run([str(TOOL), "--length-prefixed", *args], input=stdin, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    lines = done.stdout.decode("utf-8").split("\n")
    assert lines[-1] == "", "output must end with a newline"
    lines.pop()
    assert len(lines) == len(documents)
    return lines


def error_offset(line: str) -> int | None:
    """The offset of an "ERROR <offset> <reason>" line, or None for "OK ..."."""
    if line.startswith("OK "):
        return None
    assert line.startswith("ERROR "), line
    _, offset, reason = line.split(" ", 2)
    assert reason, line
    return int(offset)


# ---- the oracle ---------------------------------------------------------------------------------


class Refused(Exception):
    """Python's json refuses the document."""


def _no_constants(name: str):
    raise Refused(f"{name} is not JSON")


def python_reads(raw: bytes):
    """What Python makes of `raw`; raises Refused when it is not JSON. Decoded as strict UTF-8
    first: json.loads(bytes) would let encoded surrogates through ('surrogatepass')."""
    try:
        text = raw.decode("utf-8")
        return json.loads(text, parse_constant=_no_constants)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Refused(str(error)) from error


def python_reads_every_member(raw: bytes):
    """Like python_reads, but objects become ("object", [(name, value), ...]) so that values of
    repeated names, which json.loads drops, are kept too (Sweet still reads and checks them)."""
    return json.loads(raw.decode("utf-8"), parse_constant=_no_constants, object_pairs_hook=lambda pairs: ("object", pairs))


def same(a, b) -> bool:
    """Structural equality that also tells int from float from bool, -0.0 from 0.0, and member
    order apart."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def sweet_is_stricter(value, depth: int = 0) -> bool:
    """True when `value` (as Python read it, objects as dicts or as python_reads_every_member
    makes them) holds something Sweet refuses or reads differently
    on purpose: a lone surrogate, an infinite float, an integer beyond 64 bits, deep nesting."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, int):
        return not INT64_MIN <= value <= UINT64_MAX
    if isinstance(value, float):
        return math.isinf(value) or math.isnan(value)
    if isinstance(value, str):
        return any(0xD800 <= ord(c) <= 0xDFFF for c in value)
    if depth + 1 > MAX_DEPTH:
        return True
    if isinstance(value, list):
        return any(sweet_is_stricter(x, depth + 1) for x in value)
    members = value[1] if isinstance(value, tuple) else value.items()
    return any(sweet_is_stricter(k) or sweet_is_stricter(v, depth + 1) for k, v in members)


# ---- the generator ------------------------------------------------------------------------------

SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class Generator:
    """Random JSON texts: values built as Python objects (objects as lists of pairs, so that names
    may repeat) and written with random spacing, escapes and number notations."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    # -- values

    def value(self, depth: int = 0):
        rng = self.rng
        kinds = ["null", "bool", "int", "float", "string"]
        if depth < 6:
            kinds += ["array", "object"] * 2
        kind = rng.choice(kinds)
        if kind == "null":
            return None
        if kind == "bool":
            return rng.random() < 0.5
        if kind == "int":
            return self.integer()
        if kind == "float":
            return self.floating()
        if kind == "string":
            return self.string()
        size = rng.choice([0, 1, 2, 3, 5, 8])
        if kind == "array":
            return [self.value(depth + 1) for _ in range(size)]
        names = [self.string(short=True) for _ in range(size)]
        if names and rng.random() < 0.15:
            names.append(rng.choice(names))  # a repeated name: the last value wins
        return ("object", [(name, self.value(depth + 1)) for name in names])

    def integer(self) -> int:
        rng = self.rng
        special = [0, 1, -1, 2**31 - 1, -(2**31), 2**53, 2**53 + 1, 2**63 - 1, -(2**63), 2**63, UINT64_MAX]
        if rng.random() < 0.2:
            return rng.choice(special)
        bits = rng.randint(0, 64)
        n = rng.getrandbits(bits) if bits else 0
        if rng.random() < 0.5 and n <= 2**63:
            n = -n
        return n

    def floating(self) -> float:
        rng = self.rng
        choice = rng.random()
        if choice < 0.2:
            return rng.choice([0.0, -0.0, 0.1, 0.5, 1.0, -1.0, 1e300, 5e-324, 2.2250738585072014e-308,
                               1.7976931348623157e308, 1e16, 1e-7, 123456789.0, 0.30000000000000004])
        if choice < 0.6:  # any finite double, from its bits
            while True:
                f = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
                if math.isfinite(f):
                    return f
        return round(rng.uniform(-1e6, 1e6), rng.randint(0, 8))

    def string(self, short: bool = False) -> str:
        rng = self.rng
        pools = [
            "abcdefghijklmnopqrstuvwxyz0123456789 ",
            '"\\/\b\f\n\r\t',
            "".join(chr(c) for c in range(0x20)) + "\x7f",
            "\u00e9\u00fc\u00df\u0101\u03bb\u0416",
            "\u4e2d\u6587\u65e5\u672c\u20ac\u2028\u2029\ufeff\uffff\ud7ff\ue000",
            "\U0001F600\U0001F680\U00010000\U0010FFFF\U0001D11E",
        ]
        length = rng.randint(0, 6 if short else 20)
        return "".join(rng.choice(rng.choice(pools)) for _ in range(length))

    # -- text

    def space(self) -> str:
        return self.rng.choice(["", "", "", "", " ", "\n", "\t", "\r\n  ", "  "])

    def text(self, value) -> str:
        rng = self.rng
        if value is None:
            return "null"
        if value is True:
            return "true"
        if value is False:
            return "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return self.float_text(value)
        if isinstance(value, str):
            return self.string_text(value)
        if isinstance(value, list):
            if not value:
                return "[" + self.space() + "]"
            return "[" + ",".join(self.space() + self.text(v) + self.space() for v in value) + "]"
        _, members = value
        if not members:
            return "{" + self.space() + "}"
        parts = (self.space() + self.string_text(k) + self.space() + ":" + self.space() + self.text(v) + self.space()
                 for k, v in members)
        return "{" + ",".join(parts) + "}"

    def float_text(self, f: float) -> str:
        rng = self.rng
        form = rng.choice(["repr", "g17", "e17", "E", "exact", "fixed"])
        if form == "exact":  # every digit of the double: far more than 19 significant digits
            text = str(decimal.Decimal(f))
        elif form == "fixed":
            text = "%.*f" % (rng.randint(0, 40), f) if abs(f) < 1e30 else repr(f)
        elif form == "repr":
            text = repr(f)
        elif form == "g17":
            text = "%.17g" % f
        elif form == "e17":
            text = "%.17e" % f
        elif form == "E":
            text = ("%.17E" % f).replace("E+", rng.choice(["E+", "E"]))
        if all(c in "-0123456789" for c in text):
            text += rng.choice([".0", "e0", "E+0", ".000"])  # keep it a float in Python's eyes
        return text

    def string_text(self, s: str) -> str:
        rng = self.rng
        out = ['"']
        for c in s:
            code = ord(c)
            escape = rng.random() < 0.3
            if c in SHORT_ESCAPES and (code < 0x20 or c in '"\\' or escape):
                out.append(SHORT_ESCAPES[c] if rng.random() < 0.7 else "\\u%04x" % code)
            elif code < 0x20:
                out.append(("\\u%04x" if rng.random() < 0.5 else "\\u%04X") % code)
            elif c == "/" and escape:
                out.append("\\/")
            elif escape and code > 0xFFFF:
                high, low = 0xD800 + ((code - 0x10000) >> 10), 0xDC00 + ((code - 0x10000) & 0x3FF)
                out.append(rng.choice(["\\u%04x\\u%04x", "\\u%04X\\u%04X"]) % (high, low))
            elif escape:
                out.append(rng.choice(["\\u%04x", "\\u%04X"]) % code)
            else:
                out.append(c)
        out.append('"')
        return "".join(out)

    def document(self) -> bytes:
        return (self.space() + self.text(self.value()) + self.space()).encode("utf-8")

    # -- mutations

    def mutate(self, doc: bytes) -> bytes:
        rng = self.rng
        kind = rng.choice(["truncate", "trailing comma", "replace", "insert", "delete", "copy"])
        if kind == "truncate" or len(doc) < 2:
            return doc[: rng.randrange(len(doc))] if doc else b""
        if kind == "trailing comma":
            closers = [i for i, c in enumerate(doc) if c in b"]}"]
            if closers:
                i = rng.choice(closers)
                return doc[:i] + b"," + doc[i:]
        at = rng.randrange(len(doc))
        if kind == "copy":  # a slice of the document again, somewhere else
            start = rng.randrange(len(doc))
            piece = doc[start:start + rng.randint(1, 12)]
            return doc[:at] + piece + doc[at:]
        replacement = rng.choice([b'"', b"\\", b",", b":", b"[", b"]", b"{", b"}", b"0", b"-", b".", b"e", b"+",
                                  b"x", b"n", b"t", b" ", b"\n", b"\x00", b"\x1f", b"\x7f", b"\x80", b"\xc3", b"\xff",
                                  b"\xed\xa0\x80", b"\xef\xbb\xbf", b"/", b"'", b"u"])
        if kind == "replace":
            return doc[:at] + replacement + doc[at + 1:]
        if kind == "insert":
            return doc[:at] + replacement + doc[at:]
        return doc[:at] + doc[at + 1:]


# ---- tests --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus() -> list[bytes]:
    generator = Generator(SEED)
    return [generator.document() for _ in range(VALID_DOCUMENTS)]


def check_round_trip(documents: list[bytes], lines: list[str]) -> None:
    failures = []
    for doc, line in zip(documents, lines):
        expected = python_reads(doc)
        if not line.startswith("OK "):
            failures.append(f"refused {doc!r}: {line}")
            continue
        written = line[3:]
        got = json.loads(written)  # the writer's output is JSON Python accepts...
        if not same(got, expected):  # ...and means the same
            failures.append(f"{doc!r}\n  Python: {expected!r}\n  Sweet:  {written}")
    assert not failures, f"{len(failures)} of {len(documents)} documents differ; first:\n" + "\n".join(failures[:5])


def test_valid_documents_round_trip_exactly(corpus):
    # Sanity: the generator makes documents Python accepts, of every kind.
    values = [python_reads(doc) for doc in corpus]
    assert sum(isinstance(v, dict) for v in values) > VALID_DOCUMENTS // 10
    assert sum(isinstance(v, list) for v in values) > VALID_DOCUMENTS // 10
    assert not any(sweet_is_stricter(python_reads_every_member(doc)) for doc in corpus)
    check_round_trip(corpus, run_tool(corpus))


def test_in_place_parsing_gives_the_same_results(corpus):
    sample = corpus[:500]
    assert run_tool(sample, "--padded") == run_tool(sample)


def test_writer_output_is_a_fixed_point(corpus):
    # Reading the writer's output and writing it again gives the same text.
    first = run_tool(corpus)
    rewritten = [line[3:].encode() for line in first]
    assert run_tool(rewritten) == first


def test_mutated_documents_agree_with_python(corpus):
    generator = Generator(SEED + 1)
    mutated = [generator.mutate(doc) for doc in corpus for _ in range(MUTATIONS_PER_DOCUMENT)]
    lines = run_tool(mutated)
    refused_by_python = 0
    failures = []
    for doc, line in zip(mutated, lines):
        offset = error_offset(line)
        try:
            expected = python_reads(doc)
        except Refused as why:
            refused_by_python += 1
            if offset is None:
                failures.append(f"accepted what Python refuses ({why}): {doc!r} -> {line}")
            elif not 0 <= offset <= len(doc):
                failures.append(f"offset {offset} outside the document: {doc!r}")
            continue
        if sweet_is_stricter(python_reads_every_member(doc)):
            continue
        if offset is not None:
            failures.append(f"refused what Python accepts: {doc!r} -> {line}")
        elif not same(json.loads(line[3:]), expected):
            failures.append(f"differs: {doc!r}\n  Python: {expected!r}\n  Sweet: {line}")
    # The mutations must mostly break documents, or this test checks little.
    assert refused_by_python > len(mutated) // 2
    assert not failures, f"{len(failures)} of {len(mutated)} mutations disagree; first:\n" + "\n".join(failures[:5])


def test_every_prefix_of_a_document_is_refused(corpus):
    containers = [doc.strip() for doc in corpus if doc.strip()[:1] in (b"[", b"{") and len(doc) < 300][:40]
    prefixes = [doc[:n] for doc in containers for n in range(len(doc))]
    for prefix, line in zip(prefixes, run_tool(prefixes)):
        offset = error_offset(line)
        assert offset is not None and offset <= len(prefix), (prefix, line)


INVALID = [
    b"", b"   ", b"[1,]", b'{"a":1,}', b"[,]", b"[1 2]", b'{"a" 1}', b"{'a':1}", b"{a:1}", b"01", b"1.", b".5",
    b"+1", b"-", b"1e", b"0x1F", b"NaN", b"Infinity", b"-Infinity", b"[nan]", b"tru", b"nul", b"True", b"None",
    b"/* c */ 1", b"1 // c", b"[1] x", b"1 2", b'"abc', b'"a\tb"', b'"\\x"', b'"\\u12"', b"\xef\xbb\xbf{}",
    b'"\xff"', b'"\xc0\xaf"', b'"\xed\xa0\x80"', b"[1}", b"{]", b"[[]", b"]", b"}", b"\x00", b"[\"a\",]",
]


def test_hand_picked_invalid_documents(corpus):
    for doc in INVALID:
        with pytest.raises(Refused):
            python_reads(doc)
    for doc, line in zip(INVALID, run_tool(INVALID)):
        offset = error_offset(line)
        assert offset is not None and 0 <= offset <= len(doc), (doc, line)


def test_where_sweet_is_stricter_than_python():
    docs = [b'"\\ud800"', b'["\\udc00x"]', b"1e400", b"[-1e999]", b"[" * 65 + b"]" * 65]
    for doc in docs:
        python_reads(doc)  # Python takes these
    for doc, line in zip(docs, run_tool(docs)):
        assert error_offset(line) is not None, (doc, line)
    # At the depth limit it is fine.
    assert run_tool([b"[" * 64 + b"]" * 64])[0].startswith("OK ")


def test_integers_beyond_64_bits_become_the_nearest_double():
    numbers = [2**64, -(2**63) - 1, 10**30, -(10**25) + 7, 2**100 + 1]
    lines = run_tool([str(n).encode() for n in numbers])
    for n, line in zip(numbers, lines):
        assert line.startswith("OK "), line
        assert json.loads(line[3:]) == float(n)


def test_line_framing():
    tool = subprocess.run([str(TOOL)], input=b'[1, "a"]\n{"b":null}\n[\n', capture_output=True, timeout=60)
    assert tool.returncode == 0
    lines = tool.stdout.decode().splitlines()
    assert lines[0] == 'OK [1,"a"]'
    assert lines[1] == 'OK {"b":null}'
    assert lines[2].startswith("ERROR 1 ")
