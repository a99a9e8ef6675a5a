#pragma once
/// @file logging.hpp
/// Logging for apps: configuration in one struct, a logger per request that carries the
/// request id, and an access-log hook that writes one record per response.
///
///     sweet::configure_logging({.format = sweet::log::Format::json, .sinks = {"stdout"}});
///     app.after_response(sweet::access_log());
///     app.get<"/users/{id:int}">([](sweet::Request& req, std::int64_t id) {
///         sweet::request_log(req).info("user looked up", sweet::log::kv("user_id", id));
///         return sweet::Response::text("...");
///     });
///
/// The access record (JSON format; the route is null when no route matched, request_id null
/// when the request has none, remote absent when the client address is unknown):
///
///     {"level":"info","ts":"...","msg":"access","worker":0,"method":"GET","path":"/users/7",
///      "route":"/users/{id:int}","status":200,"bytes":131,"duration_us":42,"request_id":"abc","remote":"127.0.0.1"}

#include <cstddef>
#include <string>
#include <vector>

#include "sweet/core/result.hpp"
#include "sweet/log/log.hpp"

namespace sweet {

// Declared only: this header is light enough for config.hpp to include for `LogConfig`.
class Request;
class Response;
namespace http {
struct ResponseInfo;
}

/// How an app logs: the process-wide logger settings plus the access log switch. Meant to sit
/// in `ServerConfig` as `LogConfig log;`.
struct LogConfig {
    log::Level level = log::Level::info;         ///< records below are skipped (Level::off: none)
    log::Format format = log::Format::text;      ///< text for people, json for collectors
    std::vector<std::string> sinks{"stderr"};    ///< "stdout", "stderr", "file:PATH", "udp://HOST:PORT", "tcp://HOST:PORT"
    bool access_log = false;                     ///< one record per response (see `access_log()`)
    std::size_t flush_bytes = 64 * 1024;         ///< a worker flushes mid-batch past this many buffered bytes
    log::TcpSinkOptions tcp{};                   ///< queue size and backoff of "tcp://" sinks
};

/// Applies `config`'s logger settings to the whole process (`log::configure`); all or nothing.
/// Error: a sink that cannot be made (the message names it). `access_log` is not applied here:
/// register `access_log()` as an after_response hook.
Result<void> configure_logging(const LogConfig& config);

/// A logger for code serving `request`: every record carries "request_id" (when the request has
/// an id). Use it only while the request lives, as it refers to the request's id.
[[nodiscard]] log::Logger request_log(const Request& request) noexcept;

/// Options of the access log.
struct AccessLogOptions {
    log::Level level = log::Level::info;  ///< level of the access records
    bool query = false;                   ///< also log the raw query string as "query" (it may hold secrets)
};

/// The after_response hook that writes the access record (see the file comment). Its check of
/// the level comes first, so a disabled access log costs one branch per response.
class AccessLog {
public:
    /// An access log with `options`.
    explicit AccessLog(AccessLogOptions options = {}) noexcept : options_(options) {}
    /// Writes the record for one response.
    void operator()(Request& request, const Response& response, const http::ResponseInfo& info) const noexcept;

private:
    AccessLogOptions options_;
};

/// The access-log hook: `app.after_response(sweet::access_log())`.
[[nodiscard]] inline AccessLog access_log(AccessLogOptions options = {}) noexcept { return AccessLog(options); }

}  // namespace sweet
