"""The request lifecycle: hooks at app, group and route level, route groups, dependency injection.

The server (tests/servers/lifecycle_server.cpp) makes every hook append its name to a
request-scoped Trace, which the app-wide on_response hook sends back in X-Trace.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time

import pytest
import requests

from conftest import BACKEND, BIN_DIR

LIFECYCLE = BIN_DIR / "lifecycle_server"

FULL_ORDER = [
    "app.on_request", "group.on_request", "route.on_request",
    "app.pre_validation", "group.pre_validation", "route.pre_validation",
    "app.pre_handler", "group.pre_handler", "route.pre_handler",
    "handler",
    "route.on_response", "group.on_response", "app.on_response",
]


@pytest.fixture
def lc(server):
    return server(binary=LIFECYCLE)


def trace(resp: requests.Response) -> list[str]:
    return resp.headers["X-Trace"].split(",")


def test_every_phase_runs_in_the_documented_order(lc):
    r = requests.get((lc.url + "/api/items/7"), timeout=10)
    assert r.status_code == 200
    assert r.text == "hello item 7"
    assert trace(r) == FULL_ORDER
    assert r.headers["X-Group"] == "api"


def test_app_hooks_run_for_routes_outside_groups_and_for_unmatched_requests(lc):
    r = requests.get((lc.url + "/plain"), timeout=10)
    assert trace(r) == ["app.on_request", "app.pre_validation", "app.pre_handler", "handler", "app.on_response"]
    r = requests.get((lc.url + "/no/such/route"), timeout=10)
    assert r.status_code == 404
    assert trace(r) == ["app.on_request", "app.on_response"]  # on_response sees error responses too


def test_a_group_hook_answers_early_and_later_phases_do_not_run(lc):
    r = requests.get((lc.url + "/api/items/1"), headers={"X-Block": "1"}, timeout=10)
    assert r.status_code == 403
    assert r.text == "blocked by the group\n"
    assert trace(r) == ["app.on_request", "group.on_request", "route.on_response", "group.on_response", "app.on_response"]


def test_an_error_from_a_hook_flows_to_the_groups_on_error(lc):
    r = requests.get((lc.url + "/api/items/1"), headers={"X-Fail": "1"}, timeout=10)
    assert r.status_code == 409
    assert r.json() == {"group_error": 409, "message": "the group's pre_handler refused"}
    assert "handler" not in trace(r) and "route.pre_handler" not in trace(r)


def test_a_handlers_error_uses_the_innermost_error_handler(lc):
    r = requests.get((lc.url + "/api/fail-in-handler"), timeout=10)
    assert r.status_code == 418
    assert r.json() == {"group_error": 418, "message": "the handler failed"}
    # Outside the group, the app's default error handler answers in text.
    r = requests.get((lc.url + "/nope"), timeout=10)
    assert r.headers["Content-Type"].startswith("text/plain")


def test_validation_failure_is_a_422_before_pre_handler(lc):
    r = requests.get((lc.url + "/api/items/seven"), timeout=10)
    assert r.status_code == 422
    body = r.json()
    assert body["detail"][0]["loc"] == ["path", "id"]
    assert "app.pre_handler" not in trace(r)
    assert trace(r)[-3:] == ["route.on_response", "group.on_response", "app.on_response"]


def test_an_error_from_on_response_replaces_the_response(lc):
    r = requests.get((lc.url + "/api/response-hook-error"), timeout=10)
    assert r.status_code == 502
    assert "never sent" not in r.text
    assert r.headers["X-Group"] == "api"  # the outer hooks still ran on the error response


def test_an_exception_is_a_500_that_hides_the_detail_and_still_gets_response_hooks(lc):
    r = requests.get((lc.url + "/boom"), timeout=10)
    assert r.status_code == 500
    assert "secret" not in r.text
    assert trace(r)[-1] == "app.on_response"
    # Logged for the operator (workers flush their log buffer after each batch: wait for it).
    deadline = time.monotonic() + 5
    while "secret detail" not in lc.stderr() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert "secret detail" in lc.stderr()


def test_nested_group_prefix_hooks_and_provider_override(lc):
    r = requests.get((lc.url + "/api/v2/greet"), timeout=10)
    assert r.status_code == 200
    assert r.text == "bonjour"  # v2's own Settings provider wins over the app's
    t = trace(r)
    assert t.index("group.on_request") < t.index("v2.on_request") < t.index("handler")
    assert requests.get((lc.url + "/api/items/1"), timeout=10).text == "hello item 1"  # the app's provider elsewhere


def test_per_worker_dependency_keeps_its_state_across_requests(lc):
    with requests.Session() as s:
        counts = [int(s.get((lc.url + "/api/count"), timeout=10).text) for _ in range(5)]
    assert counts == [1, 2, 3, 4, 5]  # one worker: one instance, made once


def test_per_use_dependencies_are_distinct_instances(lc):
    r = requests.get((lc.url + "/api/tickets"), timeout=10)
    assert r.text == "distinct 1"


def test_request_scoped_instances_are_destroyed_after_each_response_even_on_errors(lc):
    with requests.Session() as s:
        for path in ["/plain", "/api/items/1", "/api/items/x", "/api/fail-in-handler", "/boom", "/nope"]:
            s.get((lc.url + path), timeout=10)
        stats = s.get((lc.url + "/stats"), timeout=10).json()
    # Every request made a Trace (the app-wide hooks ask for one); all but the one serving
    # /stats (still alive while it answers) are gone.
    assert stats["made"] == 7
    assert stats["destroyed"] == 6


def test_after_response_runs_once_per_written_response(lc):
    with requests.Session() as s:
        for _ in range(10):
            s.get((lc.url + "/plain"), timeout=10)
        stats = s.get((lc.url + "/stats"), timeout=10).json()
    assert stats["after_response"] == 10  # /stats' own runs after its body was made


def test_a_missing_provider_is_a_clear_startup_error():
    proc = subprocess.run([str(LIFECYCLE), "--backend", BACKEND, "--missing-provider", "1"],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "/needs-unprovided" in proc.stderr
    assert "Unprovided" in proc.stderr and "no provider is registered" in proc.stderr


def test_pipelined_requests_each_get_their_own_scope(lc):
    with socket.create_connection(("127.0.0.1", lc.port), timeout=10) as sock:
        sock.sendall(b"GET /api/items/1 HTTP/1.1\r\nHost: x\r\n\r\n" * 3 + b"GET /stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    assert data.count(b"HTTP/1.1 200 OK") == 4
    stats = json.loads(data.rsplit(b"\r\n\r\n", 1)[1])
    assert stats["made"] == 4 and stats["destroyed"] == 3


def test_path_parameters_are_readable_in_response_hooks(lc):
    r = requests.get(lc.url + "/api/echo-param/12345", timeout=10)
    assert r.status_code == 200 and r.headers["X-Param"] == "12345"


def test_the_routes_own_on_error_wins_over_the_groups(lc):
    r = requests.get(lc.url + "/api/own-error", timeout=10)
    assert r.status_code == 400 and r.text == "route error 400\n"


def test_mounted_table_routes_get_the_app_wide_hooks(lc):
    r = requests.get(lc.url + "/table/3", timeout=10)
    assert r.text == "table 3 ok"
    assert trace(r) == ["app.on_request", "app.pre_validation", "app.pre_handler", "app.on_response"]


def test_an_after_response_hook_cannot_take_a_request_scoped_dependency():
    proc = subprocess.run([str(LIFECYCLE), "--backend", BACKEND, "--bad-after-hook", "1"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert "after_response" in proc.stderr and "Trace" in proc.stderr
