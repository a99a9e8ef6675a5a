#pragma once
/// @file config.hpp
/// Configuring the logger in one call, from values that fit a config file or command line:
///
///     log::configure({.level = log::Level::info, .format = log::Format::json,
///                     .sinks = {"stdout", "file:/var/log/app.log", "udp://10.0.0.5:5140"}});
///
/// Sink specifications:
///   "stdout", "stderr"          the standard streams
///   "file:PATH"                 append to PATH (reopened by `log::reopen()`, i.e. SIGHUP)
///   "udp://HOST:PORT"           one datagram per record
///   "tcp://HOST:PORT"           a JSON-lines stream with reconnection and a bounded queue
/// HOST is a name, an IPv4 address or an IPv6 address in brackets ("udp://[::1]:5140").

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/core/result.hpp"
#include "sweet/log/level.hpp"
#include "sweet/log/record.hpp"
#include "sweet/log/sink.hpp"

namespace sweet::log {

/// Everything `configure` sets.
struct Config {
    Level level = Level::info;                  ///< records below are skipped (Level::off: none)
    Format format = Format::text;               ///< text for people, json for collectors
    std::vector<std::string> sinks{"stderr"};   ///< where records go (see the file comment); may be empty
    std::size_t flush_bytes = 64 * 1024;        ///< a worker flushes mid-batch past this many buffered bytes
    TcpSinkOptions tcp{};                       ///< queue size and backoff of "tcp://" sinks
};

/// Makes the sink a specification names. Error: an unknown scheme, a missing or bad port, a
/// host that does not resolve, a file that cannot be opened (the message quotes the spec).
[[nodiscard]] Result<std::unique_ptr<Sink>> make_sink(std::string_view spec, const TcpSinkOptions& tcp = {});

/// Applies `config` to the whole process. All or nothing: when a sink cannot be made, the
/// Error names it and the previous configuration stays in force.
Result<void> configure(const Config& config);

}  // namespace sweet::log
