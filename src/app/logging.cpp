/// @file logging.cpp
/// App-level logging glue: `configure_logging`, the per-request logger and the access record.

#include "sweet/app/logging.hpp"

#include <chrono>

#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"
#include "sweet/http/server.hpp"

namespace sweet {

Result<void> configure_logging(const LogConfig& config) {
    return log::configure(log::Config{.level = config.level,
                                      .format = config.format,
                                      .sinks = config.sinks,
                                      .flush_bytes = config.flush_bytes,
                                      .tcp = config.tcp});
}

log::Logger request_log(const Request& request) noexcept {
    const std::string_view id = request.id();
    if (id.empty()) return {};
    return log::Logger{}.with(log::kv("request_id", id));
}

void AccessLog::operator()(Request& request, const Response& response, const http::ResponseInfo& info) const noexcept {
    if (!log::enabled(options_.level)) return;
    const std::string_view route = request.route_pattern();
    const std::string_view id = request.id();
    const std::string_view query = request.query_string();
    const std::string_view remote = request.client_ip();
    const auto duration_us = std::chrono::duration_cast<std::chrono::microseconds>(info.duration).count();
    // A fixed array filled in order: optional fields are skipped without any allocation.
    log::Field fields[9];
    std::size_t n = 0;
    fields[n++] = log::kv("method", request.method_name());
    fields[n++] = log::kv("path", request.raw_path());
    if (options_.query && !query.empty()) fields[n++] = log::kv("query", query);
    // null rather than "" for what is absent, so a collector can tell "no route" from a route.
    fields[n++] = route.empty() ? log::kv("route", nullptr) : log::kv("route", route);
    fields[n++] = log::kv("status", response.status());
    fields[n++] = log::kv("bytes", info.bytes);
    fields[n++] = log::kv("duration_us", duration_us < 0 ? 0 : duration_us);
    fields[n++] = id.empty() ? log::kv("request_id", nullptr) : log::kv("request_id", id);
    if (!remote.empty()) fields[n++] = log::kv("remote", remote);
    log::write_fields(options_.level, "access", std::span<const log::Field>(fields, n));
}

}  // namespace sweet
