"""Graceful shutdown: SIGTERM / SIGINT drain in-flight requests, then the process exits 0.

config.hpp: "on SIGTERM/SIGINT, in-flight requests get this long" (drain_timeout, 10 s by
default). A request the server has started must be finished, not cut short; clients looping on
keep-alive connections may see their connection closed between requests, never a partial or
malformed response.
"""

import signal
import socket
import threading
import time

import pytest

from conftest import ClosedBeforeResponse, MalformedResponse, RawConn, TruncatedResponse, build_request

IN_FLIGHT = 40
LOOPERS = 8


def connection_refused(port: int, within: float = 2.0) -> bool:
    """True once a connection to `port` is refused, trying for up to `within` seconds.

    Strictly, nothing may accept connections once the process has exited; that is checked on its
    own, with no grace, by test_port_is_closed_when_the_process_exits. The other tests allow a
    short grace so they do not fail twice for the same fault.
    """
    deadline = time.monotonic() + within
    for _ in range(1000):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5):
                pass
        except ConnectionRefusedError:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return False


def round_trip(srv) -> None:
    """One request on a fresh connection: with one worker, the requests sent before it on other
    connections have been read once this one is answered (a sync point, not a timing guess)."""
    with RawConn(srv.port) as c:
        assert c.request("GET", "/").status == 200


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_under_load_drains_in_flight_requests(server, sig):
    srv = server()  # drain timeout: the default 10 s
    delay_conns = [srv.connect(timeout=20) for _ in range(IN_FLIGHT)]
    for c in delay_conns:
        c.send(build_request("GET", "/delay/800"))

    stop = threading.Event()
    problems: list[str] = []
    served = [0] * LOOPERS
    lock = threading.Lock()

    def looper(k: int) -> None:
        conn = None
        for i in range(100_000):  # bounded; ends long before through `stop` or a refused connect
            if stop.is_set():
                break
            try:
                if conn is None:
                    conn = RawConn(srv.port, timeout=20)
                conn.send(build_request("GET", f"/users/{k * 100000 + i}"))
                r = conn.read_response()
                if r.status != 200 or r.body != b"user %d" % (k * 100000 + i):
                    with lock:
                        problems.append(f"looper {k}: wrong response {r}")
                    break
                served[k] += 1
                if r.closes():
                    conn.close()
                    conn = None
            except (ConnectionRefusedError, ClosedBeforeResponse, BrokenPipeError, ConnectionResetError):
                # Closed between requests / not accepting any more: allowed. Stop once refused.
                if conn is not None:
                    conn.close()
                    conn = None
                try:
                    with socket.create_connection(("127.0.0.1", srv.port), timeout=5):
                        pass
                except OSError:
                    break
                time.sleep(0.01)
            except (TruncatedResponse, MalformedResponse) as e:
                with lock:
                    problems.append(f"looper {k}: {e!r}")
                break
            except Exception as e:  # noqa: BLE001
                with lock:
                    problems.append(f"looper {k}: unexpected {e!r}")
                break
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=looper, args=(k,), daemon=True) for k in range(LOOPERS)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    round_trip(srv)
    signalled = time.monotonic()
    srv.send_signal(sig)

    deadline = signalled + 10 + 2  # drain timeout + 2 s bounds everything below
    results = []
    for i, c in enumerate(delay_conns):
        try:
            r = c.read_response(timeout=max(0.1, deadline - time.monotonic()))
            results.append((i, r.status, r.body))
        except Exception as e:  # noqa: BLE001
            results.append((i, None, repr(e)))
        finally:
            c.close()
    rc = srv.wait_for_exit(timeout=max(0.1, deadline - time.monotonic()))
    exited = time.monotonic()
    stop.set()
    join_deadline = time.monotonic() + 30
    for t in threads:
        t.join(timeout=max(0.1, join_deadline - time.monotonic()))
    assert not any(t.is_alive() for t in threads), "looping clients did not stop"

    bad = [res for res in results if res[1] != 200 or res[2] != b"waited 800 ms"]
    assert not bad, f"{len(bad)} of {IN_FLIGHT} in-flight requests were not completed, e.g. {bad[:3]}"
    assert not problems, problems[:5]
    assert sum(served) > 0
    assert rc == 0, f"exit code {rc}\n{srv.stderr()[-3000:]}"
    assert exited - signalled < 10 + 2, "the server did not exit within drain timeout + 2 s"
    assert connection_refused(srv.port), "the port still accepts connections after the server exited"
    name = "SIGTERM" if sig == signal.SIGTERM else "SIGINT"
    assert f"received {name}" in srv.stderr()


@pytest.mark.parametrize("workers", [1, 2])
def test_idle_server_exits_at_once_on_sigterm(server, workers):
    srv = server("--workers", str(workers))
    idle = srv.connect()
    assert idle.request("GET", "/").status == 200
    rc = srv.stop(signal.SIGTERM, timeout=12)
    assert rc == 0, srv.stderr()
    assert idle.wait_closed(2.0), "idle keep-alive connections are closed by the drain"
    idle.close()
    assert connection_refused(srv.port)


def test_drain_timeout_bounds_the_exit(server):
    srv = server("--drain-timeout", "500")
    with srv.connect(timeout=20) as c:
        c.send(build_request("GET", "/delay/10000"))
        round_trip(srv)
        signalled = time.monotonic()
        rc = srv.stop(signal.SIGTERM, timeout=15)
        took = time.monotonic() - signalled
        assert rc == 0, f"exit code {rc}\n{srv.stderr()[-3000:]}"
        assert took < 0.5 + 2.5, f"the server took {took:.1f} s to exit with a 500 ms drain timeout"
        # The request could not be completed: the client must be able to tell (RFC 9112 8: a
        # chunked message without its last chunk, or a close before the full Content-Length, is
        # incomplete). A complete-looking 200 with a cut body would be a silent truncation.
        try:
            r = c.read_response(timeout=5)
        except (ClosedBeforeResponse, TruncatedResponse):
            r = None
        if r is not None:
            really_complete = r.status == 200 and r.body == b"waited 10000 ms"
            assert really_complete or r.status >= 500, f"a request cut by the drain timeout looks complete: {r}"
    assert connection_refused(srv.port)


def test_sigterm_with_a_request_half_sent(server):
    # A request whose head has not fully arrived is not in flight: the drain may close it, but
    # must not hang on it, and a later complete request on another connection is refused.
    srv = server("--drain-timeout", "2000")
    with srv.connect() as c:
        c.send(b"GET /users/1 HTTP/1.1\r\nHo")
        round_trip(srv)
        rc = srv.stop(signal.SIGTERM, timeout=15)
        assert rc == 0, srv.stderr()
        assert c.wait_closed(3.0)
        if c.buf:
            data = bytes(c.buf)
            assert data.startswith(b"HTTP/1.1 "), data[:200]
    assert connection_refused(srv.port)


def test_large_response_in_progress_is_completed(server):
    # A 20 MB response still being written when SIGTERM comes is delivered whole.
    srv = server()
    with srv.connect(timeout=30) as c:
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
        c.send(build_request("GET", "/big/20000000"))
        first = c.sock.recv(1000)
        assert first.startswith(b"HTTP/1.1 200"), first
        c.buf += first
        srv.send_signal(signal.SIGTERM)
        time.sleep(0.2)
        r = c.read_response(timeout=30)
        assert r.status == 200 and len(r.body) == 20_000_000
        assert r.body[:101] == b"a" + b"x" * 99 + b"b"
        assert c.read_until_close(5) == b""
    assert srv.wait_for_exit(12) == 0


@pytest.mark.parametrize("workers", [1, 2])
def test_restart_on_the_same_port_right_after_exit(server, workers):
    # A supervisor restarting the service (systemctl restart) starts the new process as soon
    # as the old one has exited: by then the old listening socket must be gone.
    first = server("--workers", str(workers))
    with first.connect() as c:
        assert c.request("GET", "/").status == 200
    assert first.stop(signal.SIGTERM, timeout=12) == 0
    second = server("--workers", str(workers), "--port", str(first.port))
    with second.connect() as c:
        assert c.request("GET", "/users/1").body == b"user 1"


@pytest.mark.parametrize("workers", [1, 2])
def test_port_is_closed_when_the_process_exits(server, workers):
    srv = server("--workers", str(workers))
    with srv.connect() as c:
        assert c.request("GET", "/").status == 200
    assert srv.stop(signal.SIGTERM, timeout=12) == 0
    assert connection_refused(srv.port, within=0), "the exited server's port still accepts connections"
