#pragma once
/// @file metrics.hpp
/// Prometheus metrics as a hook bundle, served at /metrics without a route:
///
///     app.add_hooks(sweet::metrics());                                  // GET /metrics
///     app.add_hooks(sweet::metrics({.path = "/internal/metrics", .buckets = {0.001, 0.01, 0.1, 1}}));
///
/// Exposed in the text format 0.0.4, summed over every worker:
///   http_requests_total{method,route,status}            counter
///   http_request_duration_seconds{route} (+_bucket{le}) histogram, from the complete request
///                                                        head to the queued response
///   sweet_connections_open                               gauge, all workers
///   sweet_worker_connections_open{worker}                gauge, per worker
///   sweet_worker_connections_accepted_total{worker}      counter, per worker
///   sweet_worker_requests_total{worker}                  counter, per worker
///   sweet_metrics_series_dropped_total                   counter: observations beyond max_series
/// `route` is the matched pattern ("/users/{id:int}"), never the raw path, so label values stay
/// few; requests that matched no route share `unmatched_route`.
///
/// Recording costs no lock and no shared write: each worker thread owns a shard of counters
/// that only it writes; the scrape reads every shard with relaxed atomic loads.
/// Install the bundle app-wide (`app.add_hooks`): the endpoint is answered by an on_request
/// hook, which on a group would only see that group's routes.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/app/hooks.hpp"
#include "sweet/app/middleware.hpp"
#include "sweet/http/method.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet {

/// Settings of `sweet::metrics`.
struct MetricsOptions {
    /// Where the metrics are served (GET and HEAD; other methods get 405). "" serves nothing:
    /// call `MetricsRegistry::render` yourself. Default: "/metrics".
    std::string path = "/metrics";
    /// Upper bounds (seconds) of the latency histogram's buckets, strictly increasing; `+Inf`
    /// is implied. Default: 100 us to 10 s.
    std::vector<double> buckets{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
    /// The route label of requests that matched no route (404s, 405s). Default: "<unmatched>".
    std::string unmatched_route = "<unmatched>";
    /// Most (method, route, status) series one worker records; further ones are counted in
    /// sweet_metrics_series_dropped_total. Default: 2048.
    std::size_t max_series = 2048;
    /// Include the per-worker server figures (connections, requests). Default: true.
    bool worker_stats = true;
};

/// The counters behind `sweet::metrics`: per-thread shards written without locks, summed by
/// `render`. Thread-safe.
class MetricsRegistry {
public:
    /// Checks `options`: throws `std::invalid_argument` when the buckets are not finite,
    /// positive and strictly increasing, `max_series` is 0, or `path` does not start with '/'.
    explicit MetricsRegistry(MetricsOptions options = {});
    ~MetricsRegistry();
    MetricsRegistry(const MetricsRegistry&) = delete;
    MetricsRegistry& operator=(const MetricsRegistry&) = delete;

    /// Records one answered request (from the calling thread's shard; no lock).
    void observe(http::Method method, std::string_view route, int status, std::chrono::nanoseconds duration);
    /// Records `request`/`response` as an after_response hook does (route label rules above).
    void record(const Request& request, const Response& response, std::chrono::nanoseconds duration);
    /// The metrics endpoint's answer when `request` is for `path`, else nullopt.
    [[nodiscard]] std::optional<Response> serve(const Request& request) const;
    /// Every metric in the Prometheus text format 0.0.4.
    [[nodiscard]] std::string render() const;
    /// The options in force.
    [[nodiscard]] const MetricsOptions& options() const noexcept { return options_; }

    /// Content-Type of the text format.
    static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    struct Shard;
    Shard& local_shard();

    MetricsOptions options_;
    std::vector<std::uint64_t> bounds_ns_;  // bucket bounds in nanoseconds (observations are integral ns)
    std::uint64_t id_;                      // unique per registry, for the threads' shard lookup
    mutable std::mutex shards_mutex_;       // guards the list, not the counters
    std::vector<std::unique_ptr<Shard>> shards_;
};

/// The metrics hook bundle recording into `registry` (share one registry between bundles, or
/// render it elsewhere).
inline auto metrics(std::shared_ptr<MetricsRegistry> registry) {
    return sweet::hooks(
        sweet::on_request([registry](Request& request) -> Step {
            if (auto answer = registry->serve(request)) return sweet::respond(std::move(*answer));
            return sweet::next();
        }),
        sweet::after_response([registry](Request& request, const Response& response, const ResponseInfo& info) {
            registry->record(request, response, info.duration);
        }));
}

/// The metrics hook bundle with a registry of its own (see the file comment).
inline auto metrics(MetricsOptions options = {}) { return metrics(std::make_shared<MetricsRegistry>(std::move(options))); }

}  // namespace sweet
