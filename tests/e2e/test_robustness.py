"""Clients that misbehave at the transport level: they vanish mid-response, half-close, or
pipeline far more than they read. The server must stay correct (and clean under ASan)."""

import socket
import threading
import time

from conftest import ClosedBeforeResponse, RawConn, assert_alive, build_request


def test_clients_vanishing_mid_response(srv):
    # Streams, timers and large writes whose connection is gone must not touch freed state:
    # run under ASan, the teardown check catches use-after-free.
    for i in range(40):
        c = RawConn(srv.port)
        c.send(build_request("GET", "/stream/50"))
        time.sleep(0.002)
        c.close()
        c = RawConn(srv.port)
        c.send(build_request("GET", f"/delay/{i % 7 * 5}"))
        c.close()
        c = RawConn(srv.port)
        c.send(build_request("GET", "/big/2000000"))
        c.sock.recv(100)
        c.close()
        c = RawConn(srv.port)
        c.send(build_request("POST", "/echo", {"Content-Length": "1000"}) + b"partial")
        c.close()
    time.sleep(0.3)  # let the /delay timers fire on the closed connections
    with srv.connect() as c:  # connection objects are recycled: new ones work
        for i in range(20):
            assert c.request("GET", f"/stream/{i % 4}").body == b"".join(b"chunk %d\n" % j for j in range(i % 4))
    assert_alive(srv)


def test_reset_connections(srv):
    # SO_LINGER 0: close() sends a RST instead of a FIN.
    for i in range(30):
        c = RawConn(srv.port)
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        c.send(build_request("GET", "/big/1000000" if i % 2 else "/stream/20"))
        c.close()
    assert_alive(srv)


def test_pipelining_far_more_than_read(srv):
    # 200 requests for 100 kB each: far more output than the server buffers per connection
    # (max_output_bytes, 1 MiB), so it must stop reading and resume, and lose nothing.
    reqs = b"".join(build_request("GET", f"/big/{100000 + i}") for i in range(200))
    with srv.connect(timeout=30) as c:
        sender = threading.Thread(target=c.send, args=(reqs,), daemon=True)
        sender.start()
        time.sleep(0.3)
        for i in range(200):
            r = c.read_response(timeout=30)
            assert r.status == 200 and len(r.body) == 100000 + i, (i, r.status, len(r.body))
        sender.join(timeout=30)
        assert not sender.is_alive()
        assert c.request("GET", "/").status == 200


def test_pipelined_posts_not_read_for_a_while(srv):
    body = b"q" * 50000
    reqs = b"".join(build_request("POST", "/echo", body=body) for _ in range(60))
    with srv.connect(timeout=30) as c:
        sender = threading.Thread(target=c.send, args=(reqs,), daemon=True)
        sender.start()
        time.sleep(0.3)
        for i in range(60):
            r = c.read_response(timeout=30)
            assert r.body == body, i
        sender.join(timeout=30)


def test_half_close_after_request_gets_the_response(srv):
    # The client shuts down its sending side after a complete request (TCP half-close); the
    # request is complete, so the response must still be delivered.
    with srv.connect() as c:
        c.send(build_request("GET", "/users/1") + build_request("POST", "/echo", body=b"x" * 100))
        c.sock.shutdown(socket.SHUT_WR)
        assert c.read_response().body == b"user 1"
        assert c.read_response().body == b"x" * 100
        assert c.read_until_close() == b""
    with srv.connect(timeout=20) as c:
        c.send(build_request("GET", "/big/3000000"))
        c.sock.shutdown(socket.SHUT_WR)
        assert len(c.read_response(timeout=20).body) == 3000000


def test_half_close_after_request_gets_a_streamed_response(srv):
    # Same for a streamed (timer-driven) response: the request is complete when the FIN comes,
    # so it is not "an unfinished request that can never complete" (connection.cpp) and its
    # response must not be cut. Non-streamed responses survive a half-close (test above).
    with srv.connect() as c:
        c.send(build_request("GET", "/delay/100"))
        c.sock.shutdown(socket.SHUT_WR)
        r = c.read_response()
        assert r.body == b"waited 100 ms", r
    with srv.connect() as c:
        c.send(build_request("GET", "/users/1") + build_request("GET", "/stream/3") + build_request("GET", "/users/2"))
        c.sock.shutdown(socket.SHUT_WR)
        assert c.read_response().body == b"user 1"
        assert c.read_response().body == b"chunk 0\nchunk 1\nchunk 2\n"
        try:  # the request behind the stream may be dropped (the client said it is leaving)
            r = c.read_response()
            assert r.body == b"user 2", r
        except ClosedBeforeResponse:
            pass
    assert_alive(srv)


def test_many_short_connections(srv):
    for i in range(300):
        with RawConn(srv.port) as c:
            r = c.request("GET", f"/users/{i}", {"Connection": "close"})
            assert r.body == b"user %d" % i
            assert c.read_until_close() == b""


def _rss_bytes(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def test_a_client_that_never_reads_cannot_grow_server_memory(srv):
    # 2000 pipelined requests for 500 kB each (1 GB of responses) from a client that reads
    # nothing: the server must stop reading (back-pressure) instead of queueing the output.
    before = _rss_bytes(srv.proc.pid)
    reqs = b"".join(build_request("GET", "/big/500000") for _ in range(2000))
    with srv.connect(timeout=30) as c:
        sender = threading.Thread(target=c.send, args=(reqs,), daemon=True)
        sender.start()
        time.sleep(1.5)
        grown = _rss_bytes(srv.proc.pid) - before
        assert grown < 64 * 1024 * 1024, f"server RSS grew by {grown} bytes for a client that reads nothing"
    # The server is unharmed.
    with srv.connect() as c2:
        assert c2.request("GET", "/").status == 200
