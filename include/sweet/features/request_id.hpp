#pragma once
/// @file request_id.hpp
/// Request ids as a hook bundle: every request gets an id that logs, error reports and the
/// client can share.
///
///     app.add_hooks(sweet::request_id());              // X-Request-ID in, X-Request-ID out
///     app.add_hooks(sweet::request_id({.trust_incoming = false, .format = sweet::RequestIdFormat::uuid_v7}));
///
/// `on_request` keeps an id a hook before it already set, else takes the incoming header when
/// it is sane (1..`max_length` visible ASCII characters), else generates one, and stores it
/// with `Request::set_id`. `on_response` echoes it in the same header, error responses included.

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "sweet/app/hooks.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet {

/// How generated ids look.
enum class RequestIdFormat {
    /// Random UUID, version 4 (36 characters): "0b5a7f0e-3c2d-4e1f-9a8b-7c6d5e4f3a2b".
    uuid_v4,
    /// Time-ordered UUID, version 7 (36 characters): sorts by creation time to the millisecond.
    uuid_v7,
    /// A random per-thread prefix and a per-thread counter, both hex: "5f0c9a1e7b3d-1a" (at most
    /// 29 characters; the cheapest to make).
    compact,
};

/// Longest id `write_request_id` produces.
inline constexpr std::size_t kMaxGeneratedRequestIdLength = 36;

/// Settings of `sweet::request_id`.
struct RequestIdOptions {
    /// Header read from the request and written to the response. Default: "X-Request-ID".
    std::string header = "X-Request-ID";
    /// Use the client's (or the proxy's) id when it is sane. Turn off when clients must not
    /// choose ids. Default: true.
    bool trust_incoming = true;
    /// Longest incoming id accepted; longer ones are replaced by a generated id. Default: 128.
    std::size_t max_length = 128;
    /// Format of generated ids. Default: `uuid_v4`.
    RequestIdFormat format = RequestIdFormat::uuid_v4;
    /// Write the id into the response header. Default: true.
    bool echo = true;
};

/// True when `id` may be used as a request id: 1..`max_length` characters, each visible ASCII
/// (0x21-0x7E), so it is safe in headers and log lines.
[[nodiscard]] bool is_acceptable_request_id(std::string_view id, std::size_t max_length) noexcept;

/// Writes a new id in `format` to `out` (room for `kMaxGeneratedRequestIdLength` characters)
/// and returns its length. Uses a per-thread generator seeded from std::random_device: fast,
/// unique in practice, but not a secret (do not use ids as tokens).
std::size_t write_request_id(RequestIdFormat format, char* out) noexcept;

/// A new id in `format`, as a string.
[[nodiscard]] std::string new_request_id(RequestIdFormat format = RequestIdFormat::uuid_v4);

/// The request-id logic behind the hooks; immutable, shared by every worker.
class RequestIdPolicy {
public:
    /// Checks `options`: throws `std::invalid_argument` when the header name is not a token or
    /// `max_length` is 0.
    explicit RequestIdPolicy(RequestIdOptions options);
    /// Gives `request` its id (see the file comment).
    void assign(Request& request) const;
    /// Writes the request's id into `response` (when `echo` is on and the request has one).
    void echo(const Request& request, Response& response) const;
    /// The options in force.
    [[nodiscard]] const RequestIdOptions& options() const noexcept { return options_; }

private:
    RequestIdOptions options_;
};

/// The request-id hook bundle (see the file comment).
inline auto request_id(RequestIdOptions options = {}) {
    auto policy = std::make_shared<const RequestIdPolicy>(std::move(options));
    return sweet::hooks(sweet::on_request([policy](Request& request) { policy->assign(request); }),
                        sweet::on_response([policy](Request& request, Response& response) { policy->echo(request, response); }));
}

}  // namespace sweet
