#pragma once
/// @file rate_limit.hpp
/// Rate limiting with token buckets, as a hook bundle:
///
///     app.add_hooks(sweet::rate_limit({.rate = 5, .burst = 20}));   // per client IP
///     app.add_hooks(sweet::rate_limit({.rate = 100, .burst = 100,
///                                      .key = [](sweet::Request& r) { return r.header("X-Api-Key").value_or(""); }}));
///
/// Each key (the client's IP address by default) owns a bucket of `burst` tokens that refills
/// at `rate` tokens per second; a request takes `cost` tokens. A request that finds too few is
/// refused in `on_request` with an `Error` of status 429, which the app's error handler turns
/// into the response; `on_response` then adds `Retry-After` (whole seconds) and the RateLimit
/// headers (`RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset`, `RateLimit-Policy`,
/// after the IETF httpapi draft). Allowed responses carry the RateLimit headers too unless
/// `headers_on_success` is off.
///
/// Buckets live in a `RateLimitStore`. The default, `MemoryRateLimitStore`, is in-process
/// (per server, sharded, bounded). A store shared by several servers (Redis: one Lua script
/// doing the same refill-and-take atomically) implements the same interface and is passed as
/// `RateLimitOptions::store`. Stores are called synchronously on the worker thread, so a
/// remote store must answer fast or keep a local cache.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "sweet/app/hooks.hpp"
#include "sweet/app/middleware.hpp"
#include "sweet/core/result.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet {

/// What a store answered for one request.
struct RateLimitDecision {
    bool allowed = true;                         ///< the tokens were taken
    double limit = 0;                            ///< the bucket's capacity (burst)
    double remaining = 0;                        ///< tokens left after this request
    std::chrono::nanoseconds retry_after{0};     ///< when refused: until enough tokens are back
    std::chrono::nanoseconds reset{0};           ///< until the bucket is full again
};

/// Where token buckets live. Implementations must be thread-safe: every worker calls `consume`.
class RateLimitStore {
public:
    virtual ~RateLimitStore() = default;
    /// Refills the bucket of `key` up to `now`, then takes `cost` tokens if it has them.
    /// A key never seen starts with a full bucket.
    virtual RateLimitDecision consume(std::string_view key, double cost, std::chrono::steady_clock::time_point now) = 0;
};

/// A token bucket's shape: refills at `rate` tokens per second up to `burst`.
struct TokenBucket {
    double rate = 10;   ///< tokens per second (sustained requests per second at cost 1)
    double burst = 20;  ///< capacity: requests allowed at once after a quiet period
};

/// Memory bounds of `MemoryRateLimitStore`.
struct MemoryRateLimitStoreOptions {
    /// Independent locks (and maps); more shards, less contention between workers. Default: 64.
    std::size_t shards = 64;
    /// Most keys kept. When a shard is full it first drops buckets that have refilled (they
    /// equal a fresh bucket, so nothing is lost), then the least recently used quarter.
    /// Default: 100'000 (~100 bytes each).
    std::size_t max_keys = 100'000;
    /// How often a shard drops refilled buckets even when not full. Default: 60 s.
    std::chrono::seconds sweep_interval{60};
};

/// The in-process store: buckets in `shards` hash maps, each behind its own mutex (held for a
/// lookup and a few arithmetic operations). Memory is bounded by `max_keys`.
class MemoryRateLimitStore final : public RateLimitStore {
public:
    /// A store of buckets shaped `bucket`. Throws `std::invalid_argument` when rate or burst is
    /// not positive, or shards or max_keys is 0.
    explicit MemoryRateLimitStore(TokenBucket bucket, MemoryRateLimitStoreOptions options = {});
    ~MemoryRateLimitStore() override;
    MemoryRateLimitStore(const MemoryRateLimitStore&) = delete;
    MemoryRateLimitStore& operator=(const MemoryRateLimitStore&) = delete;

    /// See `RateLimitStore::consume`.
    RateLimitDecision consume(std::string_view key, double cost, std::chrono::steady_clock::time_point now) override;
    /// Keys currently held (for tests and monitoring; takes every shard's lock).
    [[nodiscard]] std::size_t size() const;
    /// The bucket shape.
    [[nodiscard]] const TokenBucket& bucket() const noexcept { return bucket_; }

private:
    struct Shard;
    TokenBucket bucket_;
    MemoryRateLimitStoreOptions options_;
    std::size_t per_shard_capacity_;
    std::unique_ptr<Shard[]> shards_;
};

/// Picks the bucket key of a request; an empty key exempts the request from the limit. The
/// view must stay valid until the hook returns (views into the request, or memory from
/// `request.arena()`, are fine).
using RateLimitKey = std::function<std::string_view(Request&)>;

/// Ready-made key functions.
namespace rate_limit_keys {
/// The client's IP address from the socket (the default).
RateLimitKey client_ip();
/// The address `trusted_proxies` hops back in X-Forwarded-For: with one reverse proxy that
/// appends the client's address, 1 takes the last entry, which the client cannot forge.
/// Falls back to the socket's address when the header has fewer entries.
RateLimitKey forwarded_for(unsigned trusted_proxies = 1);
/// The value of header `name` (e.g. an API key); requests without it are keyed by their IP
/// address, so leaving the header out does not escape the limit.
RateLimitKey header(std::string name);
}  // namespace rate_limit_keys

/// Settings of `sweet::rate_limit`.
struct RateLimitOptions {
    /// Tokens added per second (the sustained request rate at cost 1). Default: 10.
    double rate = 10;
    /// Bucket capacity (the burst allowed after a quiet period). Default: 20.
    double burst = 20;
    /// Tokens one request takes; at most `burst`. Default: 1.
    double cost = 1;
    /// The bucket key of a request. Default (empty): `rate_limit_keys::client_ip()`.
    RateLimitKey key{};
    /// Where buckets live. Default (null): a `MemoryRateLimitStore` shaped by rate and burst,
    /// bounded by `memory`. A custom store has its own bucket shape; `rate` and `burst` then
    /// only feed the RateLimit-Policy header.
    std::shared_ptr<RateLimitStore> store{};
    /// Bounds of the default store.
    MemoryRateLimitStoreOptions memory{};
    /// Add the RateLimit headers to allowed responses too. Default: true.
    bool headers_on_success = true;
    /// The 429 error's message (the error handler decides how it is shown). Default: "too many
    /// requests, slow down".
    std::string message = "too many requests, slow down";
};

/// The limiter behind the hooks; thread-safe, shared by every worker.
class RateLimiter {
public:
    /// Checks `options` and makes the default store. Throws `std::invalid_argument` when rate,
    /// burst or cost is not positive or cost exceeds burst.
    explicit RateLimiter(RateLimitOptions options);
    /// on_request: takes a token for `request`; a 429 Error when the bucket is empty.
    Result<void> check(Request& request) const;
    /// on_response: adds Retry-After / RateLimit-* for the decision `check` made on this thread.
    void annotate(const Request& request, Response& response) const;
    /// The store in use.
    [[nodiscard]] RateLimitStore& store() const noexcept { return *options_.store; }
    /// The options in force (with the defaults filled in).
    [[nodiscard]] const RateLimitOptions& options() const noexcept { return options_; }

private:
    RateLimitOptions options_;
    std::string policy_value_;
};

/// Writes the RateLimit-* headers (and Retry-After when refused) of `decision` to `response`.
/// `policy` is the RateLimit-Policy value ("" omits it).
void write_rate_limit_headers(const RateLimitDecision& decision, std::string_view policy, Response& response);

/// The rate-limit hook bundle (see the file comment).
inline auto rate_limit(RateLimitOptions options = {}) {
    auto limiter = std::make_shared<const RateLimiter>(std::move(options));
    return sweet::hooks(sweet::on_request([limiter](Request& request) { return limiter->check(request); }),
                        sweet::on_response([limiter](Request& request, Response& response) {
                            limiter->annotate(request, response);
                        }));
}

}  // namespace sweet
