// Rate limiting: token-bucket arithmetic, the sharded in-memory store's bounds, key functions,
// and the 429 with its headers.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sweet/features/rate_limit.hpp"
#include "test_features_support.hpp"

using namespace std::chrono_literals;
using sweet::MemoryRateLimitStore;
using sweet::MemoryRateLimitStoreOptions;
using sweet::RateLimitDecision;
using sweet::RateLimiter;
using sweet::RateLimitOptions;
using sweet::Response;
using sweet::TokenBucket;
using sweet_test::head;
using sweet_test::TestRequest;
using Clock = std::chrono::steady_clock;

namespace {
std::string value(const Response& r, std::string_view name) {
    const std::string* v = r.header(name);
    return v != nullptr ? *v : std::string("<absent>");
}
}  // namespace

TEST_CASE("rate_limit: a bucket allows the burst, then refills at the rate", "[features][rate_limit]") {
    MemoryRateLimitStore store(TokenBucket{.rate = 2, .burst = 3});
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < 3; ++i) {
        const RateLimitDecision d = store.consume("k", 1, t0);
        REQUIRE(d.allowed);
        CHECK(d.limit == 3);
        CHECK(d.remaining == Approx(2 - i));
    }
    RateLimitDecision refused = store.consume("k", 1, t0);
    CHECK_FALSE(refused.allowed);
    CHECK(refused.remaining == Approx(0));
    CHECK(refused.retry_after == 500ms);  // one token at 2 per second
    CHECK(refused.reset == 1500ms);       // three tokens to full

    CHECK_FALSE(store.consume("k", 1, t0 + 499ms).allowed);
    const RateLimitDecision later = store.consume("k", 1, t0 + 1000ms);  // ~1 token back (0.998 + 0.002)
    CHECK(later.allowed);
    // Other keys are independent.
    CHECK(store.consume("other", 1, t0).allowed);
    // A long pause refills to the burst, never beyond.
    const RateLimitDecision rested = store.consume("k", 1, t0 + 1h);
    CHECK(rested.allowed);
    CHECK(rested.remaining == Approx(2));
}

TEST_CASE("rate_limit: costs above one and clocks read out of order", "[features][rate_limit]") {
    MemoryRateLimitStore store(TokenBucket{.rate = 1, .burst = 10});
    const Clock::time_point t0 = Clock::now();
    CHECK(store.consume("k", 7, t0).allowed);
    const RateLimitDecision d = store.consume("k", 4, t0);
    CHECK_FALSE(d.allowed);
    CHECK(d.retry_after == 1s);
    CHECK(store.consume("k", 3, t0 - 5ms).allowed);  // an earlier reading adds nothing, takes nothing away
    CHECK_FALSE(store.consume("k", 1, t0).allowed);
}

TEST_CASE("rate_limit: the store stays within max_keys and drops refilled buckets first", "[features][rate_limit]") {
    MemoryRateLimitStore store(TokenBucket{.rate = 1, .burst = 5},
                               MemoryRateLimitStoreOptions{.shards = 4, .max_keys = 400, .sweep_interval = 3600s});
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < 5000; ++i) {
        static_cast<void>(store.consume("client-" + std::to_string(i), 1, t0 + std::chrono::milliseconds(i)));
        REQUIRE(store.size() <= 400);
    }
    CHECK(store.size() > 100);
    // An active client keeps its (partly drained) bucket while idle, refilled ones are dropped.
    MemoryRateLimitStore small(TokenBucket{.rate = 1, .burst = 2},
                               MemoryRateLimitStoreOptions{.shards = 1, .max_keys = 8, .sweep_interval = 3600s});
    REQUIRE(small.consume("busy", 2, t0).allowed);  // empty now
    for (int i = 0; i < 7; ++i) static_cast<void>(small.consume("idle-" + std::to_string(i), 1, t0 - 10s));
    CHECK(small.size() == 8);
    // Half a second after t0 the idle buckets (used 10 s earlier) are full again, "busy" holds
    // 0.5 of 2 tokens: a new key makes room by dropping exactly the idle ones.
    static_cast<void>(small.consume("new", 1, t0 + 500ms));
    CHECK(small.size() == 2);                                 // busy + new: every refilled bucket went
    CHECK_FALSE(small.consume("busy", 1, t0 + 600ms).allowed);  // busy kept its state (0.6 tokens)
}

TEST_CASE("rate_limit: the periodic sweep forgets idle keys", "[features][rate_limit]") {
    MemoryRateLimitStore store(TokenBucket{.rate = 10, .burst = 10},
                               MemoryRateLimitStoreOptions{.shards = 2, .max_keys = 1000, .sweep_interval = 1s});
    const Clock::time_point t0 = Clock::now();
    for (int i = 0; i < 50; ++i) static_cast<void>(store.consume("k" + std::to_string(i), 1, t0));
    CHECK(store.size() == 50);
    for (int i = 0; i < 50; ++i) static_cast<void>(store.consume("late" + std::to_string(i), 1, t0 + 10s));
    CHECK(store.size() == 50);  // the first 50 refilled long ago and were swept
}

TEST_CASE("rate_limit: concurrent consumers never get more than the bucket holds", "[features][rate_limit]") {
    MemoryRateLimitStore store(TokenBucket{.rate = 0.001, .burst = 100});
    const Clock::time_point t0 = Clock::now();
    std::atomic<int> allowed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 100; ++i) {
                if (store.consume("shared", 1, t0).allowed) allowed.fetch_add(1);
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(allowed.load() == 100);
}

TEST_CASE("rate_limit: 429 with Retry-After and RateLimit headers", "[features][rate_limit]") {
    RateLimiter limiter(RateLimitOptions{.rate = 1, .burst = 2});
    for (int i = 0; i < 2; ++i) {
        TestRequest req(head("GET", "/"), "198.51.100.7");
        REQUIRE(limiter.check(*req).ok());
        Response r = Response::text("ok");
        limiter.annotate(*req, r);
        CHECK(value(r, "RateLimit-Limit") == "2");
        CHECK(value(r, "RateLimit-Remaining") == std::to_string(1 - i));
        CHECK(value(r, "RateLimit-Policy") == "2;w=2");
        CHECK(value(r, "Retry-After") == "<absent>");
    }
    TestRequest req(head("GET", "/"), "198.51.100.7");
    sweet::Result<void> refused = limiter.check(*req);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().status == 429);
    CHECK(refused.error().message == "too many requests, slow down");
    Response r = Response::text("Too Many Requests\n", 429);  // what the error handler would make
    limiter.annotate(*req, r);
    CHECK(value(r, "Retry-After") == "1");
    CHECK(value(r, "RateLimit-Remaining") == "0");
    CHECK(value(r, "RateLimit-Reset") == "2");

    // Another client has its own bucket.
    TestRequest other(head("GET", "/"), "198.51.100.8");
    CHECK(limiter.check(*other).ok());
}

TEST_CASE("rate_limit: headers belong to the request that was checked", "[features][rate_limit]") {
    RateLimiter limiter(RateLimitOptions{.rate = 1, .burst = 5});
    TestRequest checked(head("GET", "/"));
    REQUIRE(limiter.check(*checked).ok());
    TestRequest unchecked(head("GET", "/"));  // e.g. answered by an earlier hook
    Response r = Response::text("x");
    limiter.annotate(*unchecked, r);
    CHECK(value(r, "RateLimit-Limit") == "<absent>");
    Response again = Response::text("x");
    limiter.annotate(*checked, again);  // the slot was used up by the mismatch: nothing stale leaks
    CHECK(value(again, "RateLimit-Limit") == "<absent>");

    RateLimiter quiet(RateLimitOptions{.rate = 1, .burst = 5, .headers_on_success = false});
    TestRequest req(head("GET", "/"));
    REQUIRE(quiet.check(*req).ok());
    Response ok = Response::text("x");
    quiet.annotate(*req, ok);
    CHECK(value(ok, "RateLimit-Limit") == "<absent>");
}

TEST_CASE("rate_limit: key functions", "[features][rate_limit]") {
    namespace keys = sweet::rate_limit_keys;
    TestRequest req(head("GET", "/", {"X-Forwarded-For: 203.0.113.9, 10.0.0.1", "X-Forwarded-For: 10.0.0.2",
                                      "X-Api-Key: key-123"}),
                    "127.0.0.1");
    CHECK(keys::client_ip()(*req) == "127.0.0.1");
    CHECK(keys::forwarded_for(1)(*req) == "10.0.0.2");
    CHECK(keys::forwarded_for(3)(*req) == "203.0.113.9");
    CHECK(keys::forwarded_for(4)(*req) == "127.0.0.1");  // fewer entries than proxies: the socket's address
    CHECK(keys::header("X-Api-Key")(*req) == "key-123");
    TestRequest anonymous(head("GET", "/"), "192.0.2.55");
    CHECK(keys::header("X-Api-Key")(*anonymous) == "192.0.2.55");
    CHECK_THROWS_AS(keys::forwarded_for(0), std::invalid_argument);
    CHECK_THROWS_AS(keys::header("bad name"), std::invalid_argument);

    // An empty key exempts the request.
    RateLimiter exempt(RateLimitOptions{.rate = 1, .burst = 1, .key = [](sweet::Request&) { return std::string_view{}; }});
    for (int i = 0; i < 5; ++i) CHECK(exempt.check(*anonymous).ok());
}

TEST_CASE("rate_limit: a custom store plugs in through the interface", "[features][rate_limit]") {
    struct CountingStore final : sweet::RateLimitStore {
        std::vector<std::string> keys;
        RateLimitDecision consume(std::string_view key, double cost, Clock::time_point) override {
            keys.emplace_back(key);
            RateLimitDecision d;
            d.allowed = cost <= 1 && keys.size() <= 2;
            d.limit = 2;
            d.remaining = d.allowed ? static_cast<double>(2 - keys.size()) : 0;
            d.retry_after = 2500ms;
            d.reset = 3s;
            return d;
        }
    };
    auto store = std::make_shared<CountingStore>();
    RateLimiter limiter(RateLimitOptions{.key = sweet::rate_limit_keys::header("X-User"), .store = store});
    TestRequest a(head("GET", "/", {"X-User: alice"}));
    CHECK(limiter.check(*a).ok());
    CHECK(limiter.check(*a).ok());
    REQUIRE_FALSE(limiter.check(*a).ok());
    Response r = Response::text("", 429);
    limiter.annotate(*a, r);
    CHECK(value(r, "Retry-After") == "3");
    CHECK(value(r, "RateLimit-Reset") == "3");
    CHECK(store->keys == std::vector<std::string>{"alice", "alice", "alice"});
    CHECK(&limiter.store() == store.get());
}

TEST_CASE("rate_limit: bad options are refused", "[features][rate_limit]") {
    CHECK_THROWS_AS(RateLimiter(RateLimitOptions{.rate = 0}), std::invalid_argument);
    CHECK_THROWS_AS(RateLimiter(RateLimitOptions{.rate = -1}), std::invalid_argument);
    CHECK_THROWS_AS(RateLimiter(RateLimitOptions{.burst = 0.5}), std::invalid_argument);
    CHECK_THROWS_AS(RateLimiter(RateLimitOptions{.burst = 5, .cost = 6}), std::invalid_argument);
    CHECK_THROWS_AS(RateLimiter(RateLimitOptions{.cost = 0}), std::invalid_argument);
    CHECK_THROWS_AS(MemoryRateLimitStore(TokenBucket{}, MemoryRateLimitStoreOptions{.shards = 0}), std::invalid_argument);
    CHECK_THROWS_AS(MemoryRateLimitStore(TokenBucket{}, MemoryRateLimitStoreOptions{.max_keys = 0}), std::invalid_argument);
}

TEST_CASE("rate_limit: the bundle refuses in on_request and annotates in on_response", "[features][rate_limit]") {
    auto bundle = sweet::rate_limit({.rate = 1, .burst = 1});
    TestRequest first(head("GET", "/"));
    CHECK(std::get<0>(bundle.list).fn(*first).ok());
    Response r1 = Response::text("ok");
    std::get<1>(bundle.list).fn(*first, r1);
    CHECK(value(r1, "RateLimit-Remaining") == "0");
    TestRequest second(head("GET", "/"));
    sweet::Result<void> refused = std::get<0>(bundle.list).fn(*second);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().status == 429);
}
