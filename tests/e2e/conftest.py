"""Shared helpers of Sweet's end-to-end tests.

- `server`: a fixture *factory*. `server("--max-body", "5000000")` starts
  $SWEET_BIN_DIR/sweet_test_server on a free port with the backend named by $SWEET_BACKEND and
  returns a `ServerProcess`. At teardown every server still running gets SIGTERM and must exit
  with 0, and every server's stderr is checked for sanitizer reports (ASan/LSan/UBSan): a report
  fails the test.
- `srv`: one default server (a shortcut for `server()`).
- `RawConn`: a raw TCP client that sends exact bytes and parses responses strictly (status
  line, header lines, Content-Length or chunked body), keeping unread bytes for pipelining,
  plus `read_until_close` / `wait_closed`.

Everything here is bounded in time: every socket read has a deadline, every wait a limit.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BACKEND = os.environ.get("SWEET_BACKEND", "epoll")
BIN_DIR = Path(os.environ.get("SWEET_BIN_DIR", REPO / "build" / "tests"))
EXAMPLES_DIR = Path(os.environ.get("SWEET_EXAMPLES_DIR", REPO / "build" / "examples"))
TEST_SERVER = BIN_DIR / "sweet_test_server"

STARTUP_TIMEOUT = 10.0  # seconds to wait for the "listening on" line
STOP_TIMEOUT = 20.0     # seconds a server may take to exit after SIGTERM at teardown
SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")

LISTENING_RE = re.compile(
    r"listening on http://(?P<host>\[[^\]]+\]|[^\s:/]+):(?P<port>\d+) \((?P<workers>\d+) workers?, (?P<backend>[\w-]+)\)"
)


# ---- the server process ---------------------------------------------------------------------


class ServerProcess:
    """A running server binary whose stderr goes to a temporary file."""

    def __init__(self, argv: list[str], connect_host: str = "127.0.0.1"):
        self.argv = argv
        self.connect_host = connect_host
        self.port: int | None = None
        self.workers: int | None = None
        self.backend: str | None = None
        self.stopped_by_test = False
        self._stderr_file = tempfile.NamedTemporaryFile(prefix="sweet-e2e-", suffix=".stderr", delete=False)
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=self._stderr_file,
            start_new_session=True,  # a Ctrl-C on pytest does not reach it; we stop it ourselves
        )

    # -- start-up ---------------------------------------------------------------------------

    def wait_listening(self, timeout: float = STARTUP_TIMEOUT) -> "ServerProcess":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            m = LISTENING_RE.search(self.stderr())
            if m:
                self.port = int(m.group("port"))
                self.workers = int(m.group("workers"))
                self.backend = m.group("backend")
                return self
            if self.proc.poll() is not None:
                raise AssertionError(
                    f"server exited with {self.proc.returncode} before listening: {self.argv}\n{self.stderr()}"
                )
            time.sleep(0.01)
        raise AssertionError(f"server did not print its listening line within {timeout} s\n{self.stderr()}")

    # -- information ------------------------------------------------------------------------

    def stderr(self) -> str:
        try:
            return Path(self._stderr_file.name).read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def sanitizer_reports(self) -> list[str]:
        text = self.stderr()
        return [marker for marker in SANITIZER_MARKERS if marker in text]

    @property
    def url(self) -> str:
        host = f"[{self.connect_host}]" if ":" in self.connect_host else self.connect_host
        return f"http://{host}:{self.port}"

    def connect(self, timeout: float = 10.0) -> "RawConn":
        return RawConn(self.port, self.connect_host, timeout)

    def running(self) -> bool:
        return self.proc.poll() is None

    # -- stopping ---------------------------------------------------------------------------

    def send_signal(self, sig: int) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)

    def wait(self, timeout: float) -> int | None:
        """The exit code, or None if still running after `timeout` seconds."""
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def wait_for_exit(self, timeout: float) -> int | None:
        """For a test that already signalled the server: the exit code, or None (still running;
        the fixture then kills it at teardown)."""
        self.stopped_by_test = True
        return self.wait(timeout)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT) -> int | None:
        """Sends `sig` and waits; returns the exit code, or None (then the process is killed)."""
        self.stopped_by_test = True
        return self._stop(sig, timeout)

    def _stop(self, sig: int, timeout: float) -> int | None:
        if self.proc.poll() is not None:
            return self.proc.returncode
        self.proc.send_signal(sig)
        rc = self.wait(timeout)
        if rc is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        return rc

    def cleanup(self) -> None:
        try:
            os.unlink(self._stderr_file.name)
        except OSError:
            pass
        self._stderr_file.close()


def start_process(argv: list[str], connect_host: str = "127.0.0.1") -> ServerProcess:
    return ServerProcess(argv, connect_host)


@pytest.fixture
def server():
    """Factory: server(*flags, host=None) starts sweet_test_server and waits until it listens.

    Teardown: a server that died on its own, did not exit 0 on SIGTERM, or printed a sanitizer
    report fails the test.
    """
    started: list[ServerProcess] = []

    def start(*flags: str, host: str | None = None, binary: Path | None = None, argv: list[str] | None = None,
              wait: bool = True) -> ServerProcess:
        if argv is None:
            exe = binary or TEST_SERVER
            if not exe.exists():
                pytest.fail(f"{exe} does not exist: set SWEET_BIN_DIR to the build's tests directory")
            argv = [str(exe), "--backend", BACKEND]
            if host is not None:
                argv += ["--host", host]
            argv += list(flags)
        connect_host = host if host is not None and host not in ("0.0.0.0", "::") else "127.0.0.1"
        proc = start_process(argv, connect_host)
        started.append(proc)
        if wait:
            try:
                proc.wait_listening()
            except AssertionError:
                proc.stopped_by_test = True  # reported here; the teardown need not say it again
                raise
            if argv[0] == str(TEST_SERVER) and "--backend" in argv:
                assert proc.backend == BACKEND, f"asked for {BACKEND}, server runs {proc.backend}"
        return proc

    yield start

    problems = []
    for proc in started:
        if not proc.stopped_by_test:
            if proc.proc.poll() is not None:
                problems.append(f"server exited by itself during the test with code {proc.proc.returncode}")
            else:
                rc = proc._stop(signal.SIGTERM, STOP_TIMEOUT)
                if rc != 0:
                    problems.append(f"server did not exit with 0 after SIGTERM at teardown (code {rc})")
        elif proc.proc.poll() is None:  # the test stopped it but it is still there: kill it
            proc.proc.kill()
            proc.proc.wait(timeout=10)
        reports = proc.sanitizer_reports()
        if reports:
            problems.append(f"sanitizer report(s) {reports} in the server's stderr:\n{proc.stderr()[-20000:]}")
        elif problems:
            problems.append(f"server stderr:\n{proc.stderr()[-5000:]}")
        proc.cleanup()
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


@pytest.fixture
def srv(server) -> ServerProcess:
    """A default sweet_test_server."""
    return server()


def free_port(host: str = "127.0.0.1") -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def have_ipv6_loopback() -> bool:
    if not socket.has_ipv6:
        return False
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


# ---- strict HTTP/1.1 response parsing -------------------------------------------------------


class ClosedBeforeResponse(Exception):
    """The server closed the connection before sending any byte of a response."""


class TruncatedResponse(AssertionError):
    """The server closed the connection in the middle of a response."""


class MalformedResponse(AssertionError):
    """The bytes received are not a valid HTTP/1.1 response."""


class ReadTimeout(AssertionError):
    """No complete response arrived before the deadline."""


STATUS_LINE_RE = re.compile(rb"HTTP/1\.[01] (\d{3}) ([\t !-~\x80-\xff]*)")
TOKEN_RE = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
FIELD_VALUE_RE = re.compile(rb"[\t !-~\x80-\xff]*")
CHUNK_SIZE_RE = re.compile(rb"([0-9A-Fa-f]+)(;[\t !-~]*)?")


@dataclass
class HttpResponse:
    status: int
    reason: str
    version: str
    headers: list[tuple[str, str]]
    body: bytes = b""
    raw: bytes = b""
    trailers: list[tuple[str, str]] = field(default_factory=list)
    chunked: bool = False
    interim: list["HttpResponse"] = field(default_factory=list)  # 1xx responses received before it

    def header(self, name: str) -> str | None:
        for n, v in self.headers:
            if n.lower() == name.lower():
                return v
        return None

    def header_all(self, name: str) -> list[str]:
        return [v for n, v in self.headers if n.lower() == name.lower()]

    def header_names(self) -> list[str]:
        return [n.lower() for n, _ in self.headers]

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def closes(self) -> bool:
        conn = self.header("Connection") or ""
        return "close" in [t.strip().lower() for t in conn.split(",")]

    def __repr__(self) -> str:
        body = self.body if len(self.body) <= 200 else self.body[:200] + b"..."
        return f"<HttpResponse {self.status} {self.headers} body={body!r}>"


class RawConn:
    """A TCP connection that sends raw bytes and reads strictly parsed HTTP/1.1 responses."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 10.0, nodelay: bool = True):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        if nodelay:
            self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            self.sock.connect((host, port))
        except BaseException:
            self.sock.close()
            raise
        self.timeout = timeout
        self.buf = bytearray()
        self.eof = False

    # -- context manager --------------------------------------------------------------------

    def __enter__(self) -> "RawConn":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass

    # -- sending ----------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def send_in_pieces(self, data: bytes, piece: int, delay: float) -> None:
        for i in range(0, len(data), piece):
            self.sock.sendall(data[i:i + piece])
            if delay:
                time.sleep(delay)

    # -- receiving --------------------------------------------------------------------------

    def _recv_more(self, deadline: float) -> bool:
        """Reads more bytes into buf. False on EOF (or reset); raises ReadTimeout at the deadline."""
        if self.eof:
            return False
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise ReadTimeout(f"no complete response before the deadline; have {bytes(self.buf[:500])!r}")
        self.sock.settimeout(remaining)
        try:
            data = self.sock.recv(262144)
        except socket.timeout:
            raise ReadTimeout(f"no complete response before the deadline; have {bytes(self.buf[:500])!r}") from None
        except (ConnectionResetError, ConnectionAbortedError):
            data = b""
        if not data:
            self.eof = True
            return False
        self.buf += data
        return True

    def _need(self, n: int, deadline: float, what: str, start_len: int) -> None:
        while len(self.buf) < n:
            if not self._recv_more(deadline):
                got = bytes(self.buf[:start_len + 300])
                raise TruncatedResponse(f"connection closed in the middle of {what}; got {got!r}")

    def _read_line(self, pos: int, deadline: float, what: str) -> tuple[bytes, int]:
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                line = bytes(self.buf[pos:i])
                if b"\n" in line or b"\r" in line:
                    raise MalformedResponse(f"bare CR or LF in {what}: {line!r}")
                return line, i + 2
            if len(self.buf) - pos > 1 << 20:
                raise MalformedResponse(f"{what} longer than 1 MiB")
            if not self._recv_more(deadline):
                raise TruncatedResponse(f"connection closed in the middle of {what}; got {bytes(self.buf[:300])!r}")

    def read_response(self, method: str = "GET", timeout: float | None = None) -> HttpResponse:
        """Reads one final response (1xx interim responses are collected in `.interim`).

        Raises ClosedBeforeResponse on EOF before any byte, TruncatedResponse on EOF inside a
        response, MalformedResponse on invalid syntax, ReadTimeout at the deadline.
        """
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        interim = []
        while True:
            resp = self._read_one(method, deadline)
            if 100 <= resp.status < 200:
                interim.append(resp)
                continue
            resp.interim = interim
            return resp

    def read_interim(self, timeout: float | None = None) -> HttpResponse:
        """Reads one response head, which must be a 1xx."""
        deadline = time.monotonic() + (self.timeout if timeout is None else timeout)
        resp = self._read_one("GET", deadline)
        assert 100 <= resp.status < 200, f"expected an interim response, got {resp}"
        return resp

    def _read_one(self, method: str, deadline: float) -> HttpResponse:
        if not self.buf and not self._recv_more(deadline):
            raise ClosedBeforeResponse("connection closed before any byte of a response")
        status_line, pos = self._read_line(0, deadline, "the status line")
        m = STATUS_LINE_RE.fullmatch(status_line)
        if not m:
            raise MalformedResponse(f"invalid status line {status_line!r}")
        status = int(m.group(1))
        headers = []
        while True:
            line, pos = self._read_line(pos, deadline, "the header section")
            if line == b"":
                break
            name, sep, value = line.partition(b":")
            if not sep or not TOKEN_RE.fullmatch(name):
                raise MalformedResponse(f"invalid header line {line!r}")
            value = value.strip(b" \t")
            if not FIELD_VALUE_RE.fullmatch(value):
                raise MalformedResponse(f"invalid header value {line!r}")
            headers.append((name.decode("latin-1"), value.decode("latin-1")))
        resp = HttpResponse(status, m.group(2).decode("latin-1"), status_line[:8].decode(), headers)
        head_end = pos

        te = [v.strip().lower() for v in resp.header_all("Transfer-Encoding") for v in v.split(",") if v.strip()]
        cls = resp.header_all("Content-Length")
        if te and cls:
            raise MalformedResponse(f"both Transfer-Encoding and Content-Length: {resp}")
        if len(set(cls)) > 1:
            raise MalformedResponse(f"conflicting Content-Length values: {cls}")
        if cls and not cls[0].isdigit():
            raise MalformedResponse(f"invalid Content-Length {cls[0]!r}")

        if 100 <= status < 200:
            if te or cls:
                raise MalformedResponse(f"framing headers on a 1xx response: {resp}")
            pass
        elif method == "HEAD" or status in (204, 304):
            if status == 204 and (te or cls):
                raise MalformedResponse(f"framing headers on a 204 response: {resp}")
        elif te:
            if te != ["chunked"]:
                raise MalformedResponse(f"unexpected Transfer-Encoding {te}")
            resp.chunked = True
            body = bytearray()
            while True:
                size_line, pos = self._read_line(pos, deadline, "a chunk-size line")
                cm = CHUNK_SIZE_RE.fullmatch(size_line)
                if not cm:
                    raise MalformedResponse(f"invalid chunk-size line {size_line!r}")
                size = int(cm.group(1), 16)
                if size == 0:
                    break
                self._need(pos + size + 2, deadline, "chunk data", head_end)
                body += self.buf[pos:pos + size]
                if self.buf[pos + size:pos + size + 2] != b"\r\n":
                    raise MalformedResponse("chunk data not followed by CRLF")
                pos += size + 2
            while True:
                line, pos = self._read_line(pos, deadline, "the trailer section")
                if line == b"":
                    break
                name, sep, value = line.partition(b":")
                if not sep or not TOKEN_RE.fullmatch(name):
                    raise MalformedResponse(f"invalid trailer line {line!r}")
                resp.trailers.append((name.decode("latin-1"), value.strip().decode("latin-1")))
            resp.body = bytes(body)
        elif cls:
            n = int(cls[0])
            self._need(pos + n, deadline, "a Content-Length body", head_end)
            resp.body = bytes(self.buf[pos:pos + n])
            pos += n
        else:
            # Delimited by the end of the connection (RFC 9112 6.3 item 8).
            while self._recv_more(deadline):
                pass
            resp.body = bytes(self.buf[pos:])
            pos = len(self.buf)
        resp.raw = bytes(self.buf[:pos])
        del self.buf[:pos]
        return resp

    def read_until_close(self, timeout: float = 5.0) -> bytes:
        """Everything until the server closes (EOF or reset); fails if it stays open `timeout` s."""
        deadline = time.monotonic() + timeout
        try:
            while self._recv_more(deadline):
                pass
        except ReadTimeout:
            raise AssertionError(
                f"the server did not close the connection within {timeout} s; got {bytes(self.buf[:300])!r}"
            ) from None
        data = bytes(self.buf)
        self.buf.clear()
        return data

    def wait_closed(self, timeout: float = 5.0) -> bool:
        """True if the server closes within `timeout` s (bytes received meanwhile are kept)."""
        deadline = time.monotonic() + timeout
        try:
            while self._recv_more(deadline):
                pass
            return True
        except ReadTimeout:
            return False

    def is_open_now(self, wait: float = 0.05) -> bool:
        """True if nothing (no EOF, no bytes) arrives within `wait` s."""
        if self.eof:
            return False
        self.sock.settimeout(wait)
        try:
            self.sock.recv(1, socket.MSG_PEEK)
        except socket.timeout:
            return True
        except (ConnectionResetError, ConnectionAbortedError):
            return False
        return False  # bytes or EOF arrived

    def request(self, method: str, target: str, headers: dict | None = None, body: bytes | None = None,
                version: str = "HTTP/1.1", timeout: float | None = None) -> HttpResponse:
        self.send(build_request(method, target, headers, body, version))
        return self.read_response(method, timeout)


def build_request(method: str, target: str, headers: dict | list | None = None, body: bytes | None = None,
                  version: str = "HTTP/1.1") -> bytes:
    """A well-formed request: Host added for HTTP/1.1, Content-Length added when there is a body."""
    lines = [f"{method} {target} {version}"]
    items = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    names = {n.lower() for n, _ in items}
    if version == "HTTP/1.1" and "host" not in names:
        items.insert(0, ("Host", "127.0.0.1"))
    if body is not None and "content-length" not in names and "transfer-encoding" not in names:
        items.append(("Content-Length", str(len(body))))
    lines += [f"{n}: {v}" for n, v in items]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")


def chunked(*pieces: bytes, trailers: bytes = b"") -> bytes:
    """A chunked body made of `pieces`, then the last chunk and `trailers` (CRLF-terminated lines)."""
    out = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in pieces if p)
    return out + b"0\r\n" + trailers + b"\r\n"


def get(port: int, target: str, host: str = "127.0.0.1", headers: dict | None = None, method: str = "GET",
        body: bytes | None = None, timeout: float = 10.0) -> HttpResponse:
    """One request on a fresh connection."""
    with RawConn(port, host, timeout) as c:
        return c.request(method, target, headers, body)


def assert_alive(srv: ServerProcess) -> None:
    """The server still answers a fresh connection."""
    assert srv.running(), f"the server died:\n{srv.stderr()[-3000:]}"
    r = get(srv.port, "/", host=srv.connect_host)
    assert r.status == 200 and r.body == b"Hello, Sweet!", r


def assert_error_then_close(srv: ServerProcess, raw: bytes, status: int, reason_contains: str | None = None,
                            ) -> HttpResponse:
    """Sends `raw` on a fresh connection: the answer is `status` with "Connection: close" and a
    "<Reason>: <why>" body, the server closes the connection, and a fresh connection still works."""
    with srv.connect() as c:
        c.send(raw)
        r = c.read_response()
        assert r.status == status, f"sent {raw[:300]!r}, expected {status}, got {r}"
        assert r.closes(), f"an error response must carry Connection: close: {r}"
        assert r.text.startswith(f"{r.reason}: ") and r.body.endswith(b"\n"), f"body is not '<Reason>: <why>\\n': {r}"
        if reason_contains is not None:
            assert reason_contains.lower() in r.text.lower(), r
        rest = c.read_until_close(timeout=5.0)
        assert rest == b"", f"bytes after the error response: {rest[:300]!r}"
    assert_alive(srv)
    return r
