"""Hypothesis strategies from JSON Schema, and the oracle that judges what they generate.

Used by test_property.py. `hypothesis-jsonschema` is not packaged for Debian, so this is a small
generator of our own for the OpenAPI 3.1 dialect Sweet emits: `type` (object, array, string,
integer, number, boolean, null, or a list of them), `properties`, `required`,
`additionalProperties` (a boolean or a schema), `anyOf`/`oneOf`, `enum`, `const`, `minimum`,
`maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `minLength`/`maxLength` (code points),
`pattern`, `format` (email, uuid, date-time, date; int32/int64 bound integers), `minItems`/
`maxItems`, `multipleOf` (integers), `$ref` to `#/components/schemas/...` and `default`. A
keyword it does not know raises `UnsupportedSchema`, so a document that grows a new keyword
fails loudly instead of being half-tested.

Three things are here:

- `SchemaStrategies(document).valid(schema)`: values the schema allows.
  `.invalid(schema)`: values made by mutating valid ones (drop a required key, wrong type,
  out-of-range number, non-integral number for an integer, too long or short string or list,
  extra key where `additionalProperties` is false, wrong enum value, pattern or format broken,
  and the same nested inside objects, maps and arrays, up to three mutations at once).
  Which class a value really falls in is decided by the oracle, never assumed from the
  generator: a mutation that happens to stay valid is simply a valid example.
- `Oracle(document)`: a jsonschema Draft 2020-12 validator with two deliberate changes, both
  towards what JSON Schema itself specifies (see `ecma_pattern_to_python` and
  `FORMAT_CHECKER`); `wrong_places()`, the places in a document that are really wrong; and
  `uncertain_emails()`, where jsonschema's loose email check and Sweet's may disagree.
- JSON text: `json_text(value)` renders a value with varied but valid whitespace and escapes;
  `malformed_json(valid_text)` breaks valid text; `parse_strict(body)` says whether bytes are
  JSON, not JSON, or in the grey zone RFC 8259 leaves to implementations.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable

import hypothesis.strategies as st
import jsonschema
import jsonschema.validators
from jsonschema import Draft202012Validator, FormatChecker, RefResolver, ValidationError


class UnsupportedSchema(Exception):
    """The schema uses a keyword or form this generator does not handle."""


# ---- ECMAScript patterns ------------------------------------------------------------------

# JSON Schema's `pattern` is an ECMA-262 regular expression, searched (not anchored). Python's
# `re` differs in ways that matter for an oracle: `$` also matches before a final "\n", `\d`
# and `\w` match non-ASCII digits and letters, `.` matches "\r" and U+2028/U+2029, `\s` has
# another Unicode set, and `[^]`/`[]` mean something else. jsonschema hands the pattern to `re`
# as it is, so the oracle would call "ABC-1234\n" valid for "^[A-Z]{3}-[0-9]{4}$" where
# ECMAScript (and Sweet) refuse it. The translation below keeps ECMAScript's meaning.

_ECMA_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_ECMA_LINE_TERMINATORS = "\\n\\r\\u2028\\u2029"
_ECMA_WORD = "A-Za-z0-9_"
_ECMA_WORD_BOUNDARY = f"(?:(?<=[{_ECMA_WORD}])(?![{_ECMA_WORD}])|(?<![{_ECMA_WORD}])(?=[{_ECMA_WORD}]))"
_ECMA_NOT_WORD_BOUNDARY = f"(?:(?<=[{_ECMA_WORD}])(?=[{_ECMA_WORD}])|(?<![{_ECMA_WORD}])(?![{_ECMA_WORD}]))"
_CLASS_ESCAPES = {"d": "0-9", "w": _ECMA_WORD, "s": _ECMA_SPACE}


@lru_cache(maxsize=None)
def ecma_pattern_to_python(pattern: str) -> str:
    """The Python `re` pattern that searches like ECMAScript pattern `pattern` (no flags).

    Raises UnsupportedSchema for what cannot be translated faithfully (backreferences, `\\cX`
    outside A-Z, `\\u{...}`, `\\D`/`\\W`/`\\S` inside a class)."""
    out: list[str] = []
    i = 0
    in_class = False
    n = len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise UnsupportedSchema(f"pattern {pattern!r} ends with a backslash")
            e = pattern[i + 1]
            i += 2
            if e in "dws":
                out.append(_CLASS_ESCAPES[e] if in_class else f"[{_CLASS_ESCAPES[e]}]")
            elif e in "DWS":
                if in_class:
                    raise UnsupportedSchema(f"\\{e} inside a character class in {pattern!r}")
                out.append(f"[^{_CLASS_ESCAPES[e.lower()]}]")
            elif e == "b":
                out.append("\\x08" if in_class else _ECMA_WORD_BOUNDARY)  # in a class, \b is backspace
            elif e == "B" and not in_class:
                out.append(_ECMA_NOT_WORD_BOUNDARY)
            elif e == "c" and i < n and pattern[i].isascii() and pattern[i].isalpha():
                out.append(f"\\x{ord(pattern[i]) % 32:02x}")
                i += 1
            elif e == "0" and not (i < n and pattern[i].isdigit()):
                out.append("\\x00")
            elif e.isdigit() or e == "k":
                raise UnsupportedSchema(f"backreference in {pattern!r}")
            elif e == "u":
                if i < n and pattern[i] == "{":
                    raise UnsupportedSchema(f"\\u{{...}} in {pattern!r}")
                out.append("\\u" + pattern[i:i + 4])
                i += 4
            elif e == "x":
                out.append("\\x" + pattern[i:i + 2])
                i += 2
            elif e in "tnvfr":
                out.append("\\" + e)
            else:
                out.append(re.escape(e))  # an escaped syntax character is that character
            continue
        if in_class:
            if c == "]":
                in_class = False
                out.append("]")
            elif c == "[":
                out.append("\\[")  # literal in ECMAScript; Python warns about nested sets
            else:
                out.append(c)
            i += 1
            continue
        if c == "[":
            if pattern.startswith("[]", i):
                out.append("(?!)")  # matches nothing
                i += 2
            elif pattern.startswith("[^]", i):
                out.append("[\\s\\S]")  # matches anything
                i += 3
            else:
                in_class = True
                out.append("[")
                i += 1
                if i < n and pattern[i] == "^":
                    out.append("^")
                    i += 1
            continue
        if c == ".":
            out.append(f"[^{_ECMA_LINE_TERMINATORS}]")
        elif c == "$":
            out.append("\\Z")
        elif c == "(" and pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        else:
            out.append(c)
        i += 1
    return "".join(out)


@lru_cache(maxsize=None)
def compiled_pattern(pattern: str) -> re.Pattern:
    """`pattern` (ECMAScript) compiled for Python."""
    return re.compile(ecma_pattern_to_python(pattern))


# ---- formats ------------------------------------------------------------------------------

# The oracle's format checks. jsonschema 4.10 (Debian) needs the unpackaged rfc3339-validator
# for "date-time", and its "uuid" and "date" accept more than the RFCs JSON Schema names
# (uuid.UUID takes "{...}" and "urn:uuid:" forms; date.fromisoformat takes "20240101"), so those
# three are checked here by the letter of RFC 3339 and RFC 4122. "email" is jsonschema's own
# check, on purpose: it only asks for an "@". Sweet's email rule is stricter (a dot-atom local
# part and a dotted domain, like the email-validator library pydantic uses). Rather than
# loosening the test, the generators produce only emails both accept (`emails()`) and, as
# invalid emails, only strings both refuse (without "@"); test_property.py has a separate case
# pinning down the stricter rule with examples jsonschema accepts and Sweet must refuse.

FORMAT_CHECKER = FormatChecker(["email"])

_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DATE_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_DATE_TIME_RE = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|[+-]([0-9]{2}):([0-9]{2}))"
)
_INT_FORMAT_BOUNDS = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def _days_in_month(year: int, month: int) -> int:
    return 29 if month == 2 and _is_leap(year) else [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]


@FORMAT_CHECKER.checks("uuid")
def is_uuid(instance: object) -> bool:
    """RFC 4122's string form: 8-4-4-4-12 hexadecimal digits, either case."""
    return not isinstance(instance, str) or _UUID_RE.fullmatch(instance) is not None


@FORMAT_CHECKER.checks("date")
def is_date(instance: object) -> bool:
    """RFC 3339 full-date: YYYY-MM-DD naming a real calendar day (year 0000 included)."""
    if not isinstance(instance, str):
        return True
    m = _DATE_RE.fullmatch(instance)
    if not m:
        return False
    year, month, day = (int(g) for g in m.groups())
    return 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)


@FORMAT_CHECKER.checks("date-time")
def is_date_time(instance: object) -> bool:
    """RFC 3339 date-time; "T" and "Z" in either case, as its section 5.6 allows.

    RFC 3339 also allows second 60 (leap seconds); Sweet refuses it (as Python's datetime
    does). The generators never produce second 60, so the two never disagree on it here; the
    oracle keeps the RFC's answer so that a server accepting 60 would still be right."""
    if not isinstance(instance, str):
        return True
    m = _DATE_TIME_RE.fullmatch(instance)
    if not m or not is_date(m.group(1)):
        return False
    hour, minute, second = int(m.group(2)), int(m.group(3)), int(m.group(4))
    if hour > 23 or minute > 59 or second > 60:
        return False
    if m.group(7) is not None and (int(m.group(7)) > 23 or int(m.group(8)) > 59):
        return False
    return True


def _int_format(fmt: str):
    low, high = _INT_FORMAT_BOUNDS[fmt]

    def check(instance: object) -> bool:
        if isinstance(instance, bool) or not isinstance(instance, (int, float)):
            return True
        return low <= instance <= high

    return check


# OpenAPI's format registry bounds integers by their storage size: int32/int64 are part of
# what the document says the server accepts.
for _name in _INT_FORMAT_BOUNDS:
    FORMAT_CHECKER.checks(_name)(_int_format(_name))


# ---- the oracle ---------------------------------------------------------------------------


def _ecma_pattern_keyword(validator, pattern, instance, schema):
    if validator.is_type(instance, "string") and not compiled_pattern(pattern).search(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


_OracleValidator = jsonschema.validators.extend(Draft202012Validator, {"pattern": _ecma_pattern_keyword})


@dataclass(frozen=True)
class WrongPlace:
    """One place in a document that the oracle found wrong: `path` (keys and indices from
    the document's root) and the JSON Schema `keyword` that failed there ("required" for a
    missing key and "additionalProperties" for a forbidden one, whose own name ends `path`)."""

    path: tuple
    keyword: str


class Oracle:
    """Judges documents against the schemas of an OpenAPI 3.1 document."""

    def __init__(self, document: dict):
        self.document = document
        self._resolver = RefResolver("", document)
        self._validators: dict[str, Any] = {}

    def validator(self, schema: Any) -> Any:
        """A Draft 2020-12 validator for `schema` ($refs resolve inside the document); the
        schema itself is checked against the metaschema once."""
        key = json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            _OracleValidator.check_schema(schema)
            self._validators[key] = _OracleValidator(schema, resolver=self._resolver, format_checker=FORMAT_CHECKER)
        return self._validators[key]

    def is_valid(self, schema: Any, instance: Any) -> bool:
        """True when `instance` satisfies `schema`."""
        return self.validator(schema).is_valid(instance)

    def uncertain_emails(self, schema: Any, instance: Any) -> set[tuple]:
        """Places of "email" strings jsonschema accepts that are not in the language of
        `emails()`: there Sweet's stricter rule may refuse what the oracle allows, so either
        answer is right. The generators never produce such strings; only bytes mutated by
        `malformed_json` that turn out to be JSON can hold one."""
        key = "agreed-email:" + json.dumps(schema, sort_keys=True)
        if key not in self._validators:
            checker = FormatChecker([])
            checker.checkers = dict(FORMAT_CHECKER.checkers)
            checker.checkers["email"] = (lambda v: not isinstance(v, str) or ("@" not in v or is_agreed_email(v)), ())
            self._validators[key] = _OracleValidator(schema, resolver=self._resolver, format_checker=checker)
        places = set()

        def visit(errors: Iterable[ValidationError]) -> None:
            for e in errors:
                if e.validator == "format" and e.validator_value == "email":
                    places.add(tuple(e.absolute_path))
                visit(e.context or [])

        visit(self._validators[key].iter_errors(instance))
        return places

    def wrong_places(self, schema: Any, instance: Any, follow_unions: bool = True) -> list[WrongPlace]:
        """Every place that is really wrong in `instance`, from jsonschema's errors; with
        `follow_unions`, the failures inside each alternative of an `anyOf`/`oneOf` too (the
        union's own place is always listed)."""
        places: list[WrongPlace] = []

        def visit(errors: Iterable[ValidationError]) -> None:
            for e in errors:
                path = tuple(e.absolute_path)
                if e.validator == "required" and isinstance(e.instance, dict):
                    places.extend(WrongPlace(path + (k,), "required") for k in e.validator_value if k not in e.instance)
                elif e.validator == "additionalProperties" and e.validator_value is False and isinstance(e.instance, dict):
                    declared = e.schema.get("properties", {})
                    places.extend(WrongPlace(path + (k,), "additionalProperties") for k in e.instance if k not in declared)
                else:
                    places.append(WrongPlace(path, str(e.validator)))
                if e.context and follow_unions:
                    visit(e.context)

        visit(self.validator(schema).iter_errors(instance))
        return places


# ---- values of any JSON type --------------------------------------------------------------

# Text for JSON strings: any code point but surrogates (not Unicode scalar values, so not
# something UTF-8 can carry), control characters and NUL included.
TEXT_CHARACTERS = st.characters(blacklist_categories=("Cs",))
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1
# Integers a double holds exactly: only these are also rendered as "5.0"-style numbers.
EXACT_IN_DOUBLE = 2**53


def json_scalars() -> st.SearchStrategy:
    """null, booleans, 64-bit integers, finite doubles and strings."""
    return st.one_of(
        st.none(),
        st.booleans(),
        st.integers(INT64_MIN, INT64_MAX),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(TEXT_CHARACTERS, max_size=20),
    )


def json_values() -> st.SearchStrategy:
    """Any JSON value: scalars, and arrays and objects two levels deep (cheap to generate,
    far below Sweet's depth limit)."""
    scalars = json_scalars()
    keys = st.text(TEXT_CHARACTERS, max_size=8)
    shallow = st.one_of(st.lists(scalars, max_size=3), st.dictionaries(keys, scalars, max_size=3))
    return st.one_of(scalars, shallow, st.lists(shallow, max_size=2), st.dictionaries(keys, shallow, max_size=2))


def json_type_of(value: Any) -> str:
    """The JSON Schema type name of a Python JSON value ("integer" for integral numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


# ---- formats, as strategies ----------------------------------------------------------------

_ATEXT_ASCII = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~"
_LABEL_ASCII = "abcdefghijklmnopqrstuvwxyz0123456789"


def emails() -> st.SearchStrategy[str]:
    """Email addresses that both jsonschema and Sweet accept: dot-atom local part (ASCII
    atext and letters beyond ASCII), two to three domain labels without edge hyphens, and an
    alphabetic top-level label, within RFC 5321's lengths."""
    non_ascii_letters = st.characters(min_codepoint=0xC0, max_codepoint=0x2FFF, whitelist_categories=("Ll", "Lu", "Lo"))
    atom = st.text(st.one_of(st.sampled_from(_ATEXT_ASCII), non_ascii_letters), min_size=1, max_size=10)
    local = st.lists(atom, min_size=1, max_size=3).map(".".join).filter(lambda s: len(s.encode()) <= 64)
    edge = st.sampled_from(_LABEL_ASCII)
    label = st.builds(lambda a, mid, b: a + mid + b, edge, st.text(st.sampled_from(_LABEL_ASCII + "-"), max_size=8), edge)
    label = st.one_of(edge, label)
    top = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=2, max_size=6)
    domain = st.builds(lambda labels, t: ".".join(labels + [t]), st.lists(label, min_size=1, max_size=2), top)
    return st.builds(lambda l, d: f"{l}@{d}", local, domain).filter(lambda s: len(s.encode()) <= 254)


# The language of `emails()`: the addresses the tests know both jsonschema and Sweet accept.
_EMAIL_ATOM = "[A-Za-z0-9!#$%&'*+\\-/=?^_`{|}~\u00c0-\u2fff]+"
_EMAIL_LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_EMAIL_GRAMMAR = re.compile(f"{_EMAIL_ATOM}(?:\\.{_EMAIL_ATOM})*@{_EMAIL_LABEL}(?:\\.{_EMAIL_LABEL})*\\.[a-z]{{2,}}")


def is_agreed_email(text: str) -> bool:
    """True for addresses in the language of `emails()` (within its lengths)."""
    local = text.rpartition("@")[0]
    return (_EMAIL_GRAMMAR.fullmatch(text) is not None and len(text.encode()) <= 254 and len(local.encode()) <= 64)


def uuids() -> st.SearchStrategy[str]:
    """UUIDs in RFC 4122 form, in lower, upper or mixed case."""
    return st.builds(lambda u, case: case(str(u)), st.uuids(), st.sampled_from([str.lower, str.upper, str.swapcase]))


def dates() -> st.SearchStrategy[str]:
    """RFC 3339 full-dates (years 0001 to 9999)."""
    return st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}")


def date_times() -> st.SearchStrategy[str]:
    """RFC 3339 date-times: optional fraction, "Z" or a numeric offset, "T"/"Z" in either case."""
    offset = st.one_of(
        st.sampled_from(["Z", "z"]),
        st.builds(lambda sign, h, m: f"{sign}{h:02d}:{m:02d}", st.sampled_from("+-"), st.integers(0, 23), st.integers(0, 59)),
    )
    fraction = st.one_of(st.just(""), st.text(st.sampled_from("0123456789"), min_size=1, max_size=9).map(lambda f: "." + f))
    return st.builds(
        lambda d, t, sep, frac, off: f"{d}{sep}{t.hour:02d}:{t.minute:02d}:{t.second:02d}{frac}{off}",
        dates(), st.times(), st.sampled_from("Tt"), fraction, offset,
    )


_FORMAT_STRATEGIES = {"email": emails, "uuid": uuids, "date": dates, "date-time": date_times}


def near_misses(valid: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Strings one edit away from valid ones (a character replaced, deleted or inserted),
    plus the valid string with a trailing newline or space."""

    @st.composite
    def edit(draw):
        s = draw(valid)
        kind = draw(st.sampled_from(["replace", "delete", "insert", "newline", "space"]))
        if kind == "newline":
            return s + "\n"
        if kind == "space":
            return draw(st.sampled_from([" " + s, s + " "]))
        i = draw(st.integers(0, max(0, len(s) - 1)))
        ch = draw(st.one_of(st.sampled_from("-:.@ xZT0"), TEXT_CHARACTERS))
        if kind == "replace" and s:
            return s[:i] + ch + s[i + 1:]
        if kind == "delete" and s:
            return s[:i] + s[i + 1:]
        return s[:i] + ch + s[i:]

    return edit()


# ---- the generator -------------------------------------------------------------------------

_ANNOTATIONS = {"title", "description", "default", "examples", "example", "deprecated", "readOnly", "writeOnly",
                "$schema", "$id", "$comment", "contentMediaType", "contentEncoding", "discriminator", "xml",
                "externalDocs"}
_KNOWN = _ANNOTATIONS | {"type", "properties", "required", "additionalProperties", "anyOf", "oneOf", "enum", "const",
                         "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
                         "pattern", "format", "minItems", "maxItems", "items", "$ref", "multipleOf", "minProperties",
                         "maxProperties"}
_ALL_TYPES = ("null", "boolean", "integer", "number", "string", "array", "object")


def _types_of(schema: dict) -> list[str]:
    t = schema.get("type")
    if t is None:
        return []
    return [t] if isinstance(t, str) else list(t)


def _is_unconstrained(schema: Any) -> bool:
    return schema is True or (isinstance(schema, dict) and not (set(schema) - _ANNOTATIONS))


def pick(options: list[tuple[int, st.SearchStrategy]]) -> st.SearchStrategy:
    """One of `options` (weight, strategy), chosen by weight. Unlike `st.one_of`, which
    flattens nested `one_of`s so that a strategy with many branches crowds out the others,
    each option keeps its own share."""
    options = [(w, s) for w, s in options if w > 0 and not s.is_empty]
    if not options:
        return st.nothing()
    if len(options) == 1:
        return options[0][1]
    slots = [s for w, s in options for _ in range(w)]
    return st.integers(0, len(slots) - 1).flatmap(lambda i: slots[i])


class SchemaStrategies:
    """Valid and invalid values for the schemas of one OpenAPI 3.1 document."""

    # Lists are kept short (the boundary sizes are generated on purpose) so that examples stay
    # quick; unknown keys are few for the same reason.
    MAX_LIST = 5
    MAX_EXTRA_KEYS = 2

    def __init__(self, document: dict):
        self.document = document
        self._valid_refs: dict[str, st.SearchStrategy] = {}
        self._invalid_refs: dict[str, st.SearchStrategy] = {}

    # -- schemas ------------------------------------------------------------------------------

    def lookup(self, ref: str) -> Any:
        """The schema a local `$ref` ("#/components/schemas/Name") points at."""
        if not ref.startswith("#/"):
            raise UnsupportedSchema(f"non-local $ref {ref!r}")
        node: Any = self.document
        for part in ref[2:].split("/"):
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise UnsupportedSchema(f"$ref {ref!r} points at nothing")
            node = node[part]
        return node

    def resolve(self, schema: Any) -> Any:
        """`schema` with its `$ref` followed; sibling keywords of a `$ref` are laid over the
        target (they are annotations such as "description" or "default" in Sweet's output)."""
        seen = set()
        while isinstance(schema, dict) and "$ref" in schema:
            ref = schema["$ref"]
            if ref in seen:
                raise UnsupportedSchema(f"$ref cycle at {ref!r}")
            seen.add(ref)
            siblings = {k: v for k, v in schema.items() if k != "$ref"}
            if set(siblings) - _ANNOTATIONS:
                raise UnsupportedSchema(f"validation keywords next to $ref: {sorted(siblings)}")
            target = self.lookup(ref)
            schema = {**target, **siblings} if isinstance(target, dict) else target
        if isinstance(schema, dict):
            unknown = set(schema) - _KNOWN
            if unknown:
                raise UnsupportedSchema(f"keywords {sorted(unknown)} in {schema}")
            if "minProperties" in schema or "maxProperties" in schema:
                raise UnsupportedSchema(f"generation for minProperties/maxProperties: {schema}")
            factor = schema.get("multipleOf")
            if factor is not None and (schema.get("type") != "integer" or not float(factor).is_integer()):
                raise UnsupportedSchema(f"multipleOf is generated for integers by integers only: {schema}")
        return schema

    def _via_ref(self, schema: Any, cache: dict, build) -> st.SearchStrategy:
        # A plain $ref is built once and deferred, so recursive schemas terminate.
        if isinstance(schema, dict) and set(schema) == {"$ref"}:
            ref = schema["$ref"]
            if ref not in cache:
                cache[ref] = st.deferred(lambda: build(self.resolve(schema)))
            return cache[ref]
        return build(self.resolve(schema))

    # -- valid values ---------------------------------------------------------------------------

    def valid(self, schema: Any) -> st.SearchStrategy:
        """Values `schema` allows (checked by the oracle in the tests, not assumed)."""
        return self._via_ref(schema, self._valid_refs, self._valid_resolved)

    def _valid_resolved(self, s: Any) -> st.SearchStrategy:
        if s is False:
            return st.nothing()
        if _is_unconstrained(s):
            return json_values()
        if "const" in s:
            return st.just(s["const"])
        if "enum" in s:
            return st.sampled_from(s["enum"])
        if "anyOf" in s or "oneOf" in s:
            branches = s.get("anyOf") or s.get("oneOf")
            return pick([(1, self.valid(b)) for b in branches])
        types = _types_of(s) or list(_ALL_TYPES)
        return pick([(1, self._valid_of_type(s, t)) for t in types])

    def _valid_of_type(self, s: dict, t: str) -> st.SearchStrategy:
        if t == "null":
            return st.none()
        if t == "boolean":
            return st.booleans()
        if t == "integer":
            return self._valid_integer(s)
        if t == "number":
            return self._valid_number(s)
        if t == "string":
            return self._valid_string(s)
        if t == "array":
            return self._valid_array(s)
        if t == "object":
            return self._valid_object(s)
        raise UnsupportedSchema(f"type {t!r}")

    @staticmethod
    def integer_bounds(s: dict) -> tuple[int | None, int | None]:
        """The smallest and largest integers `s` allows (None: unbounded)."""
        low = high = None
        if "minimum" in s:
            low = math.ceil(s["minimum"])
        if "exclusiveMinimum" in s:
            v = math.floor(s["exclusiveMinimum"]) + 1
            low = v if low is None else max(low, v)
        if "maximum" in s:
            high = math.floor(s["maximum"])
        if "exclusiveMaximum" in s:
            v = math.ceil(s["exclusiveMaximum"]) - 1
            high = v if high is None else min(high, v)
        if s.get("format") in _INT_FORMAT_BOUNDS:
            f_low, f_high = _INT_FORMAT_BOUNDS[s["format"]]
            low = f_low if low is None else max(low, f_low)
            high = f_high if high is None else min(high, f_high)
        return low, high

    def _valid_integer(self, s: dict) -> st.SearchStrategy:
        low, high = self.integer_bounds(s)
        low = INT64_MIN if low is None else low
        high = INT64_MAX if high is None else high
        # Without a format or bound the document promises any integer; 64 bits is the most any
        # implementation stores, so the generator stays there (wider ones are tested apart).
        factor = int(s.get("multipleOf", 1))
        first, last = -(-low // factor), high // factor
        if first > last:
            return st.nothing()
        ints = st.one_of(st.integers(first, last), st.sampled_from([first, last])).map(lambda k: k * factor)
        # JSON Schema counts 5.0 as an integer; so does pydantic. Rendered as "5.0" or "1e+16".
        exact = ints.filter(lambda v: abs(v) <= EXACT_IN_DOUBLE)
        return st.one_of(ints, exact.map(float))

    def _valid_number(self, s: dict) -> st.SearchStrategy:
        low = s.get("minimum", s.get("exclusiveMinimum"))
        high = s.get("maximum", s.get("exclusiveMaximum"))
        floats = st.floats(
            min_value=low, max_value=high, allow_nan=False, allow_infinity=False,
            exclude_min="exclusiveMinimum" in s and "minimum" not in s,
            exclude_max="exclusiveMaximum" in s and "maximum" not in s,
        )
        if "minimum" in s and "exclusiveMinimum" in s or "maximum" in s and "exclusiveMaximum" in s:
            floats = floats.filter(lambda v: self._number_in_range(s, v))
        int_low = max(-EXACT_IN_DOUBLE, math.ceil(low) if low is not None else -EXACT_IN_DOUBLE)
        int_high = min(EXACT_IN_DOUBLE, math.floor(high) if high is not None else EXACT_IN_DOUBLE)
        options = [floats]
        if int_low <= int_high:
            options.append(st.integers(int_low, int_high).filter(lambda v: self._number_in_range(s, v)))
        return pick([(1, o) for o in options])

    @staticmethod
    def _number_in_range(s: dict, v: float) -> bool:
        return (("minimum" not in s or v >= s["minimum"]) and ("maximum" not in s or v <= s["maximum"])
                and ("exclusiveMinimum" not in s or v > s["exclusiveMinimum"])
                and ("exclusiveMaximum" not in s or v < s["exclusiveMaximum"]))

    def _valid_string(self, s: dict) -> st.SearchStrategy:
        low = s.get("minLength", 0)
        high = s.get("maxLength")
        in_length = lambda v: low <= len(v) and (high is None or len(v) <= high)  # noqa: E731 (code points)
        fmt = s.get("format")
        if fmt is not None and fmt not in _FORMAT_STRATEGIES:
            raise UnsupportedSchema(f"string format {fmt!r}")
        if fmt is not None:
            base = _FORMAT_STRATEGIES[fmt]()
            if "pattern" in s:
                base = base.filter(lambda v: compiled_pattern(s["pattern"]).search(v) is not None)
            return base.filter(in_length)
        if "pattern" in s:
            regex = compiled_pattern(s["pattern"])
            return st.from_regex(regex, fullmatch=False).filter(in_length)
        longest = high if high is not None else low + 30
        sized = st.text(TEXT_CHARACTERS, min_size=low, max_size=longest)
        # Strings exactly at the limits, in many-byte characters too (lengths are code points).
        at_limits = st.sampled_from(sorted({low, longest})).flatmap(
            lambda n: st.text(st.one_of(TEXT_CHARACTERS, st.sampled_from("é€😀")), min_size=n, max_size=n))
        return st.one_of(sized, at_limits)

    def _valid_array(self, s: dict) -> st.SearchStrategy:
        items = s.get("items", True)
        low = s.get("minItems", 0)
        high = s.get("maxItems")
        element = self.valid(items)
        small = st.lists(element, min_size=low, max_size=min(high, low + self.MAX_LIST) if high is not None else low + self.MAX_LIST)
        if high is not None and high <= 32:
            # The longest list the schema allows, built from a few distinct elements.
            full = st.lists(element, min_size=1, max_size=3).map(lambda xs: (xs * high)[:high])
            return st.one_of(small, full)
        return small

    def _valid_object(self, s: dict) -> st.SearchStrategy:
        properties: dict = s.get("properties", {})
        required = set(s.get("required", []))
        additional = s.get("additionalProperties", True)
        unknown_keys = st.text(TEXT_CHARACTERS, max_size=12).filter(lambda k: k not in properties)
        if additional is False:
            extras = st.just({})
        elif _is_unconstrained(additional):
            extras = st.dictionaries(unknown_keys, json_values(), max_size=self.MAX_EXTRA_KEYS)
        else:
            extras = st.dictionaries(unknown_keys, self.valid(additional), max_size=4)

        @st.composite
        def build(draw):
            out = {}
            for name, sub in properties.items():
                if name in required or draw(st.booleans()):
                    out[name] = draw(self.valid(sub))
            out.update(draw(extras))
            # Key order must not matter to the server.
            order = draw(st.permutations(list(out)))
            return {k: out[k] for k in order}

        return build()

    # -- invalid values -------------------------------------------------------------------------

    def invalid(self, schema: Any) -> st.SearchStrategy:
        """Values made by one to three mutations of valid ones, each breaking `schema` at some
        depth. Raises UnsupportedSchema when nothing can break the schema (it allows any JSON)."""
        strategy = self._via_ref(schema, self._invalid_refs, self._invalid_resolved)
        return strategy

    def _invalid_resolved(self, s: Any) -> st.SearchStrategy:
        if s is True or _is_unconstrained(s):
            return st.nothing()
        if s is False:
            return json_values()
        if "const" in s or "enum" in s:
            return self._not_in([s["const"]] if "const" in s else s["enum"])
        if "anyOf" in s or "oneOf" in s:
            branches = s.get("anyOf") or s.get("oneOf")
            # Break every non-null branch; whether the result escapes all branches is the oracle's call.
            non_null = [b for b in branches if not (isinstance(b, dict) and b.get("type") == "null")]
            return pick([(1, self.invalid(b)) for b in non_null]).filter(lambda v: v is not None)
        types = _types_of(s)
        local = [self._invalid_of_type(s, t) for t in (types or _ALL_TYPES)]
        local = [x for x in local if x is not None]
        # Mostly broken rules (containers hold most of them inside); a wrong type is about one
        # case in eight for a container, one in four for a scalar.
        containers = bool(set(types) & {"object", "array"})
        options = [(8 if containers else 3, x) for x in local]
        if types:
            options.append((1, self._wrong_type(types)))
        return pick(options)

    @staticmethod
    def _not_in(allowed: list) -> st.SearchStrategy:
        strings = [a for a in allowed if isinstance(a, str)]
        near = [f(a) for a in strings for f in (str.upper, str.title, lambda x: x + " ", lambda x: " " + x, lambda x: x[:-1])]
        return st.one_of(st.sampled_from(near) if near else st.nothing(), json_scalars()).filter(
            lambda v: not any(v == a and type(v) is type(a) for a in allowed))

    @staticmethod
    def _wrong_type(types: list[str]) -> st.SearchStrategy:
        """A value of a JSON type none of `types` allows; numeric and boolean look-alikes in
        strings come up often (JSON Schema does not coerce "12" to 12)."""
        allowed = set(types)
        if "number" in allowed:
            allowed.add("integer")
        by_type = {
            "null": st.none(),
            "boolean": st.booleans(),
            "integer": st.integers(-1000, 1000),
            "number": st.floats(allow_nan=False, allow_infinity=False).filter(lambda v: not v.is_integer()),
            "string": st.one_of(st.sampled_from(["12", "1.5", "true", "false", "null", "", "[]", "{}", "0"]),
                                st.text(TEXT_CHARACTERS, max_size=8)),
            "array": st.lists(json_scalars(), max_size=2),
            "object": st.dictionaries(st.text(TEXT_CHARACTERS, max_size=4), json_scalars(), max_size=2),
        }
        # An integral number is also a "number": only fractional ones are wrong for "integer".
        return st.one_of([strategy for t, strategy in by_type.items() if t not in allowed])

    def _invalid_of_type(self, s: dict, t: str) -> st.SearchStrategy | None:
        if t == "integer":
            return self._invalid_integer(s)
        if t == "number":
            return self._invalid_number(s)
        if t == "string":
            return self._invalid_string(s)
        if t == "array":
            return self._invalid_array(s)
        if t == "object":
            return self._invalid_object(s)
        return None  # null and boolean are broken by a wrong type alone

    def _invalid_integer(self, s: dict) -> st.SearchStrategy:
        low, high = self.integer_bounds(s)
        options = [
            # Not integral: 2.5, -0.25, 1e-7 ... (inside the bounds where there are some).
            st.integers(low if low is not None else -10**6, high if high is not None else 10**6).flatmap(
                lambda v: st.sampled_from([0.5, 0.25, 1e-7, -0.5]).map(lambda f: v + f)).filter(
                lambda v: not float(v).is_integer()),
        ]
        factor = int(s.get("multipleOf", 1))
        if factor > 1:
            options.append(st.integers(-10**6, 10**6).map(lambda k: k * factor + 1))
        # Out of range, staying within 64 bits (wider integers are a grey zone, see parse_strict).
        if low is not None and low > INT64_MIN:
            options.append(st.integers(max(low - 10**6, INT64_MIN), low - 1))
            options.append(st.just(low - 1))
        if high is not None and high < 2**64 - 1:
            options.append(st.integers(high + 1, min(high + 10**6, 2**64 - 1)))
            options.append(st.just(high + 1))
        return pick([(1, o) for o in options])

    def _invalid_number(self, s: dict) -> st.SearchStrategy | None:
        options = []
        if "minimum" in s:
            options.append(st.floats(max_value=s["minimum"], exclude_max=True, allow_nan=False, allow_infinity=False))
        if "exclusiveMinimum" in s:
            options.append(st.floats(max_value=s["exclusiveMinimum"], allow_nan=False, allow_infinity=False))
            options.append(st.just(s["exclusiveMinimum"]))
        if "maximum" in s:
            options.append(st.floats(min_value=s["maximum"], exclude_min=True, allow_nan=False, allow_infinity=False))
        if "exclusiveMaximum" in s:
            options.append(st.floats(min_value=s["exclusiveMaximum"], allow_nan=False, allow_infinity=False))
            options.append(st.just(s["exclusiveMaximum"]))
        return pick([(1, o) for o in options]) if options else None

    def _invalid_string(self, s: dict) -> st.SearchStrategy | None:
        options = []
        low = s.get("minLength", 0)
        high = s.get("maxLength")
        fmt = s.get("format")
        if low > 0:
            options.append(st.text(TEXT_CHARACTERS, max_size=low - 1))
        if high is not None:
            options.append(st.text(st.one_of(TEXT_CHARACTERS, st.sampled_from("a😀")), min_size=high + 1, max_size=high + 8))
        if "pattern" in s:
            regex = compiled_pattern(s["pattern"])
            matching = st.from_regex(regex, fullmatch=False)
            options.append(st.one_of(near_misses(matching), st.text(TEXT_CHARACTERS, max_size=12)).filter(
                lambda v: regex.search(v) is None))
        if fmt == "email":
            # Only strings jsonschema refuses too (see FORMAT_CHECKER).
            options.append(st.one_of(near_misses(emails()), st.text(TEXT_CHARACTERS, max_size=20)).filter(lambda v: "@" not in v))
        elif fmt in _FORMAT_STRATEGIES:
            options.append(st.one_of(near_misses(_FORMAT_STRATEGIES[fmt]()), st.text(TEXT_CHARACTERS, max_size=20)))
        return pick([(1, o) for o in options]) if options else None

    def _invalid_array(self, s: dict) -> st.SearchStrategy:
        items = s.get("items", True)
        low = s.get("minItems", 0)
        high = s.get("maxItems")
        element = self.valid(items)
        options = []
        if high is not None:
            options.append(st.tuples(st.lists(element, min_size=1, max_size=3), st.integers(1, 5)).map(
                lambda p: (p[0] * (high + p[1]))[:high + p[1]]))
        if low > 0:
            options.append(st.lists(element, max_size=low - 1))
        if not _is_unconstrained(items):
            broken = self.invalid(items)

            @st.composite
            def nested(draw):
                xs = draw(st.lists(element, max_size=min(high, 4) if high is not None else 4))
                for _ in range(draw(st.integers(1, 2))):
                    xs.insert(draw(st.integers(0, len(xs))), draw(broken))
                return xs[:high] if high is not None and len(xs) > high and high > 0 else xs

            options.append(nested())
        return pick([(1, o) for o in options])

    def _invalid_object(self, s: dict) -> st.SearchStrategy:
        properties: dict = s.get("properties", {})
        required = list(s.get("required", []))
        # Names next to declared ones: JSON keys are case- and space-sensitive.
        near_names = [n for k in properties for n in (k.upper(), k + " ", "_" + k) if n not in properties] or ["x"]
        additional = s.get("additionalProperties", True)
        valid_object = self._valid_object(s)
        broken_props = {name: self.invalid(sub) for name, sub in properties.items() if not _is_unconstrained(self.resolve(sub))}
        broken_map_value = None if additional is False or _is_unconstrained(additional) else self.invalid(additional)
        # Broken values are the richest mutation (every rule of every field): they get the most weight.
        mutations = []
        if broken_props:
            mutations += ["property"] * 3
        if broken_map_value is not None:
            mutations.append("map")
        if required:
            mutations.append("drop")
        if additional is False:
            mutations.append("extra")
        if not mutations:
            return st.nothing()

        @st.composite
        def mutate(draw):
            out = dict(draw(valid_object))
            for _ in range(draw(st.integers(1, 3))):
                kind = draw(st.sampled_from(mutations))
                if kind == "drop":
                    out.pop(draw(st.sampled_from(required)), None)
                elif kind == "extra":
                    key = draw(st.one_of(st.text(TEXT_CHARACTERS, max_size=10), st.sampled_from(near_names))
                               .filter(lambda k: k not in properties))
                    out[key] = draw(json_values())
                elif kind == "property":
                    name = draw(st.sampled_from(sorted(broken_props)))
                    out[name] = draw(broken_props[name])
                else:
                    key = draw(st.text(TEXT_CHARACTERS, max_size=8).filter(lambda k: k not in properties))
                    out[key] = draw(broken_map_value)
            return out

        return mutate()


# ---- JSON text ----------------------------------------------------------------------------

_WHITESPACE = st.text(st.sampled_from(" \t\n\r"), max_size=3)


@st.composite
def json_text(draw, value: Any) -> str:
    """`value` as JSON text with varied valid formatting: whitespace between any tokens,
    non-ASCII as is or as \\u escapes (surrogate pairs beyond the BMP), "/" escaped or not."""
    ensure_ascii = draw(st.booleans())
    escape_slash = draw(st.booleans())
    spaced = draw(st.booleans())

    def ws() -> str:
        return draw(_WHITESPACE) if spaced else ""

    def scalar(v: Any) -> str:
        text = json.dumps(v, ensure_ascii=ensure_ascii, allow_nan=False)
        if escape_slash and isinstance(v, str):
            text = text.replace("/", "\\/")
        return text

    def render(v: Any) -> str:
        if isinstance(v, dict):
            if not v:
                return "{" + ws() + "}"
            parts = [ws() + scalar(str(k)) + ws() + ":" + ws() + render(x) + ws() for k, x in v.items()]
            return "{" + ",".join(parts) + "}"
        if isinstance(v, list):
            if not v:
                return "[" + ws() + "]"
            return "[" + ",".join(ws() + render(x) + ws() for x in v) + "]"
        return scalar(v)

    return ws() + render(value) + ws()


@st.composite
def malformed_json(draw, text: str) -> bytes:
    """Bytes made from valid JSON `text` that are (most likely) not JSON; the caller asks
    `parse_strict` to be sure. Truncation, a stray, missing or swapped byte, trailing data,
    JavaScript-isms (NaN, comments, single quotes, trailing commas), invalid UTF-8, raw control
    characters in strings, bad escapes, or random bytes."""
    raw = text.encode()
    kind = draw(st.sampled_from(["truncate", "insert", "delete", "replace", "trailing", "javascript", "utf8", "control",
                                 "escape", "random"]))
    at = draw(st.integers(0, max(0, len(raw) - 1)))
    if kind == "truncate":
        return raw[:draw(st.integers(1, max(1, len(raw) - 1)))]
    if kind == "insert":
        return raw[:at] + draw(st.sampled_from([b"{", b"}", b"[", b"]", b",", b":", b'"', b"\\", b"x", b"-", b"."])) + raw[at:]
    if kind == "delete":
        return raw[:at] + raw[at + 1:]
    if kind == "replace":
        return raw[:at] + draw(st.binary(min_size=1, max_size=1)) + raw[at + 1:]
    if kind == "trailing":
        return raw + draw(st.sampled_from([b" x", b"{}", b",", b"]", b"0", b"\x00", b'"']))
    if kind == "javascript":
        return draw(st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"{'a': 1}", b'{"a": 1,}', b"[1,]",
                                     b'{"a": 1} // c', b"/* c */ {}", b'{"a": undefined}', b"{a: 1}", b"0x10", b"01",
                                     b"+1", b".5", b"1.", b'{"a": tru}', b'{"a" 1}', b'{"a":}', b'{,}', b"[,]"]))
    if kind == "utf8":
        return raw[:at] + draw(st.sampled_from([b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xe2\x82"])) + raw[at:]
    if kind == "control":
        return b'{"name": "a' + draw(st.sampled_from([b"\x00", b"\x01", b"\n", b"\t", b"\x1f"])) + b'b"}'
    if kind == "escape":
        return b'{"name": "' + draw(st.sampled_from([b"\\x41", b"\\u12", b"\\uZZZZ", b"\\", b"\\a", b"\\U0001F600"])) + b'"}'
    return draw(st.binary(max_size=40))


@dataclass(frozen=True)
class ParsedBody:
    """What `parse_strict` made of a body: kind is "json" (value set), "malformed" (not JSON
    by RFC 8259), "empty" (no bytes at all) or "grey" (RFC 8259 leaves it to implementations:
    lone surrogate escapes, numbers beyond double or 64-bit integer range, a byte order mark,
    nesting deeper than `max_depth`)."""

    kind: str
    value: Any = None
    reason: str = ""


def _depth(v: Any) -> int:
    if isinstance(v, dict):
        return 1 + max((_depth(x) for x in v.values()), default=0)
    if isinstance(v, list):
        return 1 + max((_depth(x) for x in v), default=0)
    return 0


def _has_grey_values(v: Any) -> str:
    if isinstance(v, str):
        return "lone surrogate" if any(0xD800 <= ord(c) <= 0xDFFF for c in v) else ""
    if isinstance(v, float):
        return "" if math.isfinite(v) else "number beyond double range"
    if isinstance(v, int) and not isinstance(v, bool):
        return "" if -(2**63) <= v < 2**64 else "integer beyond 64 bits"
    if isinstance(v, dict):
        return next((r for r in (_has_grey_values(k) or _has_grey_values(x) for k, x in v.items()) if r), "")
    if isinstance(v, list):
        return next((r for r in map(_has_grey_values, v) if r), "")
    return ""


def parse_strict(body: bytes, max_depth: int = 64) -> ParsedBody:
    """RFC 8259 JSON in UTF-8, as strictly as Python allows (it accepts NaN and Infinity,
    which are refused here)."""
    if body == b"":
        return ParsedBody("empty")
    if body.startswith(b"\xef\xbb\xbf"):
        return ParsedBody("grey", reason="byte order mark")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        return ParsedBody("malformed", reason=f"invalid UTF-8: {e}")

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    try:
        value = json.loads(text, parse_constant=no_constants)
    except RecursionError:
        return ParsedBody("grey", reason="nesting too deep for Python")
    except ValueError as e:
        return ParsedBody("malformed", reason=str(e))
    grey = _has_grey_values(value)
    if grey:
        return ParsedBody("grey", value, grey)
    if _depth(value) > max_depth:
        return ParsedBody("grey", value, f"nesting deeper than {max_depth}")
    return ParsedBody("json", value)
