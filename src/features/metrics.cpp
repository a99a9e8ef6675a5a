/// @file metrics.cpp
/// Prometheus metrics: lock-free per-thread shards and the text exposition format 0.0.4.

#include "sweet/features/metrics.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <iterator>
#include <map>
#include <stdexcept>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "sweet/http/server.hpp"

namespace sweet {

namespace {

// One (method, route, status) series with its latency histogram. The labels never change once
// the series is published; only the owning thread writes the counters.
struct Series {
    http::Method method;
    std::string method_label;
    std::string route;
    int status;
    std::atomic<std::uint64_t> count{0};
    std::atomic<std::uint64_t> sum_ns{0};
    std::unique_ptr<std::atomic<std::uint64_t>[]> buckets;  // per bound, not cumulative

    Series(http::Method m, std::string_view r, int s, std::size_t bucket_count)
        : method(m),
          method_label(m == http::Method::other ? "other" : std::string(http::method_name(m))),
          route(r),
          status(s),
          buckets(std::make_unique<std::atomic<std::uint64_t>[]>(bucket_count)) {}
};

// Single-writer increment: the owning thread is the only writer, so a load and a store (no
// locked read-modify-write) are exact; readers see each value whole thanks to the atomics.
inline void bump(std::atomic<std::uint64_t>& counter, std::uint64_t by = 1) noexcept {
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

struct SeriesKey {
    std::string_view route;
    int status;
    http::Method method;
    bool operator==(const SeriesKey&) const = default;
};

struct SeriesKeyHash {
    std::size_t operator()(const SeriesKey& k) const noexcept {
        return std::hash<std::string_view>{}(k.route) ^ (static_cast<std::size_t>(k.status) << 8) ^
               static_cast<std::size_t>(k.method);
    }
};

// Which shard each thread uses for each registry. Registry ids are never reused, so an entry
// of a destroyed registry is simply never matched again.
struct ShardRef {
    std::uint64_t registry;
    void* shard;
};

std::vector<ShardRef>& thread_shards() {
    thread_local std::vector<ShardRef> refs;
    return refs;
}

std::atomic<std::uint64_t> next_registry_id{1};

// A label value with the escapes of the text format: backslash, double quote, line feed.
std::string escape_label(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (char c : value) {
        if (c == '\\') out += "\\\\";
        else if (c == '"') out += "\\\"";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

std::string seconds_text(double seconds) { return fmt::format("{}", seconds); }

}  // namespace

// Slots are allocated up front (pointers only) so a publishing writer never moves what a
// scraping reader is reading: the writer fills slot n, then publishes n + 1 with release.
struct MetricsRegistry::Shard {
    explicit Shard(std::size_t max_series) : slots(std::make_unique<std::unique_ptr<Series>[]>(max_series)), capacity(max_series) {}

    std::unique_ptr<std::unique_ptr<Series>[]> slots;
    std::size_t capacity;
    std::atomic<std::size_t> published{0};
    std::atomic<std::uint64_t> dropped{0};
    // Owner-thread only:
    std::unordered_map<SeriesKey, Series*, SeriesKeyHash> index;  // keys view the series' own route
    Series* last = nullptr;                                       // most requests repeat a route
};

MetricsRegistry::MetricsRegistry(MetricsOptions options)
    : options_(std::move(options)), id_(next_registry_id.fetch_add(1, std::memory_order_relaxed)) {
    if (!options_.path.empty() && options_.path[0] != '/') {
        throw std::invalid_argument(fmt::format("sweet::metrics: path \"{}\" must start with '/'", options_.path));
    }
    if (options_.max_series == 0) throw std::invalid_argument("sweet::metrics: max_series must be at least 1");
    double previous = 0;
    for (double bound : options_.buckets) {
        if (!std::isfinite(bound) || bound <= previous) {
            throw std::invalid_argument(
                "sweet::metrics: histogram buckets must be finite, positive and strictly increasing");
        }
        previous = bound;
        bounds_ns_.push_back(static_cast<std::uint64_t>(std::llround(bound * 1e9)));
    }
}

MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Shard& MetricsRegistry::local_shard() {
    std::vector<ShardRef>& refs = thread_shards();
    for (const ShardRef& ref : refs) {
        if (ref.registry == id_) return *static_cast<Shard*>(ref.shard);
    }
    // First observation of this thread: register a shard (the only lock on the recording path,
    // once per thread). Shards outlive their threads so counters never go backwards.
    std::lock_guard lock(shards_mutex_);
    shards_.push_back(std::make_unique<Shard>(options_.max_series));
    Shard* shard = shards_.back().get();
    refs.push_back(ShardRef{id_, shard});
    return *shard;
}

void MetricsRegistry::observe(http::Method method, std::string_view route, int status, std::chrono::nanoseconds duration) {
    Shard& shard = local_shard();
    Series* series = shard.last;
    if (series == nullptr || series->method != method || series->status != status || series->route != route) {
        const auto it = shard.index.find(SeriesKey{route, status, method});
        if (it != shard.index.end()) {
            series = it->second;
        } else {
            const std::size_t n = shard.published.load(std::memory_order_relaxed);
            if (n == shard.capacity) {
                bump(shard.dropped);
                return;
            }
            shard.slots[n] = std::make_unique<Series>(method, route, status, bounds_ns_.size());
            series = shard.slots[n].get();
            shard.index.emplace(SeriesKey{series->route, status, method}, series);
            shard.published.store(n + 1, std::memory_order_release);
        }
        shard.last = series;
    }
    const std::uint64_t ns = duration.count() > 0 ? static_cast<std::uint64_t>(duration.count()) : 0;
    // Prometheus buckets count observations <= le: the first bound at or above the value.
    const auto bound = std::lower_bound(bounds_ns_.begin(), bounds_ns_.end(), ns);
    if (bound != bounds_ns_.end()) bump(series->buckets[static_cast<std::size_t>(bound - bounds_ns_.begin())]);
    bump(series->sum_ns, ns);
    bump(series->count);
}

void MetricsRegistry::record(const Request& request, const Response& response, std::chrono::nanoseconds duration) {
    std::string_view route = request.route_pattern();
    if (route.empty()) {
        route = !options_.path.empty() && request.path() == options_.path ? std::string_view(options_.path)
                                                                           : std::string_view(options_.unmatched_route);
    }
    observe(request.method(), route, response.status(), duration);
}

std::optional<Response> MetricsRegistry::serve(const Request& request) const {
    if (options_.path.empty() || request.path() != options_.path) return std::nullopt;
    if (request.method() != http::Method::get && request.method() != http::Method::head) {
        Response refused = Response::text("Method Not Allowed: the metrics endpoint answers GET and HEAD\n", 405);
        refused.set_header("Allow", "GET, HEAD");
        return refused;
    }
    Response response(200);
    response.set_content_type(std::string(kContentType));
    response.set_body(render());
    response.set_header("Cache-Control", "no-store");
    return response;
}

std::string MetricsRegistry::render() const {
    // Sum the shards. Counters are read one by one with relaxed loads: each value is exact, and
    // together they describe "about now", which is what a scrape means.
    struct Histogram {
        std::vector<std::uint64_t> buckets;
        std::uint64_t count = 0;
        std::uint64_t sum_ns = 0;
    };
    std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests;  // (route, method, status)
    std::map<std::string, Histogram> histograms;
    std::uint64_t dropped = 0;
    {
        std::lock_guard lock(shards_mutex_);
        for (const auto& shard : shards_) {
            dropped += shard->dropped.load(std::memory_order_relaxed);
            const std::size_t n = shard->published.load(std::memory_order_acquire);
            for (std::size_t i = 0; i < n; ++i) {
                const Series& s = *shard->slots[i];
                const std::uint64_t count = s.count.load(std::memory_order_relaxed);
                requests[{s.route, s.method_label, s.status}] += count;
                Histogram& h = histograms[s.route];
                h.buckets.resize(bounds_ns_.size());
                for (std::size_t b = 0; b < bounds_ns_.size(); ++b) h.buckets[b] += s.buckets[b].load(std::memory_order_relaxed);
                h.count += count;
                h.sum_ns += s.sum_ns.load(std::memory_order_relaxed);
            }
        }
    }

    std::string out;
    out.reserve(256 + requests.size() * 96 + histograms.size() * (bounds_ns_.size() + 3) * 80);
    out += "# HELP http_requests_total HTTP requests answered, by method, matched route and status.\n";
    out += "# TYPE http_requests_total counter\n";
    for (const auto& [key, count] : requests) {
        const auto& [route, method, status] = key;
        fmt::format_to(std::back_inserter(out), "http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
                       escape_label(method), escape_label(route), status, count);
    }
    out += "# HELP http_request_duration_seconds Time from the complete request head to the queued response, by matched route.\n";
    out += "# TYPE http_request_duration_seconds histogram\n";
    for (const auto& [route, h] : histograms) {
        const std::string label = escape_label(route);
        std::uint64_t cumulative = 0;
        for (std::size_t b = 0; b < bounds_ns_.size(); ++b) {
            cumulative += h.buckets[b];
            fmt::format_to(std::back_inserter(out), "http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                           label, seconds_text(options_.buckets[b]), cumulative);
        }
        // A scrape racing a recording thread may see a bucket before its count: keep the
        // histogram consistent (+Inf >= every bucket, and +Inf == _count).
        const std::uint64_t total = std::max(h.count, cumulative);
        fmt::format_to(std::back_inserter(out), "http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n",
                       label, total);
        fmt::format_to(std::back_inserter(out), "http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", label,
                       seconds_text(static_cast<double>(h.sum_ns) * 1e-9));
        fmt::format_to(std::back_inserter(out), "http_request_duration_seconds_count{{route=\"{}\"}} {}\n", label, total);
    }
    out += "# HELP sweet_metrics_series_dropped_total Observations not recorded because a worker reached max_series.\n";
    out += "# TYPE sweet_metrics_series_dropped_total counter\n";
    fmt::format_to(std::back_inserter(out), "sweet_metrics_series_dropped_total {}\n", dropped);

    if (options_.worker_stats) {
        // Several servers in one process may reuse worker numbers: add them up per number so
        // every series appears once.
        struct Figures {
            std::uint64_t open = 0, accepted = 0, requests = 0;
        };
        std::map<int, Figures> workers;
        std::uint64_t open_total = 0;
        for (const auto& stats : http::worker_stats()) {
            Figures& f = workers[stats->worker];
            const std::uint64_t open = stats->connections_open.load(std::memory_order_relaxed);
            f.open += open;
            f.accepted += stats->connections_accepted.load(std::memory_order_relaxed);
            f.requests += stats->requests.load(std::memory_order_relaxed);
            open_total += open;
        }
        out += "# HELP sweet_connections_open Open client connections, all workers.\n";
        out += "# TYPE sweet_connections_open gauge\n";
        fmt::format_to(std::back_inserter(out), "sweet_connections_open {}\n", open_total);
        out += "# HELP sweet_worker_connections_open Open client connections of one worker.\n";
        out += "# TYPE sweet_worker_connections_open gauge\n";
        for (const auto& [worker, f] : workers) {
            fmt::format_to(std::back_inserter(out), "sweet_worker_connections_open{{worker=\"{}\"}} {}\n", worker, f.open);
        }
        out += "# HELP sweet_worker_connections_accepted_total Connections one worker accepted since it started.\n";
        out += "# TYPE sweet_worker_connections_accepted_total counter\n";
        for (const auto& [worker, f] : workers) {
            fmt::format_to(std::back_inserter(out), "sweet_worker_connections_accepted_total{{worker=\"{}\"}} {}\n", worker,
                           f.accepted);
        }
        out += "# HELP sweet_worker_requests_total Requests one worker handled since it started.\n";
        out += "# TYPE sweet_worker_requests_total counter\n";
        for (const auto& [worker, f] : workers) {
            fmt::format_to(std::back_inserter(out), "sweet_worker_requests_total{{worker=\"{}\"}} {}\n", worker, f.requests);
        }
    }
    return out;
}

}  // namespace sweet
