"""The built-in middleware (CORS, request ids, security headers, gzip compression, rate limiting,
Prometheus metrics) against tests/servers/middleware_server.cpp with real clients: curl
--compressed, requests, browser-style CORS preflights sent byte for byte, and /metrics read by
prometheus_client's own parser."""

import gzip
import re
import shutil
import subprocess
import threading
import time
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from conftest import BIN_DIR, RawConn, get

MIDDLEWARE_SERVER = BIN_DIR / "middleware_server"
CURL = shutil.which("curl")
needs_curl = pytest.mark.skipif(CURL is None, reason="curl is not installed")

UUID4_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
ALLOWED = "https://app.example.com"


def text_body(n: int) -> bytes:
    """What /text/{n} sends (numbered lines, cut to n bytes)."""
    out = []
    size = 0
    line = 0
    while size < n:
        piece = f"line {line} of the text body\n"
        out.append(piece)
        size += len(piece)
        line += 1
    return "".join(out).encode()[:n]


@pytest.fixture
def mw(server):
    """A middleware_server with one worker (rate 2/s, burst 3 on /limited/*)."""
    return server(binary=MIDDLEWARE_SERVER)


def fresh_client() -> str:
    return f"client-{uuid.uuid4()}"


def vary_tokens(resp) -> set[str]:
    return {t.strip().lower() for v in resp.header_all("Vary") for t in v.split(",") if t.strip()}


# ---- compression --------------------------------------------------------------------------------


@needs_curl
def test_curl_compressed_decodes_to_the_original(mw):
    p = subprocess.run([CURL, "-sS", "--max-time", "30", "--compressed", "-D", "-", "-o", "-", mw.url + "/text/100000"],
                       capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    assert re.search(rb"(?im)^content-encoding: gzip\r?$", head), head
    assert re.search(rb"(?im)^vary: .*accept-encoding", head), head
    length = int(re.search(rb"(?im)^content-length: (\d+)\r?$", head).group(1))
    assert length < 100000 // 4, "the body on the wire is the compressed one"
    assert body == text_body(100000)


@needs_curl
def test_curl_without_compressed_gets_identity(mw):
    p = subprocess.run([CURL, "-sS", "--max-time", "30", "-D", "-", "-o", "-", mw.url + "/text/5000"],
                       capture_output=True, timeout=60)
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    assert b"content-encoding" not in head.lower()
    assert body == text_body(5000)


def test_gzip_bytes_on_the_wire(mw):
    with mw.connect() as c:
        r = c.request("GET", "/json/20000", {"Accept-Encoding": "gzip"})
        assert r.status == 200 and r.header("Content-Encoding") == "gzip"
        assert r.header("Content-Type") == "application/json"
        assert int(r.header("Content-Length")) == len(r.body)
        decoded = gzip.decompress(r.body)
        assert decoded.startswith(b'[{"id":0,"ok":true},') and decoded.endswith(b"}]")
        # Same connection, a client that refuses gzip: identity, still Vary.
        r2 = c.request("GET", "/json/20000", {"Accept-Encoding": "gzip;q=0, br"})
        assert r2.header("Content-Encoding") is None and r2.body == decoded
        assert "accept-encoding" in vary_tokens(r2)


@pytest.mark.parametrize("accept, compressed", [
    ("gzip", True), ("GZIP;q=0.5", True), ("*", True), ("x-gzip", True), ("br, gzip;q=0.1", True),
    ("gzip;q=0", False), ("*;q=0", False), ("gzip;q=0, *", False), ("deflate, br", False), ("identity", False),
    ("", False), (None, False),
])
def test_accept_encoding_negotiation(mw, accept, compressed):
    headers = {} if accept is None else {"Accept-Encoding": accept}
    r = get(mw.port, "/text/4096", headers=headers)
    assert r.status == 200
    assert (r.header("Content-Encoding") == "gzip") == compressed, r
    body = gzip.decompress(r.body) if compressed else r.body
    assert body == text_body(4096)


def test_what_is_not_compressed(mw):
    with mw.connect() as c:
        small = c.request("GET", "/text/1023", {"Accept-Encoding": "gzip"})
        assert small.header("Content-Encoding") is None and small.body == text_body(1023)
        assert "accept-encoding" not in vary_tokens(small)
        at_min = c.request("GET", "/text/1024", {"Accept-Encoding": "gzip"})
        assert at_min.header("Content-Encoding") == "gzip"
        png = c.request("GET", "/png/5000", {"Accept-Encoding": "gzip"})
        assert png.header("Content-Encoding") is None and png.body == b"P" * 5000
        encoded = c.request("GET", "/encoded", {"Accept-Encoding": "gzip"})
        assert encoded.header("Content-Encoding") == "identity-test" and encoded.body == text_body(4096)
        streamed = c.request("GET", "/stream", {"Accept-Encoding": "gzip"})
        assert streamed.chunked and streamed.header("Content-Encoding") is None and streamed.body == text_body(4096)
        # HEAD describes the same representation GET would send.
        head = c.request("HEAD", "/text/8000", {"Accept-Encoding": "gzip"})
        full = c.request("GET", "/text/8000", {"Accept-Encoding": "gzip"})
        assert head.header("Content-Encoding") == "gzip" and head.body == b""
        assert head.header("Content-Length") == full.header("Content-Length")


def test_requests_library_decompresses_transparently(mw):
    r = requests.get(mw.url + "/text/30000", timeout=10)
    assert r.status_code == 200 and r.headers["Content-Encoding"] == "gzip"
    assert r.content == text_body(30000)


def test_error_responses_are_compressed_too(mw):
    r = get(mw.port, "/text/99999999999", headers={"Accept-Encoding": "gzip"})
    assert r.status == 400  # short body: left as it is
    assert r.header("Content-Encoding") is None


# ---- CORS ---------------------------------------------------------------------------------------


def preflight(mw, path, origin, method="DELETE", req_headers="content-type, x-token"):
    """What a browser sends before a non-simple cross-origin request."""
    headers = [
        ("Origin", origin),
        ("Access-Control-Request-Method", method),
        ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"),
        ("Accept", "*/*"),
        ("Sec-Fetch-Mode", "cors"),
        ("Sec-Fetch-Site", "cross-site"),
        ("Sec-Fetch-Dest", "empty"),
        ("Referer", origin + "/"),
    ]
    if req_headers:
        headers.insert(2, ("Access-Control-Request-Headers", req_headers))
    with mw.connect() as c:
        return c.request("OPTIONS", path, headers)


def test_preflight_from_an_allowed_origin(mw):
    r = preflight(mw, "/users/7", ALLOWED)
    assert r.status == 204, r
    assert r.body == b""
    assert r.header("Access-Control-Allow-Origin") == ALLOWED
    assert r.header("Access-Control-Allow-Credentials") == "true"
    assert "DELETE" in [m.strip() for m in r.header("Access-Control-Allow-Methods").split(",")]
    assert r.header("Access-Control-Allow-Headers") == "Content-Type, X-Token"
    assert r.header("Access-Control-Max-Age") == "600"
    assert "origin" in vary_tokens(r)
    assert r.header("Allow") is None, "the CORS answer, not the automatic OPTIONS one"
    assert UUID4_RE.fullmatch(r.header("X-Request-ID") or "")  # other hooks still decorate it


def test_preflight_wins_over_the_automatic_options_answer(mw):
    # /users/{id} has GET and DELETE, / only GET, /nowhere nothing: the CORS answer every time.
    for path in ("/users/1", "/", "/nowhere"):
        r = preflight(mw, path, "https://api.example.org", method="PUT", req_headers=None)
        assert r.status == 204 and r.header("Access-Control-Allow-Origin") == "https://api.example.org", (path, r)


def test_preflight_from_other_origins_gets_no_grant(mw):
    for origin in ("https://evil.test", "https://example.org", "http://app.example.com", "https://app.example.com.evil.test",
                   "https://badexample.org", "null"):
        r = preflight(mw, "/users/7", origin)
        assert r.header("Access-Control-Allow-Origin") is None, (origin, r)
        assert r.header("Access-Control-Allow-Credentials") is None
        # The app's own OPTIONS answer (no error): 204 with Allow.
        assert r.status == 204 and "DELETE" in r.header("Allow"), r


def test_pattern_origins_match_subdomains(mw):
    for origin, allowed in (("https://a.example.org", True), ("https://deep.sub.example.org", True),
                            ("https://example.org", False), ("https://a.example.org:8443", False)):
        r = get(mw.port, "/users/3", headers={"Origin": origin})
        assert (r.header("Access-Control-Allow-Origin") == origin) == allowed, (origin, r)


def test_actual_cross_origin_request(mw):
    r = requests.get(mw.url + "/users/5", headers={"Origin": ALLOWED}, timeout=10)
    assert r.status_code == 200 and r.text == "user 5"
    assert r.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert r.headers["Access-Control-Allow-Credentials"] == "true"
    assert r.headers["Access-Control-Expose-Headers"] == "X-Request-ID, RateLimit-Remaining"
    assert "origin" in {t.strip().lower() for t in r.headers["Vary"].split(",")}


def test_cors_headers_on_error_responses(mw):
    for path, status in (("/nowhere", 404), ("/fail", 500), ("/users/abc", 422)):
        r = get(mw.port, path, headers={"Origin": ALLOWED})
        assert r.status == status, r
        assert r.header("Access-Control-Allow-Origin") == ALLOWED, r
    r = get(mw.port, "/users/1", method="PATCH", headers={"Origin": ALLOWED})
    assert r.status == 405 and r.header("Access-Control-Allow-Origin") == ALLOWED


def test_no_cors_headers_without_origin(mw):
    r = get(mw.port, "/users/1")
    assert r.header("Access-Control-Allow-Origin") is None
    assert "origin" in vary_tokens(r), "the answer depends on Origin, so caches must know"


# ---- request ids --------------------------------------------------------------------------------


def test_request_id_generated_and_seen_by_the_handler(mw):
    with mw.connect() as c:
        ids = set()
        for _ in range(5):
            r = c.request("GET", "/id")
            rid = r.header("X-Request-ID")
            assert UUID4_RE.fullmatch(rid), r
            assert r.text == rid
            ids.add(rid)
        assert len(ids) == 5


def test_incoming_request_id_is_kept_if_sane(mw):
    r = get(mw.port, "/id", headers={"X-Request-ID": "trace-abc-123"})
    assert r.header("X-Request-ID") == "trace-abc-123" and r.text == "trace-abc-123"
    for bad in ("x" * 129, "has space", "tab\there"):
        r = get(mw.port, "/id", headers={"X-Request-ID": bad})
        assert UUID4_RE.fullmatch(r.header("X-Request-ID")), (bad, r)


def test_request_id_on_error_responses(mw):
    r = get(mw.port, "/fail", headers={"X-Request-ID": "failing-1"})
    assert r.status == 500 and r.header("X-Request-ID") == "failing-1"
    assert b"hidden detail" not in r.body


# ---- security headers ---------------------------------------------------------------------------


def test_security_headers_everywhere(mw):
    for path in ("/", "/nowhere", "/fail"):
        r = get(mw.port, path)
        assert r.header("X-Content-Type-Options") == "nosniff", r
        assert r.header("X-Frame-Options") == "DENY"
        assert r.header("Referrer-Policy") == "no-referrer"
        assert r.header("Cross-Origin-Opener-Policy") == "same-origin"
        assert r.header("Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'"
        assert r.header("Strict-Transport-Security") is None
    r = get(mw.port, "/framable")
    assert r.header_all("X-Frame-Options") == ["SAMEORIGIN"], "the handler's own choice wins"


# ---- rate limiting ------------------------------------------------------------------------------


def test_rate_limit_burst_then_429(mw):
    client = fresh_client()
    with mw.connect() as c:
        remaining = []
        for _ in range(3):
            r = c.request("GET", "/limited/ping", {"X-Client": client})
            assert r.status == 200 and r.text == "pong", r
            assert r.header("RateLimit-Limit") == "3"
            remaining.append(int(r.header("RateLimit-Remaining")))
        assert remaining == [2, 1, 0]
        r = c.request("GET", "/limited/ping", {"X-Client": client, "Origin": ALLOWED})
        assert r.status == 429, r
        assert r.text.startswith("Too Many Requests: too many requests, slow down")
        assert int(r.header("Retry-After")) >= 1
        assert r.header("RateLimit-Remaining") == "0"
        assert int(r.header("RateLimit-Reset")) >= 1
        assert r.header("RateLimit-Policy") == "3;w=2"
        assert r.header("Access-Control-Allow-Origin") == ALLOWED, "a 429 is still readable cross-origin"
        assert not r.closes(), "a refusal keeps the connection"
        # Another client is unaffected, and so are paths outside /limited.
        assert c.request("GET", "/limited/ping", {"X-Client": fresh_client()}).status == 200
        for _ in range(10):
            assert c.request("GET", "/users/1", {"X-Client": client}).status == 200
        # Tokens come back at 2 per second.
        time.sleep(0.6)
        assert c.request("GET", "/limited/ping", {"X-Client": client}).status == 200


def test_rate_limit_under_concurrency_allows_exactly_the_burst(server):
    srv = server("--rate", "0.01", "--burst", "20", "--workers", "2", binary=MIDDLEWARE_SERVER)
    client = fresh_client()
    statuses = []
    lock = threading.Lock()

    def hammer():
        with srv.connect() as c:
            for _ in range(10):
                s = c.request("GET", "/limited/ping", {"X-Client": client}).status
                with lock:
                    statuses.append(s)

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(statuses) == 60
    assert statuses.count(200) == 20 and statuses.count(429) == 40


# ---- metrics ------------------------------------------------------------------------------------


def scrape(srv) -> dict:
    r = requests.get(srv.url + "/metrics", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8"
    return {f.name: f for f in text_string_to_metric_families(r.text)}


def value_of(family, sample_name, **labels) -> float | None:
    for s in family.samples:
        if s.name == sample_name and all(s.labels.get(k) == v for k, v in labels.items()):
            return s.value
    return None


def test_metrics_parse_and_count(server):
    srv = server("--workers", "2", binary=MIDDLEWARE_SERVER)
    # Several connections, so both workers serve some of them.
    for i in range(8):
        with srv.connect() as c:
            for j in range(5):
                assert c.request("GET", f"/users/{i * 10 + j}").status == 200
            assert c.request("GET", "/nowhere/at/all").status == 404
    assert get(srv.port, "/users", method="POST", body=b"{}").status == 201
    families = scrape(srv)

    requests_total = families["http_requests"]
    assert requests_total.type == "counter"
    assert value_of(requests_total, "http_requests_total", method="GET", route="/users/{id:int}", status="200") == 40
    assert value_of(requests_total, "http_requests_total", method="GET", route="<unmatched>", status="404") == 8
    assert value_of(requests_total, "http_requests_total", method="POST", route="/users", status="201") == 1
    assert not any("/users/1" == s.labels.get("route") for s in requests_total.samples), "no raw paths as labels"

    hist = families["http_request_duration_seconds"]
    assert hist.type == "histogram"
    buckets = [(float(s.labels["le"]), s.value) for s in hist.samples
               if s.name == "http_request_duration_seconds_bucket" and s.labels["route"] == "/users/{id:int}"]
    assert buckets == sorted(buckets), "cumulative buckets never decrease"
    assert buckets[-1] == (float("inf"), 40)
    assert value_of(hist, "http_request_duration_seconds_count", route="/users/{id:int}") == 40
    total_seconds = value_of(hist, "http_request_duration_seconds_sum", route="/users/{id:int}")
    assert 0 < total_seconds < 5

    open_now = families["sweet_connections_open"]
    assert open_now.type == "gauge" and open_now.samples[0].value >= 1  # the scrape's own connection
    per_worker = families["sweet_worker_requests"]
    workers = {s.labels["worker"]: s.value for s in per_worker.samples}
    assert set(workers) == {"0", "1"}
    assert sum(workers.values()) >= 49
    accepted = {s.labels["worker"]: s.value for s in families["sweet_worker_connections_accepted"].samples}
    assert sum(accepted.values()) >= 10
    assert "sweet_worker_connections_open" in families


def test_metrics_counts_grow_and_include_the_scrapes(mw):
    before = scrape(mw)
    n0 = value_of(before["http_requests"], "http_requests_total", method="GET", route="/", status="200") or 0
    for _ in range(3):
        get(mw.port, "/")
    after = scrape(mw)
    assert value_of(after["http_requests"], "http_requests_total", method="GET", route="/", status="200") == n0 + 3
    assert value_of(after["http_requests"], "http_requests_total", method="GET", route="/metrics", status="200") >= 1


def test_metrics_endpoint_methods_and_compression(mw):
    r = get(mw.port, "/metrics", method="POST", body=b"")
    assert r.status == 405 and r.header("Allow") == "GET, HEAD"
    for i in range(40):  # enough series for a body above the compression threshold
        get(mw.port, f"/users/{i}")
    with RawConn(mw.port) as c:
        r = c.request("GET", "/metrics", {"Accept-Encoding": "gzip"})
        assert r.header("Content-Encoding") == "gzip"
        families = list(text_string_to_metric_families(gzip.decompress(r.body).decode()))
        assert any(f.name == "http_requests" for f in families)


# ---- bundles on a group (composed at compile time) ----------------------------------------------


def test_group_bundles_apply_to_the_group_only(mw):
    client = fresh_client()
    with mw.connect() as c:
        r = c.request("GET", "/grouped/ping", {"X-Client": client})
        assert r.status == 200 and r.text == "grouped pong" and r.header("RateLimit-Limit") == "1", r
        r = c.request("GET", "/grouped/ping", {"X-Client": client})
        assert r.status == 429 and int(r.header("Retry-After")) >= 1, r
        # The group compresses from 16 bytes, the app from 1 KiB; a body is compressed once.
        small = c.request("GET", "/grouped/text/200", {"Accept-Encoding": "gzip", "X-Client": fresh_client()})
        assert small.status == 200 and small.header("Content-Encoding") == "gzip", small
        assert gzip.decompress(small.body) == text_body(200)
        assert small.header_all("Vary") == ["Accept-Encoding, Origin"]
        outside = c.request("GET", "/text/200", {"Accept-Encoding": "gzip"})
        assert outside.header("Content-Encoding") is None and outside.body == text_body(200)
        # App-wide hooks still run around the group's.
        assert UUID4_RE.fullmatch(small.header("X-Request-ID"))
        assert small.header("X-Content-Type-Options") == "nosniff"
