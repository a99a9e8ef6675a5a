"""Timeouts and connection limits, with small values so the tests stay short.

The server checks timeouts in a periodic sweep (a quarter second), so every wait below is a
generous upper bound for correctness ("the server eventually closes"), never a speed check.
"""

import socket
import time

from conftest import ClosedBeforeResponse, RawConn, assert_alive, build_request, chunked

CLOSE_BOUND = 6.0  # seconds within which a 500 ms timeout must have closed the connection


def read_optional_408(c: RawConn, timeout: float) -> None:
    """The server must close within `timeout`; if it answered first, the answer is a 408 with
    Connection: close and nothing follows it."""
    assert c.wait_closed(timeout), f"the server did not close the connection within {timeout} s"
    if c.buf:  # what came before the close: exactly one 408 response
        r = c.read_response(timeout=1)
        assert r.status == 408 and r.closes(), r
        assert c.buf == b"", f"bytes after the 408: {bytes(c.buf)!r}"


def test_slowloris_header_gets_408(server):
    srv = server("--header-timeout", "500")
    with srv.connect() as c:
        c.send(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
        closed = False
        deadline = time.monotonic() + CLOSE_BOUND
        for i in range(int(CLOSE_BOUND / 0.2) + 1):  # one byte every 200 ms, bounded
            if time.monotonic() > deadline:
                break
            try:
                c.send(b"a")
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if not c.is_open_now(0.2):
                closed = True
                break
        assert closed, "a client trickling its header was never timed out"
        try:
            r = c.read_response(timeout=2)
        except ClosedBeforeResponse:
            r = None  # closed without an answer is acceptable
        if r is not None:
            assert r.status == 408 and r.closes(), r
        assert c.wait_closed(2.0)
    assert_alive(srv)


def test_slowloris_request_line_gets_408(server):
    srv = server("--header-timeout", "500")
    with srv.connect() as c:
        c.send(b"G")
        read_optional_408(c, CLOSE_BOUND)
    assert_alive(srv)


def test_silent_connection_is_closed_after_header_timeout(server):
    srv = server("--header-timeout", "500")
    with srv.connect() as c:
        assert c.wait_closed(CLOSE_BOUND), "a connection that sends nothing was never closed"
        assert c.buf == b"" or c.buf.startswith(b"HTTP/1.1 408"), bytes(c.buf)
    assert_alive(srv)


def test_header_timeout_does_not_hit_active_keep_alive_connections(server):
    # Requests that each arrive promptly keep the connection going past the header timeout.
    srv = server("--header-timeout", "500", "--keepalive-timeout", "5000")
    with srv.connect() as c:
        for i in range(8):
            r = c.request("GET", f"/users/{i}")
            assert (r.status, r.body) == (200, b"user %d" % i), r
            time.sleep(0.15)


def test_idle_keep_alive_connection_is_closed(server):
    srv = server("--keepalive-timeout", "500")
    with srv.connect() as c:
        r = c.request("GET", "/")
        assert r.status == 200 and not r.closes(), r
        assert c.wait_closed(CLOSE_BOUND), "an idle keep-alive connection was never closed"
        assert c.buf == b"", f"an idle close must not send anything: {bytes(c.buf)!r}"
    assert_alive(srv)


def test_body_timeout_content_length(server):
    srv = server("--body-timeout", "500")
    with srv.connect() as c:
        c.send(build_request("POST", "/echo", {"Content-Length": "100"}) + b"only ten b")
        read_optional_408(c, CLOSE_BOUND)
    assert_alive(srv)


def test_body_timeout_chunked(server):
    srv = server("--body-timeout", "500")
    with srv.connect() as c:
        c.send(build_request("POST", "/echo", {"Transfer-Encoding": "chunked"}) + b"a\r\n01234")
        read_optional_408(c, CLOSE_BOUND)
    assert_alive(srv)


def test_slow_but_steady_body_is_not_timed_out(server):
    # body_timeout is the longest *silence* while a body arrives, not a total.
    # 8 pieces 300 ms apart: 2.4 s in all, more than the 1.5 s timeout, but never silent for long.
    srv = server("--body-timeout", "1500")
    body = b"0123456789" * 8
    with srv.connect() as c:
        c.send(build_request("POST", "/echo", {"Content-Length": str(len(body))}))
        for i in range(0, len(body), 10):
            time.sleep(0.3)
            c.send(body[i:i + 10])
        r = c.read_response()
        assert (r.status, r.body) == (200, body), r


def test_max_connections(server):
    srv = server("--max-connections", "20")
    conns = []
    try:
        for i in range(20):
            c = srv.connect()
            conns.append(c)
            r = c.request("GET", f"/users/{i}")  # each of the 20 is accepted and served
            assert (r.status, r.body) == (200, b"user %d" % i), r
        extra = srv.connect()
        try:
            # The 21st is closed at once; if anything is said first, it is a closing 503.
            try:
                extra.send(build_request("GET", "/"))
            except (BrokenPipeError, ConnectionResetError):
                pass
            assert extra.wait_closed(CLOSE_BOUND), "the 21st connection was not closed"
            if extra.buf:
                data = bytes(extra.buf)
                assert data.startswith(b"HTTP/1.1 503"), data[:300]
        finally:
            extra.close()
        for i, c in enumerate(conns):  # the first 20 still work
            r = c.request("GET", f"/users/{i + 100}")
            assert (r.status, r.body) == (200, b"user %d" % (i + 100)), r
    finally:
        for c in conns:
            c.close()
    # Once they are gone, new connections are accepted again (the server notices the closes
    # asynchronously: retry a bounded number of times).
    for attempt in range(50):
        try:
            with RawConn(srv.port, timeout=5) as c:
                r = c.request("GET", "/")
                if r.status == 200:
                    break
        except (ClosedBeforeResponse, ConnectionResetError, BrokenPipeError, socket.timeout):
            time.sleep(0.1)
    else:
        raise AssertionError("no connection accepted after the first 20 closed")
    assert_alive(srv)


def test_limits_together_then_still_serving(server):
    srv = server("--header-timeout", "500", "--body-timeout", "500", "--keepalive-timeout", "500",
                 "--max-connections", "30")
    idle = srv.connect()
    assert idle.request("GET", "/").status == 200
    slow = [srv.connect() for _ in range(5)]
    for c in slow:
        c.send(b"GET / HTTP/1.1\r\nHost: t\r\n")  # never finished
    half_body = srv.connect()
    half_body.send(build_request("POST", "/echo", {"Content-Length": "10"}) + b"abc")
    slow.append(half_body)
    for c in slow + [idle]:
        assert c.wait_closed(CLOSE_BOUND)
        c.close()
    for _ in range(3):
        assert_alive(srv)


# ---- exact boundaries of the size limits ------------------------------------------------------


def test_limit_boundaries(server):
    srv = server("--max-header-bytes", "1000", "--max-uri", "100", "--max-body", "1000")
    base = b"GET /users/1 HTTP/1.1\r\nHost: t\r\nX: "

    def head_of(size: int) -> bytes:  # a complete head of exactly `size` bytes
        return base + b"a" * (size - len(base) - 4) + b"\r\n\r\n"

    with srv.connect() as c:
        c.send(head_of(1000) + build_request("GET", "/users/2"))  # at the limit, then pipelined
        assert c.read_response().body == b"user 1"
        assert c.read_response().body == b"user 2"
        target = "/files/" + "a" * 93
        assert c.request("GET", target).status == 200  # target of exactly 100 bytes
        r = c.request("POST", "/echo", {"Transfer-Encoding": "chunked"}, body=chunked(b"a" * 999, b"b"))  # 1000 bytes
        assert (r.status, len(r.body)) == (200, 1000), r
    with srv.connect() as c:
        c.send(head_of(1001))
        assert c.read_response().status == 431
    with srv.connect() as c:
        c.send(b"GET /files/" + b"a" * 94 + b" HTTP/1.1\r\nHost: t\r\n\r\n")
        assert c.read_response().status == 414
    with srv.connect() as c:
        c.send(build_request("POST", "/echo", {"Transfer-Encoding": "chunked"}, body=chunked(b"a" * 1000, b"b")))
        assert c.read_response().status == 413
    assert_alive(srv)


def test_slow_response_is_not_cut_by_request_timeouts(server):
    # While the server produces a response, the client owes nothing: no 408, no idle close.
    srv = server("--header-timeout", "300", "--body-timeout", "300", "--keepalive-timeout", "300")
    with srv.connect() as c:
        r = c.request("GET", "/delay/1200")
        assert (r.status, r.body) == (200, b"waited 1200 ms"), r
        r = c.request("GET", "/stream/150")  # 150 chunks 5 ms apart: longer than every timeout
        assert r.body == b"".join(b"chunk %d\n" % i for i in range(150)), r
