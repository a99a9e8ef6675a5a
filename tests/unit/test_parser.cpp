// Tests of the HTTP/1.1 request-head parser (sweet/http/parser.hpp) and its SIMD scans.
// Every parser test runs once per SIMD level this CPU supports (GENERATE over the levels).

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/http/parser.hpp"
#include "sweet/http/simd_scan.hpp"

using namespace std::string_view_literals;
using sweet::http::BodyFraming;
using sweet::http::find_head_end;
using sweet::http::Header;
using sweet::http::Method;
using sweet::http::parse_request_head;
using sweet::http::ParseOutcome;
using sweet::http::ParserLimits;
using sweet::http::ParseState;
using sweet::http::RequestHead;
namespace simd = sweet::http::simd;

namespace {

std::vector<simd::Level> levels() {
    const auto s = simd::supported_levels();
    return {s.begin(), s.end()};
}

/// Runs the enclosing test case at one SIMD level, with the vector code used even for short
/// requests (threshold 0), restoring the defaults afterwards.
class LevelScope {
public:
    explicit LevelScope(simd::Level level) {
        REQUIRE(simd::force_level(level));
        simd::set_vector_threshold(0);
    }
    ~LevelScope() {
        simd::force_level(simd::best_level());
        simd::set_vector_threshold(simd::kDefaultVectorThreshold);
    }
    LevelScope(const LevelScope&) = delete;
    LevelScope& operator=(const LevelScope&) = delete;
};

#define SWEET_AT_EVERY_LEVEL()                                                   \
    const simd::Level level_ = GENERATE(from_range(levels()));                   \
    const LevelScope level_scope_(level_);                                       \
    CAPTURE(simd::level_name(level_))

/// A parse of a private, exactly sized copy of the input (so ASan flags any read past its end,
/// and the views stay valid as long as this object), with its own header storage.
struct Parsed {
    ParseOutcome out;
    RequestHead head;
    std::unique_ptr<char[]> bytes;
    std::size_t size = 0;
    std::vector<Header> storage;

    [[nodiscard]] std::string_view input() const { return {bytes.get(), size}; }
};

Parsed parse(std::string_view request, const ParserLimits& limits = {}) {
    Parsed r;
    r.size = request.size();
    r.bytes = std::make_unique<char[]>(request.size());
    std::copy(request.begin(), request.end(), r.bytes.get());
    r.storage.resize(limits.max_headers + 1);
    r.out = parse_request_head(r.input(), r.head, r.storage.data(), limits);
    return r;
}

/// Parses `request` and checks the result is an error with `status`.
void require_error(std::string_view request, int status, const ParserLimits& limits = {}) {
    CAPTURE(request);
    const Parsed r = parse(request, limits);
    REQUIRE(r.out.state == ParseState::error);
    CHECK(r.out.status == status);
    CHECK_FALSE(r.out.reason.empty());
}

/// Parses `request` and checks it is complete and takes the whole input.
Parsed require_complete(std::string_view request, const ParserLimits& limits = {}) {
    CAPTURE(request);
    Parsed r = parse(request, limits);
    CAPTURE(r.out.status, r.out.reason);
    REQUIRE(r.out.state == ParseState::complete);
    CHECK(r.out.head_size == request.size());
    return r;
}

std::string req(std::string_view start_line, std::string_view headers = "Host: example.com\r\n") {
    return std::string(start_line) + "\r\n" + std::string(headers) + "\r\n";
}

bool inside(std::string_view view, std::string_view buffer) {
    const auto v = reinterpret_cast<std::uintptr_t>(view.data());
    const auto b = reinterpret_cast<std::uintptr_t>(buffer.data());
    return view.empty() || (v >= b && v + view.size() <= b + buffer.size());
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Valid requests
// ---------------------------------------------------------------------------------------------

TEST_CASE("parser: simple GET", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    const std::string r = "GET /hello/world?x=1&y=2 HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test/1.0\r\nAccept: */*\r\n\r\n";
    const Parsed p = require_complete(r);
    const RequestHead& h = p.head;
    CHECK(h.method == Method::get);
    CHECK(h.method_name == "GET");
    CHECK(h.target == "/hello/world?x=1&y=2");
    CHECK(h.path == "/hello/world");
    CHECK(h.query == "x=1&y=2");
    CHECK(h.authority.empty());
    CHECK(h.version_minor == 1);
    REQUIRE(h.header_count == 3);
    CHECK(h.headers == p.storage.data());
    CHECK(h.headers[0].name == "Host");
    CHECK(h.headers[0].value == "example.com");
    CHECK(h.headers[1].name == "User-Agent");
    CHECK(h.headers[1].value == "test/1.0");
    CHECK(h.headers[2].value == "*/*");
    CHECK(h.host == "example.com");
    CHECK(h.framing == BodyFraming::none);
    CHECK(h.keep_alive);
    CHECK_FALSE(h.expect_continue);
    CHECK_FALSE(h.upgrade);
    CHECK(h.find("user-agent") == "test/1.0"sv);
    CHECK_FALSE(p.out.expect_unknown);
    // Every view points into the buffer: nothing was copied.
    for (std::string_view v : {h.method_name, h.target, h.path, h.query, h.host}) CHECK(inside(v, p.input()));
    for (std::size_t i = 0; i < h.header_count; ++i) {
        CHECK(inside(h.headers[i].name, p.input()));
        CHECK(inside(h.headers[i].value, p.input()));
    }
}

TEST_CASE("parser: methods", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    const std::pair<std::string_view, Method> cases[] = {
        {"GET", Method::get},       {"HEAD", Method::head},       {"POST", Method::post},
        {"PUT", Method::put},       {"DELETE", Method::del},      {"PATCH", Method::patch},
        {"OPTIONS", Method::options}, {"TRACE", Method::trace},   {"PURGE", Method::other},
        {"get", Method::other},     {"M-SEARCH", Method::other},  {"X!#$%&'*+-.^_`|~9", Method::other},
    };
    for (const auto& [name, method] : cases) {
        const Parsed p = require_complete(req(std::string(name) + " / HTTP/1.1"));
        CHECK(p.head.method == method);
        CHECK(p.head.method_name == name);
    }
}

TEST_CASE("parser: versions", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    CHECK(require_complete(req("GET / HTTP/1.1")).head.version_minor == 1);
    CHECK(require_complete(req("GET / HTTP/1.0", "")).head.version_minor == 0);
    CHECK(require_complete(req("GET / HTTP/1.2")).head.version_minor == 1);  // 1.x: treated as 1.1
    CHECK(require_complete(req("GET / HTTP/1.9")).head.version_minor == 1);
    require_error(req("GET / HTTP/2.0"), 505);
    require_error(req("GET / HTTP/0.9"), 505);
    require_error(req("GET / HTTP/3.0"), 505);
    require_error(req("GET / HTTP/9.1"), 505);
    require_error(req("GET / HTTP/1.10"), 400);
    require_error(req("GET / HTTP/1.1 "), 400);
    require_error(req("GET / HTTP/1."), 400);
    require_error(req("GET / HTTP/11"), 400);
    require_error(req("GET / HTTP/a.1"), 400);
    require_error(req("GET / HTTP/1.a"), 400);
    require_error(req("GET / http/1.1"), 400);
    require_error(req("GET / HTTPS/1.1"), 400);
    require_error(req("GET / XTTP/1.1"), 400);
    require_error(req("GET /"), 400);                       // HTTP/0.9 simple request
    require_error(req("GET / "), 400);
    require_error("GET / HTTP/1.1\nHost: a\r\n\r\n", 400);
}

TEST_CASE("parser: leading empty lines are skipped, up to a limit", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    const Parsed p = require_complete("\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    CHECK(p.head.method == Method::get);
    require_complete("\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n");
    require_error("\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    require_error("\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    require_error("\r\rGET / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    CHECK(parse("\r\n\r\n").out.state == ParseState::incomplete);
}

// ---------------------------------------------------------------------------------------------
// Request-line syntax
// ---------------------------------------------------------------------------------------------

TEST_CASE("parser: request-line separators and method token", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    require_error(req("GET  / HTTP/1.1"), 400);    // two SP
    require_error(req("GET /  HTTP/1.1"), 400);
    require_error(req(" GET / HTTP/1.1"), 400);
    require_error(req("GET\t/ HTTP/1.1"), 400);
    require_error(req("GET /\tHTTP/1.1"), 400);
    require_error(req("GE(T / HTTP/1.1"), 400);
    require_error(req("GE:T / HTTP/1.1"), 400);
    require_error(req("G\x01T / HTTP/1.1"), 400);
    require_error(req("GET / HTTP/1.1 extra"), 400);
    require_error(req("GET"), 400);
    require_error(req(""), 400);
    require_error(std::string("GET\0/ HTTP/1.1\r\nHost: a\r\n\r\n", 26), 400);
}

TEST_CASE("parser: bare CR and bare LF", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    require_error("GET / HTTP/1.1\nHost: a\r\n\r\n", 400);
    require_error("GET / HTTP/1.1\rHost: a\r\n\r\n", 400);
    require_error("GET / HTTP/1.1\r\nHost: a\n\r\n", 400);
    require_error("GET / HTTP/1.1\r\nHost: a\r\n\n", 400);
    require_error("GET / HTTP/1.1\r\nHost: a\r\n\rX", 400);
    require_error("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n", 400);
    require_error("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n", 400);
    require_error("GET /a\rb HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    require_error("GET /a\nb HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    require_error("GET / HTTP/1.1\r\nHo\rst: a\r\n\r\n", 400);
    require_error("GET / HTTP/1.1\r\nHo\nst: a\r\n\r\n", 400);
    require_error("GET / HTTP/1.1\r\n\nHost: a\r\n\r\n", 400);
}

TEST_CASE("parser: request-target characters", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    require_complete(req("GET /a-b_c.d~e!$&'()*+,;=:@%20/?q=/?x HTTP/1.1"));
    require_complete(req("GET /a|b{c}\"<>\\^` HTTP/1.1"));  // tolerated (see simd::kTargetChar)
    require_error(req("GET /a#frag HTTP/1.1"), 400);
    require_error(req("GET /a\x7f HTTP/1.1"), 400);
    require_error(req("GET /a\x80 HTTP/1.1"), 400);
    require_error(req("GET /caf\xc3\xa9 HTTP/1.1"), 400);
    require_error(req("GET /a\x1f HTTP/1.1"), 400);
    require_error(req("GET /a\t HTTP/1.1"), 400);
    require_error(std::string("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n", 31), 400);
    // The control character may be anywhere, also past the first vector.
    for (std::size_t at = 1; at < 80; ++at) {
        std::string target = "/" + std::string(100, 'a');
        target[at] = '\x01';
        require_error(req("GET " + target + " HTTP/1.1"), 400);
    }
}

TEST_CASE("parser: origin-form", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    Parsed p = require_complete(req("GET /path HTTP/1.1"));
    CHECK(p.head.path == "/path");
    CHECK(p.head.query.empty());
    p = require_complete(req("GET /path? HTTP/1.1"));
    CHECK(p.head.path == "/path");
    CHECK(p.head.query.empty());
    p = require_complete(req("GET /p?a=1?b=2 HTTP/1.1"));
    CHECK(p.head.path == "/p");
    CHECK(p.head.query == "a=1?b=2");
    p = require_complete(req("GET / HTTP/1.1"));
    CHECK(p.head.path == "/");
    p = require_complete(req("GET //double HTTP/1.1"));
    CHECK(p.head.path == "//double");
}

TEST_CASE("parser: absolute-form", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    Parsed p = require_complete(req("GET http://Example.com:8080/a/b?x=1 HTTP/1.1", "Host: other\r\n"));
    CHECK(p.head.authority == "Example.com:8080");
    CHECK(p.head.path == "/a/b");
    CHECK(p.head.query == "x=1");
    CHECK(p.head.host == "Example.com:8080");  // the target's authority overrides Host
    CHECK(p.head.target == "http://Example.com:8080/a/b?x=1");
    p = require_complete(req("GET HTTPS://h HTTP/1.1"));
    CHECK(p.head.authority == "h");
    CHECK(p.head.path == "/");
    CHECK(p.head.query.empty());
    p = require_complete(req("GET http://h?q=1 HTTP/1.1"));
    CHECK(p.head.path == "/");
    CHECK(p.head.query == "q=1");
    p = require_complete(req("GET http://[::1]:80/x HTTP/1.1"));
    CHECK(p.head.authority == "[::1]:80");
    CHECK(p.head.path == "/x");
    require_complete(req("POST hTtP://h/ HTTP/1.1"));
    require_error(req("GET ftp://h/ HTTP/1.1"), 400);
    require_error(req("GET http:/h/ HTTP/1.1"), 400);
    require_error(req("GET http:///path HTTP/1.1"), 400);    // empty host
    require_error(req("GET http://:80/path HTTP/1.1"), 400);
    require_error(req("GET http://user@h/ HTTP/1.1"), 400);  // userinfo
    require_error(req("GET http://h:8x/ HTTP/1.1"), 400);
    require_error(req("GET http://[::1/ HTTP/1.1"), 400);
    require_error(req("GET http://h\"/ HTTP/1.1"), 400);
    require_error(req("GET http://h HTTP/1.1", ""), 400);    // Host is still required in HTTP/1.1
}

TEST_CASE("parser: asterisk-form and authority-form", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    Parsed p = require_complete(req("OPTIONS * HTTP/1.1"));
    CHECK(p.head.path == "*");
    CHECK(p.head.method == Method::options);
    require_error(req("GET * HTTP/1.1"), 400);
    require_error(req("OPTIONS *x HTTP/1.1"), 400);
    p = require_complete(req("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443\r\n"));
    CHECK(p.head.authority == "example.com:443");
    CHECK(p.head.path.empty());
    CHECK(p.head.host == "example.com:443");
    require_complete(req("CONNECT [2001:db8::1]:443 HTTP/1.1"));
    require_error(req("CONNECT example.com HTTP/1.1"), 400);   // port required
    require_error(req("CONNECT example.com: HTTP/1.1"), 400);
    require_error(req("CONNECT / HTTP/1.1"), 400);
    require_error(req("CONNECT http://example.com:443/ HTTP/1.1"), 400);
    require_error(req("CONNECT * HTTP/1.1"), 400);
    require_error(req("GET example.com:443 HTTP/1.1"), 400);  // authority-form only for CONNECT
    require_error(req("GET a/b HTTP/1.1"), 400);
    require_error(req("GET ?a HTTP/1.1"), 400);
}

// ---------------------------------------------------------------------------------------------
// Header fields
// ---------------------------------------------------------------------------------------------

TEST_CASE("parser: field syntax", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    Parsed p = require_complete(req("GET / HTTP/1.1", "Host: a\r\nX-Trim: \t value with  spaces \t \r\nX-Empty:\r\nX-Ws:   \r\nX-Tab:\tv\r\n"));
    REQUIRE(p.head.header_count == 5);
    CHECK(p.head.headers[1].value == "value with  spaces");
    CHECK(p.head.headers[2].value.empty());
    CHECK(p.head.headers[3].value.empty());
    CHECK(p.head.headers[4].value == "v");
    p = require_complete(req("GET / HTTP/1.1", "Host: a\r\nX-Obs: caf\xc3\xa9 \xff\x80\r\nX-Vchar: !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~\r\n"));
    CHECK(p.head.headers[1].value == "caf\xc3\xa9 \xff\x80");  // obs-text is allowed in values
    CHECK(p.head.headers[2].value == "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~");
    p = require_complete(req("GET / HTTP/1.1", "Host: a\r\nX!#$%&'*+-.^_`|~09az:x\r\n"));
    CHECK(p.head.headers[1].name == "X!#$%&'*+-.^_`|~09az");

    require_error(req("GET / HTTP/1.1", "Host : a\r\n"), 400);          // whitespace before colon
    require_error(req("GET / HTTP/1.1", "Host\t: a\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a\r\nX-A: b\r\n c\r\n"), 400);  // obs-fold
    require_error(req("GET / HTTP/1.1", "Host: a\r\nX-A: b\r\n\tc\r\n"), 400);
    require_error(req("GET / HTTP/1.1", " Host: a\r\n"), 400);          // space before first field
    require_error(req("GET / HTTP/1.1", "Host: a\r\n: b\r\n"), 400);    // empty name
    require_error(req("GET / HTTP/1.1", "Host: a\r\nX(A): b\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a\r\nX@A: b\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a\r\nX\x80: b\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a\r\nNoColon\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a\r\nX-A: b\x7f\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a\r\nX-A: b\x01\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a\r\nX-A: b\x1b[0m\r\n"), 400);
    require_error(req("GET / HTTP/1.1", std::string("Host: a\r\nX-A: b\0c\r\n", 19)), 400);
    require_error(req("GET / HTTP/1.1", std::string("Host: a\r\nX\0A: b\r\n", 17)), 400);
    // A control character anywhere in a long value, at every offset of the vector loops.
    for (std::size_t at = 0; at < 100; ++at) {
        std::string value(100, 'v');
        value[at] = '\x0b';
        require_error(req("GET / HTTP/1.1", "Host: a\r\nX-Long: " + value + "\r\n"), 400);
    }
}

TEST_CASE("parser: Host", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    CHECK(require_complete(req("GET / HTTP/1.1", "hOsT: Example.COM:8080\r\n")).head.host == "Example.COM:8080");
    CHECK(require_complete(req("GET / HTTP/1.1", "Host:\r\n")).head.host.empty());  // empty is valid
    CHECK(require_complete(req("GET / HTTP/1.1", "Host: [::1]:8080\r\n")).head.host == "[::1]:8080");
    CHECK(require_complete(req("GET / HTTP/1.1", "Host: 127.0.0.1\r\n")).head.host == "127.0.0.1");
    CHECK(require_complete(req("GET / HTTP/1.1", "Host: h:\r\n")).head.host == "h:");
    CHECK(require_complete(req("GET / HTTP/1.0", "")).head.host.empty());           // HTTP/1.0 may omit it
    CHECK(require_complete(req("GET / HTTP/1.0", "Host: a\r\n")).head.host == "a");
    require_error(req("GET / HTTP/1.1", ""), 400);
    require_error(req("GET / HTTP/1.1", "X-Host: a\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a\r\nHost: a\r\n"), 400);
    require_error(req("GET / HTTP/1.0", "Host: a\r\nhost: b\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a b\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a/b\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a@b\r\n"), 400);
    require_error(req("GET / HTTP/1.1", "Host: a:80x\r\n"), 400);
    require_complete(req("GET / HTTP/1.1", "Host: a,b\r\n"));  // sub-delims are reg-name chars
}

TEST_CASE("parser: Content-Length", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    Parsed p = require_complete(req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 42\r\n"));
    CHECK(p.head.framing == BodyFraming::content_length);
    CHECK(p.head.content_length == 42);
    p = require_complete(req("POST / HTTP/1.1", "Host: a\r\ncontent-length: 0\r\n"));
    CHECK(p.head.framing == BodyFraming::content_length);
    CHECK(p.head.content_length == 0);
    p = require_complete(req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 18446744073709551615\r\n"));
    CHECK(p.head.content_length == UINT64_MAX);
    p = require_complete(req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 007\r\n"));
    CHECK(p.head.content_length == 7);
    // Identical duplicates are accepted as one value (RFC 9110 8.6).
    p = require_complete(req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5, 5 ,5\r\n"));
    CHECK(p.head.content_length == 5);
    p = require_complete(req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n"));
    CHECK(p.head.content_length == 5);
    p = require_complete(req("POST / HTTP/1.0", "Content-Length: 3\r\n"));
    CHECK(p.head.framing == BodyFraming::content_length);

    for (const char* bad : {"", "abc", "-1", "+1", "1 2", "0x10", "1.0", "1e3", "5,", ",5", "5,,5", "5, 6",
                            "18446744073709551616", "99999999999999999999999", "4\x80", "\"5\""}) {
        require_error(req("POST / HTTP/1.1", std::string("Host: a\r\nContent-Length: ") + bad + "\r\n"), 400);
    }
    require_error(req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n"), 400);
    require_error(req("POST / HTTP/1.1", "Host: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n"), 400);
    require_error(req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n"), 400);
}

TEST_CASE("parser: Transfer-Encoding", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    for (const char* ok : {"chunked", "Chunked", "CHUNKED", ", chunked", "chunked,", " ,chunked , "}) {
        const Parsed p = require_complete(req("POST / HTTP/1.1", std::string("Host: a\r\nTransfer-Encoding: ") + ok + "\r\n"));
        CHECK(p.head.framing == BodyFraming::chunked);
        CHECK(p.head.content_length == 0);
    }
    // Codings other than chunked are not implemented.
    for (const char* coding : {"gzip", "deflate", "compress", "identity", "x-custom", "gzip, chunked", "br;q=1, chunked"}) {
        require_error(req("POST / HTTP/1.1", std::string("Host: a\r\nTransfer-Encoding: ") + coding + "\r\n"), 501);
    }
    // chunked must be the final coding, once.
    for (const char* bad : {"chunked, gzip", "chunked, chunked", "chunked;foo=bar", "chunked x", "", " ", ",",
                            "\"chunked\"", "chunked;"}) {
        require_error(req("POST / HTTP/1.1", std::string("Host: a\r\nTransfer-Encoding: ") + bad + "\r\n"), 400);
    }
    // Several fields form one list.
    require_error(req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"), 400);
    require_error(req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n"), 400);
    require_error(req("POST / HTTP/1.1", "Host: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n"), 501);
    // HTTP/1.0 has no Transfer-Encoding.
    require_error(req("POST / HTTP/1.0", "Transfer-Encoding: chunked\r\n"), 400);
    require_error(req("POST / HTTP/1.0", "Transfer-Encoding: gzip\r\n"), 400);
}

TEST_CASE("parser: Connection and keep-alive", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    const auto keep_alive = [](std::string_view version, std::string_view fields) {
        return require_complete(req("GET / HTTP/" + std::string(version), "Host: a\r\n" + std::string(fields))).head.keep_alive;
    };
    CHECK(keep_alive("1.1", ""));
    CHECK_FALSE(keep_alive("1.1", "Connection: close\r\n"));
    CHECK_FALSE(keep_alive("1.1", "Connection: Close\r\n"));
    CHECK_FALSE(keep_alive("1.1", "Connection: keep-alive, CLOSE\r\n"));
    CHECK_FALSE(keep_alive("1.1", "Connection: foo\r\nConnection: close\r\n"));
    CHECK(keep_alive("1.1", "Connection: keep-alive\r\n"));
    CHECK(keep_alive("1.1", "Connection: closed\r\n"));
    CHECK(keep_alive("1.1", "Connection: \r\n"));
    CHECK_FALSE(keep_alive("1.0", ""));
    CHECK(keep_alive("1.0", "Connection: keep-alive\r\n"));
    CHECK(keep_alive("1.0", "connection: Keep-Alive\r\n"));
    CHECK(keep_alive("1.0", "Connection: TE, keep-alive\r\n"));
    CHECK_FALSE(keep_alive("1.0", "Connection: keep-alive, close\r\n"));
    CHECK_FALSE(keep_alive("1.0", "Keep-Alive: 115\r\n"));
}

TEST_CASE("parser: Upgrade and Expect", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    const auto head = [](std::string_view version, std::string_view fields) {
        return require_complete(req("GET / HTTP/" + std::string(version), "Host: a\r\n" + std::string(fields)));
    };
    CHECK(head("1.1", "Connection: Upgrade\r\nUpgrade: websocket\r\n").head.upgrade);
    CHECK(head("1.1", "Upgrade: websocket\r\nConnection: keep-alive, upgrade\r\n").head.upgrade);
    CHECK_FALSE(head("1.1", "Upgrade: websocket\r\n").head.upgrade);
    CHECK_FALSE(head("1.1", "Connection: upgrade\r\n").head.upgrade);
    CHECK_FALSE(head("1.0", "Connection: upgrade\r\nUpgrade: websocket\r\n").head.upgrade);  // ignored in 1.0

    CHECK(head("1.1", "Expect: 100-continue\r\n").head.expect_continue);
    CHECK(head("1.1", "Expect: 100-Continue\r\n").head.expect_continue);
    CHECK_FALSE(head("1.1", "Expect: 100-continue\r\n").out.expect_unknown);
    Parsed p = head("1.1", "Expect: something-else\r\n");
    CHECK_FALSE(p.head.expect_continue);
    CHECK(p.out.expect_unknown);
    p = head("1.0", "Expect: 100-continue\r\n");  // ignored in 1.0 (RFC 9110 10.1.1)
    CHECK_FALSE(p.head.expect_continue);
    CHECK_FALSE(p.out.expect_unknown);
    CHECK_FALSE(head("1.0", "Expect: foo\r\n").out.expect_unknown);
    CHECK_FALSE(head("1.1", "Expect:\r\n").out.expect_unknown);
}

// ---------------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------------

TEST_CASE("parser: max_header_bytes -> 431", "[parser][limits]") {
    SWEET_AT_EVERY_LEVEL();
    ParserLimits limits;
    limits.max_header_bytes = 200;
    std::string r = req("GET / HTTP/1.1", "Host: a\r\nX-Pad: " + std::string(200, 'p') + "\r\n");
    require_error(r, 431, limits);                      // complete but too large
    require_error(r.substr(0, 201), 431, limits);       // unfinished and already too large
    CHECK(parse(r.substr(0, 200), limits).out.state == ParseState::incomplete);
    // A head of exactly the limit is fine, one byte more is not.
    const std::string base = req("GET / HTTP/1.1", "Host: a\r\nX-Pad: \r\n");
    const std::string exact = req("GET / HTTP/1.1", "Host: a\r\nX-Pad: " + std::string(200 - base.size(), 'p') + "\r\n");
    REQUIRE(exact.size() == 200);
    require_complete(exact, limits);
    CHECK(parse(exact + "GET / HTTP/1.1\r\n", limits).out.state == ParseState::complete);  // pipelined bytes don't count
    const std::string over = req("GET / HTTP/1.1", "Host: a\r\nX-Pad: " + std::string(201 - base.size(), 'p') + "\r\n");
    require_error(over, 431, limits);
    // A long request line is also part of the head.
    limits.max_uri_length = 1000;
    require_error(req("GET /" + std::string(300, 'a') + " HTTP/1.1"), 431, limits);
}

TEST_CASE("parser: max_uri_length -> 414", "[parser][limits]") {
    SWEET_AT_EVERY_LEVEL();
    ParserLimits limits;
    limits.max_uri_length = 100;
    require_complete(req("GET /" + std::string(99, 'a') + " HTTP/1.1"), limits);
    require_error(req("GET /" + std::string(100, 'a') + " HTTP/1.1"), 414, limits);
    // Detected before the line ends.
    require_error("GET /" + std::string(100, 'a'), 414, limits);
    CHECK(parse("GET /" + std::string(99, 'a'), limits).out.state == ParseState::incomplete);
    // Default: 8 KiB.
    require_complete(req("GET /" + std::string(8191, 'a') + " HTTP/1.1"));
    require_error(req("GET /" + std::string(8192, 'a') + " HTTP/1.1"), 414);
    require_error("GET /" + std::string(9000, 'a'), 414);
    // An invalid byte before the limit is reported first (errors come in byte order).
    require_error("GET /\x01" + std::string(200, 'a'), 400, limits);
}

TEST_CASE("parser: max_headers -> 431", "[parser][limits]") {
    SWEET_AT_EVERY_LEVEL();
    ParserLimits limits;
    limits.max_headers = 5;
    std::string fields = "Host: a\r\n";
    for (int i = 1; i < 5; ++i) fields += "X-" + std::to_string(i) + ": v\r\n";
    CHECK(require_complete(req("GET / HTTP/1.1", fields), limits).head.header_count == 5);
    require_error(req("GET / HTTP/1.1", fields + "X-5: v\r\n"), 431, limits);
    limits.max_headers = 0;
    require_complete(req("GET / HTTP/1.0", ""), limits);
    require_error(req("GET / HTTP/1.0", "X: y\r\n"), 431, limits);
    // Default: 100.
    std::string many = "Host: a\r\n";
    for (int i = 1; i < 100; ++i) many += "X-" + std::to_string(i) + ": v\r\n";
    CHECK(require_complete(req("GET / HTTP/1.1", many)).head.header_count == 100);
    require_error(req("GET / HTTP/1.1", many + "X-100: v\r\n"), 431);
}

// ---------------------------------------------------------------------------------------------
// Incremental input and pipelining
// ---------------------------------------------------------------------------------------------

namespace {

const std::string kBrowserRequest =
    "GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n"
    "Host: www.kittyhell.com\r\n"
    "User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n"
    "Accept-Encoding: gzip,deflate\r\n"
    "Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n"
    "Keep-Alive: 115\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; "
    "__utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; "
    "__utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n"
    "Pragma: no-cache\r\n"
    "Cache-Control: no-cache\r\n"
    "\r\n";

/// Compares everything the parser reports, via offsets (the two heads view different buffers).
void require_same_head(const Parsed& a, const Parsed& b) {
    const std::string_view buf_a = a.input();
    const std::string_view buf_b = b.input();
    REQUIRE(a.out.state == b.out.state);
    REQUIRE(a.out.status == b.out.status);
    REQUIRE(a.out.reason == b.out.reason);
    REQUIRE(a.out.head_size == b.out.head_size);
    REQUIRE(a.out.expect_unknown == b.out.expect_unknown);
    if (a.out.state != ParseState::complete) return;
    const auto same = [&](std::string_view x, std::string_view y) {
        REQUIRE(x == y);
        if (inside(x, buf_a) && !x.empty()) REQUIRE(x.data() - buf_a.data() == y.data() - buf_b.data());
    };
    same(a.head.method_name, b.head.method_name);
    same(a.head.target, b.head.target);
    same(a.head.path, b.head.path);
    same(a.head.query, b.head.query);
    same(a.head.authority, b.head.authority);
    same(a.head.host, b.head.host);
    REQUIRE(a.head.method == b.head.method);
    REQUIRE(a.head.version_minor == b.head.version_minor);
    REQUIRE(a.head.header_count == b.head.header_count);
    for (std::size_t i = 0; i < a.head.header_count; ++i) {
        same(a.head.headers[i].name, b.head.headers[i].name);
        same(a.head.headers[i].value, b.head.headers[i].value);
    }
    REQUIRE(a.head.framing == b.head.framing);
    REQUIRE(a.head.content_length == b.head.content_length);
    REQUIRE(a.head.keep_alive == b.head.keep_alive);
    REQUIRE(a.head.expect_continue == b.head.expect_continue);
    REQUIRE(a.head.upgrade == b.head.upgrade);
}

}  // namespace

TEST_CASE("parser: every prefix of a valid request is incomplete", "[parser][incremental]") {
    SWEET_AT_EVERY_LEVEL();
    const std::string requests[] = {
        "GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n",
        kBrowserRequest,
        "\r\nPOST http://h:1/p?q HTTP/1.0\r\nContent-Length: 5, 5\r\nConnection: keep-alive\r\nX-E:\r\n\r\n",
        "PUT /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n",
    };
    for (const std::string& r : requests) {
        CAPTURE(r);
        const Parsed whole = require_complete(r);
        for (std::size_t n = 0; n < r.size(); ++n) {
            // A copy of exactly n bytes, so reading past the prefix would be caught by ASan.
            const std::string prefix = r.substr(0, n);
            CAPTURE(n);
            REQUIRE(parse(prefix).out.state == ParseState::incomplete);
        }
        // Re-parsing the completed buffer gives the same head as parsing it at once.
        require_same_head(parse(r), whole);
    }
}

TEST_CASE("parser: every prefix of an invalid request is incomplete or the same error", "[parser][incremental]") {
    SWEET_AT_EVERY_LEVEL();
    const std::string requests[] = {
        "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x01\r\n\r\n",
        "GET / HTTP/2.0\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
        "GET / HTTP/1.1\r\nX: y\r\n\r\n",
        "GET /a#b HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n",
        "GET / HTTPS/1.1\r\nHost: a\r\n\r\n",
        "GET / HTTP/1.1\r\r\nHost: a\r\n\r\n",
    };
    for (const std::string& r : requests) {
        CAPTURE(r);
        const Parsed whole = parse(r);
        REQUIRE(whole.out.state == ParseState::error);
        for (std::size_t n = 0; n <= r.size(); ++n) {
            const std::string prefix = r.substr(0, n);
            CAPTURE(n);
            const Parsed part = parse(prefix);
            if (part.out.state != ParseState::incomplete) require_same_head(part, whole);
        }
    }
}

TEST_CASE("parser: once find_head_end finds an end, the parse is never incomplete", "[parser][incremental]") {
    SWEET_AT_EVERY_LEVEL();
    // Heads with the end present but not where a valid head would put it.
    for (const char* r : {"GET / HTTP/\r\n\r\n", "GET / HTTP/1\r\n\r\n", "GET / H\r\n\r\n", "GET /\r\n\r\n",
                          "GET\r\n\r\n", "\r\n\r\n\r\n\r\n\r\n", "G\r\n\r\n", "GET / HTTP/1.1\r\nA\r\n\r\n"}) {
        CAPTURE(r);
        REQUIRE(find_head_end(r, 0) != std::string_view::npos);
        CHECK(parse(r).out.state == ParseState::error);
    }
}

TEST_CASE("parser: byte-by-byte arrival using find_head_end as the gate", "[parser][incremental]") {
    SWEET_AT_EVERY_LEVEL();
    const std::string stream = kBrowserRequest + "GET /2 HTTP/1.1\r\nHost: b\r\n\r\n" + "\r\nGET /3 HTTP/1.0\r\n\r\n";
    std::string buffer;
    std::size_t scanned = 0;
    std::size_t parses = 0;
    std::vector<std::string> paths;
    for (char c : stream) {
        buffer.push_back(c);
        if (find_head_end(buffer, scanned) == std::string_view::npos) {
            scanned = buffer.size() >= 3 ? buffer.size() - 3 : 0;
            continue;
        }
        ++parses;
        const Parsed p = parse(buffer);
        REQUIRE(p.out.state == ParseState::complete);
        paths.emplace_back(p.head.path);
        buffer.erase(0, p.out.head_size);
        scanned = 0;
    }
    CHECK(buffer.empty());
    CHECK(parses == 3);  // one parse per request: linear in the input
    CHECK(paths == std::vector<std::string>{"/wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg", "/2", "/3"});
}

TEST_CASE("parser: pipelined requests in one buffer", "[parser][incremental]") {
    SWEET_AT_EVERY_LEVEL();
    const std::string first = "POST /a HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n";
    const std::string second = "GET /b HTTP/1.1\r\nHost: b\r\n\r\n";
    const std::string third = "GET /c?d HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n";
    const std::string all = first + "hello" + second + third + "GET /partial HTTP/1.1\r\nHo";
    std::string_view rest = all;
    Parsed p = parse(rest);
    REQUIRE(p.out.state == ParseState::complete);
    CHECK(p.out.head_size == first.size());
    CHECK(p.head.path == "/a");
    CHECK(p.head.content_length == 5);
    rest.remove_prefix(p.out.head_size);
    CHECK(rest.substr(0, 5) == "hello");
    rest.remove_prefix(5);
    p = parse(rest);
    REQUIRE(p.out.state == ParseState::complete);
    CHECK(p.out.head_size == second.size());
    CHECK(p.head.path == "/b");
    rest.remove_prefix(p.out.head_size);
    p = parse(rest);
    REQUIRE(p.out.state == ParseState::complete);
    CHECK(p.out.head_size == third.size());
    CHECK(p.head.query == "d");
    CHECK_FALSE(p.head.keep_alive);
    rest.remove_prefix(p.out.head_size);
    CHECK(parse(rest).out.state == ParseState::incomplete);
}

TEST_CASE("parser: a complete result does not change when bytes are appended", "[parser][incremental]") {
    SWEET_AT_EVERY_LEVEL();
    const std::string base = kBrowserRequest;
    const Parsed whole = require_complete(base);
    for (const std::string_view tail : {"x"sv, "\r\n"sv, "\x01\x02"sv, "GET / HTTP/1.1\r\n"sv, "\0"sv}) {
        require_same_head(parse(base + std::string(tail)), whole);
    }
}

TEST_CASE("find_head_end", "[parser]") {
    CHECK(find_head_end("", 0) == std::string_view::npos);
    CHECK(find_head_end("GET / HTTP/1.1\r\n", 0) == std::string_view::npos);
    CHECK(find_head_end("GET / HTTP/1.1\r\n\r\n", 0) == 18);
    CHECK(find_head_end("GET / HTTP/1.1\r\n\r\nXYZ", 14) == 18);
    CHECK(find_head_end("GET / HTTP/1.1\r\n\r\n", 100) == std::string_view::npos);  // clamped
    CHECK(find_head_end("GET / HTTP/1.1\r\n\r\n", 15) == std::string_view::npos);  // must start at or after `from`
    CHECK(find_head_end("a\r\n\r\nb\r\n\r\n", 0) == 5);
    // Leading empty lines are not an end; too many of them are reported so the caller gets the 400.
    CHECK(find_head_end("\r\n\r\n", 0) == std::string_view::npos);
    CHECK(find_head_end("\r\n\r\nGET", 0) == std::string_view::npos);
    CHECK(find_head_end("\r\n\r\nGET / HTTP/1.1\r\n\r\n", 0) == 22);
    CHECK(find_head_end("\r\n\r\n\r\n\r\n\r\n", 0) != std::string_view::npos);
    // Searching from (size of a previous buffer without the end) - 3 finds an end that
    // straddles the old and new bytes.
    const std::string r = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    for (std::size_t split = 0; split < r.size(); ++split) {
        const std::size_t from = split >= 3 ? split - 3 : 0;
        CHECK(find_head_end(r, from) == r.size());
    }
}

TEST_CASE("parser: limits and head fields are reset between parses", "[parser]") {
    SWEET_AT_EVERY_LEVEL();
    std::vector<Header> storage(101);
    RequestHead head;
    const std::string a = "POST http://x/y HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\nConnection: close\r\nExpect: 100-continue\r\n\r\n";
    REQUIRE(parse_request_head(a, head, storage.data(), {}).state == ParseState::complete);
    const std::string b = "GET / HTTP/1.1\r\nHost: b\r\n\r\n";
    REQUIRE(parse_request_head(b, head, storage.data(), {}).state == ParseState::complete);
    CHECK(head.authority.empty());
    CHECK(head.query.empty());
    CHECK(head.framing == BodyFraming::none);
    CHECK(head.content_length == 0);
    CHECK(head.keep_alive);
    CHECK_FALSE(head.expect_continue);
    CHECK(head.header_count == 1);
}

// ---------------------------------------------------------------------------------------------
// SIMD scans and levels
// ---------------------------------------------------------------------------------------------

TEST_CASE("simd: levels", "[simd]") {
    CHECK(simd::level_supported(simd::Level::scalar));
    CHECK(simd::supported_levels().front() == simd::Level::scalar);
    CHECK(simd::supported_levels().back() == simd::best_level());
    for (simd::Level level : simd::supported_levels()) {
        CHECK(simd::force_level(level));
        CHECK(simd::active_level() == level);
    }
    CHECK(simd::force_level(simd::best_level()));
    CHECK(simd::vector_threshold() == simd::kDefaultVectorThreshold);
#if defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) CHECK(simd::best_level() == simd::Level::avx2);
#endif
}

TEST_CASE("simd: default vector threshold picks the same results", "[simd][parser]") {
    // Requests of sizes around the thresholds (AVX2: 192 bytes, SSE4.2: 576), parsed at every
    // level with the default threshold, as in production.
    REQUIRE(simd::vector_threshold() == simd::kDefaultVectorThreshold);
    const std::string base = "GET /x HTTP/1.1\r\nHost: a\r\nX-Pad: \r\n\r\n";
    for (std::size_t size : {std::size_t{100}, std::size_t{191}, std::size_t{192}, std::size_t{193}, std::size_t{300},
                             std::size_t{575}, std::size_t{576}, std::size_t{577}, std::size_t{2000}}) {
        const std::string r = "GET /x HTTP/1.1\r\nHost: a\r\nX-Pad: " + std::string(size - base.size(), 'p') + "\r\n\r\n";
        REQUIRE(r.size() == size);
        std::string bad = r;
        bad[size - 10] = '\x01';
        for (simd::Level level : simd::supported_levels()) {
            CAPTURE(size, simd::level_name(level));
            REQUIRE(simd::force_level(level));
            const Parsed p = parse(r);
            CHECK(p.out.state == ParseState::complete);
            CHECK(p.out.head_size == size);
            REQUIRE(p.head.header_count == 2);
            CHECK(p.head.headers[1].value.size() == size - base.size());
            CHECK(parse(bad).out.status == 400);
        }
        simd::force_level(simd::best_level());
    }
}

TEST_CASE("simd: character classes", "[simd]") {
    for (int c = 0; c < 256; ++c) {
        const char ch = static_cast<char>(c);
        const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        CHECK(simd::is_tchar(ch) == (alnum || std::string_view("!#$%&'*+-.^_`|~").find(ch) != std::string_view::npos));
        CHECK(simd::is_value_char(ch) == (c == '\t' || (c >= 0x20 && c != 0x7f)));
        CHECK(simd::has_class(ch, simd::kTargetChar) == (c > 0x20 && c < 0x7f && c != '#'));
    }
}

TEST_CASE("simd: every level's scans agree with the scalar scan", "[simd]") {
    std::mt19937 rng(12345);
    const simd::ScanClass classes[] = {simd::ScanClass::token, simd::ScanClass::target, simd::ScanClass::value};
    // Every length up to 100 and every position of a single outside byte, for each class.
    for (const simd::ScanClass cls : classes) {
        const char inside_char = cls == simd::ScanClass::value ? ' ' : 'a';
        for (std::size_t len = 0; len <= 200; ++len) {
            for (std::size_t bad = 0; bad <= len; ++bad) {
                std::string s(len, inside_char);
                if (bad < len) s[bad] = cls == simd::ScanClass::token ? ':' : '\r';
                const std::string exact = s;  // exact-size copy: ASan checks no over-read
                for (simd::Level level : simd::supported_levels()) {
                    REQUIRE(simd::scan(level, cls, exact) == bad);
                }
            }
        }
    }
    // Random bytes, biased to be mostly inside the class so the scans go far.
    for (int round = 0; round < 3000; ++round) {
        const std::size_t len = rng() % 600;
        std::string s(len, 'x');
        for (char& c : s) c = static_cast<char>((rng() % 16 == 0) ? rng() % 256 : 'a' + rng() % 26);
        for (const simd::ScanClass cls : classes) {
            const std::size_t expected = simd::scan(simd::Level::scalar, cls, s);
            for (simd::Level level : simd::supported_levels()) REQUIRE(simd::scan(level, cls, s) == expected);
        }
    }
    // Each byte value at each position of a 64-byte buffer.
    for (int c = 0; c < 256; ++c) {
        for (std::size_t at = 0; at < 64; at += 7) {
            std::string s(64, 'a');
            s[at] = static_cast<char>(c);
            for (const simd::ScanClass cls : classes) {
                const std::size_t expected = simd::scan(simd::Level::scalar, cls, s);
                for (simd::Level level : simd::supported_levels()) REQUIRE(simd::scan(level, cls, s) == expected);
            }
        }
    }
}
