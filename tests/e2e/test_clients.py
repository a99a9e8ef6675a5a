"""Real HTTP clients (curl, requests, httpx) against the test server: routing, parameters,
errors, middleware, big bodies, IPv6, start-up failures, several workers and the example app."""

import email.utils
import re
import shutil
import subprocess
import time

import httpx
import pytest
import requests

from conftest import (
    BACKEND,
    EXAMPLES_DIR,
    RawConn,
    assert_alive,
    free_port,
    get,
    have_ipv6_loopback,
    start_process,
)

CURL = shutil.which("curl")
needs_curl = pytest.mark.skipif(CURL is None, reason="curl is not installed")


def curl(*args, timeout=60, input_bytes=None):
    """Runs curl; returns the CompletedProcess (stdout: bytes)."""
    return subprocess.run([CURL, "-sS", "--max-time", "30", *args], capture_output=True, timeout=timeout,
                          input=input_bytes)


def curl_status_and_body(*args):
    """curl with `-w` appending the status code on its own last line."""
    p = curl("-w", "\n%{http_code}", *args)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    body, _, code = p.stdout.rpartition(b"\n")
    return int(code), body


def pattern_body(n: int) -> bytes:
    """What /big/{n} sends: 'x' everywhere, and a letter at every 100th byte."""
    body = bytearray(b"x" * n)
    for i in range(0, n, 100):
        body[i] = ord("a") + (i // 100) % 26
    return bytes(body)


# ---- curl -------------------------------------------------------------------------------------


@needs_curl
def test_curl_get(srv):
    assert curl_status_and_body(srv.url + "/") == (200, b"Hello, Sweet!")
    assert curl_status_and_body(srv.url + "/users/42") == (200, b"user 42")


@needs_curl
def test_curl_head(srv):
    p = curl("-I", srv.url + "/big/1234")
    assert p.returncode == 0, p.stderr
    head = p.stdout.decode()
    assert head.startswith("HTTP/1.1 200"), head
    assert re.search(r"(?im)^content-length: 1234\r$", head), head
    assert head.endswith("\r\n\r\n"), head


@needs_curl
def test_curl_http10(srv):
    p = curl("-0", "-i", srv.url + "/info")
    assert p.returncode == 0, p.stderr
    head, _, body = p.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head
    assert b"version=1.0" in body, body


@needs_curl
def test_curl_post_data_binary(srv, tmp_path):
    data = bytes(range(256)) * 40 + b"\x00\r\n\r\n end"
    f = tmp_path / "body.bin"
    f.write_bytes(data)
    code, body = curl_status_and_body("--data-binary", f"@{f}", "-H", "Content-Type: application/octet-stream",
                                      srv.url + "/echo")
    assert code == 200 and body == data


@needs_curl
def test_curl_chunked_upload(srv, tmp_path):
    data = b"".join(b"line %d\n" % i for i in range(20000))
    f = tmp_path / "upload.txt"
    f.write_bytes(data)
    p = curl("-v", "-T", str(f), "-H", "Transfer-Encoding: chunked", "-w", "\n%{http_code}", srv.url + "/echo")
    assert p.returncode == 0, p.stderr
    body, _, code = p.stdout.rpartition(b"\n")
    assert (int(code), body) == (200, data)
    assert b"transfer-encoding: chunked" in p.stderr.lower(), "curl did not send a chunked body"


@needs_curl
def test_curl_post_over_1mb(server, tmp_path):
    srv = server("--max-body", str(8 * 1024 * 1024))
    data = bytes((i * 31 + i // 997) % 256 for i in range(3 * 1024 * 1024 + 17))
    f = tmp_path / "big.bin"
    f.write_bytes(data)
    code, body = curl_status_and_body("--data-binary", f"@{f}", srv.url + "/echo")
    assert code == 200
    assert len(body) == len(data) and body == data


@needs_curl
def test_curl_post_over_default_limit_is_413(srv, tmp_path):
    f = tmp_path / "big.bin"
    f.write_bytes(b"y" * (2 * 1024 * 1024))
    code, body = curl_status_and_body("--data-binary", f"@{f}", srv.url + "/echo")
    assert code == 413, body
    assert_alive(srv)


@needs_curl
def test_curl_expect_100_continue(srv):
    p = curl("-v", "-H", "Expect: 100-continue", "--expect100-timeout", "20", "--data-binary", "expected body",
             "-w", "\n%{http_code}", srv.url + "/echo")
    assert p.returncode == 0, p.stderr
    body, _, code = p.stdout.rpartition(b"\n")
    assert (int(code), body) == (200, b"expected body")
    # The interim response reached curl (it did not just give up waiting and send the body).
    assert b"< HTTP/1.1 100 Continue" in p.stderr, p.stderr.decode(errors="replace")


@needs_curl
def test_curl_keepalive_reuses_the_connection(srv):
    p = curl("-v", srv.url + "/users/1", srv.url + "/users/2", srv.url + "/users/3")
    assert p.returncode == 0, p.stderr
    assert p.stdout == b"user 1user 2user 3"
    assert p.stderr.count(b"Re-using existing connection") + p.stderr.count(b"Reusing existing connection") == 2, \
        p.stderr.decode(errors="replace")


# ---- requests ---------------------------------------------------------------------------------


def test_requests_session_keep_alive(srv):
    with requests.Session() as s:
        for i in range(100):
            r = s.get(f"{srv.url}/users/{i}", timeout=10)
            assert (r.status_code, r.text) == (200, f"user {i}")
        pool = s.get_adapter(srv.url).poolmanager.connection_from_url(srv.url)
        assert pool.num_connections == 1, f"requests opened {pool.num_connections} connections for 100 requests"


def test_raw_socket_keep_alive_100_requests(srv):
    with srv.connect() as c:
        for i in range(100):
            r = c.request("GET", f"/users/{i}")
            assert (r.status, r.body) == (200, b"user %d" % i), r


def test_requests_post_json_and_content_type(srv):
    payload = {"name": "sweet", "values": list(range(50))}
    r = requests.post(srv.url + "/echo", json=payload, timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/json"
    assert r.json() == payload


# ---- httpx ------------------------------------------------------------------------------------


def test_httpx_streaming_download(srv):
    with httpx.Client(http2=False, timeout=10) as client:
        with client.stream("GET", srv.url + "/stream/20") as r:
            assert r.status_code == 200
            assert r.http_version == "HTTP/1.1"
            assert r.headers.get("transfer-encoding") == "chunked"
            lines = list(r.iter_lines())
    # httpx 0.23 keeps the line endings; newer versions drop them.
    assert [line.rstrip("\r\n") for line in lines if line.strip()] == [f"chunk {i}" for i in range(20)]


def test_httpx_chunked_upload_with_generator(srv):
    pieces = [b"piece %d;" % i * (i + 1) for i in range(50)]

    def gen():
        yield from pieces

    with httpx.Client(http2=False, timeout=10) as client:
        r = client.post(srv.url + "/echo", content=gen())
        assert r.status_code == 200
        assert r.content == b"".join(pieces)
        r = client.put(srv.url + "/echo", content=iter([b"a", b"", b"bc"]))
        assert (r.status_code, r.content) == (200, b"abc")


def test_httpx_many_requests_one_client(srv):
    with httpx.Client(http2=False, timeout=10) as client:
        for i in range(50):
            r = client.get(f"{srv.url}/table/{i}")
            assert (r.status_code, r.text) == (200, f"table {2 * i}")


# ---- routing, parameters, decoding ------------------------------------------------------------


def test_query_strings(srv):
    r = requests.get(srv.url + "/query?a=1&b=hello%20world", timeout=10)
    assert r.text == "a=[1] b=[hello world] raw=[a=1&b=hello%20world]"
    r = requests.get(srv.url + "/query?b=x+y&a=%26%3D&a=second", timeout=10)
    assert r.text == "a=[&=] b=[x y] raw=[b=x+y&a=%26%3D&a=second]"
    r = requests.get(srv.url + "/query", timeout=10)
    assert r.text == "a=[-] b=[-] raw=[]"
    r = requests.get(srv.url + "/query?a=&b", timeout=10)
    assert r.text == "a=[] b=[] raw=[a=&b]"
    r = requests.get(srv.url + "/query?a=caf%C3%A9", timeout=10)
    assert r.content == "a=[café] b=[-] raw=[a=caf%C3%A9]".encode()


def test_catch_all_path_parameter(srv):
    assert requests.get(srv.url + "/files/a/b/c.txt", timeout=10).text == "file [a/b/c.txt]"
    assert requests.get(srv.url + "/files/my%20dir/x.txt", timeout=10).text == "file [my dir/x.txt]"
    assert requests.get(srv.url + "/files/x", timeout=10).text == "file [x]"


def test_string_path_parameter_is_decoded(srv):
    assert requests.get(srv.url + "/items/hello%20world", timeout=10).text == "item [hello world]"
    assert requests.get(srv.url + "/items/a+b", timeout=10).text == "item [a+b]"  # '+' is literal in paths
    r = requests.post(srv.url + "/items/new%20thing", data=b"12345", timeout=10)
    assert (r.status_code, r.text) == (201, "created [new thing] with 5 bytes")


def test_typed_path_parameter(srv):
    assert requests.get(srv.url + "/users/42", timeout=10).text == "user 42"
    assert requests.get(srv.url + "/users/-7", timeout=10).text == "user -7"
    r = requests.get(srv.url + "/users/abc", timeout=10)
    assert r.status_code == 422
    assert r.headers["Content-Type"].startswith("application/json")
    detail = r.json()["detail"]
    assert any(d["loc"] == ["path", "id"] for d in detail), detail
    r = requests.get(srv.url + "/users/99999999999999999999999", timeout=10)  # does not fit int64
    assert r.status_code == 422, r.text


def test_static_route_beats_parameter(srv):
    assert requests.get(srv.url + "/users/me", timeout=10).text == "the current user"
    assert requests.get(srv.url + "/users/1", timeout=10).text == "user 1"


def test_not_found(srv):
    r = requests.get(srv.url + "/no/such/route", timeout=10)
    assert r.status_code == 404
    assert r.text.startswith("Not Found")


def test_method_not_allowed_lists_allow(srv):
    r = requests.delete(srv.url + "/users/42", timeout=10)
    assert r.status_code == 405
    allow = {m.strip() for m in r.headers["Allow"].split(",")}
    assert allow == {"GET", "HEAD", "OPTIONS"}, r.headers["Allow"]
    r = requests.put(srv.url + "/items/x", timeout=10)
    assert r.status_code == 405
    assert {m.strip() for m in r.headers["Allow"].split(",")} >= {"GET", "POST", "DELETE", "HEAD", "OPTIONS"}


def test_automatic_options(srv):
    r = requests.options(srv.url + "/users/42", timeout=10)
    assert r.status_code == 204
    assert {m.strip() for m in r.headers["Allow"].split(",")} == {"GET", "HEAD", "OPTIONS"}
    assert r.content == b""
    r = requests.options(srv.url + "/items/x", timeout=10)
    assert r.status_code == 204
    assert {m.strip() for m in r.headers["Allow"].split(",")} == {"GET", "POST", "DELETE", "HEAD", "OPTIONS"}


def test_delete_route(srv):
    r = requests.delete(srv.url + "/items/x", timeout=10)
    assert (r.status_code, r.content) == (204, b"")
    assert "Content-Length" not in r.headers


def test_automatic_head_matches_get(srv):
    with srv.connect() as c:
        for target in ("/users/42", "/big/54321", "/"):
            g = c.request("GET", target)
            h = c.request("HEAD", target)
            assert h.status == g.status == 200
            assert h.body == b""
            strip = lambda hs: [(n.lower(), v) for n, v in hs if n.lower() != "date"]  # noqa: E731
            assert strip(h.headers) == strip(g.headers), (h.headers, g.headers)
            assert h.header("Content-Length") == str(len(g.body))


def test_handler_exception_is_500_without_details(srv):
    with srv.connect() as c:
        for target in ("/throw", "/fail"):
            r = c.request("GET", target)
            assert r.status == 500, r
            low = r.text.lower()
            assert "secret" not in low and "password" not in low and "detail" not in low, r
        r = c.request("GET", "/users/5")  # same connection still served
        assert (r.status, r.body) == (200, b"user 5")
    assert_alive(srv)


def test_client_error_message_is_shown(srv):
    r = requests.get(srv.url + "/teapot", timeout=10)
    assert r.status_code == 418
    assert "short and stout" in r.text


def test_middleware(srv):
    r = requests.get(srv.url + "/users/1", headers={"X-Block": "1"}, timeout=10)
    assert (r.status_code, r.text) == (403, "blocked by middleware")
    r = requests.get(srv.url + "/users/1", headers={"X-Fail": "1"}, timeout=10)
    assert r.status_code == 500
    assert "middleware failure detail" not in r.text
    r = requests.get(srv.url + "/no/route", headers={"X-Block": "1"}, timeout=10)  # middleware runs before routing
    assert r.status_code == 403
    assert requests.get(srv.url + "/users/1", timeout=10).text == "user 1"


def test_runtime_and_table_routes(srv):
    assert requests.get(srv.url + "/runtime/hello", timeout=10).text == "runtime [hello]"
    assert requests.get(srv.url + "/runtime/a%20b", timeout=10).text == "runtime [a b]"
    assert requests.get(srv.url + "/table/ping", timeout=10).text == "pong"
    assert requests.get(srv.url + "/table/21", timeout=10).text == "table 42"
    assert requests.get(srv.url + "/table/abc", timeout=10).status_code == 422


def test_header_echo(srv):
    r = requests.get(srv.url + "/header", headers={"x-test": "Mixed Case Value"}, timeout=10)
    assert r.text == "Mixed Case Value"


# ---- responses --------------------------------------------------------------------------------


def test_large_response_intact(srv):
    r = requests.get(srv.url + "/big/5000000", timeout=30)
    assert r.status_code == 200
    assert r.headers["Content-Length"] == "5000000"
    assert r.content == pattern_body(5_000_000)


def test_large_response_raw_socket_then_keep_alive(srv):
    with srv.connect(timeout=30) as c:
        r = c.request("GET", "/big/3000001")
        assert r.body == pattern_body(3_000_001)
        r = c.request("GET", "/users/2")
        assert r.body == b"user 2"


IMF_FIXDATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                         r"\d{4} \d{2}:\d{2}:\d{2} GMT")


def test_date_header_is_imf_fixdate(srv):
    r = requests.get(srv.url + "/", timeout=10)
    date = r.headers["Date"]
    assert IMF_FIXDATE.fullmatch(date), date
    sent = email.utils.parsedate_to_datetime(date).timestamp()
    assert abs(sent - time.time()) < 300, f"Date {date} is far from the local clock"
    assert r.headers.get("Server") == "sweet"


# ---- listening --------------------------------------------------------------------------------


def test_ipv6(server):
    if not have_ipv6_loopback():
        pytest.skip("no IPv6 loopback on this machine")
    srv = server(host="::1")
    assert srv.url.startswith("http://[::1]:")
    with RawConn(srv.port, "::1") as c:
        r = c.request("GET", "/users/6")
        assert (r.status, r.body) == (200, b"user 6")
    r = requests.get(srv.url + "/", timeout=10)
    assert r.text == "Hello, Sweet!"


def test_port_in_use_fails_fast(server):
    first = server()
    second = server("--port", str(first.port), wait=False)
    rc = second.wait(timeout=10)
    assert rc is not None, "a second server on a taken port kept running"
    assert rc != 0
    assert "address already in use" in second.stderr().lower(), second.stderr()
    second.stopped_by_test = True
    assert_alive(first)


def test_two_workers(server):
    srv = server("--workers", "2")
    assert srv.workers == 2
    conns = [srv.connect() for _ in range(8)]
    try:
        for round_ in range(5):
            for i, c in enumerate(conns):
                n = round_ * 100 + i
                r = c.request("GET", f"/users/{n}")
                assert (r.status, r.body) == (200, b"user %d" % n)
    finally:
        for c in conns:
            c.close()
    with requests.Session() as s:
        for i in range(20):
            assert s.get(f"{srv.url}/table/{i}", timeout=10).text == f"table {2 * i}"


# ---- the example app --------------------------------------------------------------------------


def test_example_hello(server):
    exe = EXAMPLES_DIR / "hello"
    if not exe.exists():
        pytest.fail(f"{exe} does not exist: set SWEET_EXAMPLES_DIR")
    port = free_port()
    app = server(argv=[str(exe), str(port)])
    assert app.port == port
    assert app.backend == BACKEND or BACKEND not in ("io_uring", "epoll")
    r = get(port, "/")
    assert (r.status, r.body) == (200, b"Hello, Sweet!\n"), r
    r = get(port, "/users/7")
    assert (r.status, r.body) == (200, b"user 7\n"), r
    assert app.stop() == 0


def test_start_process_helper_reports_bad_flags():
    # The CLI refuses unknown flags (a typo in a test must not be silently ignored).
    from conftest import TEST_SERVER
    proc = start_process([str(TEST_SERVER), "--no-such-flag", "1"])
    try:
        assert proc.wait(timeout=10) == 2
    finally:
        if proc.running():
            proc.proc.kill()
            proc.proc.wait(timeout=10)
        proc.cleanup()
