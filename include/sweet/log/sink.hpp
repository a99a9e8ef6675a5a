#pragma once
/// @file sink.hpp
/// Where records go. A sink receives whole records (each ending in '\n'), usually many at once:
/// a worker hands over everything it logged during one event-loop batch in a single call.
///
/// Sinks are shared by every thread, so `write` may run on several threads at once; each sink
/// below is safe for that without a lock on the write path. Writes never block a worker for
/// long: the network sinks drop records (and count them) rather than wait.
///
/// | sink            | made by            | behaviour                                                      |
/// |-----------------|--------------------|----------------------------------------------------------------|
/// | standard output | `make_stdout_sink` | write(2), split at record boundaries into atomic pipe writes    |
/// | standard error  | `make_stderr_sink` | same, on fd 2                                                   |
/// | file            | `make_file_sink`   | O_APPEND; `reopen()` (SIGHUP) starts a new file after logrotate |
/// | UDP             | `make_udp_sink`    | one record per datagram (without the '\n'), dropped if refused  |
/// | TCP             | `make_tcp_sink`    | background sender, bounded queue, reconnects with backoff       |

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sweet/core/result.hpp"

namespace sweet::log {

/// Destination of records. Implement it to send records somewhere else; `write` must be safe
/// to call from several threads at once and must not log (it runs inside the logger).
class Sink {
public:
    Sink() = default;
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;
    virtual ~Sink() = default;

    /// Takes one or more complete records, each ending in '\n'.
    virtual void write(std::string_view records) = 0;
    /// Reopens the destination (a file sink starts writing to a new file at its path, for
    /// logrotate). Other sinks do nothing. An Error says why it failed; the sink then keeps its
    /// previous destination.
    virtual Result<void> reopen() { return {}; }
    /// Records this sink has dropped so far (a full queue, a refused datagram, a write error).
    [[nodiscard]] virtual std::uint64_t dropped() const noexcept { return 0; }
    /// Waits up to `timeout` until records handed over earlier have left the process (a TCP
    /// sink's queue is empty or it has no connection). Returns at once for synchronous sinks.
    virtual void drain(std::chrono::milliseconds timeout) { (void)timeout; }
    /// A short description for error messages ("file /var/log/app.log", "udp 10.0.0.5:5140").
    [[nodiscard]] virtual std::string describe() const = 0;
};

/// Writes to standard output.
[[nodiscard]] std::unique_ptr<Sink> make_stdout_sink();
/// Writes to standard error.
[[nodiscard]] std::unique_ptr<Sink> make_stderr_sink();

/// Appends to the file at `path` (created with mode 0644 if missing). `reopen()` opens `path`
/// again and switches to it atomically, so after `mv app.log app.log.1` and SIGHUP new records
/// go to a fresh app.log. Error: the file cannot be opened (the message names it and says why).
[[nodiscard]] Result<std::unique_ptr<Sink>> make_file_sink(const std::string& path);

/// Sends each record as one UDP datagram (without its '\n') to `host:port`; `host` is an IPv4
/// or IPv6 address or a name resolved once, here. Records that do not fit a datagram (65507
/// bytes) or that the kernel refuses (no buffer space, an ICMP "port unreachable" reported by
/// an earlier send) are dropped and counted. Error: the host does not resolve or no socket.
[[nodiscard]] Result<std::unique_ptr<Sink>> make_udp_sink(const std::string& host, std::uint16_t port);

/// Tuning of a TCP sink.
struct TcpSinkOptions {
    std::size_t max_queue_bytes = 4 * 1024 * 1024;             ///< records waiting to be sent; more are dropped
    std::chrono::milliseconds connect_timeout{1000};           ///< one connection attempt
    std::chrono::milliseconds min_backoff{100};                ///< wait after the first failed attempt
    std::chrono::milliseconds max_backoff{5000};               ///< the wait doubles up to this
};

/// Sends records as JSON lines over one TCP connection to `host:port`, from a background
/// thread: `write` only copies into a bounded queue (records that do not fit are dropped and
/// counted). The sender connects without blocking anyone, reconnects with exponential backoff
/// after a failure, and resends a record that was cut by a broken connection in full on the
/// next one. Error: the host does not resolve, or an option is out of range.
[[nodiscard]] Result<std::unique_ptr<Sink>> make_tcp_sink(const std::string& host, std::uint16_t port,
                                                          const TcpSinkOptions& options = {});

}  // namespace sweet::log
