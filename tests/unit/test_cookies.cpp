// Cookies (sweet/http/cookies.hpp): reading Cookie headers, building Set-Cookie values.

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/core/arena.hpp"
#include "sweet/http/cookies.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/request_head.hpp"
#include "sweet/http/response.hpp"
#include "sweet/net/reactor.hpp"

using namespace std::chrono_literals;
using sweet::http::CookieList;
using sweet::http::CookiePair;
using sweet::http::find_cookie;
using sweet::http::SameSite;
using sweet::http::SetCookie;

namespace {

std::vector<std::pair<std::string, std::string>> cookies_of(std::string_view header) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const CookiePair& c : CookieList(header)) out.emplace_back(c.name, c.value);
    return out;
}

using Pairs = std::vector<std::pair<std::string, std::string>>;

std::string error_detail(const SetCookie& c) {
    auto built = c.build();
    REQUIRE_FALSE(built.ok());
    CHECK(built.error().status == 500);
    return built.error().detail;
}

/// A request carrying the given header fields.
struct FakeRequest {
    std::vector<sweet::http::Header> headers;
    sweet::http::RequestHead head;
    sweet::Arena arena;
    std::unique_ptr<sweet::net::Reactor> reactor = sweet::net::Reactor::create(sweet::net::Backend::epoll);
    std::unique_ptr<sweet::Request> req;

    explicit FakeRequest(std::vector<sweet::http::Header> h) : headers(std::move(h)) {
        head.method = sweet::http::Method::get;
        head.method_name = "GET";
        head.path = "/";
        head.target = "/";
        head.headers = headers.data();
        head.header_count = headers.size();
        req = std::make_unique<sweet::Request>(head, std::string_view{}, arena, *reactor);
    }
};

}  // namespace

// ---- reading ------------------------------------------------------------------------------------

TEST_CASE("CookieList: pairs in order, whitespace trimmed, quotes removed", "[cookies]") {
    CHECK(cookies_of("a=1; b=2") == Pairs{{"a", "1"}, {"b", "2"}});
    CHECK(cookies_of("a=1;b=2") == Pairs{{"a", "1"}, {"b", "2"}});
    CHECK(cookies_of("  a = 1 ;\tb=\t2  ") == Pairs{{"a", "1"}, {"b", "2"}});
    CHECK(cookies_of("q=\"quoted value\"") == Pairs{{"q", "quoted value"}});
    CHECK(cookies_of("q=\"") == Pairs{{"q", "\""}});  // a lone quote is not a quoted value
    CHECK(cookies_of("e=; f=x") == Pairs{{"e", ""}, {"f", "x"}});
    CHECK(cookies_of("t=a=b=c") == Pairs{{"t", "a=b=c"}});  // split at the first '='
    CHECK(cookies_of("dup=1; dup=2") == Pairs{{"dup", "1"}, {"dup", "2"}});
}

TEST_CASE("CookieList: skips pieces without '=' or without a name", "[cookies]") {
    CHECK(cookies_of("").empty());
    CHECK(cookies_of(";;; ;").empty());
    CHECK(cookies_of("flag; a=1").size() == 1);
    CHECK(cookies_of("=orphan; a=1") == Pairs{{"a", "1"}});
    CHECK(cookies_of("a=1;") == Pairs{{"a", "1"}});
    CHECK(cookies_of("; a=1") == Pairs{{"a", "1"}});
}

TEST_CASE("find_cookie: first match, case-sensitive names", "[cookies]") {
    constexpr std::string_view header = "sid=abc; SID=upper; theme=dark; sid=second";
    CHECK(find_cookie(header, "sid") == "abc");
    CHECK(find_cookie(header, "SID") == "upper");
    CHECK(find_cookie(header, "theme") == "dark");
    CHECK_FALSE(find_cookie(header, "missing"));
    CHECK_FALSE(find_cookie(header, "si"));
    static_assert(find_cookie("a=1; b=2", "b") == std::string_view("2"), "usable in constant expressions");
}

TEST_CASE("sweet::cookie reads every Cookie header of a request", "[cookies]") {
    FakeRequest r(std::vector<sweet::http::Header>{{"Host", "x"}, {"Cookie", "a=1; b=2"}, {"cookie", "c=3"}, {"X-Cookie", "d=4"}});
    CHECK(sweet::cookie(*r.req, "a") == "1");
    CHECK(sweet::cookie(*r.req, "b") == "2");
    CHECK(sweet::cookie(*r.req, "c") == "3");
    CHECK_FALSE(sweet::cookie(*r.req, "d"));  // not a Cookie header
    FakeRequest none(std::vector<sweet::http::Header>{{"Host", "x"}});
    CHECK_FALSE(sweet::cookie(*none.req, "a"));
}

// ---- building -----------------------------------------------------------------------------------

TEST_CASE("SetCookie: every attribute, in a fixed order", "[cookies]") {
    const SetCookie c{.name = "sid",
                      .value = "abc123",
                      .path = "/app",
                      .domain = "example.com",
                      .max_age = 3600s,
                      .expires = std::chrono::system_clock::time_point(784111777s),
                      .secure = true,
                      .http_only = true,
                      .same_site = SameSite::strict,
                      .partitioned = true};
    CHECK(c.str() ==
          "sid=abc123; Expires=Sun, 06 Nov 1994 08:49:37 GMT; Max-Age=3600; Domain=example.com; Path=/app; Secure; "
          "HttpOnly; SameSite=Strict; Partitioned");
    CHECK(SetCookie{.name = "a", .value = "b"}.str() == "a=b");
    CHECK(SetCookie{.name = "a", .value = ""}.str() == "a=");
    CHECK(SetCookie{.name = "a", .value = "\"quoted\""}.str() == "a=\"quoted\"");
    CHECK(SetCookie{.name = "a", .value = "1", .same_site = SameSite::lax}.str() == "a=1; SameSite=Lax");
    CHECK(SetCookie{.name = "a", .value = "1", .max_age = 0s}.str() == "a=1; Max-Age=0");
    CHECK(SetCookie{.name = "a", .value = "1", .domain = ".example.com"}.str() == "a=1; Domain=.example.com");
}

TEST_CASE("SetCookie: SameSite=None and Partitioned add Secure", "[cookies]") {
    CHECK(SetCookie{.name = "a", .value = "1", .same_site = SameSite::none}.str() == "a=1; Secure; SameSite=None");
    CHECK(SetCookie{.name = "a", .value = "1", .partitioned = true}.str() == "a=1; Secure; Partitioned");
    CHECK(SetCookie{.name = "a", .value = "1", .secure = true, .same_site = SameSite::none}.str() ==
          "a=1; Secure; SameSite=None");  // not twice
}

TEST_CASE("SetCookie: invalid names and values are refused with a reason", "[cookies]") {
    for (const char* name : {"", "a b", "a=b", "a;b", "a,b", "a\"b", "a(b)", "a/b", "caf\xC3\xA9", "tab\t", "nl\n"}) {
        INFO("name " << name);
        CHECK(error_detail(SetCookie{.name = name, .value = "v"}).find("name") != std::string::npos);
    }
    for (const char* value : {"a b", "a;b", "a,b", "a\"b", "back\\slash", "caf\xC3\xA9", "nl\n", "\"unbalanced", "x\"", "\"a b\""}) {
        INFO("value " << value);
        CHECK(error_detail(SetCookie{.name = "n", .value = value}).find("value") != std::string::npos);
    }
    CHECK_THROWS_AS((SetCookie{.name = "n", .value = "a;b"}.str()), std::invalid_argument);
    CHECK_THROWS_WITH((SetCookie{.name = "n", .value = "a;b"}.str()), Catch::Contains("Set-Cookie n"));
    CHECK(SetCookie{.name = "n", .value = "!#$%&'()*+-./:<=>?@[]^_`{|}~09azAZ"}.build().ok());
}

TEST_CASE("SetCookie: attribute checks", "[cookies]") {
    CHECK(error_detail(SetCookie{.name = "n", .value = "v", .path = "relative"}).find("Path must start with '/'") != std::string::npos);
    CHECK(error_detail(SetCookie{.name = "n", .value = "v", .path = "/a;b"}).find("Path") != std::string::npos);
    CHECK(error_detail(SetCookie{.name = "n", .value = "v", .path = "/a\r\nX: y"}).find("Path") != std::string::npos);
    CHECK(error_detail(SetCookie{.name = "n", .value = "v", .path = "/" + std::string(1024, 'p')}).find("1024") != std::string::npos);
    for (const char* domain : {"exa mple.com", "a..b", "a.b.", ".", "..a", "ex;ample.com", "ex_ample.com"}) {
        INFO("domain " << domain);
        CHECK(error_detail(SetCookie{.name = "n", .value = "v", .domain = domain}).find("Domain") != std::string::npos);
    }
    CHECK(error_detail(SetCookie{.name = "n", .value = "v", .domain = std::string(64, 'a') + ".com"}).find("Domain") != std::string::npos);
    CHECK(SetCookie{.name = "n", .value = "v", .domain = std::string(63, 'a') + ".com"}.build().ok());
    CHECK(error_detail(SetCookie{.name = "n", .value = "v", .max_age = -1s}).find("Max-Age") != std::string::npos);
    CHECK(error_detail(SetCookie{.name = "n", .value = std::string(4096, 'v')}).find("4096") != std::string::npos);
    CHECK(SetCookie{.name = "n", .value = std::string(4095, 'v')}.build().ok());
}

TEST_CASE("SetCookie: __Secure- and __Host- prefixes", "[cookies]") {
    CHECK(error_detail(SetCookie{.name = "__Secure-id", .value = "1"}).find("Secure") != std::string::npos);
    CHECK(SetCookie{.name = "__Secure-id", .value = "1", .secure = true}.build().ok());
    CHECK(SetCookie{.name = "__Secure-id", .value = "1", .same_site = SameSite::none}.build().ok());  // None makes it Secure
    CHECK(error_detail(SetCookie{.name = "__Host-id", .value = "1", .path = "/", .secure = false}).find("Secure") != std::string::npos);
    CHECK(error_detail(SetCookie{.name = "__Host-id", .value = "1", .secure = true}).find("Path=/") != std::string::npos);
    CHECK(error_detail(SetCookie{.name = "__Host-id", .value = "1", .path = "/", .domain = "example.com", .secure = true})
              .find("Domain") != std::string::npos);
    CHECK(SetCookie{.name = "__Host-id", .value = "1", .path = "/", .secure = true}.str() == "__Host-id=1; Path=/; Secure");
}

TEST_CASE("SetCookie::removal expires the cookie at once", "[cookies]") {
    CHECK(SetCookie::removal("sid").str() == "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/");
    CHECK(SetCookie::removal("sid", "/app", "example.com").str() ==
          "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Domain=example.com; Path=/app");
}

TEST_CASE("sweet::set_cookie adds a header, or nothing and an error", "[cookies]") {
    sweet::Response r = sweet::Response::text("x");
    REQUIRE(sweet::set_cookie(r, SetCookie{.name = "a", .value = "1"}).ok());
    REQUIRE(sweet::set_cookie(r, SetCookie{.name = "b", .value = "2", .http_only = true}).ok());
    const auto bad = sweet::set_cookie(r, SetCookie{.name = "c", .value = "no spaces"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().status == 500);
    std::vector<std::string> values;
    for (const auto& [name, value] : r.headers()) {
        if (name == "Set-Cookie") values.push_back(value);
    }
    CHECK(values == std::vector<std::string>{"a=1", "b=2; HttpOnly"});
}
