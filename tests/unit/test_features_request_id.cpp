// Request ids: accepting sane incoming ids, generating the three formats, echoing.
#include <catch2/catch.hpp>

#include <chrono>
#include <regex>
#include <set>
#include <stdexcept>
#include <thread>

#include "sweet/features/request_id.hpp"
#include "test_features_support.hpp"

using sweet::RequestIdFormat;
using sweet::RequestIdOptions;
using sweet::RequestIdPolicy;
using sweet::Response;
using sweet_test::head;
using sweet_test::TestRequest;

namespace {
std::string value(const Response& r, std::string_view name) {
    const std::string* v = r.header(name);
    return v != nullptr ? *v : std::string("<absent>");
}
}  // namespace

TEST_CASE("request_id: acceptable ids are 1..max visible ASCII characters", "[features][request_id]") {
    CHECK(sweet::is_acceptable_request_id("abc-123", 128));
    CHECK(sweet::is_acceptable_request_id("!~", 2));
    CHECK_FALSE(sweet::is_acceptable_request_id("", 128));
    CHECK_FALSE(sweet::is_acceptable_request_id("abc", 2));
    CHECK_FALSE(sweet::is_acceptable_request_id("a b", 128));
    CHECK_FALSE(sweet::is_acceptable_request_id("a\tb", 128));
    CHECK_FALSE(sweet::is_acceptable_request_id("caf\xc3\xa9", 128));
    CHECK_FALSE(sweet::is_acceptable_request_id(std::string_view("a\0b", 3), 128));
}

TEST_CASE("request_id: generated UUIDs have the right version and variant", "[features][request_id]") {
    const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    const std::regex v7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) {
        const std::string id = sweet::new_request_id(RequestIdFormat::uuid_v4);
        REQUIRE(std::regex_match(id, v4));
        seen.insert(id);
    }
    CHECK(seen.size() == 1000);
    const std::string a = sweet::new_request_id(RequestIdFormat::uuid_v7);
    REQUIRE(std::regex_match(a, v7));
    // v7 starts with the Unix time in milliseconds (48 bits).
    const auto ms_now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    const long long ms_in_id = std::stoll(a.substr(0, 8) + a.substr(9, 4), nullptr, 16);
    CHECK(std::llabs(ms_now - ms_in_id) < 5000);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    CHECK(sweet::new_request_id(RequestIdFormat::uuid_v7).substr(0, 13) > a.substr(0, 13));  // time-ordered
}

TEST_CASE("request_id: compact ids share a per-thread prefix and count up", "[features][request_id]") {
    const std::regex compact("[0-9a-f]{12}-[0-9a-f]{1,16}");
    const std::string a = sweet::new_request_id(RequestIdFormat::compact);
    const std::string b = sweet::new_request_id(RequestIdFormat::compact);
    REQUIRE(std::regex_match(a, compact));
    REQUIRE(std::regex_match(b, compact));
    CHECK(a.substr(0, 13) == b.substr(0, 13));
    CHECK(std::stoull(b.substr(13), nullptr, 16) == std::stoull(a.substr(13), nullptr, 16) + 1);
    std::string other;
    std::thread([&other] { other = sweet::new_request_id(RequestIdFormat::compact); }).join();
    CHECK(other.substr(0, 12) != a.substr(0, 12));  // another thread, another random prefix
}

TEST_CASE("request_id: an incoming sane id is kept and echoed", "[features][request_id]") {
    RequestIdPolicy policy(RequestIdOptions{});
    TestRequest req(head("GET", "/", {"X-Request-ID: trace-42"}));
    policy.assign(*req);
    CHECK(req->id() == "trace-42");
    Response r = Response::text("ok");
    policy.echo(*req, r);
    CHECK(value(r, "X-Request-ID") == "trace-42");
}

TEST_CASE("request_id: insane or untrusted incoming ids are replaced", "[features][request_id]") {
    const std::regex v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    RequestIdPolicy policy(RequestIdOptions{.max_length = 16});
    TestRequest too_long(head("GET", "/", {"X-Request-ID: " + std::string(17, 'a')}));
    policy.assign(*too_long);
    CHECK(std::regex_match(std::string(too_long->id()), v4));
    TestRequest spaced(head("GET", "/", {"X-Request-ID: has space"}));
    policy.assign(*spaced);
    CHECK(std::regex_match(std::string(spaced->id()), v4));
    TestRequest empty(head("GET", "/", {"X-Request-ID:"}));
    policy.assign(*empty);
    CHECK(std::regex_match(std::string(empty->id()), v4));

    RequestIdPolicy untrusting(RequestIdOptions{.trust_incoming = false, .format = RequestIdFormat::compact});
    TestRequest req(head("GET", "/", {"X-Request-ID: chosen-by-client"}));
    untrusting.assign(*req);
    CHECK(req->id() != "chosen-by-client");
    CHECK(std::regex_match(std::string(req->id()), std::regex("[0-9a-f]{12}-[0-9a-f]+")));
}

TEST_CASE("request_id: an id set by an earlier hook wins; custom header; no echo", "[features][request_id]") {
    RequestIdPolicy policy(RequestIdOptions{.header = "X-Correlation-Id", .echo = false});
    TestRequest req(head("GET", "/", {"X-Correlation-Id: from-client"}));
    req->set_id("from-gateway");
    policy.assign(*req);
    CHECK(req->id() == "from-gateway");
    Response r = Response::text("ok");
    policy.echo(*req, r);
    CHECK(r.header("X-Correlation-Id") == nullptr);

    RequestIdPolicy custom(RequestIdOptions{.header = "X-Correlation-Id"});
    TestRequest other(head("GET", "/", {"X-Correlation-Id: corr-1", "X-Request-ID: ignored"}));
    custom.assign(*other);
    CHECK(other->id() == "corr-1");
    custom.echo(*other, r);
    CHECK(value(r, "X-Correlation-Id") == "corr-1");
}

TEST_CASE("request_id: bad options are refused", "[features][request_id]") {
    CHECK_THROWS_AS(RequestIdPolicy(RequestIdOptions{.header = "Bad Header"}), std::invalid_argument);
    CHECK_THROWS_AS(RequestIdPolicy(RequestIdOptions{.header = ""}), std::invalid_argument);
    CHECK_THROWS_AS(RequestIdPolicy(RequestIdOptions{.max_length = 0}), std::invalid_argument);
}

TEST_CASE("request_id: the bundle assigns on request and echoes on response", "[features][request_id]") {
    auto bundle = sweet::request_id();
    TestRequest req(head("GET", "/"));
    std::get<0>(bundle.list).fn(*req);
    CHECK(req->id().size() == 36);
    Response r = Response::text("Not Found\n", 404);
    std::get<1>(bundle.list).fn(*req, r);
    CHECK(value(r, "X-Request-ID") == req->id());
}
