"""Typed requests end to end: JSON bodies into structs, query and header parameters, FastAPI-shaped
422s listing every failure, 400 for malformed JSON, 415 for non-JSON bodies, JSON responses, and
the OpenAPI document built from the same declarations. Server: tests/servers/typed_server.cpp."""

from __future__ import annotations

import json

import httpx
import pytest
import requests

from conftest import BIN_DIR

TYPED = BIN_DIR / "typed_server"

VALID_USER = {
    "name": "Zoë 😀",
    "age": 42,
    "email": "zoe@example.com",
    "items": [{"name": "book", "price": 12.5, "sku": "ABC-1234"}, {"name": "pen", "price": 1.25}],
    "color": "blue",
    "tags": {"team": "core"},
}


@pytest.fixture
def typed(server):
    return server(binary=TYPED)


def post_json(srv, path, body, **kw):
    return requests.post(srv.url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"},
                         timeout=10, **kw)


def locs(resp):
    return [tuple(e["loc"]) for e in resp.json()["detail"]]


def by_loc(resp):
    return {tuple(e["loc"]): e for e in resp.json()["detail"]}


def test_valid_body_is_parsed_into_the_struct_and_the_response_is_json(typed):
    r = post_json(typed, "/orgs/7/users", VALID_USER)
    assert r.status_code == 201, r.text
    assert r.headers["Content-Type"] == "application/json"
    body = r.json()
    assert body["org"] == 7 and body["name"] == "Zoë 😀" and body["age"] == 42
    assert body["email"] == "zoe@example.com" and body["color"] == "blue"
    assert body["items"] == [{"name": "book", "price": 12.5, "sku": "ABC-1234"}, {"name": "pen", "price": 1.25, "sku": None}]
    assert body["total"] == 13.75
    assert "Zoë 😀".encode() in r.content  # non-ASCII kept as UTF-8, not escaped


def test_defaults_and_optionals(typed):
    r = post_json(typed, "/orgs/1/users", {"name": "a", "age": 0, "items": []})
    assert r.status_code == 201, r.text
    assert r.json()["color"] == "red" and r.json()["email"] is None


def test_every_failing_field_is_listed_in_fastapis_shape(typed):
    bad = {"name": "", "age": -1, "email": "not-an-email", "items": [{"name": "x", "price": 0}, {"name": "", "price": "9"}],
           "color": "purple"}
    r = post_json(typed, "/orgs/1/users", bad)
    assert r.status_code == 422
    errors = by_loc(r)
    assert errors[("body", "name")]["type"] == "string_too_short"
    assert errors[("body", "name")]["ctx"] == {"min_length": 1}
    assert errors[("body", "age")]["type"] == "greater_than_equal"
    assert errors[("body", "age")]["input"] == -1
    assert ("body", "email") in errors
    assert errors[("body", "items", 0, "price")]["type"] == "greater_than"
    assert errors[("body", "items", 1, "name")]["type"] == "string_too_short"
    assert errors[("body", "items", 1, "price")]["type"] == "float_type"
    assert errors[("body", "color")]["type"] == "enum"
    for e in r.json()["detail"]:
        assert set(e) >= {"type", "loc", "msg", "input"}


def test_missing_fields(typed):
    r = post_json(typed, "/orgs/1/users", {"age": 3})
    assert r.status_code == 422
    errors = by_loc(r)
    assert errors[("body", "name")]["type"] == "missing"
    assert errors[("body", "name")]["msg"] == "Field required"
    assert errors[("body", "items")]["type"] == "missing"


def test_path_and_body_errors_come_together(typed):
    r = post_json(typed, "/orgs/abc/users", {"name": "", "age": 1, "items": []})
    assert r.status_code == 422
    assert ("path", "org") in locs(r) and ("body", "name") in locs(r)


def test_malformed_json_is_a_400_with_position_and_reason(typed):
    for text in [b'{"name": "a", "age": 1,}', b'{"name": "a"', b'{"name": tru}', b"[1, 2", b'{"a":1} x', b""]:
        r = requests.post(typed.url + "/orgs/1/users", data=text, headers={"Content-Type": "application/json"}, timeout=10)
        if text == b"":
            # No body at all: the body is missing, as FastAPI says it.
            assert r.status_code == 422, r.text
            assert r.json()["detail"][0]["type"] == "missing" and r.json()["detail"][0]["loc"] == ["body"]
            continue
        assert r.status_code == 400, (text, r.status_code, r.text)
        assert "malformed JSON at byte" in r.text


def test_malformed_json_inside_an_ignored_unknown_field_is_still_a_400(typed):
    text = b'{"name": "a", "age": 1, "items": [], "unknown": [1, 2,, 3]}'
    r = requests.post(typed.url + "/orgs/1/users", data=text, headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 400


def test_unknown_fields_are_ignored_unless_the_schema_forbids_them(typed):
    user = dict(VALID_USER, nickname="z")
    assert post_json(typed, "/orgs/1/users", user).status_code == 201
    order = {"customer": "ann", "email": "ann@example.com", "quantity": 2, "unit_price": 3.5, "notes": [], "coupon": "X"}
    r = post_json(typed, "/orders/9", order)
    assert r.status_code == 422
    assert by_loc(r)[("body", "coupon")]["type"] == "extra_forbidden"


def test_unknown_fields_forbidden_app_wide_by_configuration(server):
    srv = server("--forbid-unknown", "1", binary=TYPED)
    r = post_json(srv, "/orgs/1/users", dict(VALID_USER, nickname="z"))
    assert r.status_code == 422
    assert by_loc(r)[("body", "nickname")]["type"] == "extra_forbidden"


def test_wrong_or_missing_content_type_is_a_415(typed):
    body = json.dumps(VALID_USER).encode()
    r = requests.post(typed.url + "/orgs/1/users", data=body, headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415
    r = requests.post(typed.url + "/orgs/1/users", data=body, timeout=10)
    assert r.status_code == 415
    r = requests.post(typed.url + "/orgs/1/users", data=body, headers={"Content-Type": "application/vnd.api+json; charset=utf-8"},
                      timeout=10)
    assert r.status_code == 201


def test_body_over_the_limit_is_a_413_and_the_server_keeps_serving(server):
    srv = server("--max-body", "1000", binary=TYPED)
    r = post_json(srv, "/orgs/1/users", dict(VALID_USER, name="x" * 2000))
    assert r.status_code == 413
    assert post_json(srv, "/orgs/1/users", VALID_USER).status_code == 201


def test_deep_nesting_beyond_the_limit_is_a_400(typed):
    deep = "[" * 200 + "]" * 200
    r = requests.post(typed.url + "/echo-json", data=deep, headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 400
    ok = "[" * 30 + "]" * 30
    r = requests.post(typed.url + "/echo-json", data=ok, headers={"Content-Type": "application/json"}, timeout=10)
    assert r.status_code == 200 and r.json() == json.loads(ok)


@pytest.mark.parametrize("doc", [
    {"a": [1, -2, 3.5, 1e300, -0.0, True, False, None], "b": {"c": "\u0000\n\"\\\u2028😀"}},
    [18446744073709551615, -9223372036854775808, 0.1, 5e-324],
    "just a string",
    12345678901234567,
])
def test_any_json_round_trips_through_json_value(typed, doc):
    r = post_json(typed, "/echo-json", doc)
    assert r.status_code == 200, r.text
    assert r.json() == doc


def test_query_and_header_parameters(typed):
    r = requests.get(typed.url + "/items?limit=5&q=caf%C3%A9&tag=a&tag=b", headers={"X-Token": "12345678"}, timeout=10)
    assert r.status_code == 200, r.text
    assert r.json() == {"limit": 5, "offset": 0, "q": "café", "tags": 2, "token_length": 8}


def test_query_and_header_errors_are_listed_together(typed):
    r = requests.get(typed.url + "/items?limit=0&offset=-3&q=" + "x" * 60, headers={"X-Token": "short", "X-Trace": "nope"},
                     timeout=10)
    assert r.status_code == 422
    errors = by_loc(r)
    assert errors[("query", "limit")]["type"] == "greater_than_equal"
    assert errors[("query", "offset")]["type"] == "greater_than_equal"
    assert errors[("query", "q")]["type"] == "string_too_long"
    assert errors[("header", "x-token")]["type"] == "string_too_short"
    assert errors[("header", "x-trace")]["type"] == "int_parsing"
    r = requests.get(typed.url + "/items?limit=abc", timeout=10)
    errors = by_loc(r)
    assert errors[("query", "limit")]["type"] == "int_parsing"
    assert errors[("header", "x-token")]["type"] == "missing"


def test_openapi_document_describes_routes_parameters_bodies_and_errors(typed):
    doc = httpx.get(typed.url + "/openapi.json", timeout=10).json()
    assert doc["openapi"] == "3.1.0"
    assert doc["info"] == {"title": "Typed test API", "version": "1.2.3"}
    op = doc["paths"]["/orgs/{org}/users"]["post"]
    assert op["summary"] == "Create a user" and op["tags"] == ["users"]
    assert op["parameters"][0]["name"] == "org" and op["parameters"][0]["in"] == "path"
    assert op["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/CreateUser"}
    assert op["responses"]["201"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/User"}
    assert op["responses"]["422"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/HTTPValidationError"}
    schemas = doc["components"]["schemas"]
    create = schemas["CreateUser"]
    assert set(create["required"]) == {"name", "age", "items"}
    assert create["properties"]["name"]["minLength"] == 1 and create["properties"]["name"]["maxLength"] == 50
    assert "Item" in schemas and "Color" in schemas and "ValidationError" in schemas
    params = {p["name"]: p for p in doc["paths"]["/items"]["get"]["parameters"]}
    assert params["limit"]["in"] == "query" and params["limit"]["required"] is False
    assert params["x-token"]["in"] == "header" and params["x-token"]["required"] is True
    assert "/openapi.json" not in doc["paths"] and "/docs" not in doc["paths"]


def test_the_server_survives_a_burst_of_garbage_bodies(typed):
    with requests.Session() as s:
        for i in range(300):
            payload = bytes((i * 37 + k) % 256 for k in range(i % 97))
            r = s.post(typed.url + "/orgs/1/users", data=payload, headers={"Content-Type": "application/json"}, timeout=10)
            assert r.status_code in (400, 422), (payload, r.status_code, r.text)
        assert post_json(typed, "/orgs/1/users", VALID_USER).status_code == 201


def test_query_values_with_bad_escapes_fail_validation_and_the_last_repeat_wins(typed):
    headers = {"X-Token": "12345678"}
    r = requests.get(typed.url + "/items?limit=%zz", headers=headers, timeout=10)
    assert r.status_code == 422
    assert by_loc(r)[("query", "limit")]["input"] == "%zz"
    r = requests.get(typed.url + "/items?limit=abc&limit=7", headers=headers, timeout=10)
    assert r.status_code == 200 and r.json()["limit"] == 7
