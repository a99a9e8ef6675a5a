// Metrics: per-thread shards summed at scrape time, the histogram, label rules and the endpoint.
#include <catch2/catch.hpp>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "sweet/features/metrics.hpp"
#include "test_features_support.hpp"

using namespace std::chrono_literals;
using sweet::MetricsOptions;
using sweet::MetricsRegistry;
using sweet::Response;
using sweet::http::Method;
using sweet_test::head;
using sweet_test::TestRequest;

namespace {

// The value of the sample line that starts with `series` followed by a space, or -1.
double sample(const std::string& text, const std::string& series) {
    std::size_t pos = 0;
    while ((pos = text.find(series + " ", pos)) != std::string::npos) {
        if (pos == 0 || text[pos - 1] == '\n') {
            const std::size_t start = pos + series.size() + 1;
            return std::stod(text.substr(start, text.find('\n', start) - start));
        }
        pos += series.size();
    }
    return -1;
}

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

}  // namespace

TEST_CASE("metrics: counters and the latency histogram", "[features][metrics]") {
    MetricsRegistry registry(MetricsOptions{.buckets = {0.001, 0.01, 0.1}, .worker_stats = false});
    registry.observe(Method::get, "/users/{id:int}", 200, 500us);
    registry.observe(Method::get, "/users/{id:int}", 200, 1ms);  // le is inclusive
    registry.observe(Method::get, "/users/{id:int}", 404, 5ms);
    registry.observe(Method::post, "/users", 201, 50ms);
    registry.observe(Method::post, "/users", 201, 2s);
    const std::string text = registry.render();

    CHECK(has_line(text, "# TYPE http_requests_total counter"));
    CHECK(sample(text, R"(http_requests_total{method="GET",route="/users/{id:int}",status="200"})") == 2);
    CHECK(sample(text, R"(http_requests_total{method="GET",route="/users/{id:int}",status="404"})") == 1);
    CHECK(sample(text, R"(http_requests_total{method="POST",route="/users",status="201"})") == 2);

    CHECK(has_line(text, "# TYPE http_request_duration_seconds histogram"));
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/users/{id:int}",le="0.001"})") == 2);
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/users/{id:int}",le="0.01"})") == 3);
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/users/{id:int}",le="0.1"})") == 3);
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/users/{id:int}",le="+Inf"})") == 3);
    CHECK(sample(text, R"(http_request_duration_seconds_count{route="/users/{id:int}"})") == 3);
    CHECK(sample(text, R"(http_request_duration_seconds_sum{route="/users/{id:int}"})") == Approx(0.0065));
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/users",le="0.01"})") == 0);
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/users",le="0.1"})") == 1);
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/users",le="+Inf"})") == 2);
    CHECK(sample(text, R"(http_request_duration_seconds_sum{route="/users"})") == Approx(2.05));
    CHECK(sample(text, "sweet_metrics_series_dropped_total") == 0);
    CHECK(text.find("sweet_worker_") == std::string::npos);
    CHECK(text.back() == '\n');
}

TEST_CASE("metrics: shards of many threads add up", "[features][metrics]") {
    MetricsRegistry registry(MetricsOptions{.worker_stats = false});
    std::atomic<bool> stop{false};
    std::atomic<bool> went_backwards{false};
    // A scraper running alongside the writers sees totals that only grow (Catch assertions are
    // not thread-safe, so it reports through a flag).
    std::thread scraper([&] {
        double last = 0;
        while (!stop.load()) {
            const std::string text = registry.render();
            const double now = sample(text, R"(http_requests_total{method="GET",route="/a",status="200"})");
            if (now >= 0) {
                if (now < last) went_backwards.store(true);
                last = now;
            }
        }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; ++t) {
        writers.emplace_back([&registry, t] {
            for (int i = 0; i < 5000; ++i) registry.observe(Method::get, "/a", 200, std::chrono::microseconds(i % 300));
            registry.observe(Method::del, "/b/{id}", 204 + t, 1ms);
        });
    }
    for (auto& w : writers) w.join();
    stop.store(true);
    scraper.join();
    const std::string text = registry.render();
    CHECK(sample(text, R"(http_requests_total{method="GET",route="/a",status="200"})") == 20000);
    CHECK(sample(text, R"(http_request_duration_seconds_count{route="/a"})") == 20000);
    CHECK_FALSE(went_backwards.load());
    // Durations i % 300 us for i < 5000: 17 runs of 0..100 us per thread are <= 100 us.
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/a",le="0.0001"})") == 4 * 17 * 101);
    for (int t = 0; t < 4; ++t) {
        CHECK(sample(text, R"(http_requests_total{method="DELETE",route="/b/{id}",status=")" + std::to_string(204 + t) +
                               "\"}") == 1);
    }
}

TEST_CASE("metrics: max_series bounds memory and counts what it drops", "[features][metrics]") {
    MetricsRegistry registry(MetricsOptions{.max_series = 3, .worker_stats = false});
    for (int status = 200; status < 210; ++status) registry.observe(Method::get, "/x", status, 1ms);
    registry.observe(Method::get, "/x", 200, 1ms);  // an existing series still counts
    const std::string text = registry.render();
    CHECK(sample(text, R"(http_requests_total{method="GET",route="/x",status="200"})") == 2);
    CHECK(sample(text, R"(http_requests_total{method="GET",route="/x",status="203"})") == -1);
    CHECK(sample(text, "sweet_metrics_series_dropped_total") == 7);
}

TEST_CASE("metrics: label values are escaped, unknown methods share one label", "[features][metrics]") {
    MetricsRegistry registry(MetricsOptions{.worker_stats = false});
    registry.observe(Method::get, "/q\"uo\\te\nd", 200, 1ms);
    registry.observe(Method::other, "<unmatched>", 501, 1ms);
    const std::string text = registry.render();
    CHECK(sample(text, R"(http_requests_total{method="GET",route="/q\"uo\\te\nd",status="200"})") == 1);
    CHECK(sample(text, R"(http_requests_total{method="other",route="<unmatched>",status="501"})") == 1);
}

TEST_CASE("metrics: route labels come from the matched pattern", "[features][metrics]") {
    MetricsRegistry registry(MetricsOptions{.worker_stats = false});
    TestRequest matched(head("GET", "/users/42"));
    static constexpr std::string_view kNames[] = {"id"};
    static const std::string_view values[] = {"42"};
    matched->set_route("/users/{id:int}", kNames, values);
    registry.record(*matched, Response::text("ok"), 1ms);
    TestRequest lost(head("GET", "/nothing/here"));
    registry.record(*lost, Response::text("Not Found\n", 404), 1ms);
    TestRequest scrape(head("GET", "/metrics"));
    registry.record(*scrape, Response::text("..."), 1ms);
    const std::string text = registry.render();
    CHECK(sample(text, R"(http_requests_total{method="GET",route="/users/{id:int}",status="200"})") == 1);
    CHECK(sample(text, R"(http_requests_total{method="GET",route="<unmatched>",status="404"})") == 1);
    CHECK(sample(text, R"(http_requests_total{method="GET",route="/metrics",status="200"})") == 1);
    CHECK(text.find("/users/42") == std::string::npos);
    CHECK(text.find("/nothing/here") == std::string::npos);
}

TEST_CASE("metrics: the endpoint answers GET and HEAD at its path only", "[features][metrics]") {
    MetricsRegistry registry(MetricsOptions{.path = "/internal/metrics"});
    TestRequest get(head("GET", "/internal/metrics?x=1"));
    auto answer = registry.serve(*get);
    REQUIRE(answer);
    CHECK(answer->status() == 200);
    CHECK(answer->content_type() == MetricsRegistry::kContentType);
    CHECK(answer->body().find("# TYPE http_requests_total counter") != std::string::npos);
    CHECK(answer->body().find("# TYPE sweet_connections_open gauge") != std::string::npos);
    TestRequest head_req(head("HEAD", "/internal/metrics"));
    CHECK(registry.serve(*head_req));
    TestRequest post(head("POST", "/internal/metrics"));
    auto refused = registry.serve(*post);
    REQUIRE(refused);
    CHECK(refused->status() == 405);
    REQUIRE(refused->header("Allow") != nullptr);
    TestRequest other(head("GET", "/metrics"));
    CHECK_FALSE(registry.serve(*other));

    MetricsRegistry silent(MetricsOptions{.path = ""});
    CHECK_FALSE(silent.serve(*other));
}

TEST_CASE("metrics: bad options are refused", "[features][metrics]") {
    CHECK_THROWS_AS(MetricsRegistry(MetricsOptions{.buckets = {0.1, 0.1}}), std::invalid_argument);
    CHECK_THROWS_AS(MetricsRegistry(MetricsOptions{.buckets = {0.5, 0.1}}), std::invalid_argument);
    CHECK_THROWS_AS(MetricsRegistry(MetricsOptions{.buckets = {-1}}), std::invalid_argument);
    CHECK_THROWS_AS(MetricsRegistry(MetricsOptions{.buckets = {1, std::numeric_limits<double>::infinity()}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(MetricsRegistry(MetricsOptions{.path = "metrics"}), std::invalid_argument);
    CHECK_THROWS_AS(MetricsRegistry(MetricsOptions{.max_series = 0}), std::invalid_argument);
    MetricsRegistry no_buckets(MetricsOptions{.buckets = {}, .worker_stats = false});
    no_buckets.observe(Method::get, "/", 200, 1ms);
    const std::string text = no_buckets.render();
    CHECK(sample(text, R"(http_request_duration_seconds_bucket{route="/",le="+Inf"})") == 1);
}

TEST_CASE("metrics: the bundle serves in on_request and records in after_response", "[features][metrics]") {
    auto registry = std::make_shared<MetricsRegistry>(MetricsOptions{.worker_stats = false});
    auto bundle = sweet::metrics(registry);
    STATIC_REQUIRE(decltype(bundle)::count<sweet::HookPhase::on_request> == 1);
    STATIC_REQUIRE(decltype(bundle)::count<sweet::HookPhase::after_response> == 1);
    TestRequest req(head("PUT", "/thing"));
    CHECK_FALSE(std::get<0>(bundle.list).fn(*req).responded());
    std::get<1>(bundle.list).fn(*req, Response::text("x", 409), sweet::ResponseInfo{100, 3ms});
    TestRequest scrape(head("GET", "/metrics"));
    sweet::Step step = std::get<0>(bundle.list).fn(*scrape);
    REQUIRE(step.responded());
    CHECK(sample(step.response().body(), R"(http_requests_total{method="PUT",route="<unmatched>",status="409"})") == 1);
}
