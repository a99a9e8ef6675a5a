"""Static files, forms, uploads and cookies with real clients (curl, requests, httpx) against
$SWEET_BIN_DIR/files_server (tests/servers/files_server.cpp).

Covers: traversal attempts (raw bytes, so no client normalises them away), symlinks out of the
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
    big = files_srv.url + "/static/big.bin"  # 3 MiB, --static-max is 2 MiB
    r = requests.get(big, timeout=10)
    assert r.status_code == 500 and b"big.bin" not in r.content and b"max_file_bytes" not in r.content
    r = requests.get(big, headers={"Range": "bytes=0-1048575"}, timeout=10)
    assert r.status_code == 206 and len(r.content) == 1048576
    assert_files_alive(files_srv)


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


def raw_post(srv, content_type: str, body: bytes):
    with RawConn(srv.port) as c:
        return c.request("POST", "/upload", {"Content-Type": content_type}, body)


def test_malformed_multipart_is_400(files_srv):
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
        r = raw_post(files_srv, "multipart/form-data; boundary=XX", body)
        assert r.status == 400, (what, r)
        assert r.text.startswith("Bad Request: malformed multipart body"), (what, r.text)
    assert raw_post(files_srv, "multipart/form-data", b"--XX--\r\n").status == 400  # no boundary
    assert raw_post(files_srv, "multipart/form-data; boundary=\"bad;\"", b"").status == 400
    assert raw_post(files_srv, "text/plain", b"hello").status == 415
    assert_files_alive(files_srv)


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
