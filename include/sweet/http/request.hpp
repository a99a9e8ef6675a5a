#pragma once
/// @file request.hpp
/// `Request`: what a handler receives. Views into the receive buffer (valid until the handler
/// returns), path parameters from the router, the request's arena and its worker's reactor.

#include <chrono>
#include <cstddef>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>

#include "sweet/core/arena.hpp"
#include "sweet/http/percent.hpp"
#include "sweet/http/request_head.hpp"

namespace sweet {

namespace net {
class Reactor;
}
namespace http {
class BodySink;
}

/// Readable slack the server guarantees after every request body (simdjson's
/// SIMDJSON_PADDING is 64; a static_assert where simdjson is used keeps the two in step).
inline constexpr std::size_t kBodyPadding = 64;

/// One HTTP request. Everything it returns is a view that stays valid until the handler (and
/// the middleware after it) returns; copy what must live longer. Memory from `arena()` is
/// released in one step after the response is written.
class Request {
public:
    /// Built by the connection; handlers receive it by reference.
    Request(const http::RequestHead& head, std::string_view body, Arena& arena, net::Reactor& reactor) noexcept
        : head_(&head), body_(body), arena_(&arena), reactor_(&reactor) {}

    /// The method as an enum (`Method::other` for extension methods).
    [[nodiscard]] http::Method method() const noexcept { return head_->method; }
    /// The method token as sent ("GET").
    [[nodiscard]] std::string_view method_name() const noexcept { return head_->method_name; }
    /// The request-target as sent ("/users/7?x=1").
    [[nodiscard]] std::string_view target() const noexcept { return head_->target; }
    /// The percent-decoded path ("/users/7"); routing uses it.
    [[nodiscard]] std::string_view path() const noexcept { return path_.empty() ? head_->path : path_; }
    /// The path as sent, not decoded.
    [[nodiscard]] std::string_view raw_path() const noexcept { return head_->path; }
    /// The query string as sent, without '?', not decoded.
    [[nodiscard]] std::string_view query_string() const noexcept { return head_->query; }
    /// The first value of query parameter `key`, percent-decoded ('+' is a space); nullopt when
    /// absent or badly encoded.
    [[nodiscard]] std::optional<std::string_view> query(std::string_view key) const {
        auto raw = http::find_query_param(head_->query, key);
        if (!raw) return std::nullopt;
        return decode_into_arena(*raw, true);
    }
    /// The first header named `name` (case-insensitive).
    [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept { return head_->find(name); }
    /// All header fields in the order sent.
    [[nodiscard]] std::span<const http::Header> headers() const noexcept { return {head_->headers, head_->header_count}; }
    /// The request body (decoded if it was chunked); empty when there is none. At least
    /// `kBodyPadding` readable bytes follow it in memory (their values are unspecified), so
    /// SIMD parsers such as simdjson can read it in place without a copy.
    [[nodiscard]] std::string_view body() const noexcept { return body_; }
    /// The sink that received the body as it arrived (see sweet/http/body_sink.hpp), or nullptr
    /// when the body (if any) is in `body()`.
    [[nodiscard]] http::BodySink* body_sink() const noexcept { return body_sink_; }
    /// Set by the server for a request whose body was streamed to `sink`.
    void set_body_sink(http::BodySink* sink) noexcept { body_sink_ = sink; }
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    [[nodiscard]] int version_minor() const noexcept { return head_->version_minor; }
    /// The Host header (or the authority of an absolute-form target).
    [[nodiscard]] std::string_view host() const noexcept { return head_->authority.empty() ? head_->host : head_->authority; }
    /// The parsed head (all framing details).
    [[nodiscard]] const http::RequestHead& head() const noexcept { return *head_; }

    /// The raw (not yet converted) value of path parameter `name`, or nullopt.
    [[nodiscard]] std::optional<std::string_view> param(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < params_.size(); ++i) {
            if (param_names_[i] == name) return params_[i];
        }
        return std::nullopt;
    }
    /// Path parameter values in pattern order (percent-decoded).
    [[nodiscard]] std::span<const std::string_view> params() const noexcept { return params_; }
    /// The matched route's pattern ("/users/{id:int}"), empty before routing or when none matched.
    [[nodiscard]] std::string_view route_pattern() const noexcept { return route_pattern_; }

    /// Request-lifetime memory, released after the response in O(1).
    [[nodiscard]] Arena& arena() const noexcept { return *arena_; }
    /// The reactor of the worker serving this request (timers, streams, cross-core posts).
    [[nodiscard]] net::Reactor& reactor() const noexcept { return *reactor_; }

    /// The request id ("" until a hook sets one, e.g. the request-id middleware); logs and
    /// error reports carry it.
    [[nodiscard]] std::string_view id() const noexcept { return id_; }
    /// Sets the request id (copied into the request's arena).
    void set_id(std::string_view id) {
        char* copy = static_cast<char*>(arena_->allocate(id.size() + 1, 1));
        if (!id.empty()) std::memcpy(copy, id.data(), id.size());
        id_ = std::string_view(copy, id.size());
    }
    /// When the read that completed the request's head arrived (the server sets it only when an app asks for
    /// timings, see `RequestHandler::wants_after_response`; otherwise the epoch).
    [[nodiscard]] std::chrono::steady_clock::time_point start_time() const noexcept { return start_time_; }
    /// Set by the server.
    void set_start_time(std::chrono::steady_clock::time_point t) noexcept { start_time_ = t; }
    /// The client's IP address as text ("127.0.0.1", "::1"); "" when unknown (e.g. a Unix socket).
    [[nodiscard]] std::string_view client_ip() const noexcept { return client_ip_; }
    /// Set by the server from the accepted socket.
    void set_client_ip(std::string_view ip) noexcept { client_ip_ = ip; }
    /// Opaque per-request state of the layer above HTTP (the app keeps its request-scoped
    /// dependencies here); nullptr when none.
    [[nodiscard]] void* context() const noexcept { return context_; }
    /// Sets the opaque per-request state (see `context()`).
    void set_context(void* context) noexcept { context_ = context; }

    /// Set by the router: the matched route and its parameters.
    void set_route(std::string_view pattern, std::span<const std::string_view> names,
                   std::span<const std::string_view> values) noexcept {
        route_pattern_ = pattern;
        param_names_ = names.data();
        params_ = values;
    }
    /// Percent-decodes the path (into the arena) when it has escapes. Called by the connection
    /// before routing; false when an escape is invalid.
    bool decode_path() {
        auto decoded = decode_into_arena(head_->path, false);
        if (!decoded) return false;
        path_ = *decoded;
        return true;
    }

    /// Percent-decodes a query component ('+' is a space) into the arena when it has escapes;
    /// nullopt when an escape is invalid.
    [[nodiscard]] std::optional<std::string_view> decode_component(std::string_view raw) const { return decode_into_arena(raw, true); }

private:
    std::optional<std::string_view> decode_into_arena(std::string_view raw, bool plus_as_space) const {
        if (raw.find('%') == std::string_view::npos && (!plus_as_space || raw.find('+') == std::string_view::npos)) return raw;
        char* out = static_cast<char*>(arena_->allocate(raw.size(), 1));
        std::size_t n = 0;
        if (!http::percent_decode(raw, out, n, plus_as_space)) return std::nullopt;
        return std::string_view(out, n);
    }

    const http::RequestHead* head_;
    std::string_view body_;
    Arena* arena_;
    net::Reactor* reactor_;
    std::string_view path_;
    std::string_view route_pattern_;
    const std::string_view* param_names_ = nullptr;
    std::span<const std::string_view> params_;
    std::string_view id_;
    std::string_view client_ip_;
    std::chrono::steady_clock::time_point start_time_{};
    void* context_ = nullptr;
    http::BodySink* body_sink_ = nullptr;
};

}  // namespace sweet
