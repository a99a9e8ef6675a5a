#pragma once
/// @file server.hpp
/// The HTTP/1.1 server of one worker: accepts connections from the reactor, reads and parses
/// requests, hands each to a `RequestHandler`, writes the responses in order, and enforces
/// every limit and timeout. Where each step lives:
///   read     -> HttpConnection::on_data        (src/http/connection.cpp)
///   parse    -> parse_request_head             (sweet/http/parser.hpp)
///   handle   -> RequestHandler::handle         (the app: routing and middleware)
///   write    -> write_response + Reactor::send (sweet/http/response_writer.hpp)

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sweet/core/arena.hpp"
#include "sweet/core/unique_function.hpp"
#include "sweet/http/body_sink.hpp"
#include "sweet/http/date_cache.hpp"
#include "sweet/http/parser.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"
#include "sweet/net/reactor.hpp"

namespace sweet::http {

/// Limits and timeouts of the HTTP layer. Every one is also a `ServerConfig` field.
struct ServerLimits {
    ParserLimits parser;                                        ///< head size (431), URI length (414), header count (431)
    std::uint64_t max_body_bytes = 1024 * 1024;                 ///< larger bodies get 413 without being read
    std::size_t max_connections = 10'000;                       ///< per worker; more are refused at accept
    std::size_t max_output_bytes = 1024 * 1024;                 ///< pending response bytes before reading pauses
    std::chrono::milliseconds header_timeout{10'000};           ///< whole head must arrive within this (slowloris)
    std::chrono::milliseconds body_timeout{30'000};             ///< longest gap between two pieces of a body
    std::chrono::milliseconds keepalive_timeout{75'000};        ///< idle keep-alive connections close after this
    std::chrono::milliseconds send_timeout{30'000};             ///< a client that reads nothing of a pending response this long is dropped
    std::chrono::milliseconds linger_timeout{2'000};            ///< after a closing response, wait this long for the client's FIN
    std::string server_name = "sweet";                          ///< Server header ("" omits it)
};

/// What the server reports about a response once it is written to the connection.
struct ResponseInfo {
    std::size_t bytes = 0;               ///< bytes queued for this response (head and body)
    std::chrono::nanoseconds duration{};  ///< from the arrival of the read that completed the request head to the queued response
};

/// Produces the response for a parsed request. The app implements it (routing, middleware).
/// It must not throw; the server still catches exceptions and answers 500.
class RequestHandler {
public:
    virtual ~RequestHandler() = default;
    /// Returns the response for `request`.
    virtual Response handle(Request& request) = 0;
    /// True when `after_response` should be called; read once when a server starts, and the
    /// only case in which the server reads the clock per request.
    [[nodiscard]] virtual bool wants_after_response() const noexcept { return false; }
    /// True when `stream_body` may return a sink; read once when a server starts (false spares
    /// every request the question).
    [[nodiscard]] virtual bool streams_bodies() const noexcept { return false; }
    /// Asked when a request head with a body has arrived, before any of the body is read:
    /// return a sink to receive the body as it arrives (see sweet/http/body_sink.hpp), or
    /// nullptr to have the server collect it (within `max_body_bytes`) as usual. `request` has
    /// the head only; its views are valid during the call.
    virtual std::unique_ptr<BodySink> stream_body(Request& request) {
        static_cast<void>(request);
        return nullptr;
    }
    /// Called once `response` is written to the connection's output, with `request` still valid.
    virtual void after_response(Request& request, const Response& response, const ResponseInfo& info) {
        static_cast<void>(request), static_cast<void>(response), static_cast<void>(info);
    }
};

/// Live figures of one worker's server, readable from any thread (relaxed atomics: each is
/// exact, together they are a snapshot "about now").
struct WorkerStats {
    int worker = 0;                                       ///< worker index (0-based)
    std::atomic<std::uint64_t> connections_open{0};      ///< connections currently open
    std::atomic<std::uint64_t> connections_accepted{0};  ///< connections accepted since start
    std::atomic<std::uint64_t> requests{0};              ///< requests handled since start
};

/// The statistics of every live worker server in this process (for /metrics). The pointers stay
/// valid while the servers live; servers that end are removed.
[[nodiscard]] std::vector<std::shared_ptr<const WorkerStats>> worker_stats();

class HttpConnection;

/// One worker's HTTP server. Lives on the worker thread with its reactor.
class HttpServer final : public net::Acceptor {
public:
    /// A server on `reactor` that answers with `handler` under `limits`. Starts its timeout sweep.
    /// `worker` numbers it in `worker_stats()`.
    HttpServer(net::Reactor& reactor, RequestHandler& handler, ServerLimits limits, int worker = 0);
    /// Destroy only after the reactor's loop has stopped: pending events refer to connections.
    ~HttpServer() override;
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Reactor callback: a new socket arrived. Refuses it beyond `max_connections` or while draining.
    net::Connection* on_accept(int fd) override;

    /// Graceful shutdown, after the caller stopped the listeners: idle connections close now,
    /// busy ones close after their current response. `on_drained` runs when none are left.
    void start_drain(UniqueFunction<void()> on_drained);
    /// Closes every connection at once (the drain timeout expired).
    void close_all();

    /// Open connections.
    [[nodiscard]] std::size_t connection_count() const noexcept { return live_.size(); }
    /// This worker's live figures.
    [[nodiscard]] const WorkerStats& stats() const noexcept { return *stats_ptr_; }
    /// Limits in force.
    [[nodiscard]] const ServerLimits& limits() const noexcept { return limits_; }

private:
    friend class HttpConnection;
    void release(HttpConnection& conn);  // called from HttpConnection::on_closed
    void ensure_buffer(std::string& buffer);  // give `buffer` pooled capacity if it has little
    void give_buffer(std::string& buffer);    // return its capacity to the pool
    void sweep_timeouts();
    void schedule_sweep();
    void notify_if_drained();  // runs on_drained_ once draining and no connection is left

    net::Reactor& reactor_;
    RequestHandler& handler_;
    ServerLimits limits_;
    Arena arena_;
    DateCache date_;
    // Parsing and handling are synchronous, so one head and one header array per worker serve
    // every connection (keeping idle connections small).
    RequestHead head_;
    std::vector<Header> headers_;
    std::vector<HttpConnection*> live_;
    std::vector<std::unique_ptr<HttpConnection>> all_;   // owns every connection object ever made
    std::vector<HttpConnection*> free_;                   // closed ones, ready for reuse
    std::vector<std::string> buffer_pool_;
    TimerId sweep_timer_ = 0;
    bool draining_ = false;
    bool timed_ = false;  // the handler wants after_response (and so timings)
    bool streams_bodies_ = false;  // the handler may take bodies as they arrive (stream_body)
    std::shared_ptr<WorkerStats> stats_ptr_;
    WorkerStats& stats_;
    UniqueFunction<void()> on_drained_;
};

}  // namespace sweet::http
