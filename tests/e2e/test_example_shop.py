"""The example app (examples/shop.cpp) does what its header comment promises, with real clients."""

from __future__ import annotations

import gzip
import json
import time

import pytest
import requests

from conftest import EXAMPLES_DIR, REPO

SHOP = EXAMPLES_DIR / "shop"
KEY = {"X-API-Key": "secret-key"}


@pytest.fixture
def shop(server):
    if not SHOP.exists():
        pytest.fail(f"{SHOP} does not exist: set SWEET_EXAMPLES_DIR")
    return server(argv=[str(SHOP), "0", str(REPO / "examples" / "public")])


def test_products_crud_validation_and_auth(shop):
    base = shop.url
    r = requests.post(base + "/api/products", json={"name": "Tea", "price": 4.5, "tags": ["hot"]}, headers=KEY, timeout=10)
    assert r.status_code == 201, r.text
    product = r.json()
    assert product == {"id": 1, "name": "Tea", "price": 4.5, "tags": ["hot"], "description": None}
    assert requests.get(base + "/api/products/1", timeout=10).json() == product
    assert requests.get(base + "/api/products/99", timeout=10).status_code == 404
    assert requests.get(base + "/api/products?limit=5&tag=hot", timeout=10).json() == [product]
    assert requests.get(base + "/api/products?tag=cold", timeout=10).json() == []
    r = requests.post(base + "/api/products", json={"name": "", "price": -1}, headers=KEY, timeout=10)
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "name"], ["body", "price"]]
    r = requests.post(base + "/api/products", json={}, timeout=10)
    assert r.status_code == 401  # the on_request hook runs before validation


def test_middleware_headers_and_metrics(shop):
    r = requests.get(shop.url + "/api/products", headers={"Origin": "http://localhost:3000"}, timeout=10)
    assert r.headers["X-Request-ID"]
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    assert "RateLimit-Limit" in r.headers
    metrics = requests.get(shop.url + "/metrics", timeout=10).text
    assert 'http_requests_total{method="GET",route="/api/products",status="200"}' in metrics


def test_compression_of_large_bodies(shop):
    for i in range(40):
        requests.post(shop.url + "/api/products", json={"name": f"product number {i}", "price": 1 + i, "tags": ["x"]}, headers=KEY,
                      timeout=10)
    raw = requests.get(shop.url + "/api/products?limit=40", headers={"Accept-Encoding": "gzip"}, timeout=10, stream=True).raw
    assert raw.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(raw.read()))) == 40


def test_cookies_upload_static_docs_and_logs(shop):
    with requests.Session() as s:
        assert s.post(shop.url + "/login", timeout=10).text == "logged in\n"
        assert s.get(shop.url + "/me", timeout=10).text == "session abc123\n"
    r = requests.post(shop.url + "/upload", data={"note": "hi"}, files={"file": ("a.txt", b"12345", "text/plain")}, timeout=10)
    assert r.text == "field note = hi\nfile a.txt (5 bytes, text/plain)\n"
    # Parsed as it arrives under the route's own limits: 5 MiB passes the 1 MiB max_body_bytes.
    r = requests.post(shop.url + "/upload", files={"file": ("big.bin", b"z" * (5 << 20))}, timeout=30)
    assert r.text == f"file big.bin ({5 << 20} bytes, text/plain)\n"  # no part type sent: RFC 7578 default
    r = requests.get(shop.url + "/static/", timeout=10)
    assert r.status_code == 200 and "Sweet shop" in r.text
    assert requests.get(shop.url + "/static/..%2f..%2fCMakeLists.txt", timeout=10).status_code in (400, 403, 404)
    doc = requests.get(shop.url + "/openapi.json", timeout=10).json()
    assert set(doc["paths"]) >= {"/api/products", "/api/products/{id}", "/login", "/upload"}
    assert requests.get(shop.url + "/countdown", timeout=10).text == "3\n2\n1\n0\n"


def test_every_log_line_is_json_with_an_access_record_per_request(shop):
    requests.get(shop.url + "/api/products", timeout=10)
    requests.get(shop.url + "/no-such-page", timeout=10)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        records = [json.loads(line) for line in shop.stderr().splitlines() if line.strip()]  # every line parses
        access = [r for r in records if r.get("msg") == "access"]
        if len(access) >= 2:
            break
        time.sleep(0.05)
    assert access[0]["route"] == "/api/products" and access[0]["status"] == 200
    assert access[0]["request_id"] and isinstance(access[0]["duration_us"], int)
    assert access[1]["status"] == 404 and access[1]["route"] is None
