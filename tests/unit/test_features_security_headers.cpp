// Security headers: defaults, switching off, keeping the handler's choice, option checks.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "sweet/features/security_headers.hpp"
#include "test_features_support.hpp"

using sweet::Response;
using sweet::SecurityHeaders;
using sweet::SecurityHeadersOptions;

namespace {
std::string value(const Response& r, std::string_view name) {
    const std::string* v = r.header(name);
    return v != nullptr ? *v : std::string("<absent>");
}
}  // namespace

TEST_CASE("security_headers: defaults", "[features][security_headers]") {
    SecurityHeaders headers(SecurityHeadersOptions{});
    Response r = Response::text("ok");
    headers.apply(r);
    CHECK(value(r, "X-Content-Type-Options") == "nosniff");
    CHECK(value(r, "X-Frame-Options") == "DENY");
    CHECK(value(r, "Referrer-Policy") == "no-referrer");
    CHECK(value(r, "Cross-Origin-Opener-Policy") == "same-origin");
    CHECK(value(r, "Cross-Origin-Resource-Policy") == "same-origin");
    CHECK(value(r, "Strict-Transport-Security") == "<absent>");
    CHECK(value(r, "Content-Security-Policy") == "<absent>");
    CHECK(value(r, "Cross-Origin-Embedder-Policy") == "<absent>");
    CHECK(value(r, "Permissions-Policy") == "<absent>");
    CHECK(headers.headers().size() == 5);
}

TEST_CASE("security_headers: each header is switchable, extras are added", "[features][security_headers]") {
    SecurityHeaders headers(SecurityHeadersOptions{
        .frame_options = "",
        .referrer_policy = "strict-origin-when-cross-origin",
        .strict_transport_security = "max-age=63072000; includeSubDomains",
        .content_security_policy = "default-src 'none'; frame-ancestors 'none'",
        .cross_origin_resource_policy = "",
        .permissions_policy = "camera=()",
        .extra = {{"X-Permitted-Cross-Domain-Policies", "none"}},
    });
    Response r = Response::text("ok");
    headers.apply(r);
    CHECK(value(r, "X-Frame-Options") == "<absent>");
    CHECK(value(r, "Cross-Origin-Resource-Policy") == "<absent>");
    CHECK(value(r, "Referrer-Policy") == "strict-origin-when-cross-origin");
    CHECK(value(r, "Strict-Transport-Security") == "max-age=63072000; includeSubDomains");
    CHECK(value(r, "Content-Security-Policy") == "default-src 'none'; frame-ancestors 'none'");
    CHECK(value(r, "Permissions-Policy") == "camera=()");
    CHECK(value(r, "X-Permitted-Cross-Domain-Policies") == "none");
}

TEST_CASE("security_headers: the handler's own header wins unless replace_existing", "[features][security_headers]") {
    Response r = Response::text("embeddable");
    r.set_header("X-Frame-Options", "SAMEORIGIN");
    SecurityHeaders(SecurityHeadersOptions{}).apply(r);
    CHECK(value(r, "X-Frame-Options") == "SAMEORIGIN");
    SecurityHeaders(SecurityHeadersOptions{.replace_existing = true}).apply(r);
    CHECK(value(r, "X-Frame-Options") == "DENY");
    std::size_t frame_headers = 0;
    for (const auto& h : r.headers()) frame_headers += h.first == "X-Frame-Options" ? 1 : 0;
    CHECK(frame_headers == 1);
}

TEST_CASE("security_headers: values that could split a response are refused", "[features][security_headers]") {
    CHECK_THROWS_AS(SecurityHeaders(SecurityHeadersOptions{.content_security_policy = "a\r\nSet-Cookie: x=1"}),
                    std::invalid_argument);
    CHECK_THROWS_AS(SecurityHeaders(SecurityHeadersOptions{.extra = {{"Bad Name", "v"}}}), std::invalid_argument);
    CHECK_THROWS_AS(SecurityHeaders(SecurityHeadersOptions{.extra = {{"X-Empty", ""}}}), std::invalid_argument);
}

TEST_CASE("security_headers: the bundle decorates error responses too", "[features][security_headers]") {
    auto bundle = sweet::security_headers();
    STATIC_REQUIRE(decltype(bundle)::count<sweet::HookPhase::on_response> == 1);
    sweet_test::TestRequest req(sweet_test::head("GET", "/nope"));
    Response r = Response::text("Not Found\n", 404);
    std::get<0>(bundle.list).fn(*req, r);
    CHECK(value(r, "X-Content-Type-Options") == "nosniff");
}
