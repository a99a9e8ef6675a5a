"""The OpenAPI document and the /docs page, checked with tools that are not Sweet's own.

- `redocly lint` (@redocly/cli from npm, installed in tests/openapi) validates the typed test
  server's /openapi.json against OpenAPI 3.1 and the `recommended-strict` rules
  (tests/openapi/redocly.yaml says which rules are off and why). Broken copies of the same
  document must fail, so the linter is known to be looking.
- The page and its assets over HTTP: content types, the gzip variants, ETag revalidation, HEAD,
  moved paths and paths turned off.
- Headless Chromium, with every host but the server unreachable, loads the page
  (tests/openapi/check_docs_page.cjs drives it with playwright-core): the rendered page lists
  exactly the document's operations, nothing was fetched from anywhere else, and "Try it out"
  reaches the server. Skipped only when chromium is not installed.
"""

from __future__ import annotations

import copy
import gzip
import json
import os
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import BIN_DIR, REPO, get

TYPED_SERVER = BIN_DIR / "typed_server"
TOOLS = REPO / "tests" / "openapi"
REDOCLY_CLI = TOOLS / "node_modules" / "@redocly" / "cli" / "bin" / "cli.js"
REDOCLY_CONFIG = TOOLS / "redocly.yaml"
PLAYWRIGHT = TOOLS / "node_modules" / "playwright-core"
PAGE_CHECKER = TOOLS / "check_docs_page.cjs"
NODE = shutil.which("node")
CHROMIUM = shutil.which("chromium")

INSTALL_HINT = "run scripts/install-deps.sh (it runs `npm ci --ignore-scripts` in tests/openapi)"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# What each kind of asset must be served as (media type, and charset for text).
ASSET_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".png": "image/png"}
# The large assets are also embedded gzip-compressed (cmake/SweetDocsUi.cmake).
PRECOMPRESSED = ("swagger-ui-bundle.js", "swagger-ui.css")

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (scripts/install-deps.sh installs Debian's chromium)")


# ---- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def typed(server):
    """Factory: starts the typed test server with extra flags (e.g. --docs-path off)."""
    def start(*flags: str):
        if not TYPED_SERVER.exists():
            pytest.fail(f"{TYPED_SERVER} does not exist: build the tests (it comes from tests/servers/typed_server.cpp)")
        return server(*flags, binary=TYPED_SERVER)
    return start


def fetch(srv, target: str, method: str = "GET", headers: dict | None = None):
    return get(srv.port, target, host=srv.connect_host, headers=headers, method=method)


def fetch_document(srv, path: str = "/openapi.json") -> dict:
    r = fetch(srv, path)
    assert r.status == 200, r
    assert r.header("Content-Type").split(";")[0].strip() == "application/json", r
    return json.loads(r.body)


def operations(document: dict) -> set[tuple[str, str]]:
    """(METHOD, path) of every operation the document describes."""
    return {(method.upper(), path)
            for path, item in document.get("paths", {}).items()
            for method in item if method in HTTP_METHODS}


class PageLinks(HTMLParser):
    """The script and style sheet URLs of a page and the document URL it hands Swagger UI."""

    def __init__(self):
        super().__init__()
        self.scripts: list[str] = []
        self.links: list[str] = []
        self.openapi_url: str | None = None
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"])
        elif tag == "link" and a.get("href"):
            self.links.append(a["href"])
        elif a.get("id") == "sweet-docs":
            self.openapi_url = a.get("data-openapi")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    @property
    def assets(self) -> list[str]:
        return self.scripts + self.links


def parse_page(srv, path: str) -> PageLinks:
    r = fetch(srv, path)
    assert r.status == 200, r
    assert r.header("Content-Type") == "text/html; charset=utf-8", r
    page = PageLinks()
    page.feed(r.text)
    return page


def tool_env() -> dict:
    env = dict(os.environ)
    # No telemetry, no update check, no colour codes in the output we parse.
    env.update(REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true", NO_COLOR="1", FORCE_COLOR="0")
    return env


def redocly_lint(document: dict, tmp_path: Path, name: str = "openapi.json") -> tuple[int, dict | None, str]:
    """Runs `redocly lint` on `document`; returns its exit code, its JSON report (None when it
    could not lint at all, e.g. an unknown OpenAPI version) and what it printed."""
    if NODE is None or not REDOCLY_CLI.exists():
        pytest.fail(f"@redocly/cli is not installed in {TOOLS}: {INSTALL_HINT}")
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2))
    p = subprocess.run([NODE, str(REDOCLY_CLI), "lint", "--config", str(REDOCLY_CONFIG), "--format", "json", str(path)],
                       capture_output=True, text=True, timeout=180, env=tool_env(), cwd=tmp_path)
    start = p.stdout.find("{")
    report = json.loads(p.stdout[start:]) if start >= 0 else None
    return p.returncode, report, p.stdout + p.stderr


def problems_text(report: dict) -> str:
    return "\n".join(f"{p['severity']} {p['ruleId']}: {p['message']} at {p['location'][0].get('pointer')}"
                     for p in report.get("problems", []))


@contextmanager
def dead_port():
    """A loopback port that refuses connections for as long as the block runs (bound, never
    listening), to send Chromium's non-loopback traffic nowhere."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        yield s.getsockname()[1]


def check_page_in_chromium(url: str, tmp_path: Path, execute: str | None = None) -> dict:
    """Loads `url` in headless Chromium through check_docs_page.cjs; returns its report."""
    if NODE is None or not PLAYWRIGHT.exists():
        pytest.fail(f"playwright-core is not installed in {TOOLS}: {INSTALL_HINT}")
    profile = tempfile.mkdtemp(prefix="chromium-profile-", dir=tmp_path)  # a new, empty profile each time
    with dead_port() as port:
        argv = [NODE, str(PAGE_CHECKER), "--url", url, "--chromium", CHROMIUM, "--profile", profile,
                "--dead-proxy", f"127.0.0.1:{port}", "--timeout-ms", "30000"]
        if execute:
            argv += ["--execute", execute]
        p = subprocess.run(argv, capture_output=True, text=True, timeout=180, env=tool_env())
    lines = p.stdout.strip().splitlines()
    assert lines, f"check_docs_page.cjs printed nothing (exit {p.returncode}):\n{p.stderr[-3000:]}"
    report = json.loads(lines[-1])
    report["exit_code"] = p.returncode
    report["stderr"] = p.stderr[-3000:]
    return report


def plain_get_operation(document: dict) -> str | None:
    """A GET operation with nothing to fill in (no parameters, no template), or None."""
    for path in sorted(document.get("paths", {})):
        op = document["paths"][path].get("get")
        if op is None or "{" in path:
            continue
        params = op.get("parameters", []) + document["paths"][path].get("parameters", [])
        if not any(p.get("required") for p in params if "$ref" not in p) and not any("$ref" in p for p in params):
            return path
    return None


# ---- the OpenAPI document --------------------------------------------------------------------


def test_document_is_openapi_3_1_and_leaves_out_the_docs_routes(typed):
    srv = typed()
    doc = fetch_document(srv)
    assert doc["openapi"].startswith("3.1."), doc["openapi"]
    assert doc["info"]["title"] and doc["info"]["version"], doc["info"]
    assert operations(doc), "the typed server's routes are not in the document"
    for path in doc["paths"]:
        assert path.startswith("/") and not path.startswith(("/docs", "/openapi.json")), \
            f"{path}: the document and the docs page are not part of the API"
    # Every documented GET reaches a route on the server (the document describes routes that
    # exist), with each path parameter given a plausible value so routing matches.
    for method, path in operations(doc):
        if method != "GET":
            continue
        target = "/".join("1" if seg.startswith("{") else seg for seg in path.split("/"))
        r = fetch(srv, target)
        assert r.status != 405 and b"no route matches" not in r.body, \
            f"documented GET {path} has no route ({target} answered {r.status} {r.text[:200]})"


def test_document_passes_redocly_lint(typed, tmp_path):
    doc = fetch_document(typed())
    code, report, output = redocly_lint(doc, tmp_path)
    assert report is not None, f"redocly could not lint the document (exit {code}):\n{output}"
    assert report["totals"]["errors"] == 0 and report["totals"]["warnings"] == 0, \
        f"redocly lint found problems:\n{problems_text(report)}"
    assert code == 0, output


def test_redocly_lint_rejects_broken_copies_of_the_document(typed, tmp_path):
    """The control: the same linter and configuration fail documents that are wrong."""
    doc = fetch_document(typed())

    def rule_ids(report):
        return {p["ruleId"] for p in (report or {}).get("problems", [])}

    no_info = copy.deepcopy(doc)
    del no_info["info"]
    code, report, output = redocly_lint(no_info, tmp_path, "no-info.json")
    assert code != 0 and "struct" in rule_ids(report), output

    undeclared_parameter = copy.deepcopy(doc)
    undeclared_parameter["paths"]["/sweet-control/{thing}"] = {
        "get": {"operationId": "sweetControl", "summary": "control", "description": "control",
                "responses": {"200": {"description": "ok"}, "400": {"description": "bad"}}}}
    code, report, output = redocly_lint(undeclared_parameter, tmp_path, "undeclared-parameter.json")
    assert code != 0 and "path-parameters-defined" in rule_ids(report), output

    bad_schema = copy.deepcopy(doc)
    bad_schema.setdefault("components", {}).setdefault("schemas", {})["SweetControl"] = {"type": "integer", "minimum": "zero"}
    code, report, output = redocly_lint(bad_schema, tmp_path, "bad-schema.json")
    assert code != 0 and "struct" in rule_ids(report), output

    wrong_version = copy.deepcopy(doc)
    wrong_version["openapi"] = "3.1"  # must be a full version number
    code, report, output = redocly_lint(wrong_version, tmp_path, "wrong-version.json")
    assert code != 0 and "Unsupported OpenAPI version" in output, output


# ---- the page and its assets over HTTP -------------------------------------------------------


def asset_path(url: str) -> str:
    return urlsplit(url).path


def test_docs_page_names_its_assets_and_the_document(typed):
    srv = typed()
    page = parse_page(srv, "/docs")
    assert page.openapi_url == "/openapi.json"
    assert page.title.strip().endswith("docs") and fetch_document(srv)["info"]["title"] in page.title
    assert sorted(asset_path(a) for a in page.assets) == sorted(f"/docs/{name}" for name in (
        "swagger-ui-bundle.js", "sweet-docs.js", "favicon-32x32.png", "swagger-ui.css")), page.assets
    # Each URL names the version of its file: ?v= is the hash in the file's ETag.
    for url in page.assets:
        version = urlsplit(url).query.removeprefix("v=")
        etag = fetch(srv, asset_path(url)).header("ETag")
        assert version and etag.endswith(f'-{version}"'), (url, etag)
    # No inline script: the page works under Content-Security-Policy: script-src 'self'.
    body = fetch(srv, "/docs").text
    assert body.count("<script") == len(page.scripts)


def test_docs_assets_have_their_content_types_and_cache_validators(typed):
    srv = typed()
    for versioned_url in parse_page(srv, "/docs").assets:
        # As the page names it (?v=<version>): cacheable for good, another build has other URLs.
        r = fetch(srv, versioned_url)
        assert r.status == 200, (versioned_url, r)
        assert r.header("Cache-Control") == "public, max-age=31536000, immutable", (versioned_url, r.headers)
        # Any other URL of the same file (none, or a stale version) must be revalidated.
        url = asset_path(versioned_url)
        for other in (url, url + "?v=0123456789abcdef", url + "?v="):
            o = fetch(srv, other)
            assert o.status == 200 and o.body == r.body and o.header("Cache-Control") == "no-cache", (other, o.headers)
        r = fetch(srv, url)
        assert r.header("Content-Type") == ASSET_TYPES[Path(url).suffix], (url, r.headers)
        assert r.header("Content-Encoding") is None, (url, r.headers)
        etag = r.header("ETag")
        assert etag and etag.startswith('"') and etag.endswith('"'), (url, etag)
        assert len(r.body) > 100, (url, len(r.body))
        # HEAD: the same head, no body.
        h = fetch(srv, url, method="HEAD")
        assert h.status == 200 and h.body == b"", (url, h)
        assert h.header("Content-Length") == str(len(r.body)) and h.header("ETag") == etag, (url, h.headers)
        # Revalidation: the ETag (or its weak form, or *) gives a bodiless 304 with the same ETag.
        for tag in (etag, "W/" + etag, f'"other", {etag}', "*"):
            n = fetch(srv, url, headers={"If-None-Match": tag})
            assert n.status == 304 and n.body == b"" and n.header("ETag") == etag, (url, tag, n)
        assert fetch(srv, url, headers={"If-None-Match": '"something-else"'}).status == 200
    # What the files are: Swagger UI's bundle defines SwaggerUIBundle; the PNG is a PNG.
    assert b"SwaggerUIBundle" in fetch(srv, "/docs/swagger-ui-bundle.js").body
    assert b".swagger-ui" in fetch(srv, "/docs/swagger-ui.css").body
    assert fetch(srv, "/docs/favicon-32x32.png").body.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"SwaggerUIBundle(" in fetch(srv, "/docs/sweet-docs.js").body


def test_large_assets_come_gzip_compressed_to_clients_that_accept_it(typed):
    srv = typed()
    for name in PRECOMPRESSED:
        url = f"/docs/{name}"
        plain = fetch(srv, url)
        assert plain.header("Vary") == "Accept-Encoding", plain.headers
        for accept in ("gzip", "br, gzip;q=0.5", "GZIP", "x-gzip", "*", "deflate, *;q=0.1"):
            z = fetch(srv, url, headers={"Accept-Encoding": accept})
            assert z.status == 200 and z.header("Content-Encoding") == "gzip", (url, accept, z.headers)
            assert z.header("Vary") == "Accept-Encoding" and z.header("Content-Type") == plain.header("Content-Type")
            assert gzip.decompress(z.body) == plain.body, (url, accept)
            assert len(z.body) * 2 < len(plain.body), (url, len(z.body), len(plain.body))
            assert z.header("ETag") != plain.header("ETag"), "two representations need two entity tags"
        for accept in ("identity", "gzip;q=0", "br", "*;q=0", "gzip;q=0, *", "gzip;q=bogus", ""):
            r = fetch(srv, url, headers={"Accept-Encoding": accept})
            assert r.status == 200 and r.header("Content-Encoding") is None, (url, accept, r.headers)
            assert r.body == plain.body
        # Each representation revalidates against its own tag.
        zipped_tag = fetch(srv, url, headers={"Accept-Encoding": "gzip"}).header("ETag")
        assert fetch(srv, url, headers={"Accept-Encoding": "gzip", "If-None-Match": zipped_tag}).status == 304
        assert fetch(srv, url, headers={"Accept-Encoding": "gzip", "If-None-Match": plain.header("ETag")}).status == 200
        assert fetch(srv, url, headers={"If-None-Match": zipped_tag}).status == 200


def test_unknown_docs_asset_is_404(typed):
    srv = typed()
    for target in ("/docs/nope.js", "/docs/swagger-ui.js", "/docs/index.html", "/docs/swagger-ui-bundle.js.map"):
        assert fetch(srv, target).status == 404, target


def test_docs_and_document_can_move(typed):
    srv = typed("--openapi-path", "/api/v2/spec.json", "--docs-path", "/api/v2/reference")
    for gone in ("/openapi.json", "/docs", "/docs/swagger-ui.css"):
        assert fetch(srv, gone).status == 404, gone
    doc = fetch_document(srv, "/api/v2/spec.json")
    assert operations(doc)
    assert not any(p.startswith("/api/v2/") for p in doc["paths"]), "the moved docs routes are not API routes"
    page = parse_page(srv, "/api/v2/reference")
    assert page.openapi_url == "/api/v2/spec.json"
    assert page.assets and all(a.startswith("/api/v2/reference/") for a in page.assets), page.assets
    for url in page.assets:
        r = fetch(srv, url)
        assert r.status == 200 and r.header("Content-Type") == ASSET_TYPES[Path(asset_path(url)).suffix], (url, r)


def test_docs_and_document_can_be_turned_off(typed):
    srv = typed("--openapi-path", "off", "--docs-path", "off")
    for target in ("/openapi.json", "/docs", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui.css", "/docs/sweet-docs.js"):
        assert fetch(srv, target).status == 404, target

    only_document = typed("--docs-path", "off")
    assert operations(fetch_document(only_document))
    assert fetch(only_document, "/docs").status == 404
    assert fetch(only_document, "/docs/swagger-ui.css").status == 404


# ---- the page in a real browser ----------------------------------------------------------------


def assert_rendered_offline(report: dict, srv, doc: dict, docs_path: str, openapi_path: str) -> None:
    assert report.get("error") is None and report["exit_code"] == 0, f"{report.get('error')}\n{report.get('stderr')}"
    assert report["load_error"] is None, f"Swagger UI could not show the document: {report['load_error']}"
    assert report["page_errors"] == [], report["page_errors"]
    rendered = {(op["method"], op["path"]) for op in report["operations"]}
    assert rendered == operations(doc), f"rendered {sorted(rendered)}, documented {sorted(operations(doc))}"
    assert len(report["operations"]) == len(rendered), "an operation was drawn twice"
    # Summaries as documented.
    for op in report["operations"]:
        summary = doc["paths"][op["path"]][op["method"].lower()].get("summary")
        if summary:
            assert op["summary"] == summary, op
    # Everything came from the server itself, and the page's own files all loaded.
    origin = srv.url
    paths_seen = set()
    for r in report["requests"]:
        assert r["url"].startswith(origin + "/"), f"the page fetched {r['url']}: it must not need any other host"
        assert r["failure"] is None, r
        paths_seen.add(urlsplit(r["url"]).path)
    assert {docs_path, openapi_path} <= paths_seen, paths_seen
    assert {f"{docs_path}/swagger-ui-bundle.js", f"{docs_path}/swagger-ui.css", f"{docs_path}/sweet-docs.js"} <= paths_seen
    for r in report["requests"]:
        path = urlsplit(r["url"]).path
        if path == openapi_path or path == docs_path or path.startswith(docs_path + "/"):
            assert r["status"] == 200, r


@needs_chromium
def test_docs_page_renders_the_operations_in_chromium_with_no_network(typed, tmp_path):
    srv = typed()
    doc = fetch_document(srv)
    execute = plain_get_operation(doc)
    report = check_page_in_chromium(srv.url + "/docs", tmp_path, execute=f"GET {execute}" if execute else None)
    assert_rendered_offline(report, srv, doc, "/docs", "/openapi.json")
    assert doc["info"]["title"] in report["title"], report["title"]
    # "Try it out" works against the server: Swagger UI shows what the server answers.
    assert execute is not None, "the typed server documents no GET without parameters to try"
    direct = fetch(srv, execute)
    shown = report["executed"]
    assert shown and "error" not in shown, shown
    assert shown["status"].split()[0] == str(direct.status), (shown, direct)
    if (direct.header("Content-Type") or "").startswith("application/json"):
        assert json.loads(shown["body"]) == json.loads(direct.body), (shown, direct)
    if direct.status < 400:
        assert report["console_errors"] == [], report["console_errors"]


@needs_chromium
def test_moved_docs_page_renders_in_chromium(typed, tmp_path):
    srv = typed("--openapi-path", "/meta/openapi.json", "--docs-path", "/meta/docs")
    doc = fetch_document(srv, "/meta/openapi.json")
    report = check_page_in_chromium(srv.url + "/meta/docs", tmp_path)
    assert_rendered_offline(report, srv, doc, "/meta/docs", "/meta/openapi.json")
    assert report["console_errors"] == [], report["console_errors"]


@needs_chromium
def test_the_browser_reaches_no_other_host(tmp_path):
    """The control for the tests above: the same browser set-up cannot load anything that is not
    on the loopback interface, so a page that needed a CDN would have failed them."""
    for url in ("http://example.com/", "http://192.0.2.1/docs", "https://unpkg.com/swagger-ui-dist/swagger-ui.css"):
        report = check_page_in_chromium(url, tmp_path)
        assert report["exit_code"] != 0 and "net::ERR_" in (report.get("error") or ""), (url, report)
