"""Static files, forms, uploads and cookies with real clients (curl, requests, httpx) against
$SWEET_BIN_DIR/files_server (tests/servers/files_server.cpp).

Covers: uploads parsed as they arrive (sweet::Upload: every client, 160 MiB with flat memory,
limits answered before the rest is read, abandoned uploads), files sent with sendfile and read
into memory alike (exact bytes, same headers, a 96 MiB
file without memory growth, pipelining behind a file, slow readers, clients leaving mid-file),
traversal attempts (raw bytes, so no client normalises them away), symlinks out of the
root, content types, ETag / Last-Modified and 304s (also curl's --etag-compare), ranges (206,
416, curl's resume), HEAD, directory redirects, urlencoded forms, multipart uploads through
requests' `files=` and curl -F (small files in memory, large ones spooled), an oversized part
answered 413 with the server unharmed, malformed multipart answered 400, and cookies carried by
a requests.Session.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import time
from pathlib import Path

import httpx
import pytest
import requests

from conftest import BIN_DIR, RawConn, get

FILES_SERVER = BIN_DIR / "files_server"
CURL = shutil.which("curl")
needs_curl = pytest.mark.skipif(CURL is None, reason="curl is not installed")

MTIME = 1704164645  # Tue, 02 Jan 2024 03:04:05 GMT
SECRET = b"TOP SECRET: outside the root"
PNG = bytes(range(256)) * 4


def fnv1a(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (MTIME, MTIME))


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """<tmp>/root is served; <tmp>/secret.txt and <tmp>/outside/ must stay out of reach."""
    root = tmp_path / "root"
    write(tmp_path / "secret.txt", SECRET)
    write(tmp_path / "outside" / "secret.txt", SECRET)
    write(root / "index.html", b"<h1>home</h1>")
    write(root / "hello.txt", b"hello world\n")
    write(root / "style.css", b"body { color: red }")
    write(root / "app.js", b"console.log(1)")
    write(root / "data.json", b'{"a": 1}')
    write(root / "logo.png", PNG)
    write(root / "blob.unknownext", b"???")
    write(root / "docs" / "index.html", b"<h1>docs</h1>")
    write(root / "docs" / "guide.md", b"# Guide")
    write(root / "caf\u00e9 menu.txt", b"unicode name")
    write(root / ".env", b"PASSWORD=" + SECRET)
    write(root / "medium.bin", random.Random(1).randbytes(1536 * 1024))  # under --static-max
    write(root / "big.bin", random.Random(3).randbytes(3 * 1024 * 1024))   # over it
    (root / "link-in").symlink_to("hello.txt")
    (root / "link-out").symlink_to("../secret.txt")
    (root / "link-abs").symlink_to(tmp_path / "secret.txt")
    (root / "link-out-dir").symlink_to("../outside")
    return tmp_path


@pytest.fixture
def files_srv(server, tree):
    """A files_server for `tree` whose request bodies may be 8 MB (so multipart limits decide)."""
    if not FILES_SERVER.exists():
        pytest.fail(f"{FILES_SERVER} does not exist: set SWEET_BIN_DIR to the build's tests directory")
    return server("--root", str(tree / "root"), "--max-body", "8000000", "--static-max", str(2 * 1024 * 1024),
                  binary=FILES_SERVER)


def curl(*args, timeout=60):
    return subprocess.run([CURL, "-sS", "--max-time", "30", *args], capture_output=True, timeout=timeout)


def curl_status_and_body(*args):
    p = curl("-w", "\n%{http_code}", *args)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    body, _, code = p.stdout.rpartition(b"\n")
    return int(code), body


def assert_files_alive(srv) -> None:
    """The server answers a fresh connection, static files and uploads alike."""
    assert srv.running(), f"the server died:\n{srv.stderr()[-3000:]}"
    r = requests.get(srv.url + "/static/hello.txt", timeout=10)
    assert (r.status_code, r.content) == (200, b"hello world\n")
    r = requests.post(srv.url + "/upload", files={"f": ("a.txt", b"still fine")}, timeout=10)
    assert r.status_code == 200 and r.json()["files"][0]["size"] == 10, r.text


# ---- static files -------------------------------------------------------------------------------


def test_static_files_with_content_types_and_validators(files_srv):
    expected = {
        "hello.txt": ("text/plain; charset=utf-8", b"hello world\n"),
        "style.css": ("text/css; charset=utf-8", b"body { color: red }"),
        "app.js": ("text/javascript; charset=utf-8", b"console.log(1)"),
        "data.json": ("application/json", b'{"a": 1}'),
        "logo.png": ("image/png", PNG),
        "blob.unknownext": ("application/octet-stream", b"???"),
        "docs/guide.md": ("text/markdown; charset=utf-8", b"# Guide"),
        "caf%C3%A9%20menu.txt": ("text/plain; charset=utf-8", b"unicode name"),
        "link-in": ("application/octet-stream", b"hello world\n"),
    }
    with requests.Session() as s:
        for name, (ctype, body) in expected.items():
            r = s.get(f"{files_srv.url}/static/{name}", timeout=10)
            assert r.status_code == 200, (name, r.status_code, r.text)
            assert r.headers["Content-Type"] == ctype, name
            assert r.content == body, name
            assert r.headers["Accept-Ranges"] == "bytes"
            assert r.headers["Cache-Control"] == "public, max-age=60"
            assert r.headers["Last-Modified"] == "Tue, 02 Jan 2024 03:04:05 GMT"
            assert r.headers["ETag"].startswith('"') and r.headers["ETag"].endswith('"')
    r = httpx.get(files_srv.url + "/static/logo.png")
    assert r.status_code == 200 and r.content == PNG


@needs_curl
def test_curl_downloads_exactly(files_srv, tree, tmp_path):
    out = tmp_path / "downloaded.bin"
    p = curl("-o", str(out), "-w", "%{http_code} %{content_type}", files_srv.url + "/static/medium.bin")
    assert p.returncode == 0 and p.stdout == b"200 application/octet-stream", p
    assert out.read_bytes() == (tree / "root" / "medium.bin").read_bytes()


TRAVERSALS = [
    "/static/../secret.txt",
    "/static/../../secret.txt",
    "/static/%2e%2e/secret.txt",
    "/static/%2E%2E/secret.txt",
    "/static/%2e%2e%2fsecret.txt",
    "/static/..%2fsecret.txt",
    "/static/..%2Fsecret.txt",
    "/static/docs/..%2f..%2fsecret.txt",
    "/static/docs/%2e%2e/%2e%2e/secret.txt",
    "/static/.%2e/secret.txt",
    "/static/..%5csecret.txt",
    "/static/..\\secret.txt",
    "/static//etc/passwd",
    "/static/%2fetc/passwd",
    "/static/%2Fetc%2Fpasswd",
    "/static///etc/passwd",
    "/static/hello.txt%00.png",
    "/static/%00",
    "/static/link-out",
    "/static/link-abs",
    "/static/link-out-dir/secret.txt",
    "/static/link-out-dir/",
    "/static/.env",
    "/static/%2eenv",
    "/static/%252e%252e/secret.txt",
    "/static/....//secret.txt",
    "/static/docs/./../../secret.txt",
    "/static/" + "../" * 40 + "etc/passwd",
]


@pytest.mark.parametrize("target", TRAVERSALS)
def test_traversal_attempts_are_refused(files_srv, target):
    with RawConn(files_srv.port) as c:
        r = c.request("GET", target)
    assert r.status in (400, 404), (target, r)
    assert SECRET not in r.body and b"root:" not in r.body, (target, r.body[:200])


def test_traversal_leaves_the_server_unharmed(files_srv):
    with RawConn(files_srv.port) as c:  # all on one keep-alive connection
        for target in TRAVERSALS:
            r = c.request("GET", target)
            assert r.status in (400, 404), (target, r)
            if r.closes():
                break
    assert_files_alive(files_srv)


@needs_curl
def test_curl_path_as_is_traversal(files_srv):
    for target in ("/static/../secret.txt", "/static/%2e%2e/secret.txt", "/static/..%2fsecret.txt",
                   "/static//etc/passwd", "/static/link-out-dir/secret.txt"):
        code, body = curl_status_and_body("--path-as-is", files_srv.url + target)
        assert code == 404 and SECRET not in body and b"root:" not in body, (target, code, body[:100])


def test_symlinks_are_not_followed_under_strict(files_srv):
    assert requests.get(files_srv.url + "/strict/hello.txt", timeout=10).content == b"hello world\n"
    assert requests.get(files_srv.url + "/strict/link-in", timeout=10).status_code == 404
    assert requests.get(files_srv.url + "/strict/docs/", timeout=10).status_code == 404  # no index files there


def test_directories_redirect_then_serve_their_index(files_srv):
    r = requests.get(files_srv.url + "/static/docs?x=1", allow_redirects=False, timeout=10)
    assert r.status_code == 301 and r.headers["Location"] == "/static/docs/?x=1"
    r = requests.get(files_srv.url + "/static/docs", timeout=10)
    assert r.status_code == 200 and r.content == b"<h1>docs</h1>" and r.url.endswith("/static/docs/")
    r = requests.get(files_srv.url + "/static/", timeout=10)
    assert r.content == b"<h1>home</h1>" and r.headers["Content-Type"] == "text/html; charset=utf-8"
    assert requests.get(files_srv.url + "/static/missing.txt", timeout=10).status_code == 404
    assert requests.get(files_srv.url + "/static/hello.txt/", timeout=10).status_code == 404


def test_head_has_the_get_headers_and_no_body(files_srv):
    g = requests.get(files_srv.url + "/static/style.css", timeout=10)
    with RawConn(files_srv.port) as c:
        h = c.request("HEAD", "/static/style.css")
        assert h.status == 200 and h.body == b""
        assert h.header("Content-Length") == str(len(g.content))
        for name in ("Content-Type", "ETag", "Last-Modified", "Accept-Ranges", "Cache-Control"):
            assert h.header(name) == g.headers[name], name
        assert c.request("GET", "/static/hello.txt").body == b"hello world\n"  # the connection is in sync


def test_etag_and_last_modified_give_304(files_srv, tree):
    url = files_srv.url + "/static/hello.txt"
    first = requests.get(url, timeout=10)
    etag = first.headers["ETag"]
    r = requests.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert r.status_code == 304 and r.content == b""
    assert r.headers["ETag"] == etag and r.headers["Cache-Control"] == "public, max-age=60"
    assert "Content-Length" not in r.headers
    assert requests.get(url, headers={"If-None-Match": f'"nope", W/{etag}'}, timeout=10).status_code == 304
    assert requests.get(url, headers={"If-None-Match": '"nope"'}, timeout=10).status_code == 200
    assert requests.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]}, timeout=10).status_code == 304
    earlier = email.utils.formatdate(MTIME - 1, usegmt=True)
    assert requests.get(url, headers={"If-Modified-Since": earlier}, timeout=10).status_code == 200
    assert requests.get(url, headers={"If-Match": '"nope"'}, timeout=10).status_code == 412

    # Changing the file changes the validators: the old ETag no longer matches.
    write(tree / "root" / "hello.txt", b"hello again, longer\n")
    r = requests.get(url, headers={"If-None-Match": etag}, timeout=10)
    assert r.status_code == 200 and r.content == b"hello again, longer\n" and r.headers["ETag"] != etag


@needs_curl
def test_curl_etag_compare_gets_304(files_srv, tmp_path):
    etag_file = tmp_path / "etag.txt"
    code, body = curl_status_and_body("--etag-save", str(etag_file), files_srv.url + "/static/app.js")
    assert (code, body) == (200, b"console.log(1)")
    assert etag_file.read_text().strip().startswith('"')
    code, body = curl_status_and_body("--etag-compare", str(etag_file), files_srv.url + "/static/app.js")
    assert (code, body) == (304, b"")
    code, _ = curl_status_and_body("-z", "Tue, 02 Jan 2024 03:04:05 GMT", files_srv.url + "/static/app.js")
    assert code == 304


def test_ranges(files_srv, tree):
    data = (tree / "root" / "logo.png").read_bytes()
    url = files_srv.url + "/static/logo.png"
    size = len(data)
    for spec, first, last in (("bytes=0-9", 0, 9), ("bytes=1000-", 1000, size - 1), ("bytes=-24", size - 24, size - 1),
                              ("bytes=1020-99999", 1020, size - 1)):
        r = requests.get(url, headers={"Range": spec}, timeout=10)
        assert r.status_code == 206, spec
        assert r.content == data[first:last + 1], spec
        assert r.headers["Content-Range"] == f"bytes {first}-{last}/{size}", spec
        assert r.headers["Content-Type"] == "image/png"
    r = requests.get(url, headers={"Range": f"bytes={size}-"}, timeout=10)
    assert r.status_code == 416 and r.headers["Content-Range"] == f"bytes */{size}"
    r = requests.get(url, headers={"Range": "bytes=0-1,5-6"}, timeout=10)
    assert r.status_code == 200 and r.content == data  # several ranges: the whole file
    etag = requests.head(url, timeout=10).headers["ETag"]
    assert requests.get(url, headers={"Range": "bytes=0-9", "If-Range": etag}, timeout=10).status_code == 206
    r = requests.get(url, headers={"Range": "bytes=0-9", "If-Range": '"stale"'}, timeout=10)
    assert r.status_code == 200 and r.content == data
    r = httpx.get(url, headers={"Range": "bytes=-1"})
    assert r.status_code == 206 and r.content == data[-1:]


@needs_curl
def test_curl_range_and_resume(files_srv, tree, tmp_path):
    data = (tree / "root" / "medium.bin").read_bytes()
    code, body = curl_status_and_body("-r", "100-199", files_srv.url + "/static/medium.bin")
    assert code == 206 and body == data[100:200]
    partial = tmp_path / "resumed.bin"
    partial.write_bytes(data[:1234567])
    p = curl("-C", "-", "-o", str(partial), "-w", "%{http_code}", files_srv.url + "/static/medium.bin")
    assert p.returncode == 0 and p.stdout == b"206", p
    assert partial.read_bytes() == data


def test_files_above_the_memory_limit_are_500_but_ranges_work(files_srv, tree):
    big = files_srv.url + "/inmemory/big.bin"  # 3 MiB, --static-max is 2 MiB, and no sendfile here
    r = requests.get(big, timeout=10)
    assert r.status_code == 500 and b"big.bin" not in r.content and b"max_file_bytes" not in r.content
    r = requests.get(big, headers={"Range": "bytes=0-1048575"}, timeout=10)
    assert r.status_code == 206 and len(r.content) == 1048576
    # With sendfile (the default for files of 64 KiB and more) the memory limit does not apply.
    r = requests.get(files_srv.url + "/static/big.bin", timeout=10)
    assert r.status_code == 200 and r.content == (tree / "root" / "big.bin").read_bytes()
    assert_files_alive(files_srv)


# ---- sendfile ----------------------------------------------------------------------------------


def status_of_vm(srv, key: str) -> int:
    """A memory figure of the server from /proc (VmRSS, VmHWM...), in KiB."""
    for line in Path(f"/proc/{srv.proc.pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {key}")


def open_fds(srv) -> int:
    return len(os.listdir(f"/proc/{srv.proc.pid}/fd"))


def wait_for_fds(srv, at_most: int) -> int:
    """The server's open descriptors once they are down to `at_most`, or after 5 s."""
    deadline = time.monotonic() + 5
    while open_fds(srv) > at_most and time.monotonic() < deadline:
        time.sleep(0.05)
    return open_fds(srv)


def test_sendfile_and_memory_paths_send_the_same(files_srv, tree):
    """The same file through sendfile (/static/) and read into memory (/inmemory/): same bytes,
    same headers (bar Date), for GET, HEAD and a range."""
    for name in ("medium.bin", "logo.png", "hello.txt"):
        for method, headers in (("GET", {}), ("HEAD", {}), ("GET", {"Range": "bytes=70000-"})):
            a = requests.request(method, files_srv.url + "/static/" + name, headers=headers, timeout=10)
            b = requests.request(method, files_srv.url + "/inmemory/" + name, headers=headers, timeout=10)
            assert (a.status_code, a.content) == (b.status_code, b.content), (name, method, headers)
            strip = lambda h: {k: v for k, v in h.items() if k != "Date"}  # noqa: E731
            assert strip(a.headers) == strip(b.headers), (name, method, headers)
    r = requests.head(files_srv.url + "/static/medium.bin", timeout=10)
    assert r.headers["Content-Length"] == str(1536 * 1024) and r.content == b""


def test_a_file_larger_than_memory_limits_streams_from_the_page_cache(files_srv, tree):
    """96 MiB (above the 64 MiB in-memory default, and 48x --static-max) leaves by sendfile: the
    bytes are exact and the server's memory does not grow with the file."""
    path = tree / "root" / "huge.bin"
    tail = random.Random(7).randbytes(1024 * 1024)
    with open(path, "wb") as f:  # sparse: 95 MiB of zeros, then 1 MiB of noise
        f.truncate(95 * 1024 * 1024)
        f.seek(95 * 1024 * 1024)
        f.write(tail)
    before = status_of_vm(files_srv, "VmRSS")
    with requests.get(files_srv.url + "/static/huge.bin", stream=True, timeout=30) as r:
        assert r.status_code == 200 and r.headers["Content-Length"] == str(96 * 1024 * 1024)
        received = 0
        last = b""
        for chunk in r.iter_content(1 << 20):
            if received < 95 * 1024 * 1024:
                head = chunk[: max(0, 95 * 1024 * 1024 - received)]
                assert head.count(0) == len(head), f"non-zero byte before {received + len(chunk)}"
            received += len(chunk)
            last = (last + chunk)[-len(tail):]
    assert received == 96 * 1024 * 1024 and last == tail
    grown = status_of_vm(files_srv, "VmRSS") - before
    assert grown < 16 * 1024, f"the server grew by {grown} KiB while sending a 96 MiB file"
    assert_files_alive(files_srv)


def test_pipelined_requests_wait_behind_a_file_body(files_srv, tree):
    """Answers leave in request order: a small answer queued behind a file waits for its last byte,
    and the connection stays usable afterwards."""
    medium = (tree / "root" / "medium.bin").read_bytes()
    with files_srv.connect(timeout=30) as conn:
        conn.send(b"GET /static/medium.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                  b"GET /static/hello.txt HTTP/1.1\r\nHost: t\r\n\r\n"
                  b"HEAD /static/big.bin HTTP/1.1\r\nHost: t\r\n\r\n"
                  b"GET /static/medium.bin HTTP/1.1\r\nHost: t\r\nRange: bytes=5-9\r\n\r\n")
        first = conn.read_response()
        assert first.status == 200 and first.body == medium
        second = conn.read_response()
        assert second.status == 200 and second.body == b"hello world\n"
        third = conn.read_response("HEAD")
        assert third.status == 200 and third.header("Content-Length") == str(3 * 1024 * 1024) and third.body == b""
        fourth = conn.read_response()
        assert fourth.status == 206 and fourth.body == medium[5:10]
        conn.send(b"GET /static/big.bin HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        last = conn.read_response()
        assert last.status == 200 and last.body == (tree / "root" / "big.bin").read_bytes()
        assert conn.wait_closed()


def test_slow_readers_and_clients_that_leave_mid_file(files_srv, tree):
    """A reader with a small window gets every byte; clients that vanish in the middle of a file
    (reset or plain close) cost nothing: no crash, no leaked descriptor, the server serves on."""
    big = (tree / "root" / "big.bin").read_bytes()
    conn = RawConn(files_srv.port, timeout=30)
    conn.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 32 * 1024)
    conn.send(b"GET /static/big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
    got = bytearray()
    while len(got) < 256 * 1024:  # read the start slowly, so the server's sends must wait
        chunk = conn.sock.recv(8192)
        assert chunk
        got += chunk
        time.sleep(0.002)
    conn.buf = got
    resp = conn.read_response()
    assert resp.status == 200 and resp.body == big
    conn.close()

    fds_before = open_fds(files_srv)
    for i in range(20):
        s = socket.create_connection(("127.0.0.1", files_srv.port), timeout=10)
        s.sendall(b"GET /static/big.bin HTTP/1.1\r\nHost: t\r\n\r\n")
        s.recv(65536)
        if i % 2 == 0:  # reset: the next sendfile fails with ECONNRESET or EPIPE
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    assert_files_alive(files_srv)
    assert wait_for_fds(files_srv, fds_before) <= fds_before, "file or socket descriptors leaked"


# ---- urlencoded forms ---------------------------------------------------------------------------


def test_urlencoded_form_with_requests_and_httpx(files_srv):
    data = [("name", "Ada Lovelace"), ("tricky", "a&b=c+d%e"), ("caf\u00e9", "\u2713 \u00fc"), ("lang", "en"),
            ("lang", "fr"), ("empty", "")]
    r = requests.post(files_srv.url + "/form", data=data, timeout=10)
    assert r.status_code == 200, r.text
    assert [tuple(p) for p in r.json()] == data
    r = httpx.post(files_srv.url + "/form", data={"x": "1 2", "y": ["a", "b"]})
    assert r.status_code == 200 and [tuple(p) for p in r.json()] == [("x", "1 2"), ("y", "a"), ("y", "b")]
    r = requests.get(files_srv.url + "/query-form", params={"q": "a b&c"}, timeout=10)
    assert r.json() == [["q", "a b&c"]]


def test_urlencoded_form_errors(files_srv):
    url = files_srv.url + "/form"
    r = requests.post(url, data=b"a=1", headers={"Content-Type": "text/plain"}, timeout=10)
    assert r.status_code == 415
    r = requests.post(url, data=b"a=%zz", headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=10)
    assert r.status_code == 400 and "escape" in r.text
    r = requests.post(url, data=[(f"f{i}", "v") for i in range(51)], timeout=10)  # the route allows 50 fields
    assert r.status_code == 413 and "50 fields" in r.text
    assert_files_alive(files_srv)


# ---- multipart uploads --------------------------------------------------------------------------


def test_multipart_upload_with_requests(files_srv):
    rng = random.Random(2)
    small = rng.randbytes(1000)
    large = rng.randbytes(300_000) + b"\r\n--" + rng.randbytes(1000)  # above --memory-file (64 KiB): spooled
    r = requests.post(
        files_srv.url + "/upload",
        data={"title": "holiday \u2600", "count": "2"},
        files=[("photo", ("beach.jpg", small, "image/jpeg")), ("archive", ("na\u00efve data.bin", large)),
               ("photo", ("second.jpg", b"", "image/jpeg"))],
        timeout=30,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert sorted(map(tuple, body["fields"])) == [("count", "2"), ("title", "holiday \u2600")]
    files = body["files"]
    assert [f["field"] for f in files] == ["photo", "archive", "photo"]
    assert files[0] == {"field": "photo", "filename": "beach.jpg", "content_type": "image/jpeg", "size": 1000,
                        "in_memory": True, "fnv1a": fnv1a(small)}
    assert files[1]["filename"] == "na\u00efve data.bin"
    assert files[1]["size"] == len(large) and files[1]["fnv1a"] == fnv1a(large)
    assert files[1]["in_memory"] is False
    assert files[2]["size"] == 0 and files[2]["fnv1a"] == fnv1a(b"")


def test_multipart_upload_with_httpx(files_srv):
    payload = bytes(range(256)) * 100
    r = httpx.post(files_srv.url + "/upload", data={"k": "v"}, files={"f": ("x.bin", payload, "application/x-thing")})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["fields"] == [["k", "v"]]
    assert body["files"][0]["fnv1a"] == fnv1a(payload) and body["files"][0]["content_type"] == "application/x-thing"


@needs_curl
def test_multipart_upload_with_curl(files_srv, tree):
    code, body = curl_status_and_body("-F", "note=from curl", "-F", f"doc=@{tree / 'root' / 'logo.png'}",
                                      "-F", "raw=<" + str(tree / "root" / "hello.txt"), files_srv.url + "/upload")
    assert code == 200, body
    result = json.loads(body)
    assert sorted(map(tuple, result["fields"])) == [("note", "from curl"), ("raw", "hello world\n")]
    assert result["files"] == [{"field": "doc", "filename": "logo.png", "content_type": "image/png", "size": len(PNG),
                                "in_memory": True, "fnv1a": fnv1a(PNG)}]


def test_oversized_part_is_413_and_the_server_is_unharmed(files_srv):
    url = files_srv.url + "/upload"
    too_big = b"x" * (1024 * 1024 + 1)  # --max-file defaults to 1 MiB
    r = requests.post(url, files={"f": ("big.bin", too_big)}, timeout=30)
    assert r.status_code == 413, r.text
    assert 'file "f" is larger than 1048576 bytes' in r.text
    # A following request on a new connection works, and one exactly at the limit passes.
    assert_files_alive(files_srv)
    r = requests.post(url, files={"f": ("edge.bin", b"y" * (1024 * 1024))}, timeout=30)
    assert r.status_code == 200 and r.json()["files"][0]["size"] == 1024 * 1024
    # Fields have their own, smaller limit; and the number of parts is bounded.
    r = requests.post(url, files={"essay": (None, "z" * (64 * 1024 + 1))}, timeout=10)  # no filename: a field
    assert r.status_code == 413 and 'field "essay"' in r.text, r.text
    r = requests.post(url, files={"essay": (None, "z" * (64 * 1024))}, timeout=10)
    assert r.status_code == 200 and r.json()["fields"] == [["essay", "z" * (64 * 1024)]]
    r = requests.post(url, files=[(f"f{i}", (f"{i}.txt", b"1")) for i in range(17)], timeout=10)
    assert r.status_code == 413 and "16 parts" in r.text
    assert_files_alive(files_srv)


def raw_post(srv, content_type: str, body: bytes, path: str = "/upload"):
    with RawConn(srv.port) as c:
        return c.request("POST", path, {"Content-Type": content_type}, body)


@pytest.mark.parametrize("path", ["/upload", "/stream-upload"])
def test_malformed_multipart_is_400(files_srv, path):
    cd = b'Content-Disposition: form-data; name="a"\r\n\r\nvalue\r\n'
    cases = {
        "no closing boundary": b"--XX\r\n" + cd,
        "no Content-Disposition": b"--XX\r\nContent-Type: text/plain\r\n\r\nv\r\n--XX--\r\n",
        "junk after a boundary": b"--XXjunk\r\n" + cd + b"--XX--\r\n",
        "bare LF line ends": b"--XX\n" + cd.replace(b"\r\n", b"\n") + b"--XX--\n",
        "header without colon": b"--XX\r\nnot a header\r\n\r\nv\r\n--XX--\r\n",
        "empty body": b"",
    }
    for what, body in cases.items():
        r = raw_post(files_srv, "multipart/form-data; boundary=XX", body, path)
        assert r.status == 400, (what, r)
        assert r.text.startswith("Bad Request: malformed multipart body"), (what, r.text)
    assert raw_post(files_srv, "multipart/form-data", b"--XX--\r\n", path).status == 400  # no boundary
    assert raw_post(files_srv, "multipart/form-data; boundary=\"bad;\"", b"", path).status == 400
    assert raw_post(files_srv, "text/plain", b"hello", path).status == 415
    assert_files_alive(files_srv)


# ---- uploads parsed as they arrive (sweet::Upload) ------------------------------------------------


def multipart(boundary: str, fields: dict, files: dict) -> bytes:
    """A multipart/form-data body: fields {name: text}, files {name: (filename, bytes)}."""
    out = bytearray()
    for name, value in fields.items():
        out += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
    for name, (filename, data) in files.items():
        out += (f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return bytes(out)


@needs_curl
def test_streamed_uploads_from_every_client(files_srv, tmp_path):
    """requests (Content-Length), httpx, chunked bodies and curl -F all reach sweet::Upload whole;
    the route's own limits replace max_body_bytes (8 MB here), which still binds /upload."""
    data = random.Random(11).randbytes(12 * 1024 * 1024)
    small = b"tiny file"
    url = files_srv.url + "/stream-upload"

    def check(answer, big=data):
        assert answer["fields"] == [["title", "holiday"]]
        by_field = {f["field"]: f for f in answer["files"]}
        assert by_field["photo"]["size"] == len(big) and by_field["photo"]["fnv1a"] == fnv1a(big)
        assert by_field["photo"]["in_memory"] is False  # spooled to a temporary file as it came
        assert by_field["note"]["size"] == len(small) and by_field["note"]["in_memory"] is True

    r = requests.post(url, data={"title": "holiday"}, files={"photo": ("p.bin", data), "note": ("n.txt", small)}, timeout=60)
    assert r.status_code == 200, r.text
    check(r.json())
    r = httpx.post(url, data={"title": "holiday"}, files={"photo": ("p.bin", data), "note": ("n.txt", small)}, timeout=60)
    assert r.status_code == 200, r.text
    check(r.json())

    body = multipart("XyZ", {"title": "holiday"}, {"photo": ("p.bin", data), "note": ("n.txt", small)})
    pieces = (body[i:i + 100_000] for i in range(0, len(body), 100_000))  # a generator: chunked framing
    r = requests.post(url, data=pieces, headers={"Content-Type": "multipart/form-data; boundary=XyZ"}, timeout=60)
    assert r.status_code == 200, r.text
    check(r.json())

    (tmp_path / "p.bin").write_bytes(data)
    (tmp_path / "n.txt").write_bytes(small)
    code, out = curl_status_and_body("-F", "title=holiday", "-F", f"photo=@{tmp_path / 'p.bin'}",
                                     "-F", f"note=@{tmp_path / 'n.txt'}", url)
    assert code == 200, out
    check(json.loads(out))

    # The same upload held in memory first is over max_body_bytes.
    r = requests.post(files_srv.url + "/upload", files={"photo": ("p.bin", data)}, timeout=60)
    assert r.status_code == 413
    assert_files_alive(files_srv)


def test_a_large_upload_does_not_grow_memory(files_srv):
    """160 MiB through sweet::Upload, as Content-Length and as chunked: the server's peak memory
    stays flat, because the body goes to the parser and the file to disk as they arrive."""
    block = random.Random(5).randbytes(1024 * 1024)
    size = 160 * 1024 * 1024
    head = b'--B\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n\r\n'
    tail = b"\r\n--B--\r\n"

    class Body:
        """Sent by requests with Content-Length (it has a length); a bare iterator of it goes chunked."""

        def __iter__(self):
            yield head
            for _ in range(size // len(block)):
                yield block
            yield tail

        def __len__(self):
            return len(head) + size + len(tail)

    url = files_srv.url + "/stream-upload"
    peak_before = status_of_vm(files_srv, "VmHWM")
    fds_before = open_fds(files_srv)
    for framing in ("content-length", "chunked"):
        headers = {"Content-Type": "multipart/form-data; boundary=B"}
        data = Body() if framing == "content-length" else iter(Body())
        r = requests.post(url, data=data, headers=headers, timeout=120)
        assert r.status_code == 200, (framing, r.text)
        assert r.json()["files"][0]["size"] == size, framing
    grown = status_of_vm(files_srv, "VmHWM") - peak_before
    assert grown < 48 * 1024, f"peak memory grew by {grown} KiB for a 160 MiB upload"
    assert wait_for_fds(files_srv, fds_before) <= fds_before, "a spooled upload's descriptor leaked"
    assert_files_alive(files_srv)


def test_upload_limits_strike_before_the_rest_is_read(files_srv):
    """A limit is answered as soon as it breaks: from the head (a Content-Length over the total,
    with no 100 Continue), or at the byte that breaks it, while the client is still sending."""
    url_path = "/stream-upload"
    # Declared too large: 413 at once, no 100 Continue, the body is never read.
    with files_srv.connect() as c:
        c.send(f"POST {url_path} HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=B\r\n"
               f"Content-Length: {2 * 1024 ** 3}\r\nExpect: 100-continue\r\n\r\n".encode())
        r = c.read_response()
        assert r.status == 413 and r.interim == [] and "multipart body larger than" in r.text
        assert r.closes() and c.wait_closed()

    # A field over its 64 KiB limit in a body declared as 50 MiB, of which 300 KiB are sent:
    # the 413 names the field and arrives while the client has sent almost nothing.
    with files_srv.connect() as c:
        c.send(f"POST {url_path} HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=B\r\n"
               f"Content-Length: {50 * 1024 * 1024}\r\n\r\n".encode())
        c.send(b'--B\r\nContent-Disposition: form-data; name="comment"\r\n\r\n' + b"x" * (300 * 1024))
        r = c.read_response()
        assert r.status == 413 and 'field "comment" is larger than 65536 bytes' in r.text, r
        assert r.closes()

    # A client that gives up in the middle of an upload leaves nothing behind.
    fds_before = open_fds(files_srv)
    for i in range(10):
        s = socket.create_connection(("127.0.0.1", files_srv.port), timeout=10)
        s.sendall(f"POST {url_path} HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                  f"Content-Length: {10 * 1024 * 1024}\r\n\r\n".encode())
        s.sendall(b'--B\r\nContent-Disposition: form-data; name="f"; filename="a"\r\n\r\n' + b"y" * (2 * 1024 * 1024))
        if i % 2 == 0:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    assert_files_alive(files_srv)
    assert wait_for_fds(files_srv, fds_before) <= fds_before, "an abandoned upload's temporary file leaked"


def test_upload_routes_are_documented_as_multipart(files_srv):
    doc = requests.get(files_srv.url + "/openapi.json", timeout=10).json()
    body = doc["paths"]["/stream-upload"]["post"]["requestBody"]
    assert body["required"] is True and list(body["content"]) == ["multipart/form-data"]


# ---- cookies ------------------------------------------------------------------------------------


def test_cookies_round_trip_through_a_session(files_srv):
    with requests.Session() as s:
        assert s.get(files_srv.url + "/whoami", timeout=10).text == "sid=- theme=-\n"
        r = s.get(files_srv.url + "/login", timeout=10)
        assert r.status_code == 200
        assert r.raw.headers.getlist("Set-Cookie") == ["sid=s3cr3t-token; Path=/; HttpOnly; SameSite=Lax",
                                                       "theme=dark; Max-Age=3600; Path=/"]
        assert s.cookies.get("sid") == "s3cr3t-token"
        assert s.get(files_srv.url + "/whoami", timeout=10).text == "sid=s3cr3t-token theme=dark\n"
        r = s.get(files_srv.url + "/logout", timeout=10)
        assert r.headers["Set-Cookie"] == "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/"
        assert "sid" not in s.cookies
        assert s.get(files_srv.url + "/whoami", timeout=10).text == "sid=- theme=dark\n"


def test_cookie_header_parsing_and_bad_set_cookie(files_srv):
    r = get(files_srv.port, "/whoami", headers={"Cookie": 'theme="light"; junk; sid=abc ;x=1'})
    assert r.text == "sid=abc theme=light\n"
    r = httpx.get(files_srv.url + "/whoami", cookies={"sid": "from-httpx"})
    assert r.text == "sid=from-httpx theme=-\n"
    r = requests.get(files_srv.url + "/bad-cookie", timeout=10)
    assert r.status_code == 500 and "Set-Cookie" not in r.headers and r.text == "Internal Server Error\n"
    deadline = time.monotonic() + 5
    while "has space" not in files_srv.stderr() and "value may only hold" not in files_srv.stderr():
        assert time.monotonic() < deadline, "the invalid cookie was not logged"
        time.sleep(0.05)
