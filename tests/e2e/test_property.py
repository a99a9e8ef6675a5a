"""Property-based tests of typed requests: the OpenAPI document describes exactly what the
server accepts.

tests/servers/typed_server serves JSON bodies parsed into structs (POST /orgs/{org}/users,
POST /orders/{id}), any JSON (POST /echo-json) and query and header parameters (GET /items),
and publishes /openapi.json. Everything sent here is generated from that document by
jsonschema_strategies.py and judged by its jsonschema-based oracle, never by hand-written
expectations:

- a body the schema allows gets a 2xx, the response matches the document's response schema,
  and the fields the route echoes equal what was sent;
- a body the schema forbids gets a 422 whose `detail` items each have type/loc/msg, point at a
  place the oracle also finds wrong, with a type that fits the rule broken there, and
  together cover every place the oracle finds wrong;
- bytes that are not JSON get a 400 naming a byte offset inside the body (an empty body is a
  422 "missing" at ["body"], as in FastAPI);
- query strings and headers generated from the operation's `parameters` get a 200 whose echo
  matches when every parameter is valid, else a 422 at ["query"|"header", name, ...];
- nothing ever gets a 5xx, the server survives every example, and its stderr stays free of
  sanitizer reports (the `server` fixture checks this at teardown).

Examples per test: $SWEET_PROPERTY_EXAMPLES (default 200), derandomized so that CI runs the
same examples every time; set it higher to search longer by hand. Each test prints how many
examples fell in each class, and fails if a class it is meant to cover stayed (nearly) empty.
"""

from __future__ import annotations

import collections
import json
import math
import os
import re
import tempfile
import urllib.parse
from typing import Any

# Hypothesis caches Unicode tables in .hypothesis/ under the working directory: keep that out of
# the source tree when the tests are run by hand from it.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", os.path.join(tempfile.gettempdir(), "sweet-hypothesis"))

import pytest  # noqa: E402
import requests  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from conftest import BIN_DIR  # noqa: E402
from jsonschema_strategies import (  # noqa: E402
    INT64_MAX,
    INT64_MIN,
    Oracle,
    SchemaStrategies,
    emails,
    json_text,
    json_values,
    malformed_json,
    parse_strict,
    pick,
)

TYPED_SERVER = BIN_DIR / "typed_server"
EXAMPLES = int(os.environ.get("SWEET_PROPERTY_EXAMPLES", "200"))
MAX_RESTARTS = 20  # a server that keeps dying is restarted this often, so shrinking can go on

USERS_PATH = "/orgs/{org}/users"
ORDERS_PATH = "/orders/{id}"
ECHO_PATH = "/echo-json"
ITEMS_PATH = "/items"


def property_settings(examples: int = EXAMPLES) -> settings:
    """Reproducible settings: derandomized, no example database, no deadline (a request's time
    depends on the machine's load, not on the input)."""
    return settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
    )


# ---- the server under test ----------------------------------------------------------------


class TypedApi:
    """A running typed_server, a keep-alive session to it and its OpenAPI document.

    A server that dies is started again (up to MAX_RESTARTS times) and the request that killed
    it fails with the server's stderr, so that hypothesis can still shrink to the smallest input
    that kills it; the `server` fixture then also fails the test for the dead process."""

    def __init__(self, start):
        if not TYPED_SERVER.exists():
            pytest.fail(f"{TYPED_SERVER} does not exist: build the typed_server target")
        self._start = start
        self.restarts = 0
        self._launch()
        self.document = self.session.get(self.url + "/openapi.json", timeout=10).json()
        self.oracle = Oracle(self.document)
        self.strategies = SchemaStrategies(self.document)

    def _launch(self) -> None:
        self.srv = self._start(binary=TYPED_SERVER)
        self.url = self.srv.url
        self.session = requests.Session()

    def request(self, method: str, target: str, *, body: bytes | None = None, headers: dict | None = None) -> requests.Response:
        """Sends one request (a JSON content type with every body) on the kept-alive connection."""
        all_headers = dict(headers or {})
        if body is not None:
            all_headers.setdefault("Content-Type", "application/json")
        try:
            return self.session.request(method, self.url + target, data=body, headers=all_headers, timeout=10,
                                        allow_redirects=False)
        except requests.ConnectionError:
            if self.srv.running():
                raise
            dead = self.srv
            if self.restarts >= MAX_RESTARTS:
                pytest.fail(f"the server died {self.restarts + 1} times; last on {method} {target} body={body!r}\n"
                            f"{dead.stderr()[-3000:]}")
            self.restarts += 1
            self._launch()
            raise AssertionError(f"the server died (exit code {dead.proc.returncode}) on {method} {target} "
                                 f"body={body!r} headers={headers!r}\n{dead.stderr()[-3000:]}") from None

    def operation(self, method: str, path: str) -> dict:
        """The document's operation object for `method` `path`."""
        ops = self.document["paths"].get(path)
        assert ops is not None and method in ops, f"{method.upper()} {path} is not in the document: {sorted(self.document['paths'])}"
        return ops[method]

    def body_schema(self, method: str, path: str) -> Any:
        """The JSON schema of the operation's request body."""
        return self.operation(method, path)["requestBody"]["content"]["application/json"]["schema"]

    def parameters(self, method: str, path: str, where: str) -> list[dict]:
        """The operation's parameters that sit `where` ("path", "query", "header")."""
        return [p for p in self.operation(method, path).get("parameters", []) if p["in"] == where]

    def response_schema(self, method: str, path: str, status: int) -> Any | None:
        """The documented JSON schema of a `status` response, if the document gives one."""
        response = self.operation(method, path)["responses"].get(str(status))
        if response is None:
            return None
        return response.get("content", {}).get("application/json", {}).get("schema")

    def assert_alive(self) -> None:
        """The server still runs and answers a fresh connection."""
        assert self.srv.running(), f"the server died:\n{self.srv.stderr()[-3000:]}"
        r = requests.get(self.url + "/hello", timeout=10)
        assert r.status_code == 200 and r.json() == {"message": "Hello, World!"}, r.text


@pytest.fixture
def api(server) -> TypedApi:
    """A typed_server with its document (the `server` fixture checks exit code and stderr)."""
    instance = TypedApi(server)
    yield instance
    instance.assert_alive()


# ---- checking responses -------------------------------------------------------------------

# Which error types (pydantic v2's names, as Sweet uses them) fit a failed JSON Schema keyword.
ERROR_TYPES_FOR_KEYWORD = {
    "type": {"string_type", "int_type", "int_from_float", "int_parsing", "float_type", "float_parsing", "bool_type",
             "bool_parsing", "list_type", "dict_type", "model_attributes_type", "model_type", "none_required",
             "enum", "finite_number"},
    "required": {"missing"},
    "additionalProperties": {"extra_forbidden"},
    "minLength": {"string_too_short"},
    "maxLength": {"string_too_long"},
    "minimum": {"greater_than_equal"},
    "exclusiveMinimum": {"greater_than"},
    "maximum": {"less_than_equal"},
    "exclusiveMaximum": {"less_than"},
    "pattern": {"string_pattern_mismatch"},
    "enum": {"enum", "literal_error"},
    "const": {"literal_error"},
    "minItems": {"too_short"},
    "maxItems": {"too_long"},
    "format": {"value_error", "uuid_parsing", "uuid_type", "datetime_parsing", "datetime_type", "date_parsing",
               "date_type", "date_from_datetime_parsing", "url_parsing", "url_type"},
}


def describe(resp: requests.Response) -> str:
    return f"{resp.status_code} {resp.headers.get('Content-Type')} {resp.text[:1500]!r}"


def assert_not_5xx(resp: requests.Response, sent: Any) -> None:
    assert resp.status_code < 500, f"a 5xx for {sent!r}: {describe(resp)}"


def json_equal(a: Any, b: Any) -> bool:
    """Equality of JSON values: numbers by value (5 == 5.0), objects regardless of key order."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b


def value_at(document: Any, path: tuple) -> Any:
    for step in path:
        document = document[step]
    return document


def check_detail_shape(resp: requests.Response, root: str) -> list[dict]:
    """The 422's `detail` list, each item with a string type and msg and a loc under `root`."""
    assert resp.status_code == 422, f"expected 422: {describe(resp)}"
    body = resp.json()
    detail = body.get("detail") if isinstance(body, dict) else None
    assert isinstance(detail, list) and detail, f"no detail list: {describe(resp)}"
    for item in detail:
        assert isinstance(item, dict) and {"type", "loc", "msg"} <= item.keys(), f"bad detail item {item!r}"
        assert isinstance(item["type"], str) and item["type"], item
        assert isinstance(item["msg"], str) and item["msg"], item
        loc = item["loc"]
        assert isinstance(loc, list) and loc and loc[0] == root, f"loc must start with {root!r}: {item!r}"
        assert all(isinstance(s, str) or (isinstance(s, int) and not isinstance(s, bool)) for s in loc), item
    return detail


def check_body_errors(api: TypedApi, path: str, instance: Any, resp: requests.Response, stats: collections.Counter) -> None:
    """A 422 for `instance` sent to POST `path`, in its documented shape: every reported place
    is one the oracle finds wrong, with a fitting type and the offending input; every place
    the oracle finds wrong is reported."""
    schema = api.body_schema("post", path)
    detail = check_detail_shape(resp, "body")
    check_response_schema(api, "post", path, resp)
    places = api.oracle.wrong_places(schema, instance)
    uncertain = api.oracle.uncertain_emails(schema, instance)
    for item in detail:
        path = tuple(item["loc"][1:])
        if item["type"] == "value_error" and path in uncertain:
            stats["uncertain email refused"] += 1
            continue
        fitting = [p for p in places if p.path == path and item["type"] in ERROR_TYPES_FOR_KEYWORD.get(p.keyword, ())]
        assert fitting, (f"the server reports {item!r}, but at {list(path)} the oracle finds "
                         f"{[p.keyword for p in places if p.path == path] or 'nothing wrong'}; it finds wrong: "
                         f"{[(list(p.path), p.keyword) for p in places]}\nbody: {instance!r}")
        if "input" in item:
            if item["type"] == "missing":
                expected_input = value_at(instance, path[:-1])
            else:
                expected_input = value_at(instance, path)
            assert json_equal(item["input"], expected_input), f"input of {item!r} should be {expected_input!r}"
        stats["error:" + item["type"]] += 1
    if len(detail) >= 100:
        return  # the server caps the list; completeness cannot be asked of it
    reported = [tuple(item["loc"][1:]) for item in detail]
    for place in api.oracle.wrong_places(schema, instance, follow_unions=False):
        covered = any(r[:len(place.path)] == place.path for r in reported)
        assert covered, (f"the oracle finds {list(place.path)} wrong ({place.keyword}) but the server does not say so: "
                         f"{detail!r}\nbody: {instance!r}")


def check_malformed(resp: requests.Response, body: bytes) -> None:
    """A 400 that names a byte offset inside the body."""
    assert resp.status_code == 400, f"expected 400 for malformed {body!r}: {describe(resp)}"
    text = resp.text
    marker = "malformed JSON at byte "
    assert marker in text, f"the 400 should say where the JSON breaks: {describe(resp)}"
    offset = int(text.split(marker, 1)[1].split(":", 1)[0])
    assert 0 <= offset <= len(body), f"offset {offset} is outside the {len(body)}-byte body {body!r}"


def check_response_schema(api: TypedApi, method: str, path: str, resp: requests.Response) -> Any:
    """The response's JSON, which must satisfy the documented schema of its status."""
    data = resp.json()
    schema = api.response_schema(method, path, resp.status_code)
    if schema is not None:
        errors = [e.message for e in api.oracle.validator(schema).iter_errors(data)]
        assert not errors, f"the {resp.status_code} response breaks its documented schema: {errors}\n{data!r}"
    return data


def post_body(api: TypedApi, target: str, body: bytes) -> requests.Response:
    resp = api.request("POST", target, body=body)
    assert_not_5xx(resp, body)
    return resp


# ---- echoes of valid bodies ---------------------------------------------------------------


def expected_user(org: int, body: dict) -> dict:
    """What POST /orgs/{org}/users answers for a valid body: the handler copies the fields
    (defaults where absent) and sums the item prices in order."""
    total = 0.0
    for item in body["items"]:
        total += float(item["price"])
    return {
        "id": 1,
        "org": org,
        "name": body["name"],
        "age": body["age"],
        "email": body.get("email"),
        "items": [{"name": i["name"], "price": i["price"], "sku": i.get("sku")} for i in body["items"]],
        "color": body.get("color", "red"),
        "total": total,
    }


def check_user_echo(org: int, body: dict, data: dict) -> None:
    expected = expected_user(org, body)
    # Optional members may be written as null or left out: both say "absent".
    normalized = dict(data)
    normalized.setdefault("email", None)
    normalized["items"] = [dict({"sku": None}, **i) if isinstance(i, dict) else i for i in data.get("items", [])]
    assert json_equal(normalized, expected), f"echo differs:\n sent     {body!r}\n expected {expected!r}\n got      {data!r}"
    assert isinstance(data["age"], int) and not isinstance(data["age"], bool), f"age echoed as {data['age']!r}"


def check_order_echo(order_id: int, body: dict, data: dict) -> None:
    total = int(body["quantity"]) * float(body["unit_price"])
    # The schema bounds unit_price only from below, so quantity * unit_price can overflow a
    # double; JSON has no infinity and Sweet's writer puts null there.
    expected = {"id": order_id, "customer": body["customer"], "total": total if math.isfinite(total) else None}
    assert json_equal(data, expected), f"echo differs:\n sent     {body!r}\n expected {expected!r}\n got      {data!r}"


# ---- path parameters ----------------------------------------------------------------------


def path_value(api: TypedApi, method: str, path: str, name: str) -> st.SearchStrategy[int]:
    """Valid values of an integer path parameter, from its documented schema."""
    [param] = [p for p in api.parameters(method, path, "path") if p["name"] == name]
    return api.strategies.valid(param["schema"]).map(int)


# ---- the oracle itself --------------------------------------------------------------------


def test_oracle_follows_json_schema():
    """The oracle's two departures from jsonschema-as-packaged, pinned down: patterns search
    with ECMAScript's meaning, and uuid/date/date-time follow their RFCs (email stays loose)."""
    oracle = Oracle({})
    sku = {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"}
    assert oracle.is_valid(sku, "ABC-1234")
    assert not oracle.is_valid(sku, "ABC-1234\n"), "ECMAScript's $ does not match before a final newline"
    assert not oracle.is_valid({"type": "string", "pattern": "^\\d+$"}, "\u0661\u0662"), "\\d is ASCII in ECMAScript"
    assert not oracle.is_valid({"type": "string", "pattern": "^.$"}, "\r"), ". does not match line terminators"
    assert oracle.is_valid({"type": "string", "pattern": "b"}, "abc"), "patterns search, unanchored"
    cases = {
        "uuid": (["123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"],
                 ["{123e4567-e89b-12d3-a456-426614174000}", "123e4567e89b12d3a456426614174000",
                  "urn:uuid:123e4567-e89b-12d3-a456-426614174000"]),
        "date": (["2024-02-29", "0000-01-01"], ["2023-02-29", "20240101", "2024-W01-1", "2024-1-01"]),
        "date-time": (["2024-02-29T23:59:59Z", "2024-02-29t23:59:59.123z", "2024-01-01T00:00:00+23:59", "2016-12-31T23:59:60Z"],
                      ["2024-02-29 23:59:59Z", "2024-02-29T23:59:59", "2024-02-29T24:00:00Z", "2024-01-01T00:00:00+24:00"]),
        "email": (["a@b", "x@y.z"], ["ab", ""]),
    }
    for fmt, (good, bad) in cases.items():
        for text in good:
            assert oracle.is_valid({"type": "string", "format": fmt}, text), (fmt, text)
        for text in bad:
            assert not oracle.is_valid({"type": "string", "format": fmt}, text), (fmt, text)
    assert not oracle.is_valid({"type": "integer", "format": "int32"}, 2**31)
    assert oracle.is_valid({"type": "integer"}, 5.0), "JSON Schema counts 5.0 as an integer"


# ---- the document -------------------------------------------------------------------------


def test_document_schemas_are_sound(api: TypedApi):
    """Every schema the tests use is a valid Draft 2020-12 schema, every documented default
    satisfies its own schema, and the routes under test are documented as expected."""
    for method, path in [("post", USERS_PATH), ("post", ORDERS_PATH), ("post", ECHO_PATH)]:
        api.oracle.validator(api.body_schema(method, path))
        assert "422" in api.operation(method, path)["responses"], f"{path} does not document its 422"
    for name, schema in api.document["components"]["schemas"].items():
        api.oracle.validator(schema)
        for prop, sub in schema.get("properties", {}).items():
            if isinstance(sub, dict) and "default" in sub:
                assert api.oracle.is_valid(sub, sub["default"]), f"{name}.{prop}: default {sub['default']!r} breaks {sub}"
    for p in api.operation("get", ITEMS_PATH)["parameters"]:
        api.oracle.validator(p["schema"])
        if "default" in p["schema"]:
            assert api.oracle.is_valid(p["schema"], p["schema"]["default"]), p
    assert {p["name"] for p in api.parameters("get", ITEMS_PATH, "query")} >= {"limit", "offset", "q", "tag"}
    assert {p["name"].lower() for p in api.parameters("get", ITEMS_PATH, "header")} >= {"x-token"}


# ---- bodies: valid and invalid ------------------------------------------------------------


def run_body_property(api: TypedApi, path: str, body_strategy, echo_check, path_param: str, want: str) -> None:
    """Sends generated bodies to POST `path` and checks each answer against the oracle's
    verdict. `want` ("valid" or "invalid") is the class the strategy aims at; at least 80% of
    the examples must land in it, so a generator that drifts is noticed."""
    schema = api.body_schema("post", path)
    stats: collections.Counter = collections.Counter()

    @property_settings()
    @given(st.data())
    def check(data):
        value = data.draw(body_strategy(schema), label="value")
        param = data.draw(path_value(api, "post", path, path_param), label=path_param)
        text = data.draw(json_text(value), label="text")
        target = path.replace("{" + path_param + "}", str(param))
        resp = post_body(api, target, text.encode())
        if api.oracle.is_valid(schema, value):
            stats["valid"] += 1
            assert 200 <= resp.status_code < 300, f"the schema allows {text!r} but the server answers {describe(resp)}"
            echo_check(param, value, check_response_schema(api, "post", path, resp))
        else:
            stats["invalid"] += 1
            check_body_errors(api, path, value, resp, stats)

    check()
    print(f"POST {path} ({want}): {dict(stats)}")
    assert stats[want] >= 0.8 * EXAMPLES, f"only {stats[want]} of {EXAMPLES} examples were {want}: {dict(stats)}"


def test_create_user_valid_bodies(api: TypedApi):
    run_body_property(api, USERS_PATH, api.strategies.valid, check_user_echo, "org", "valid")


def test_create_user_invalid_bodies(api: TypedApi):
    run_body_property(api, USERS_PATH, api.strategies.invalid, check_user_echo, "org", "invalid")


def test_order_valid_bodies(api: TypedApi):
    run_body_property(api, ORDERS_PATH, api.strategies.valid, check_order_echo, "id", "valid")


def test_order_invalid_bodies(api: TypedApi):
    run_body_property(api, ORDERS_PATH, api.strategies.invalid, check_order_echo, "id", "invalid")


def test_echo_json_returns_any_json(api: TypedApi):
    """POST /echo-json (schema {}: any JSON) answers with the same JSON, whatever its shape."""
    schema = api.body_schema("post", ECHO_PATH)
    assert api.oracle.is_valid(schema, {"anything": [1, "x", None]}), f"/echo-json should accept any JSON: {schema}"

    @property_settings()
    @given(st.data())
    def check(data):
        value = data.draw(json_values(), label="value")
        text = data.draw(json_text(value), label="text")
        resp = post_body(api, ECHO_PATH, text.encode())
        assert resp.status_code == 200, f"{text!r}: {describe(resp)}"
        assert json_equal(resp.json(), value), f"sent {text!r}, got back {resp.text!r}"

    check()


# ---- bodies that are not JSON -------------------------------------------------------------


def test_malformed_and_borderline_bodies(api: TypedApi):
    """Broken JSON (truncated, stray or swapped bytes, trailing data, JavaScript-isms, invalid
    UTF-8, raw control characters, bad escapes, random bytes) gets a 400 on every JSON route;
    what RFC 8259 leaves open (lone surrogates, huge numbers, a byte order mark) gets no 5xx;
    what turns out to be JSON after all is judged by the oracle."""
    routes = [(USERS_PATH, "org"), (ORDERS_PATH, "id"), (ECHO_PATH, None)]
    stats: collections.Counter = collections.Counter()

    @property_settings()
    @given(st.data())
    def check(data):
        path, param = data.draw(st.sampled_from(routes), label="route")
        schema = api.body_schema("post", path)
        value = data.draw(api.strategies.valid(schema), label="valid value")
        text = data.draw(json_text(value), label="text")
        body = data.draw(malformed_json(text), label="body")
        target = path if param is None else path.replace("{" + param + "}", str(data.draw(path_value(api, "post", path, param))))
        resp = post_body(api, target, body)
        parsed = parse_strict(body)
        stats[parsed.kind] += 1
        if parsed.kind == "malformed":
            check_malformed(resp, body)
        elif parsed.kind == "empty":
            detail = check_detail_shape(resp, "body")
            assert [(d["type"], d["loc"]) for d in detail] == [("missing", ["body"])], describe(resp)
        elif parsed.kind == "grey":
            assert resp.status_code in (200, 201, 400, 422), f"{parsed.reason}: {body!r}: {describe(resp)}"
        elif api.oracle.is_valid(schema, parsed.value):
            if resp.status_code == 422 and api.oracle.uncertain_emails(schema, parsed.value):
                check_body_errors(api, path, parsed.value, resp, stats)  # only the email may be refused
            else:
                assert 200 <= resp.status_code < 300, f"valid JSON {body!r}: {describe(resp)}"
        else:
            check_body_errors(api, path, parsed.value, resp, stats)

    check()
    print(f"malformed bodies: {dict(stats)}")
    assert stats["malformed"] >= 0.6 * EXAMPLES, f"too few malformed examples: {dict(stats)}"


def test_top_level_scalars_with_trailing_whitespace(api: TypedApi):
    """A top-level scalar followed by JSON whitespace is JSON: /echo-json echoes it and the
    struct routes answer 422 model_attributes_type, whatever the whitespace and whatever the
    request before left in the server's buffers."""
    for literal in [b"null", b"true", b"false", b"0", b"-1.5", b'"x"']:
        for space in [b"", b" ", b"  ", b"   ", b"    ", b"\t", b"\n", b"\r\n", b" \n\t "]:
            body = literal + space
            resp = post_body(api, ECHO_PATH, body)
            assert resp.status_code == 200 and resp.content.strip() == literal, f"{body!r}: {describe(resp)}"
            for target in ["/orgs/1/users", "/orders/1"]:
                resp = post_body(api, target, body)
                assert resp.status_code == 422, f"{body!r} to {target}: {describe(resp)}"
                assert [d["type"] for d in resp.json()["detail"]] == ["model_attributes_type"], f"{body!r}: {describe(resp)}"


def test_grey_zone_bodies(api: TypedApi):
    """Inputs RFC 8259 leaves to implementations, on every JSON route: lone surrogate escapes,
    numbers beyond double or 64-bit range, a byte order mark, deep nesting. Never a 5xx nor a
    crash, only 2xx, 400 or 422. A duplicated key, if accepted, means its last value, as
    Sweet's JSON parser documents (last wins)."""
    cases = [
        b'"\\ud800"', b'{"name": "\\udc00"}', b'["\\ud83d"]', b'{"a": "\\ud83d\\u0041"}',
        b"1e400", b"-1e400", b"[1e309]", b'{"age": 1e400}', b'{"quantity": 123456789012345678901234567890}',
        b'{"price": -1e-400}', b"18446744073709551616", b"-9223372036854775809",
        b"\xef\xbb\xbf{}", b"[" * 65 + b"]" * 65, b'{"a":' * 65 + b"1" + b"}" * 65,
        b"[" * 10000 + b"]" * 10000, b'{"tags": {"a": ' * 100 + b'"x"' + b"}" * 200,
    ]
    targets = ["/orgs/1/users", "/orders/1", ECHO_PATH]
    for body in cases:
        assert parse_strict(body).kind in ("grey", "json"), body[:80]
        for target in targets:
            resp = post_body(api, target, body)
            assert resp.status_code in (200, 201, 400, 422), f"{body[:80]!r} to {target}: {describe(resp)}"
    resp = post_body(api, ECHO_PATH, b'{"a": 1, "a": 2}')
    if resp.status_code == 200:
        assert resp.json() == {"a": 2}, f"a duplicated key must keep its last value: {describe(resp)}"
    resp = post_body(api, "/orgs/1/users", b'{"name": 5, "name": "Ann", "age": 3, "items": []}')
    assert resp.status_code in (201, 422), describe(resp)
    if resp.status_code == 201:
        assert resp.json()["name"] == "Ann", f"a duplicated key must keep its last value: {describe(resp)}"


# ---- email: Sweet is stricter than jsonschema ---------------------------------------------


def test_email_rule_is_stricter_than_jsonschemas(api: TypedApi):
    """jsonschema's "email" check only asks for an "@"; Sweet checks the address like the
    email-validator library pydantic uses. The property tests therefore draw emails both
    accept and invalid emails both refuse; this test pins down the difference, so that it
    stays a documented choice: each address below has an "@" (jsonschema accepts it) and must
    be refused by Sweet with a value_error at the email field."""
    schema = api.body_schema("post", USERS_PATH)
    stricter = ["a@b", "a@b.", "@b.com", "a@", ".a@b.com", "a.@b.com", "a..b@c.com", "a b@c.com", "a@-b.com",
                "a@b-.com", "a@b..com", "a@b.123", 'a"b@c.com', "a@b_c.com", "a@[127.0.0.1]", "x" * 65 + "@b.com"]
    for email in stricter:
        body = {"name": "Ann", "age": 30, "items": [], "email": email}
        assert api.oracle.is_valid(schema, body), f"jsonschema was expected to accept {email!r}"
        resp = post_body(api, "/orgs/1/users", json_text_plain(body))
        detail = check_detail_shape(resp, "body")
        assert [(d["loc"], d["type"]) for d in detail] == [(["body", "email"], "value_error")], f"{email!r}: {describe(resp)}"

    @property_settings(examples=max(50, EXAMPLES // 5))
    @given(emails())
    def both_accept(email):
        body = {"name": "Ann", "age": 30, "items": [], "email": email}
        assert api.oracle.is_valid(schema, body)
        resp = post_body(api, "/orgs/1/users", json_text_plain(body))
        assert resp.status_code == 201, f"{email!r}: {describe(resp)}"
        assert resp.json()["email"] == email

    both_accept()


def json_text_plain(value: Any) -> bytes:
    return json.dumps(value).encode()


# ---- query and header parameters ----------------------------------------------------------

_INTEGER_TEXT = r"[+-]?[0-9]+"
# Header values: visible ASCII and inner spaces (HTTP trims outer whitespace, and requests
# refuses control characters), so what the server sees is exactly what was generated.
HEADER_CHARACTERS = st.characters(min_codepoint=0x20, max_codepoint=0x7E)


class ParameterCase:
    """One generated parameter: its document entry, and either absent, or its text value(s)
    with the typed value(s) the oracle judges."""

    def __init__(self, spec: dict, texts: list[str] | None, values: list[Any] | None):
        self.spec = spec
        self.texts = texts
        self.values = values

    @property
    def name(self) -> str:
        return self.spec["name"]

    def __repr__(self) -> str:
        return f"{self.name}={'absent' if self.texts is None else self.texts!r}"

    @property
    def is_array(self) -> bool:
        return self.spec["schema"].get("type") == "array"


def scalar_schema(api: TypedApi, schema: dict) -> dict:
    """The non-null alternative of an optional parameter's schema ({"anyOf": [T, null]})."""
    schema = api.strategies.resolve(schema)
    if "anyOf" in schema:
        non_null = [b for b in schema["anyOf"] if not (isinstance(b, dict) and b.get("type") == "null")]
        assert len(non_null) == 1, schema
        return api.strategies.resolve(non_null[0])
    return schema


def parameter_text_strategy(api: TypedApi, schema: dict, where: str, valid: bool) -> st.SearchStrategy[tuple[str, Any]]:
    """(text, typed value) pairs for a scalar parameter: valid ones render a valid value as
    text (integers also with a sign or leading zeros, which every parser reads alike); invalid
    ones are text no integer parser accepts, or an out-of-range or malformed value."""
    schema = scalar_schema(api, schema)
    kind = schema.get("type")
    if kind == "integer":
        if valid:
            def render(v: int) -> st.SearchStrategy[tuple[str, Any]]:
                forms = [str(v)] + ([f"+{v}", f"0{v}"] if v >= 0 else [f"-0{-v}"])
                return st.sampled_from(forms).map(lambda t: (t, v))

            return api.strategies.valid(schema).map(int).flatmap(render)
        low, high = SchemaStrategies.integer_bounds(schema)
        not_integers = ["", "abc", "1.5", "1e3", "0x10", "12abc", "--1", "+-1", "1 2", "true", "-"]
        if where == "query":
            not_integers += [" 5", "5 ", "\u0663", "\uff15"]  # outer spaces; Arabic-Indic and fullwidth digits
        options = [st.sampled_from(not_integers).map(lambda t: (t, t))]
        if low is not None and low > INT64_MIN:
            options.append(st.integers(low - 1000, low - 1).map(lambda v: (str(v), v)))
        if high is not None and high < INT64_MAX:
            options.append(st.integers(high + 1, high + 1000).map(lambda v: (str(v), v)))
        return st.one_of(options)
    if kind == "string" and where == "header":
        # Only what a header carries unchanged (see HEADER_CHARACTERS), sized around the limits.
        low, high = schema.get("minLength", 0), schema.get("maxLength")
        if valid:
            text = st.text(HEADER_CHARACTERS, min_size=max(low, 1), max_size=high if high is not None else low + 30)
        else:
            text = st.one_of(([st.text(HEADER_CHARACTERS, max_size=low - 1)] if low > 0 else [])
                             + ([st.text(HEADER_CHARACTERS, min_size=high + 1, max_size=high + 10)] if high is not None else []))
        text = text.filter(lambda v: v == v.strip(" ") and api.oracle.is_valid(schema, v) == valid)
        return text.map(lambda t: (t, t))
    if kind == "string":
        text = api.strategies.valid(schema) if valid else api.strategies.invalid(schema).filter(lambda v: isinstance(v, str))
        return text.map(lambda t: (t, t))
    raise AssertionError(f"no text strategy for parameter schema {schema}")


def can_break(api: TypedApi, schema: dict) -> bool:
    """Whether a parameter's text can break `schema` (a plain string cannot)."""
    schema = scalar_schema(api, schema)
    if schema.get("type") == "array":
        return can_break(api, schema["items"]) or "minItems" in schema or "maxItems" in schema
    return schema.get("type") != "string" or bool({"minLength", "maxLength", "pattern", "format", "enum"} & set(schema))


@st.composite
def parameter_case(draw, api: TypedApi, spec: dict, where: str, all_valid: bool) -> ParameterCase:
    """One parameter: absent, valid, or (unless `all_valid`) invalid when it can be; with
    `all_valid`, a required parameter is always there."""
    schema = api.strategies.resolve(spec["schema"])
    if all_valid:
        states = ["valid"] if spec.get("required") else ["absent", "valid", "valid"]
    else:
        states = ["absent", "valid", "valid"] + (["invalid"] if can_break(api, schema) else [])
    state = draw(st.sampled_from(states))
    if state == "absent":
        return ParameterCase(spec, None, None)
    valid = state == "valid"
    if schema.get("type") == "array":
        element = parameter_text_strategy(api, schema["items"], where, True)
        pairs = draw(st.lists(element, min_size=1, max_size=4))
        if not valid:
            broken = draw(st.lists(parameter_text_strategy(api, schema["items"], where, False), min_size=1, max_size=2))
            for pair in broken:
                pairs.insert(draw(st.integers(0, len(pairs))), pair)
        return ParameterCase(spec, [t for t, _ in pairs], [v for _, v in pairs])
    text, value = draw(parameter_text_strategy(api, schema, where, valid))
    return ParameterCase(spec, [text], [value])


def typed_value(api: TypedApi, schema: dict, text: str, value: Any) -> Any:
    """The oracle's reading of a parameter's text: integers must be optionally signed decimal
    digits (ASCII), strings are themselves."""
    kind = scalar_schema(api, schema).get("type")
    if kind == "integer":
        return int(text) if re.fullmatch(_INTEGER_TEXT, text) else text  # a string: the oracle calls it a wrong type
    return value


def parameter_wrong_places(api: TypedApi, case: ParameterCase, where: str) -> list[tuple[tuple, set]]:
    """[(loc, fitting error types)] for every wrong place of one parameter."""
    if case.texts is None:
        return [((where, case.name), {"missing"})] if case.spec.get("required") else []
    schema = api.strategies.resolve(case.spec["schema"])
    places = []
    if schema.get("type") == "array":
        items = schema["items"]
        for i, (text, value) in enumerate(zip(case.texts, case.values)):
            for p in api.oracle.wrong_places(items, typed_value(api, items, text, value)):
                places.append(((where, case.name, i), ERROR_TYPES_FOR_KEYWORD.get(p.keyword, set()) | parsing_types(p.keyword)))
        return places
    typed = typed_value(api, schema, case.texts[0], case.values[0])
    for p in api.oracle.wrong_places(schema, typed):
        places.append(((where, case.name), ERROR_TYPES_FOR_KEYWORD.get(p.keyword, set()) | parsing_types(p.keyword)))
    return places


def parsing_types(keyword: str) -> set:
    # A string that is not a number is a parsing error for string parameters.
    return {"int_parsing", "float_parsing", "bool_parsing"} if keyword in ("type", "anyOf") else set()


def build_query(draw, cases: list[ParameterCase]) -> str:
    """The query string: parameters in random order (an array's values keep theirs), values
    percent-encoded (spaces as %20 or "+"), names sometimes fully percent-encoded, plus
    unknown parameters, which must be ignored."""
    declared = {c.name for c in cases}
    any_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=6)
    extras = draw(st.lists(st.tuples(any_text.filter(lambda n: n and n not in declared), any_text), max_size=2))
    slots = [c.name for c in cases if c.texts is not None for _ in c.texts] + [n for n, _ in extras]
    slots = draw(st.permutations(slots))
    queues = {c.name: list(c.texts) for c in cases if c.texts is not None}
    for name, text in extras:
        queues.setdefault(name, []).append(text)
    pairs = [(name, queues[name].pop(0)) for name in slots]
    plus_for_space = draw(st.booleans())
    encode_names = draw(st.booleans())

    def encode_value(s: str) -> str:
        quoted = urllib.parse.quote(s, safe="")
        return quoted.replace("%20", "+") if plus_for_space else quoted

    def encode_name(s: str) -> str:
        return "".join(f"%{b:02X}" for b in s.encode()) if encode_names else urllib.parse.quote(s, safe="")

    return "&".join(f"{encode_name(n)}={encode_value(v)}" for n, v in pairs)


def test_items_query_and_header_parameters(api: TypedApi):
    """GET /items with query and header parameters generated from the operation's
    `parameters`: all valid -> 200 echoing them (defaults where absent); anything wrong ->
    422 listing exactly the wrong parameters."""
    query_specs = api.parameters("get", ITEMS_PATH, "query")
    header_specs = api.parameters("get", ITEMS_PATH, "header")
    stats: collections.Counter = collections.Counter()

    @property_settings()
    @given(st.data())
    def check(data):
        # Half the examples keep every parameter valid (else few would: there are six).
        all_valid = data.draw(st.booleans(), label="all valid")
        queries = [data.draw(parameter_case(api, spec, "query", all_valid), label=spec["name"]) for spec in query_specs]
        headers = [data.draw(parameter_case(api, spec, "header", all_valid), label=spec["name"]) for spec in header_specs]
        query = build_query(data.draw, queries)
        header_fields = {}
        for case in headers:
            if case.texts is not None:
                name = "".join(data.draw(st.sampled_from([c.lower(), c.upper()])) for c in case.name)
                header_fields[name] = case.texts[0]
        resp = api.request("GET", ITEMS_PATH + ("?" + query if query else ""), headers=header_fields)
        assert_not_5xx(resp, (query, header_fields))
        wrong = [w for c in queries for w in parameter_wrong_places(api, c, "query")]
        wrong += [w for c in headers for w in parameter_wrong_places(api, c, "header")]
        sent = f"query {query!r} headers {header_fields!r}"
        if not wrong:
            stats["valid"] += 1
            assert resp.status_code == 200, f"{sent}: {describe(resp)}"
            check_items_echo(api, queries, headers, resp.json(), sent)
            return
        stats["invalid"] += 1
        assert resp.status_code == 422, f"{sent} has wrong parameters {wrong}: {describe(resp)}"
        detail = resp.json()["detail"]
        for item in detail:
            assert {"type", "loc", "msg"} <= item.keys(), item
            loc = tuple(item["loc"])
            fitting = [types for place, types in wrong if place == loc and item["type"] in types]
            assert fitting, f"{sent}: the server reports {item!r}, the oracle finds wrong {wrong}"
            stats["error:" + item["type"]] += 1
        for place, _ in wrong:
            assert any(tuple(item["loc"]) == place for item in detail), f"{sent}: {place} is wrong but not reported: {detail}"

    check()
    print(f"GET /items parameters: {dict(stats)}")
    assert stats["valid"] >= 0.3 * EXAMPLES and stats["invalid"] >= 0.3 * EXAMPLES, dict(stats)


def test_path_parameters(api: TypedApi):
    """Integer path parameters generated from their documented schema: text it allows gets a
    2xx echoing the number, text it forbids a 422 at ["path", name] alone. Numbers just
    beyond 64 bits are always tried: the document must bound what the server can store."""
    routes = [(USERS_PATH, "org", b'{"name": "Ann", "age": 30, "items": []}'),
              (ORDERS_PATH, "id", b'{"customer": "c", "email": "a@b.co", "quantity": 1, "unit_price": 2, "notes": []}')]
    stats: collections.Counter = collections.Counter()

    @property_settings(examples=max(50, EXAMPLES // 2))
    @given(st.data())
    def check(data):
        path, name, body = data.draw(st.sampled_from(routes), label="route")
        [spec] = [p for p in api.parameters("post", path, "path") if p["name"] == name]
        schema = spec["schema"]
        text, _ = data.draw(pick([
            (1, parameter_text_strategy(api, schema, "path", True)),
            (1, st.sampled_from(["abc", "1.5", "1e3", "0x10", "12abc", "--1", "+-1", "true", "-", str(2**63),
                                 str(-(2**63) - 1), str(2**64), "1" + "0" * 30]).map(lambda t: (t, t))),
        ]), label=name)
        resp = api.request("POST", path.replace("{" + name + "}", text), body=body)
        assert_not_5xx(resp, text)
        typed = typed_value(api, schema, text, text)
        sent = f"{name}={text!r}"
        if api.oracle.is_valid(schema, typed):
            stats["valid"] += 1
            assert 200 <= resp.status_code < 300, f"the document allows {sent} but the server answers {describe(resp)}"
            assert resp.json()["id" if name == "id" else "org"] == typed, f"{sent}: {describe(resp)}"
        else:
            stats["invalid"] += 1
            detail = check_detail_shape(resp, "path")
            places = api.oracle.wrong_places(schema, typed)
            assert len(detail) == 1 and detail[0]["loc"] == ["path", name], f"{sent}: {detail}"
            fitting = set().union(*(ERROR_TYPES_FOR_KEYWORD.get(p.keyword, set()) | parsing_types(p.keyword) for p in places))
            assert detail[0]["type"] in fitting, f"{sent}: {detail[0]} does not fit {[p.keyword for p in places]}"
            assert detail[0].get("input", text) == text, detail[0]

    check()
    print(f"path parameters: {dict(stats)}")
    assert min(stats["valid"], stats["invalid"]) >= 0.2 * max(50, EXAMPLES // 2), dict(stats)


def check_items_echo(api: TypedApi, queries: list[ParameterCase], headers: list[ParameterCase], data: dict, sent: str) -> None:
    by_name = {c.name: c for c in queries + headers}

    def value_or_default(name: str) -> Any:
        case = by_name[name]
        if case.texts is None:
            return api.strategies.resolve(case.spec["schema"]).get("default")
        return typed_value(api, case.spec["schema"], case.texts[0], case.values[0])

    expected = {
        "limit": value_or_default("limit"),
        "offset": value_or_default("offset"),
        "q": value_or_default("q"),
        "tags": len(by_name["tag"].texts or []),
        "token_length": len(by_name["x-token"].texts[0].encode()),
    }
    assert json_equal(data, expected), f"{sent}: expected {expected}, got {data}"
