// CORS: origin matching, preflight answers, headers of actual responses, option checks.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "sweet/features/cors.hpp"
#include "test_features_support.hpp"

using sweet::CorsOptions;
using sweet::CorsPolicy;
using sweet::Response;
using sweet_test::head;
using sweet_test::TestRequest;

namespace {

std::string header_or_empty(const Response& r, std::string_view name) {
    const std::string* v = r.header(name);
    return v != nullptr ? *v : std::string{};
}

}  // namespace

TEST_CASE("cors: exact origins match whole origins only, case-insensitively", "[features][cors]") {
    CorsPolicy policy(CorsOptions{.allow_origins = {"https://app.example.com", "http://localhost:5173"}});
    CHECK(policy.allows_origin("https://app.example.com"));
    CHECK(policy.allows_origin("HTTPS://APP.EXAMPLE.COM"));
    CHECK(policy.allows_origin("http://localhost:5173"));
    CHECK_FALSE(policy.allows_origin("http://localhost:5174"));
    CHECK_FALSE(policy.allows_origin("http://app.example.com"));       // other scheme
    CHECK_FALSE(policy.allows_origin("https://app.example.com:443"));  // other (explicit) port
    CHECK_FALSE(policy.allows_origin("https://app.example.com.evil.com"));
    CHECK_FALSE(policy.allows_origin("https://app.example.com/"));
    CHECK_FALSE(policy.allows_origin("null"));
    CHECK_FALSE(policy.allows_origin(""));
}

TEST_CASE("cors: subdomain patterns match subdomains only, with no regex semantics", "[features][cors]") {
    CorsPolicy policy(CorsOptions{.allow_origins = {"https://*.example.com", "http://*.dev.test:8080"}});
    CHECK(policy.allows_origin("https://a.example.com"));
    CHECK(policy.allows_origin("https://a.b.example.com"));
    CHECK(policy.allows_origin("https://A.Example.COM"));
    CHECK_FALSE(policy.allows_origin("https://example.com"));           // not a subdomain
    CHECK_FALSE(policy.allows_origin("https://badexample.com"));        // no label boundary
    CHECK_FALSE(policy.allows_origin("https://.example.com"));          // empty label
    CHECK_FALSE(policy.allows_origin("https://a..example.com"));
    CHECK_FALSE(policy.allows_origin("https://a.example.com.evil.org"));
    CHECK_FALSE(policy.allows_origin("http://a.example.com"));          // scheme differs
    CHECK_FALSE(policy.allows_origin("https://a.example.com:8443"));    // port differs
    CHECK_FALSE(policy.allows_origin("https://aexample.com"));          // '.' is literal, not "any char"
    CHECK(policy.allows_origin("http://x.dev.test:8080"));
    CHECK_FALSE(policy.allows_origin("http://x.dev.test"));
    CHECK_FALSE(policy.allows_origin("http://x.dev.test:80800"));
}

TEST_CASE("cors: invalid origin entries are refused with a clear message", "[features][cors]") {
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.allow_origins = {"https://app.example.com/"}}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.allow_origins = {"app.example.com"}}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.allow_origins = {"https://a.*.example.com"}}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.allow_origins = {"https://*example.com"}}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.allow_origins = {"https://*.*.example.com"}}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.allow_origins = {"https://*."}}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.allow_methods = {"GET", "BAD METHOD"}}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.allow_headers = {"X-Ok", "Bad:Header"}}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.expose_headers = {"*"}, .allow_credentials = true}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.max_age = std::chrono::seconds(-1)}), std::invalid_argument);
    CHECK_THROWS_AS(CorsPolicy(CorsOptions{.preflight_status = 404}), std::invalid_argument);
    try {
        CorsPolicy p(CorsOptions{.allow_origins = {"https://app.example.com/"}});
        FAIL("no exception");
    } catch (const std::invalid_argument& e) {
        CHECK_THAT(e.what(), Catch::Contains("https://app.example.com/") && Catch::Contains("trailing slash"));
    }
}

TEST_CASE("cors: preflight from an allowed origin is answered with the grant", "[features][cors]") {
    CorsPolicy policy(CorsOptions{.allow_origins = {"https://app.example.com"},
                                  .allow_headers = {"Content-Type", "X-Token"},
                                  .max_age = std::chrono::seconds(120)});
    TestRequest req(head("OPTIONS", "/api/items",
                         {"Origin: https://app.example.com", "Access-Control-Request-Method: PUT",
                          "Access-Control-Request-Headers: content-type, x-token"}));
    REQUIRE(CorsPolicy::is_preflight(*req));
    std::optional<Response> answer = policy.preflight_response(*req);
    REQUIRE(answer);
    CHECK(answer->status() == 204);
    CHECK(answer->body().empty());
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Origin") == "https://app.example.com");
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Methods") == "GET, HEAD, POST, PUT, PATCH, DELETE");
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Headers") == "Content-Type, X-Token");
    CHECK(header_or_empty(*answer, "Access-Control-Max-Age") == "120");
    CHECK(header_or_empty(*answer, "Vary") == "Origin");
    CHECK(answer->header("Access-Control-Allow-Credentials") == nullptr);

    // A second pass through on_response (the app runs it on every response) changes nothing.
    const auto before = answer->headers();
    policy.decorate(*req, *answer);
    CHECK(answer->headers() == before);
}

TEST_CASE("cors: preflight reflects requested headers when none are configured", "[features][cors]") {
    CorsPolicy policy(CorsOptions{});
    TestRequest req(head("OPTIONS", "/x",
                         {"Origin: https://a.test", "Access-Control-Request-Method: POST",
                          "Access-Control-Request-Headers: X-Custom,  Content-Type"}));
    auto answer = policy.preflight_response(*req);
    REQUIRE(answer);
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Origin") == "*");
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Headers") == "x-custom, content-type");
    CHECK(header_or_empty(*answer, "Vary") == "Access-Control-Request-Headers");  // no Vary: Origin for '*'

    TestRequest bad(head("OPTIONS", "/x",
                         {"Origin: https://a.test", "Access-Control-Request-Method: POST",
                          "Access-Control-Request-Headers: ok, not a header"}));
    auto refused = policy.preflight_response(*bad);
    REQUIRE(refused);
    CHECK(refused->header("Access-Control-Allow-Headers") == nullptr);  // nothing echoed
}

TEST_CASE("cors: credentials never use '*' and always vary by Origin", "[features][cors]") {
    CorsPolicy policy(CorsOptions{.allow_origins = {"*"},
                                  .allow_methods = {"*"},
                                  .allow_headers = {"*"},
                                  .expose_headers = {"X-Total"},
                                  .allow_credentials = true});
    TestRequest pre(head("OPTIONS", "/x",
                         {"Origin: https://site.test", "Access-Control-Request-Method: PATCH",
                          "Access-Control-Request-Headers: authorization"}));
    auto answer = policy.preflight_response(*pre);
    REQUIRE(answer);
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Origin") == "https://site.test");
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Credentials") == "true");
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Methods") == "PATCH");
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Headers") == "authorization");
    CHECK(header_or_empty(*answer, "Vary") == "Access-Control-Request-Headers, Origin");

    TestRequest get(head("GET", "/x", {"Origin: https://site.test"}));
    Response r = Response::text("ok");
    policy.decorate(*get, r);
    CHECK(header_or_empty(r, "Access-Control-Allow-Origin") == "https://site.test");
    CHECK(header_or_empty(r, "Access-Control-Allow-Credentials") == "true");
    CHECK(header_or_empty(r, "Access-Control-Expose-Headers") == "X-Total");
    CHECK(header_or_empty(r, "Vary") == "Origin");

    // The opaque origin "null" is not trusted through '*' when credentials are on.
    CHECK_FALSE(policy.allows_origin("null"));
    CHECK(CorsPolicy(CorsOptions{}).allows_origin("null"));
    CHECK(CorsPolicy(CorsOptions{.allow_origins = {"null"}, .allow_credentials = true}).allows_origin("null"));
}

TEST_CASE("cors: wildcard methods and headers without credentials are sent as '*'", "[features][cors]") {
    CorsPolicy policy(CorsOptions{.allow_methods = {"*"}, .allow_headers = {"*"}, .expose_headers = {"*"}});
    TestRequest pre(head("OPTIONS", "/x", {"Origin: https://a.test", "Access-Control-Request-Method: PURGE"}));
    auto answer = policy.preflight_response(*pre);
    REQUIRE(answer);
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Methods") == "*");
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Headers") == "*");
    TestRequest get(head("GET", "/x", {"Origin: https://a.test"}));
    Response r = Response::text("ok");
    policy.decorate(*get, r);
    CHECK(header_or_empty(r, "Access-Control-Expose-Headers") == "*");
    CHECK(r.header("Vary") == nullptr);  // the answer is '*' for everyone
}

TEST_CASE("cors: disallowed origins get no CORS headers and are not errors", "[features][cors]") {
    CorsPolicy policy(CorsOptions{.allow_origins = {"https://good.test"}});
    TestRequest pre(head("OPTIONS", "/x", {"Origin: https://evil.test", "Access-Control-Request-Method: DELETE"}));
    CHECK_FALSE(policy.preflight_response(*pre));  // routing answers it; no grant

    TestRequest get(head("GET", "/x", {"Origin: https://evil.test"}));
    Response r = Response::text("data");
    policy.decorate(*get, r);
    CHECK(r.status() == 200);
    CHECK(r.header("Access-Control-Allow-Origin") == nullptr);
    CHECK(r.header("Access-Control-Allow-Credentials") == nullptr);
    CHECK(header_or_empty(r, "Vary") == "Origin");  // caches must still keep origins apart
}

TEST_CASE("cors: not a preflight without Access-Control-Request-Method or Origin", "[features][cors]") {
    CorsPolicy policy(CorsOptions{});
    TestRequest plain_options(head("OPTIONS", "/x", {"Origin: https://a.test"}));
    CHECK_FALSE(CorsPolicy::is_preflight(*plain_options));
    CHECK_FALSE(policy.preflight_response(*plain_options));
    TestRequest no_origin(head("OPTIONS", "/x", {"Access-Control-Request-Method: GET"}));
    CHECK_FALSE(CorsPolicy::is_preflight(*no_origin));
    TestRequest get(head("GET", "/x", {"Origin: https://a.test", "Access-Control-Request-Method: GET"}));
    CHECK_FALSE(CorsPolicy::is_preflight(*get));
}

TEST_CASE("cors: error responses get the headers, existing Vary values are kept", "[features][cors]") {
    CorsPolicy policy(CorsOptions{.allow_origins = {"https://good.test"}});
    TestRequest get(head("GET", "/missing", {"Origin: https://good.test"}));
    Response r = Response::text("Not Found: no route\n", 404);
    r.set_header("Vary", "Accept-Encoding");
    policy.decorate(*get, r);
    CHECK(header_or_empty(r, "Access-Control-Allow-Origin") == "https://good.test");
    CHECK(header_or_empty(r, "Vary") == "Accept-Encoding, Origin");
    policy.decorate(*get, r);  // idempotent
    CHECK(header_or_empty(r, "Vary") == "Accept-Encoding, Origin");
}

TEST_CASE("cors: private network access and max-age options", "[features][cors]") {
    CorsPolicy policy(CorsOptions{.max_age = std::nullopt, .allow_private_network = true, .preflight_status = 200});
    TestRequest pre(head("OPTIONS", "/x",
                         {"Origin: https://a.test", "Access-Control-Request-Method: GET",
                          "Access-Control-Request-Private-Network: true"}));
    auto answer = policy.preflight_response(*pre);
    REQUIRE(answer);
    CHECK(answer->status() == 200);
    CHECK(answer->header("Access-Control-Max-Age") == nullptr);
    CHECK(header_or_empty(*answer, "Access-Control-Allow-Private-Network") == "true");
}

TEST_CASE("cors: the bundle has an on_request and an on_response hook", "[features][cors]") {
    auto bundle = sweet::cors({.allow_origins = {"https://a.test"}});
    STATIC_REQUIRE(decltype(bundle)::count<sweet::HookPhase::on_request> == 1);
    STATIC_REQUIRE(decltype(bundle)::count<sweet::HookPhase::on_response> == 1);
    TestRequest pre(head("OPTIONS", "/x", {"Origin: https://a.test", "Access-Control-Request-Method: GET"}));
    sweet::Step step = std::get<0>(bundle.list).fn(*pre);
    REQUIRE(step.responded());
    CHECK(step.response().status() == 204);
    TestRequest get(head("GET", "/x", {"Origin: https://a.test"}));
    CHECK_FALSE(std::get<0>(bundle.list).fn(*get).responded());
    Response r = Response::text("x");
    std::get<1>(bundle.list).fn(*get, r);
    CHECK(header_or_empty(r, "Access-Control-Allow-Origin") == "https://a.test");
}
