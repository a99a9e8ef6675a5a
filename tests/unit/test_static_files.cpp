// Static files (sweet/features/static_files.hpp) called as a handler on a real directory tree:
// traversal refused in both resolution modes (openat2 and realpath), directories and index
// files, validators and conditional requests, ranges, limits; and the extension table of
// sweet/http/mime_types.hpp.

#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/core/arena.hpp"
#include "sweet/features/static_files.hpp"
#include "sweet/http/cookies.hpp"
#include "sweet/http/mime_types.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/request_head.hpp"
#include "sweet/net/reactor.hpp"

using namespace std::string_literals;
using sweet::Response;
using sweet::Result;
using sweet::StaticFileOptions;
using sweet::StaticFiles;
using sweet::http::content_type_for_extension;
using sweet::http::content_type_for_path;

namespace {

constexpr std::int64_t kMtime = 1704164645;  // Tue, 02 Jan 2024 03:04:05 GMT
constexpr long kMtimeNs = 123456789;
constexpr std::string_view kLastModified = "Tue, 02 Jan 2024 03:04:05 GMT";

void write_file(const std::string& path, std::string_view content) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    ::close(fd);
    const timespec times[2] = {{kMtime, kMtimeNs}, {kMtime, kMtimeNs}};
    REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

std::string pattern_bytes(std::size_t n) {
    std::string s(n, '\0');
    for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>('a' + i % 26);
    return s;
}

/// A scratch tree: <base>/root is served, <base>/outside must stay out of reach.
struct Tree {
    std::string base;
    std::string root;
    Tree() {
        char tmpl[] = "/tmp/sweet-static-test-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        base = tmpl;
        root = base + "/root";
        for (const char* dir : {"/root", "/root/docs", "/root/noindex", "/root/.hidden", "/outside"}) {
            REQUIRE(::mkdir((base + dir).c_str(), 0755) == 0);
        }
        write_file(root + "/index.html", "<h1>home</h1>");
        write_file(root + "/hello.txt", "hello world\n");
        write_file(root + "/data.bin", pattern_bytes(1000));
        write_file(root + "/empty.txt", "");
        write_file(root + "/style.CSS", "body{}");
        write_file(root + "/noext", "plain");
        write_file(root + "/docs/index.html", "<h1>docs</h1>");
        write_file(root + "/docs/guide.md", "# Guide");
        write_file(root + "/docs/a b%20c.txt", "spaces");
        write_file(root + "/.env", "SECRET=1");
        write_file(root + "/.hidden/x.txt", "hidden");
        write_file(base + "/outside/secret.txt", "TOP SECRET");
        REQUIRE(::symlink("hello.txt", (root + "/link-inside").c_str()) == 0);
        REQUIRE(::symlink("../outside/secret.txt", (root + "/link-outside").c_str()) == 0);
        REQUIRE(::symlink(base.c_str(), (root + "/link-absolute").c_str()) == 0);
        REQUIRE(::symlink("../outside", (root + "/dir-link-outside").c_str()) == 0);
        REQUIRE(::symlink("docs", (root + "/dir-link-inside").c_str()) == 0);
        REQUIRE(::mkfifo((root + "/fifo").c_str(), 0644) == 0);
    }
    ~Tree() { remove_all(base); }

    static void remove_all(const std::string& path) {
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0) return;
        if (S_ISDIR(st.st_mode)) {
            if (DIR* d = ::opendir(path.c_str())) {
                while (dirent* e = ::readdir(d)) {
                    const std::string name = e->d_name;
                    if (name != "." && name != "..") remove_all(path + "/" + name);
                }
                ::closedir(d);
            }
            ::rmdir(path.c_str());
        } else {
            ::unlink(path.c_str());
        }
    }
};

/// One request to a StaticFiles handler.
struct Call {
    std::vector<sweet::http::Header> headers;
    sweet::http::RequestHead head;
    sweet::Arena arena;
    std::unique_ptr<sweet::net::Reactor> reactor = sweet::net::Reactor::create(sweet::net::Backend::epoll);

    /// Calls `files` for catch-all value `path`, with `raw_path` as the request's path.
    Result<Response> operator()(const StaticFiles& files, std::string_view path, std::vector<sweet::http::Header> h = {},
                                sweet::http::Method method = sweet::http::Method::get, std::string_view raw_path = "/static/x",
                                std::string_view query = {}) {
        headers = std::move(h);
        head = {};
        head.method = method;
        head.method_name = sweet::http::method_name(method);
        head.path = raw_path;
        head.query = query;
        head.target = raw_path;
        head.headers = headers.data();
        head.header_count = headers.size();
        sweet::Request req(head, {}, arena, *reactor);
        return files(req, path);
    }
};

int status_of(const Result<Response>& r) { return r.ok() ? r.value().status() : r.error().status; }

std::string header_of(const Result<Response>& r, std::string_view name) {
    if (!r.ok()) return "<error>";
    const std::string* h = r.value().header(name);
    return h != nullptr ? *h : "<absent>";
}

std::string body_of(const Result<Response>& r) { return r.ok() ? r.value().body() : "<error>"; }

std::string etag_of(const std::string& root, const char* file) {
    struct stat st {};
    REQUIRE(::stat((root + "/" + file).c_str(), &st) == 0);
    Call call;
    StaticFiles files(root);
    auto r = call(files, file);
    REQUIRE(r.ok());
    return header_of(r, "ETag");
}

}  // namespace

// ---- the extension table ------------------------------------------------------------------------

TEST_CASE("content types by extension", "[static_files][mime]") {
    CHECK(content_type_for_path("index.html") == "text/html; charset=utf-8");
    CHECK(content_type_for_path("a/b/STYLE.CSS") == "text/css; charset=utf-8");
    CHECK(content_type_for_path("app.mjs") == "text/javascript; charset=utf-8");
    CHECK(content_type_for_path("data.json") == "application/json");
    CHECK(content_type_for_path("logo.svg") == "image/svg+xml");
    CHECK(content_type_for_path("font.woff2") == "font/woff2");
    CHECK(content_type_for_path("archive.tar.gz") == "application/gzip");
    CHECK(content_type_for_path("readme.txt") == "text/plain; charset=utf-8");
    CHECK(content_type_for_path("photo.JPeG") == "image/jpeg");
    CHECK(content_type_for_path("unknown.xyz") == "application/octet-stream");
    CHECK(content_type_for_path("Makefile") == "application/octet-stream");
    CHECK(content_type_for_path(".bashrc") == "application/octet-stream");  // a leading dot is not an extension
    CHECK(content_type_for_path("dir.d/file", "text/plain") == "text/plain");  // the dot is in a directory name
    CHECK(content_type_for_path("trailing.") == "application/octet-stream");
    CHECK(content_type_for_extension("WASM") == std::optional<std::string_view>("application/wasm"));
    CHECK_FALSE(content_type_for_extension(""));
    CHECK_FALSE(content_type_for_extension("averyveryverylongextension"));
    // Every row can be found, which also proves the table is sorted for the binary search.
    for (const auto& row : sweet::http::kMimeTable) {
        CHECK(content_type_for_extension(row.extension) == std::optional<std::string_view>(row.content_type));
        const bool text = row.content_type.starts_with("text/");
        CHECK(text == row.content_type.ends_with("; charset=utf-8"));
    }
    static_assert(content_type_for_path("x.png") == "image/png");
}

// ---- serving and refusing -------------------------------------------------------------------------

TEST_CASE("StaticFiles serves files with their headers", "[static_files]") {
    Tree tree;
    const bool openat2 = GENERATE(true, false);
    INFO("use_openat2 = " << openat2);
    StaticFiles files(tree.root, {.use_openat2 = openat2});
    Call call;

    auto r = call(files, "hello.txt");
    REQUIRE(status_of(r) == 200);
    CHECK(body_of(r) == "hello world\n");
    CHECK(r.value().content_type() == "text/plain; charset=utf-8");
    CHECK(header_of(r, "Accept-Ranges") == "bytes");
    CHECK(header_of(r, "Last-Modified") == kLastModified);
    CHECK(header_of(r, "ETag") == "\"c-17a668b7375cff15\"");  // 12 bytes, 1704164645123456789 ns, in hex
    CHECK(header_of(r, "Cache-Control") == "<absent>");

    CHECK(call(files, "style.CSS").value().content_type() == "text/css; charset=utf-8");
    CHECK(call(files, "noext").value().content_type() == "application/octet-stream");
    CHECK(call(files, "docs/guide.md").value().content_type() == "text/markdown; charset=utf-8");
    CHECK(body_of(call(files, "docs/a b%20c.txt")) == "spaces");  // names are taken literally, after the router's decoding
    CHECK(body_of(call(files, "link-inside")) == "hello world\n");
    CHECK(body_of(call(files, "dir-link-inside/guide.md")) == "# Guide");
    CHECK(body_of(call(files, "empty.txt")).empty());
    CHECK(status_of(call(files, "empty.txt")) == 200);
    CHECK(body_of(call(files, "data.bin")) == pattern_bytes(1000));

    StaticFiles custom(tree.root, {.cache_control = "public, max-age=60", .etag = false, .last_modified = false,
                                   .default_content_type = "text/plain", .use_openat2 = openat2});
    auto c = call(custom, "noext");
    CHECK(c.value().content_type() == "text/plain");
    CHECK(header_of(c, "Cache-Control") == "public, max-age=60");
    CHECK(header_of(c, "ETag") == "<absent>");
    CHECK(header_of(c, "Last-Modified") == "<absent>");
}

TEST_CASE("StaticFiles refuses traversal and hidden files with 404", "[static_files]") {
    Tree tree;
    const bool openat2 = GENERATE(true, false);
    INFO("use_openat2 = " << openat2);
    StaticFiles files(tree.root, {.use_openat2 = openat2});
    Call call;
    for (const std::string& path : {"../outside/secret.txt"s, ".."s, "../"s, "docs/../../outside/secret.txt"s,
                                    "docs/../hello.txt"s, "/etc/passwd"s, "//etc/passwd"s, "docs\\..\\..\\outside\\secret.txt"s,
                                    "..\\outside\\secret.txt"s, "hello.txt\0.png"s, "\0"s, ".env"s, ".hidden/x.txt"s,
                                    ".hidden/"s, "./hello.txt"s, "docs/./guide.md"s, "docs//guide.md"s, "link-outside"s,
                                    "link-absolute/outside/secret.txt"s, "dir-link-outside/secret.txt"s, "dir-link-outside/"s,
                                    "missing.txt"s, "docs/missing/"s, "hello.txt/"s, "hello.txt/x"s, "fifo"s, "noindex/"s,
                                    std::string(5000, 'a')}) {
        INFO("path \"" << path << "\"");
        auto r = call(files, path);
        CHECK(status_of(r) == 404);
        CHECK(body_of(r).find("SECRET") == std::string::npos);
    }
    StaticFiles dotfiles(tree.root, {.dotfiles = true, .use_openat2 = openat2});
    CHECK(body_of(call(dotfiles, ".env")) == "SECRET=1");
    CHECK(body_of(call(dotfiles, ".hidden/x.txt")) == "hidden");
    CHECK(status_of(call(dotfiles, "..")) == 404);
    CHECK(status_of(call(dotfiles, "../outside/secret.txt")) == 404);

    StaticFiles no_links(tree.root, {.follow_symlinks = false, .use_openat2 = openat2});
    CHECK(status_of(call(no_links, "link-inside")) == 404);
    CHECK(status_of(call(no_links, "dir-link-inside/guide.md")) == 404);
    CHECK(status_of(call(no_links, "hello.txt")) == 200);
}

TEST_CASE("StaticFiles: unreadable files are 403", "[static_files]") {
    if (::geteuid() == 0) return;  // root reads everything; nothing to check
    Tree tree;
    write_file(tree.root + "/locked.txt", "locked");
    REQUIRE(::chmod((tree.root + "/locked.txt").c_str(), 0) == 0);
    StaticFiles files(tree.root);
    Call call;
    CHECK(status_of(call(files, "locked.txt")) == 403);
}

TEST_CASE("StaticFiles: directories", "[static_files]") {
    Tree tree;
    StaticFiles files(tree.root);
    Call call;
    CHECK(body_of(call(files, "")) == "<h1>home</h1>");
    CHECK(call(files, "").value().content_type() == "text/html; charset=utf-8");
    CHECK(body_of(call(files, "docs/")) == "<h1>docs</h1>");
    CHECK(body_of(call(files, "dir-link-inside/")) == "<h1>docs</h1>");

    auto redirect = call(files, "docs", {}, sweet::http::Method::get, "/static/docs", "v=1");
    CHECK(status_of(redirect) == 301);
    CHECK(header_of(redirect, "Location") == "/static/docs/?v=1");
    CHECK(header_of(call(files, "docs", {}, sweet::http::Method::get, "/static/do%63s"), "Location") == "/static/do%63s/");
    CHECK(status_of(call(files, "docs", {}, sweet::http::Method::get, "//docs")) == 404);  // never "//host/" in Location

    StaticFiles no_redirect(tree.root, {.redirect_directories = false});
    CHECK(body_of(call(no_redirect, "docs")) == "<h1>docs</h1>");
    StaticFiles no_index(tree.root, {.index_file = ""});
    CHECK(status_of(call(no_index, "")) == 404);
    CHECK(status_of(call(no_index, "docs/")) == 404);
    StaticFiles other_index(tree.root, {.index_file = "guide.md"});
    CHECK(body_of(call(other_index, "docs/")) == "# Guide");
    CHECK(status_of(call(other_index, "")) == 404);
    StaticFiles hidden_index(tree.root, {.index_file = "../hello.txt"});
    CHECK(status_of(call(hidden_index, "docs/")) == 404);
}

TEST_CASE("StaticFiles: a missing root", "[static_files]") {
    auto opened = StaticFiles::open("/nonexistent/sweet-static");
    REQUIRE_FALSE(opened.ok());
    CHECK(opened.error().detail.find("/nonexistent/sweet-static") != std::string::npos);
    StaticFiles files("/nonexistent/sweet-static");
    CHECK(files.root() == "/nonexistent/sweet-static");
    Call call;
    CHECK(status_of(call(files, "x")) == 500);
    Tree tree;
    CHECK(StaticFiles::open(tree.root).ok());
    CHECK_FALSE(StaticFiles::open(tree.root + "/hello.txt").ok());  // a file is not a root
}

// ---- conditional requests ---------------------------------------------------------------------

TEST_CASE("StaticFiles: If-None-Match and If-Modified-Since give 304", "[static_files]") {
    Tree tree;
    StaticFiles files(tree.root, {.cache_control = "no-cache"});
    Call call;
    const std::string etag = etag_of(tree.root, "hello.txt");
    using H = std::vector<sweet::http::Header>;

    for (const std::string& inm : {etag, "W/" + etag, "*"s, "\"other\", " + etag, "\"a\",W/" + etag + " ,\"b\""}) {
        INFO("If-None-Match: " << inm);
        auto r = call(files, "hello.txt", H{{"If-None-Match", inm}});
        REQUIRE(status_of(r) == 304);
        CHECK(body_of(r).empty());
        CHECK(header_of(r, "ETag") == etag);
        CHECK(header_of(r, "Last-Modified") == kLastModified);
        CHECK(header_of(r, "Cache-Control") == "no-cache");
    }
    for (const std::string& inm : {"\"other\""s, etag.substr(1), "W/\"c\""s, "garbage"s, ""s}) {
        INFO("If-None-Match: " << inm);
        CHECK(status_of(call(files, "hello.txt", H{{"If-None-Match", inm}})) == 200);
    }
    CHECK(status_of(call(files, "hello.txt", H{{"If-Modified-Since", std::string(kLastModified)}})) == 304);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Modified-Since", "Wed, 03 Jan 2024 00:00:00 GMT"}})) == 304);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Modified-Since", "Tuesday, 02-Jan-24 03:04:05 GMT"}})) == 304);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Modified-Since", "Tue Jan  2 03:04:04 2024"}})) == 200);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Modified-Since", "not a date"}})) == 200);
    // If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2).
    CHECK(status_of(call(files, "hello.txt", H{{"If-None-Match", "\"other\""}, {"If-Modified-Since", std::string(kLastModified)}})) == 200);
    // HEAD is conditional too; other methods get 412 for a matching If-None-Match.
    CHECK(status_of(call(files, "hello.txt", H{{"If-None-Match", etag}}, sweet::http::Method::head)) == 304);
    CHECK(status_of(call(files, "hello.txt", H{{"If-None-Match", etag}}, sweet::http::Method::post)) == 412);
}

TEST_CASE("StaticFiles: If-Match and If-Unmodified-Since give 412", "[static_files]") {
    Tree tree;
    StaticFiles files(tree.root);
    Call call;
    const std::string etag = etag_of(tree.root, "hello.txt");
    using H = std::vector<sweet::http::Header>;
    CHECK(status_of(call(files, "hello.txt", H{{"If-Match", etag}})) == 200);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Match", "*"}})) == 200);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Match", "\"x\", " + etag}})) == 200);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Match", "W/" + etag}})) == 412);  // strong comparison
    CHECK(status_of(call(files, "hello.txt", H{{"If-Match", "\"x\""}})) == 412);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Unmodified-Since", std::string(kLastModified)}})) == 200);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Unmodified-Since", "Mon, 01 Jan 2024 00:00:00 GMT"}})) == 412);
    CHECK(status_of(call(files, "hello.txt", H{{"If-Unmodified-Since", "bogus"}})) == 200);
}

// ---- ranges -------------------------------------------------------------------------------------

TEST_CASE("StaticFiles: byte ranges", "[static_files]") {
    Tree tree;
    StaticFiles files(tree.root);
    Call call;
    const std::string data = pattern_bytes(1000);
    using H = std::vector<sweet::http::Header>;
    const auto range = [&](const std::string& spec) { return call(files, "data.bin", H{{"Range", spec}}); };

    struct Case {
        const char* spec;
        std::size_t first;
        std::size_t last;
    };
    for (const Case& c : {Case{"bytes=0-9", 0, 9}, Case{"bytes=990-", 990, 999}, Case{"bytes=-10", 990, 999},
                          Case{"bytes=995-2000", 995, 999}, Case{"bytes=-5000", 0, 999}, Case{"bytes=0-0", 0, 0},
                          Case{"BYTES = 5-6", 5, 6}, Case{"bytes=999-999", 999, 999}, Case{"bytes=,10-19,", 10, 19},
                          Case{"bytes=10-99999999999999999999999", 10, 999}}) {
        INFO("Range: " << c.spec);
        auto r = range(c.spec);
        REQUIRE(status_of(r) == 206);
        CHECK(body_of(r) == data.substr(c.first, c.last - c.first + 1));
        CHECK(header_of(r, "Content-Range") == "bytes " + std::to_string(c.first) + "-" + std::to_string(c.last) + "/1000");
        CHECK(r.value().content_type() == "application/octet-stream");
    }
    for (const char* spec : {"bytes=1000-", "bytes=1000-1001", "bytes=-0", "bytes=99999999999999999999999-"}) {
        INFO("Range: " << spec);
        auto r = range(spec);
        REQUIRE(status_of(r) == 416);
        CHECK(header_of(r, "Content-Range") == "bytes */1000");
    }
    for (const char* spec : {"bytes=5-2", "bytes=0-1,5-6", "bytes=0-1, 2000-3000", "items=0-1", "bytes", "bytes=", "bytes=a-b",
                             "bytes=1-2-3", "bytes=--1", "bytes=+1-2", "bytes= - "}) {
        INFO("Range: " << spec);
        auto r = range(spec);
        CHECK(status_of(r) == 200);
        CHECK(body_of(r) == data);
        CHECK(header_of(r, "Content-Range") == "<absent>");
    }
    // Range is for GET only; empty files have no ranges to give.
    CHECK(status_of(call(files, "data.bin", H{{"Range", "bytes=0-1"}}, sweet::http::Method::head)) == 200);
    CHECK(status_of(call(files, "empty.txt", H{{"Range", "bytes=0-1"}})) == 200);
}

TEST_CASE("StaticFiles: If-Range", "[static_files]") {
    Tree tree;
    StaticFiles files(tree.root);
    Call call;
    const std::string etag = etag_of(tree.root, "data.bin");
    using H = std::vector<sweet::http::Header>;
    const auto with_if_range = [&](const std::string& v) { return status_of(call(files, "data.bin", H{{"Range", "bytes=0-9"}, {"If-Range", v}})); };
    CHECK(with_if_range(etag) == 206);
    CHECK(with_if_range("\"stale\"") == 200);
    CHECK(with_if_range("W/" + etag) == 200);  // a weak tag never matches If-Range
    CHECK(with_if_range(std::string(kLastModified)) == 206);
    CHECK(with_if_range("Tue, 02 Jan 2024 03:04:06 GMT") == 200);
    CHECK(with_if_range("garbage") == 200);
}

TEST_CASE("StaticFiles: max_file_bytes", "[static_files]") {
    Tree tree;
    StaticFiles files(tree.root, {.max_file_bytes = 100});
    Call call;
    using H = std::vector<sweet::http::Header>;
    auto whole = call(files, "data.bin");
    REQUIRE(status_of(whole) == 500);
    CHECK(whole.error().detail.find("max_file_bytes") != std::string::npos);
    CHECK(whole.error().message.empty());  // nothing about the server's files reaches the client
    CHECK(status_of(call(files, "data.bin", H{{"Range", "bytes=0-99"}})) == 206);
    CHECK(status_of(call(files, "data.bin", H{{"Range", "bytes=0-100"}})) == 500);
    CHECK(status_of(call(files, "hello.txt")) == 200);
}

TEST_CASE("StaticFiles: files from sendfile_min_bytes up become file bodies", "[static_files][sendfile]") {
    Tree tree;
    StaticFiles files(tree.root, {.sendfile_min_bytes = 500, .max_file_bytes = 100});
    Call call;
    using H = std::vector<sweet::http::Header>;
    // The file's bytes stay on disk: only the region to send is recorded (max_file_bytes, which
    // bounds memory, does not apply).
    auto whole = call(files, "data.bin");
    REQUIRE(status_of(whole) == 200);
    const Response& w = whole.value();
    REQUIRE(w.has_file_body());
    CHECK(w.file_body().offset == 0);
    CHECK(w.file_body().length == 1000);
    CHECK(w.body().empty());
    CHECK(w.body_size() == 1000);
    CHECK(w.content_type() == "application/octet-stream");
    char first[4] = {};
    REQUIRE(::pread(w.file_body().fd.get(), first, sizeof first, 0) == 4);
    CHECK(std::string_view(first, 4) == pattern_bytes(1000).substr(0, 4));

    auto part = call(files, "data.bin", H{{"Range", "bytes=100-899"}});
    REQUIRE(status_of(part) == 206);
    REQUIRE(part.value().has_file_body());
    CHECK(part.value().file_body().offset == 100);
    CHECK(part.value().file_body().length == 800);
    CHECK(header_of(part, "Content-Range") == "bytes 100-899/1000");

    // Below the threshold a range (or a small file) is read into memory.
    auto small = call(files, "data.bin", H{{"Range", "bytes=0-99"}});
    REQUIRE(status_of(small) == 206);
    CHECK_FALSE(small.value().has_file_body());
    CHECK(body_of(small) == pattern_bytes(1000).substr(0, 100));
    // HEAD gets what GET gets (the connection leaves the body out): a file body for a large
    // file, which is then never read; a small file in memory, as compression expects.
    auto head = call(files, "data.bin", {}, sweet::http::Method::head);
    REQUIRE(head.value().has_file_body());
    CHECK(head.value().body_size() == 1000);
    CHECK_FALSE(call(files, "hello.txt", {}, sweet::http::Method::head).value().has_file_body());
    // An empty file has nothing to send.
    CHECK_FALSE(call(files, "empty.txt").value().has_file_body());

    // sendfile_min_bytes = 0 sends every non-empty file by sendfile; the maximum never does.
    StaticFiles always(tree.root, {.sendfile_min_bytes = 0});
    CHECK(call(always, "hello.txt").value().has_file_body());
    StaticFiles never(tree.root, {.sendfile_min_bytes = UINT64_MAX});
    CHECK(body_of(call(never, "data.bin")) == pattern_bytes(1000));
}

TEST_CASE("StaticFiles: copies share the open root", "[static_files]") {
    Tree tree;
    std::optional<StaticFiles> original(StaticFiles(tree.root));
    const StaticFiles copy = *original;
    original.reset();
    Call call;
    CHECK(body_of(call(copy, "hello.txt")) == "hello world\n");
}
