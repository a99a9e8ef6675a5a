#pragma once
/// @file output.hpp
/// The process-wide output of the logger: which sinks receive records and in which format.
/// Usually set once through `log::configure` (config.hpp); these are the building blocks.
///
/// Without any configuration records go to standard error as text, at level info and above.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "sweet/core/result.hpp"
#include "sweet/log/record.hpp"
#include "sweet/log/sink.hpp"

namespace sweet::log {

/// Replaces the sinks every thread writes to (an empty list discards records). Threads pick
/// up the new list at their next flush; the old sinks are released once no thread uses them.
void set_sinks(std::vector<std::shared_ptr<Sink>> sinks);
/// The sinks in use.
[[nodiscard]] std::vector<std::shared_ptr<Sink>> sinks();

/// Sets the format of records written from now on.
void set_format(Format format) noexcept;
/// The format in use.
[[nodiscard]] Format format() noexcept;

/// Sets how many bytes a worker thread may collect before it flushes in the middle of a batch
/// (at least 1; default 64 KiB). Non-worker threads flush after every record anyway.
void set_flush_bytes(std::size_t bytes) noexcept;

/// Reopens every sink (a file sink starts a new file at its path: what SIGHUP does for
/// logrotate). Every sink is tried; the first failure is returned.
Result<void> reopen();

/// Hands the calling thread's buffered records to the sinks now, then waits up to `timeout`
/// for network sinks to send what they hold (for the end of the process).
void drain(std::chrono::milliseconds timeout);

/// Records dropped so far by all current sinks (full queues, refused datagrams, write errors).
[[nodiscard]] std::uint64_t dropped_records() noexcept;

}  // namespace sweet::log
