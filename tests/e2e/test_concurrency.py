"""Many concurrent keep-alive connections: every response must be the one asked for."""

import threading

import pytest

from conftest import RawConn

CONNECTIONS = 200
REQUESTS_PER_CONNECTION = 50


def run_clients(srv, connections: int, per_connection: int) -> None:
    errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(connections + 1, timeout=60)
    counts = [0] * connections

    def client(k: int) -> None:
        conn = None
        try:
            conn = RawConn(srv.port, timeout=30)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            with lock:
                errors.append(f"client {k}: connect failed: {e!r}")
        try:
            ready.wait()
        except threading.BrokenBarrierError:
            if conn:
                conn.close()
            return
        if conn is None:
            return
        try:
            for i in range(per_connection):
                n = k * 1000 + i
                if i % 10 == 9:
                    body = b"%d:" % n + b"p" * (n % 300)
                    r = conn.request("POST", "/echo", body=body)
                    expected = body
                else:
                    r = conn.request("GET", f"/users/{n}")
                    expected = b"user %d" % n
                if r.status != 200 or r.body != expected:
                    raise AssertionError(f"request {i}: expected {expected!r}, got {r}")
                counts[k] += 1
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append(f"client {k}: {e!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(connections)]
    for t in threads:
        t.start()
    ready.wait()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "some clients did not finish within 120 s"
    assert not errors, f"{len(errors)} clients failed, e.g. {errors[:5]}"
    assert sum(counts) == connections * per_connection


@pytest.mark.parametrize("workers", [1, 2])
def test_concurrent_keep_alive_connections(server, workers):
    srv = server("--workers", str(workers))
    assert srv.workers == workers
    run_clients(srv, CONNECTIONS, REQUESTS_PER_CONNECTION)
    with RawConn(srv.port) as c:
        assert c.request("GET", "/").status == 200


def test_concurrent_streams_and_delays(server):
    # Timer-driven responses on many connections at once are each delivered whole and in order.
    srv = server("--workers", "2")
    errors = []
    lock = threading.Lock()

    def client(k: int) -> None:
        try:
            with RawConn(srv.port, timeout=30) as c:
                for i in range(3):
                    r = c.request("GET", f"/stream/{(k + i) % 5 + 1}")
                    n = (k + i) % 5 + 1
                    assert r.body == b"".join(b"chunk %d\n" % j for j in range(n)), r
                    r = c.request("GET", f"/delay/{(k * 7 + i) % 20}")
                    assert r.body == b"waited %d ms" % ((k * 7 + i) % 20), r
        except Exception as e:  # noqa: BLE001
            with lock:
                errors.append(f"client {k}: {e!r}")

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert not errors, errors[:5]
