/// @file rate_limit.cpp
/// Token buckets: the in-process sharded store, the key functions, and the hooks' logic.

#include "sweet/features/rate_limit.hpp"

#include <algorithm>
#include <cmath>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "header_tokens.hpp"

namespace sweet {

namespace {

using Clock = std::chrono::steady_clock;

std::int64_t to_ns(Clock::time_point t) noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

std::chrono::nanoseconds seconds_to_ns(double seconds) noexcept {
    return std::chrono::nanoseconds(static_cast<std::int64_t>(std::ceil(seconds * 1e9)));
}

// Heterogeneous lookup: find a bucket by string_view without building a std::string.
struct KeyHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view key) const noexcept { return std::hash<std::string_view>{}(key); }
};

struct Bucket {
    double tokens;
    std::int64_t last_ns;  // when `tokens` was last brought up to date
};

// The decision `check` made for the request now on this thread, for `annotate` to turn into
// headers. Hooks of one request run on one thread one after the other, so a per-thread slot per
// limiter is enough; `request` tells a stale slot (its request never reached on_response) apart.
struct PendingDecision {
    const RateLimiter* limiter;
    const Request* request;
    RateLimitDecision decision;
};

std::vector<PendingDecision>& pending_decisions() {
    thread_local std::vector<PendingDecision> pending;
    return pending;
}

void validate_bucket(double rate, double burst, const char* who) {
    if (!(rate > 0) || !std::isfinite(rate)) throw std::invalid_argument(fmt::format("{}: rate must be a positive number", who));
    if (!(burst >= 1) || !std::isfinite(burst)) throw std::invalid_argument(fmt::format("{}: burst must be at least 1", who));
}

}  // namespace

// ---- MemoryRateLimitStore ---------------------------------------------------------------------

struct MemoryRateLimitStore::Shard {
    std::mutex mutex;
    std::unordered_map<std::string, Bucket, KeyHash, std::equal_to<>> buckets;
    std::int64_t next_sweep_ns = 0;
};

MemoryRateLimitStore::MemoryRateLimitStore(TokenBucket bucket, MemoryRateLimitStoreOptions options)
    : bucket_(bucket), options_(options) {
    validate_bucket(bucket_.rate, bucket_.burst, "sweet::MemoryRateLimitStore");
    if (options_.shards == 0) throw std::invalid_argument("sweet::MemoryRateLimitStore: shards must be at least 1");
    if (options_.max_keys == 0) throw std::invalid_argument("sweet::MemoryRateLimitStore: max_keys must be at least 1");
    options_.shards = std::min(options_.shards, options_.max_keys);
    per_shard_capacity_ = std::max<std::size_t>(1, options_.max_keys / options_.shards);
    shards_ = std::make_unique<Shard[]>(options_.shards);
}

MemoryRateLimitStore::~MemoryRateLimitStore() = default;

RateLimitDecision MemoryRateLimitStore::consume(std::string_view key, double cost, Clock::time_point now) {
    const double rate = bucket_.rate;
    const double burst = bucket_.burst;
    const std::int64_t now_ns = to_ns(now);
    // Mix the hash before picking a shard: the shard's map buckets by the same hash modulo its
    // size, and keys of one shard should not all share low bits there.
    const std::size_t h = KeyHash{}(key) * 0x9e3779b97f4a7c15ULL;
    Shard& shard = shards_[(h >> 32) % options_.shards];

    // A bucket whose refill since `last_ns` reaches `burst` equals a fresh one: dropping it
    // loses nothing.
    const auto refilled = [&](const Bucket& b) {
        return b.tokens + static_cast<double>(now_ns - b.last_ns) * 1e-9 * rate >= burst;
    };

    std::lock_guard lock(shard.mutex);
    auto& buckets = shard.buckets;
    if (now_ns >= shard.next_sweep_ns) {
        std::erase_if(buckets, [&](const auto& entry) { return refilled(entry.second); });
        shard.next_sweep_ns = now_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(options_.sweep_interval).count();
    }
    auto it = buckets.find(key);
    if (it == buckets.end()) {
        if (buckets.size() >= per_shard_capacity_) {
            std::erase_if(buckets, [&](const auto& entry) { return refilled(entry.second); });
            // Still full: drop the least recently used down to three quarters, so the O(n) pass
            // happens once per n/4 new keys, not on every one.
            const std::size_t target = per_shard_capacity_ - per_shard_capacity_ / 4 - 1;
            if (buckets.size() > target) {
                std::vector<std::int64_t> ages;
                ages.reserve(buckets.size());
                for (const auto& entry : buckets) ages.push_back(entry.second.last_ns);
                const std::size_t drop = buckets.size() - target;
                std::nth_element(ages.begin(), ages.begin() + static_cast<std::ptrdiff_t>(drop - 1), ages.end());
                const std::int64_t cutoff = ages[drop - 1];
                std::size_t dropped = 0;
                std::erase_if(buckets, [&](const auto& entry) {
                    if (dropped < drop && entry.second.last_ns <= cutoff) {
                        ++dropped;
                        return true;
                    }
                    return false;
                });
            }
        }
        it = buckets.emplace(std::string(key), Bucket{burst, now_ns}).first;
    }

    Bucket& b = it->second;
    if (now_ns > b.last_ns) {  // workers' clocks readings may arrive slightly out of order
        b.tokens = std::min(burst, b.tokens + static_cast<double>(now_ns - b.last_ns) * 1e-9 * rate);
        b.last_ns = now_ns;
    }
    RateLimitDecision decision;
    decision.limit = burst;
    if (b.tokens >= cost) {
        b.tokens -= cost;
        decision.allowed = true;
    } else {
        decision.allowed = false;
        decision.retry_after = seconds_to_ns((cost - b.tokens) / rate);
    }
    decision.remaining = b.tokens;
    decision.reset = seconds_to_ns((burst - b.tokens) / rate);
    return decision;
}

std::size_t MemoryRateLimitStore::size() const {
    std::size_t total = 0;
    for (std::size_t i = 0; i < options_.shards; ++i) {
        std::lock_guard lock(shards_[i].mutex);
        total += shards_[i].buckets.size();
    }
    return total;
}

// ---- key functions ------------------------------------------------------------------------------

namespace rate_limit_keys {

RateLimitKey client_ip() {
    return [](Request& request) { return request.client_ip(); };
}

RateLimitKey forwarded_for(unsigned trusted_proxies) {
    if (trusted_proxies == 0) throw std::invalid_argument("sweet::rate_limit_keys::forwarded_for: trusted_proxies must be at least 1");
    return [trusted_proxies](Request& request) -> std::string_view {
        // Entries of every X-Forwarded-For field, in order; take the one `trusted_proxies`
        // from the end (entries before it were written by whoever sent the request).
        std::vector<std::string_view> entries;
        for (const http::Header& h : request.headers()) {
            if (!ascii_iequals(h.name, "X-Forwarded-For")) continue;
            features_detail::for_each_list_element(h.value, [&entries](std::string_view e) {
                entries.push_back(e);
                return true;
            });
        }
        if (entries.size() < trusted_proxies) return request.client_ip();
        return entries[entries.size() - trusted_proxies];
    };
}

RateLimitKey header(std::string name) {
    if (!features_detail::is_token(name)) {
        throw std::invalid_argument(fmt::format("sweet::rate_limit_keys::header: \"{}\" is not a header name", name));
    }
    return [name = std::move(name)](Request& request) -> std::string_view {
        if (auto value = request.header(name); value && !value->empty()) return *value;
        return request.client_ip();
    };
}

}  // namespace rate_limit_keys

// ---- headers and the limiter --------------------------------------------------------------------

void write_rate_limit_headers(const RateLimitDecision& decision, std::string_view policy, Response& response) {
    const auto whole_seconds_up = [](std::chrono::nanoseconds ns) {
        return static_cast<long long>((ns.count() + 999'999'999) / 1'000'000'000);
    };
    response.set_header("RateLimit-Limit", fmt::format("{}", static_cast<long long>(std::floor(decision.limit))));
    response.set_header("RateLimit-Remaining",
                        fmt::format("{}", static_cast<long long>(std::floor(std::max(0.0, decision.remaining)))));
    response.set_header("RateLimit-Reset", fmt::format("{}", whole_seconds_up(decision.reset)));
    if (!policy.empty()) response.set_header("RateLimit-Policy", std::string(policy));
    if (!decision.allowed) {
        response.set_header("Retry-After", fmt::format("{}", std::max(1LL, whole_seconds_up(decision.retry_after))));
    }
}

RateLimiter::RateLimiter(RateLimitOptions options) : options_(std::move(options)) {
    validate_bucket(options_.rate, options_.burst, "sweet::rate_limit");
    if (!(options_.cost > 0) || options_.cost > options_.burst) {
        throw std::invalid_argument(fmt::format("sweet::rate_limit: cost {} must be positive and at most burst {}",
                                                options_.cost, options_.burst));
    }
    if (!options_.key) options_.key = rate_limit_keys::client_ip();
    if (!options_.store) {
        options_.store = std::make_shared<MemoryRateLimitStore>(TokenBucket{options_.rate, options_.burst}, options_.memory);
    }
    // Policy "burst;w=window": the window in which `burst` requests are replenished.
    policy_value_ = fmt::format("{};w={}", static_cast<long long>(std::floor(options_.burst)),
                                static_cast<long long>(std::ceil(options_.burst / options_.rate)));
}

Result<void> RateLimiter::check(Request& request) const {
    const std::string_view key = options_.key(request);
    if (key.empty()) return {};  // exempt
    const RateLimitDecision decision = options_.store->consume(key, options_.cost, Clock::now());
    if (!decision.allowed || options_.headers_on_success) {
        auto& pending = pending_decisions();
        auto slot = std::find_if(pending.begin(), pending.end(), [this](const PendingDecision& p) { return p.limiter == this; });
        if (slot == pending.end()) {
            pending.push_back(PendingDecision{this, &request, decision});
        } else {
            slot->request = &request;
            slot->decision = decision;
        }
    }
    if (!decision.allowed) return Error::client(429, options_.message);
    return {};
}

void RateLimiter::annotate(const Request& request, Response& response) const {
    auto& pending = pending_decisions();
    for (std::size_t i = 0; i < pending.size(); ++i) {
        if (pending[i].limiter != this) continue;
        if (pending[i].request == &request) write_rate_limit_headers(pending[i].decision, policy_value_, response);
        pending[i] = pending.back();  // the slot is used up either way
        pending.pop_back();
        return;
    }
}

}  // namespace sweet
