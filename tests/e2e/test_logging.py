"""Structured logging, end to end, on a real server (tests/servers/logging_server.cpp).

Every line a sink receives is parsed with Python's `json`; the access record of each request is
checked field by field against the response the client actually received; the request id from
X-Request-ID travels into the access record and the per-request logger's records; a file sink
survives logrotate (`mv` + SIGHUP); UDP and TCP collectors (Python sockets) receive the records,
the TCP one also across a collector restart; a disabled level writes nothing.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from conftest import BACKEND, BIN_DIR, LISTENING_RE, SANITIZER_MARKERS, RawConn, free_port

LOGGING_SERVER = BIN_DIR / "logging_server"
TS_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
LEVELS = {"debug", "info", "warn", "error"}


# ---- the server process ---------------------------------------------------------------------


class LogServer:
    """logging_server with stdout and stderr captured in files."""

    def __init__(self, directory: Path, flags: list[str]):
        if not LOGGING_SERVER.exists():
            pytest.fail(f"{LOGGING_SERVER} does not exist: set SWEET_BIN_DIR to the build's tests directory")
        self.stdout_path = directory / "server.stdout"
        self.stderr_path = directory / "server.stderr"
        self.argv = [str(LOGGING_SERVER), "--backend", BACKEND, *flags]
        self.port: int | None = None
        with open(self.stdout_path, "wb") as out, open(self.stderr_path, "wb") as err:
            self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         start_new_session=True)

    def stdout(self) -> str:
        return self.stdout_path.read_bytes().decode("utf-8")  # strict: every byte must be UTF-8

    def stderr(self) -> str:
        return self.stderr_path.read_bytes().decode("utf-8")

    def wait_listening(self, read=None, timeout: float = 10.0) -> "LogServer":
        """Waits for the start-up record (in stderr unless `read` returns the text to search)."""
        read = read or self.stderr
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = LISTENING_RE.search(read())
            if m:
                self.port = int(m.group("port"))
                return self
            if self.proc.poll() is not None:
                raise AssertionError(f"server exited with {self.proc.returncode}: {self.argv}\n{self.stderr()}")
            time.sleep(0.01)
        raise AssertionError(f"no listening record within {timeout} s\n{self.stderr()}")

    def wait_port(self, port: int, timeout: float = 10.0) -> "LogServer":
        """For runs whose start-up record is filtered out: waits until `port` accepts."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                self.port = port
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError(f"server exited with {self.proc.returncode}\n{self.stderr()}")
                time.sleep(0.02)
        raise AssertionError(f"port {port} did not open within {timeout} s")

    def connect(self) -> RawConn:
        return RawConn(self.port)

    def signal(self, sig: int) -> None:
        self.proc.send_signal(sig)

    def stop(self) -> int:
        """SIGTERM, then the exit code (the test fails if the server does not exit)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise AssertionError("server did not exit within 20 s of SIGTERM")


@pytest.fixture
def log_server(tmp_path):
    """Factory: log_server(*flags) starts logging_server; teardown stops it and checks stderr."""
    started: list[LogServer] = []

    def start(*flags: str, subdir: str | None = None) -> LogServer:
        directory = tmp_path / (subdir or f"run{len(started)}")
        directory.mkdir(exist_ok=True)
        s = LogServer(directory, list(flags))
        started.append(s)
        return s

    yield start

    for s in started:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait(timeout=10)
        text = s.stderr_path.read_bytes().decode("utf-8", errors="replace")
        reports = [m for m in SANITIZER_MARKERS if m in text]
        assert not reports, f"sanitizer report(s) {reports}:\n{text[-20000:]}"


# ---- records --------------------------------------------------------------------------------


def parse_records(text: str) -> list[dict]:
    """Every line must be one well-formed record."""
    records = []
    for line in text.splitlines():
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            raise AssertionError(f"not a JSON line: {line!r} ({e})") from None
        check_record(r)
        records.append(r)
    return records


def check_record(r: dict) -> None:
    assert isinstance(r, dict), r
    keys = list(r)
    assert keys[:3] == ["level", "ts", "msg"], f"the record must start with level, ts, msg: {r}"
    assert r["level"] in LEVELS, r
    assert TS_RE.fullmatch(r["ts"]), r
    assert isinstance(r["msg"], str), r
    if "worker" in r:
        assert keys[3] == "worker" and isinstance(r["worker"], int) and r["worker"] >= 0, r


def access_records(records: list[dict]) -> list[dict]:
    return [r for r in records if r["msg"] == "access"]


def check_access(record: dict, response, method: str, path: str, route: str | None, request_id: str | None) -> None:
    """The access record agrees with what the client received."""
    assert record["level"] == "info", record
    assert record["method"] == method, record
    assert record["path"] == path, record
    assert record["route"] == route, record
    assert record["status"] == response.status, record
    assert record["bytes"] == len(response.raw), (record, response.raw)
    assert isinstance(record["duration_us"], int) and 0 <= record["duration_us"] < 10_000_000, record
    assert record["request_id"] == request_id, record
    assert record["remote"] == "127.0.0.1", record
    assert isinstance(record["worker"], int), record
    keys = [k for k in record if k not in ("level", "ts", "msg", "worker")]
    assert keys == ["method", "path", "route", "status", "bytes", "duration_us", "request_id", "remote"], record


def wait_for(predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


# ---- tests ----------------------------------------------------------------------------------


def test_json_lines_on_stdout_with_one_access_record_per_request(log_server):
    s = log_server("--log-format", "json", "--sink", "stdout", "--access-log", "1")
    s.wait_listening(read=s.stdout)
    tricky_id = 'q"uo\\te'
    with s.connect() as c:
        r_root = c.request("GET", "/")
        r_user = c.request("GET", "/users/7", {"X-Request-ID": "abc-123"})
        r_echo = c.request("POST", "/echo", {"X-Request-ID": tricky_id}, body=b"hello")
        r_missing = c.request("GET", "/missing")
        r_fail = c.request("GET", "/fail", {"X-Request-ID": "f-1"})
        r_query = c.request("GET", "/users/8?secret=1")
    assert [r.status for r in (r_root, r_user, r_echo, r_missing, r_fail, r_query)] == [200, 200, 200, 404, 500, 200]
    assert s.stop() == 0

    records = parse_records(s.stdout())
    assert s.stderr() == "", "every record goes to stdout only"
    access = access_records(records)
    assert len(access) == 6, access
    check_access(access[0], r_root, "GET", "/", "/", None)
    check_access(access[1], r_user, "GET", "/users/7", "/users/{id:int}", "abc-123")
    check_access(access[2], r_echo, "POST", "/echo", "/echo", tricky_id)
    check_access(access[3], r_missing, "GET", "/missing", None, None)
    check_access(access[4], r_fail, "GET", "/fail", "/fail", "f-1")
    check_access(access[5], r_query, "GET", "/users/8", "/users/{id:int}", None)

    # The per-request logger's records carry the request id (and none when there is none).
    looked_up = [r for r in records if r["msg"] == "user looked up"]
    assert looked_up[0] == {**looked_up[0], "request_id": "abc-123", "user_id": 7, "cached": False}
    assert list(looked_up[0])[-3:] == ["request_id", "user_id", "cached"]
    assert "request_id" not in looked_up[1] and looked_up[1]["user_id"] == 8 and looked_up[1]["cached"] is True

    # Sweet's own lines (core/log.hpp) are records too: start-up, the 500's error, shutdown.
    listening = [r for r in records if r["msg"].startswith("listening on http://127.0.0.1:")]
    assert len(listening) == 1 and listening[0]["level"] == "info" and "worker" not in listening[0]
    failure = [r for r in records if "failed with 500" in r["msg"]]
    assert len(failure) == 1 and failure[0]["level"] == "error", records
    assert failure[0]["msg"] == 'GET /fail failed with 500: database "primary" unreachable'
    assert failure[0]["worker"] == 0
    assert records[-1]["msg"] == "stopped"


def test_text_lines_on_stderr_by_default(server):
    srv = server("--access-log", "1", binary=LOGGING_SERVER)  # conftest's fixture: finds "listening on" in stderr
    with srv.connect() as c:
        r = c.request("GET", "/users/5", {"X-Request-ID": "t-1"})
    assert r.status == 200
    assert srv.stop() == 0
    lines = srv.stderr().splitlines()
    ts = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z"
    assert re.fullmatch(ts + r" info  listening on http://127\.0\.0\.1:\d+ \(1 worker, \w+\)", lines[0]), lines
    access = [line for line in lines if " access " in line]
    assert len(access) == 1, lines
    assert re.fullmatch(
        ts + r" info  \[w0\] access method=GET path=/users/5 route=/users/\{id:int\} status=200 "
        rf"bytes={len(r.raw)} duration_us=\d+ request_id=t-1 remote=127\.0\.0\.1", access[0]), access[0]
    assert any(re.fullmatch(ts + r" info  \[w0\] user looked up request_id=t-1 user_id=5 cached=false", line) for line in lines), lines


def test_file_sink_is_reopened_after_logrotate_moves_it(log_server, tmp_path):
    log_file = tmp_path / "app.log"
    rotated = tmp_path / "app.log.1"
    s = log_server("--log-format", "json", "--sink", f"file:{log_file}", "--sink", "stderr", "--access-log", "1")
    s.wait_listening()  # JSON on stderr too: both sinks at once

    def access_ids(path: Path) -> list[str]:
        return [r["request_id"] for r in access_records(parse_records(path.read_text(encoding="utf-8")))]

    with s.connect() as c:
        for i in range(3):
            assert c.request("GET", "/", {"X-Request-ID": f"before-{i}"}).status == 200
    wait_for(lambda: len(access_ids(log_file)) == 3, what="3 access records in app.log")

    os.rename(log_file, rotated)  # what logrotate does, then it signals the server
    s.signal(signal.SIGHUP)
    wait_for(log_file.exists, what="SIGHUP to create a new app.log")

    with s.connect() as c:
        for i in range(3):
            assert c.request("GET", "/users/1", {"X-Request-ID": f"after-{i}"}).status == 200
    assert s.stop() == 0, "SIGHUP must not end the server"

    assert access_ids(rotated) == ["before-0", "before-1", "before-2"]
    assert access_ids(log_file) == ["after-0", "after-1", "after-2"]
    assert parse_records(log_file.read_text(encoding="utf-8"))[-1]["msg"] == "stopped"
    # stderr received the same records as the files together.
    stderr_ids = [r["request_id"] for r in access_records(parse_records(s.stderr()))]
    assert stderr_ids == [f"before-{i}" for i in range(3)] + [f"after-{i}" for i in range(3)]


def test_udp_sink_sends_one_record_per_datagram(log_server):
    collector = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    collector.bind(("127.0.0.1", 0))
    collector.settimeout(5.0)
    port = collector.getsockname()[1]
    try:
        s = log_server("--log-format", "json", "--sink", "stderr", "--sink", f"udp://127.0.0.1:{port}", "--access-log", "1")
        s.wait_listening()
        with s.connect() as c:
            for i in range(5):
                assert c.request("GET", f"/users/{i}", {"X-Request-ID": f"u{i}"}).status == 200
        datagrams = []
        while len(access_records(datagrams)) < 5:
            data, _ = collector.recvfrom(65536)
            assert not data.endswith(b"\n"), data
            record = json.loads(data.decode("utf-8"))
            check_record(record)
            datagrams.append(record)
        assert datagrams[0]["msg"].startswith("listening on http://127.0.0.1:")
        assert [r["request_id"] for r in access_records(datagrams)] == [f"u{i}" for i in range(5)]
        assert [r["user_id"] for r in datagrams if r["msg"] == "user looked up"] == list(range(5))
        assert s.stop() == 0
    finally:
        collector.close()


class TcpCollector:
    """Accepts connections on a port and reads newline-delimited records from the current one."""

    def __init__(self, port: int = 0):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(8)
        self.listener.settimeout(10.0)
        self.port = self.listener.getsockname()[1]
        self.conn: socket.socket | None = None
        self.buffer = b""
        self.records: list[dict] = []

    def accept(self) -> None:
        self.conn, _ = self.listener.accept()
        self.conn.settimeout(0.2)
        self.buffer = b""

    def read_until(self, predicate, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not predicate(self.records):
            assert time.monotonic() < deadline, f"collector got only {self.records}"
            try:
                data = self.conn.recv(65536)
            except socket.timeout:
                continue
            assert data, f"the sink closed the connection; got {self.records}"
            self.buffer += data
            *lines, self.buffer = self.buffer.split(b"\n")
            for line in lines:
                record = json.loads(line.decode("utf-8"))
                check_record(record)
                self.records.append(record)

    def close(self) -> None:
        self.listener.close()  # first, so the sink's reconnection attempts are refused
        if self.conn is not None:
            self.conn.close()


def test_tcp_sink_delivers_and_keeps_records_while_the_collector_restarts(log_server):
    collector = TcpCollector()
    port = collector.port
    s = log_server("--log-format", "json", "--sink", "stderr", "--sink", f"tcp://127.0.0.1:{port}", "--access-log", "1")
    try:
        s.wait_listening()
        collector.accept()

        def ids(records):
            return [r["request_id"] for r in access_records(records)]

        with s.connect() as c:
            for i in range(3):
                assert c.request("GET", "/", {"X-Request-ID": f"t{i}"}).status == 200
        collector.read_until(lambda rs: len(ids(rs)) == 3)
        assert collector.records[0]["msg"].startswith("listening on")
        assert ids(collector.records) == ["t0", "t1", "t2"]

        # The collector goes away: records made meanwhile wait in the sink's queue.
        collector.close()
        with s.connect() as c:
            for i in range(3, 6):
                assert c.request("GET", "/", {"X-Request-ID": f"t{i}"}).status == 200
        time.sleep(0.3)  # a few refused reconnection attempts
        collector = TcpCollector(port)
        collector.accept()
        collector.read_until(lambda rs: len(ids(rs)) == 3)
        assert ids(collector.records) == ["t3", "t4", "t5"]
        assert s.stop() == 0
        collector.read_until(lambda rs: any(r["msg"] == "stopped" for r in rs))  # drained at exit
    finally:
        collector.close()


def test_disabled_levels_write_nothing(log_server):
    port = free_port()
    s = log_server("--log-format", "json", "--sink", "stdout", "--log-level", "warn", "--access-log", "1",
                   "--port", str(port))
    s.wait_port(port)  # the start-up record is info: filtered out
    with s.connect() as c:
        answers = {level: c.request("GET", f"/log/{level}", {"X-Request-ID": level}).text
                   for level in ("debug", "info", "warn", "error")}
    assert answers == {"debug": "disabled", "info": "disabled", "warn": "enabled", "error": "enabled"}
    assert s.stop() == 0
    records = parse_records(s.stdout())
    assert [(r["level"], r["msg"], r["request_id"]) for r in records] == [
        ("warn", "probe at warn", "warn"),
        ("error", "probe at error", "error"),
    ], "no info record (start-up, access, shutdown) and no debug record"

    verbose = log_server("--log-format", "json", "--sink", "stdout", "--log-level", "debug")
    verbose.wait_listening(read=verbose.stdout)
    with verbose.connect() as c:
        assert c.request("GET", "/log/debug").text == "enabled"
    assert verbose.stop() == 0
    assert any(r["level"] == "debug" and r["msg"] == "probe at debug" for r in parse_records(verbose.stdout()))


def test_concurrent_requests_on_two_workers_give_whole_records(log_server):
    s = log_server("--log-format", "json", "--sink", "stdout", "--access-log", "1", "--workers", "2")
    s.wait_listening(read=s.stdout)
    errors: list[BaseException] = []

    def client(n: int) -> None:
        try:
            with s.connect() as c:
                for i in range(25):
                    target = "/burst/20" if i % 5 == 0 else f"/users/{i}"
                    assert c.request("GET", target, {"X-Request-ID": f"c{n}-{i}"}).status == 200
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors
    assert s.stop() == 0

    records = parse_records(s.stdout())
    ids = [r["request_id"] for r in access_records(records)]
    assert sorted(ids) == sorted(f"c{n}-{i}" for n in range(8) for i in range(25)), "one access record per request"
    assert {r["worker"] for r in access_records(records)} <= {0, 1}
    burst = [r for r in records if r["msg"] == "burst"]
    assert len(burst) == 8 * 5 * 20
    assert all(r["text"] == 'line\n"quoted"\t\\' for r in burst)
    # Each request's burst records stay together and in order (one worker wrote them in one go).
    by_request: dict[str, list[int]] = {}
    for r in burst:
        by_request.setdefault(r["request_id"], []).append(r["i"])
    assert all(v == list(range(20)) for v in by_request.values()), by_request


def test_a_bad_sink_is_a_clear_start_up_error(log_server):
    s = log_server("--sink", "udp://127.0.0.1")
    assert s.proc.wait(timeout=10) == 2
    assert 'log sink "udp://127.0.0.1": expected HOST:PORT' in s.stderr()
