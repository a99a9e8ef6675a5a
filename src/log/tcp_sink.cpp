/// @file tcp_sink.cpp
/// Records over one TCP connection, sent by a background thread.
///
/// Writers (workers, once per batch) only append to a bounded queue under a mutex held for a
/// memcpy, and wake the sender through an eventfd at most once until it has looked at the
/// queue again. The sender owns the socket: it connects without blocking anyone, sends,
/// notices a closed or broken connection (also while idle, by polling the socket for input),
/// and reconnects with exponential backoff. A record cut by a broken connection is sent again
/// in full on the next connection; records that do not fit in the queue are dropped and counted.

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <system_error>
#include <thread>

#include <fmt/format.h>

#include "sweet/log/sink.hpp"
#include "socket_address.hpp"

namespace sweet::log {
namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t count_records(std::string_view bytes) noexcept {
    return static_cast<std::uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
}

int poll_ms(std::chrono::milliseconds d) noexcept {
    const auto ms = d.count();
    return ms <= 0 ? 0 : ms > 60'000 ? 60'000 : static_cast<int>(ms);
}

class TcpSink final : public Sink {
public:
    TcpSink(detail::SocketAddress address, const TcpSinkOptions& options)
        : address_(std::move(address)), options_(options) {
        wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
        sender_ = std::thread([this] { run(); });
    }

    ~TcpSink() override {
        stop_.store(true, std::memory_order_release);
        signal_sender();
        sender_.join();
        if (socket_ >= 0) ::close(socket_);
        ::close(wake_fd_);
    }

    void write(std::string_view records) override {
        {
            std::lock_guard lock(mutex_);
            const std::size_t used = pending_.size() + in_flight_;
            const std::size_t room = used >= options_.max_queue_bytes ? 0 : options_.max_queue_bytes - used;
            std::size_t keep = records.size();
            if (keep > room) {
                // Whole records only: a half record would corrupt the collector's stream.
                const std::size_t cut = room == 0 ? std::string_view::npos : records.rfind('\n', room - 1);
                keep = cut == std::string_view::npos ? 0 : cut + 1;
                dropped_.fetch_add(count_records(records.substr(keep)), std::memory_order_relaxed);
            }
            if (keep == 0) return;
            pending_.append(records.data(), keep);
        }
        if (!wake_pending_.exchange(true, std::memory_order_acq_rel)) signal_sender();
    }

    [[nodiscard]] std::uint64_t dropped() const noexcept override { return dropped_.load(std::memory_order_relaxed); }

    void drain(std::chrono::milliseconds timeout) override {
        const auto deadline = Clock::now() + timeout;
        while (Clock::now() < deadline) {
            {
                std::lock_guard lock(mutex_);
                if (pending_.empty() && in_flight_ == 0) return;
            }
            // Records can only leave over a connection: do not wait for one that is not there
            // (but do wait for an attempt under way, such as the very first one).
            if (!connected_.load(std::memory_order_acquire) && !connecting_.load(std::memory_order_acquire)) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
    }

    [[nodiscard]] std::string describe() const override { return "tcp " + address_.text; }

private:
    void signal_sender() noexcept {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
    }

    void clear_wake() noexcept {
        std::uint64_t value = 0;
        [[maybe_unused]] const auto n = ::read(wake_fd_, &value, sizeof value);
        // Cleared before the queue is looked at, so a record appended after that look wakes us again.
        wake_pending_.store(false, std::memory_order_release);
    }

    bool stopping() const noexcept { return stop_.load(std::memory_order_acquire); }

    // Sleeps until `deadline`, a wake-up or a stop.
    void sleep_until(Clock::time_point deadline) {
        while (!stopping()) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
            if (left.count() <= 0) return;
            pollfd p{wake_fd_, POLLIN, 0};
            if (::poll(&p, 1, poll_ms(left)) > 0) clear_wake();
        }
    }

    bool connect_once() {
        connecting_.store(true, std::memory_order_release);
        const bool ok = try_connect();
        connecting_.store(false, std::memory_order_release);
        return ok;
    }

    bool try_connect() {
        const int fd = ::socket(address_.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        int rc = ::connect(fd, address_.get(), address_.length);
        if (rc != 0 && errno == EINPROGRESS) {
            const auto deadline = Clock::now() + options_.connect_timeout;
            while (!stopping()) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
                if (left.count() <= 0) break;
                pollfd p[2] = {{fd, POLLOUT, 0}, {wake_fd_, POLLIN, 0}};
                if (::poll(p, 2, poll_ms(left)) < 0 && errno != EINTR) break;
                if (p[1].revents & POLLIN) clear_wake();
                if (p[0].revents != 0) {
                    int err = 0;
                    socklen_t len = sizeof err;
                    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
                    rc = err == 0 ? 0 : -1;
                    break;
                }
            }
        }
        if (rc != 0) {
            ::close(fd);
            return false;
        }
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        socket_ = fd;
        connected_.store(true, std::memory_order_release);
        return true;
    }

    void disconnect() noexcept {
        ::close(socket_);
        socket_ = -1;
        connected_.store(false, std::memory_order_release);
    }

    // True while the idle connection is fine; reads (and discards) anything the collector says.
    bool connection_alive() noexcept {
        char scratch[512];
        while (true) {
            const ssize_t n = ::recv(socket_, scratch, sizeof scratch, MSG_DONTWAIT);
            if (n > 0) continue;
            if (n == 0) return false;
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        }
    }

    void run() {
        std::string out;       // records taken from the queue; out[sent..] is not yet sent
        std::size_t sent = 0;
        auto backoff = options_.min_backoff;
        while (!stopping()) {
            if (socket_ < 0) {
                if (!connect_once()) {
                    sleep_until(Clock::now() + backoff);
                    backoff = std::min(backoff * 2, options_.max_backoff);
                    continue;
                }
                backoff = options_.min_backoff;
                // Start again at the beginning of the record the last connection cut.
                const std::size_t start = sent == 0 ? std::string::npos : out.rfind('\n', sent - 1);
                sent = start == std::string::npos ? 0 : start + 1;
            }
            if (sent == out.size()) {
                std::lock_guard lock(mutex_);
                out.clear();
                sent = 0;
                out.swap(pending_);
                in_flight_ = out.size();
            }
            if (out.empty()) {
                // Idle: wait for records, a stop, or the collector closing the connection.
                pollfd p[2] = {{wake_fd_, POLLIN, 0}, {socket_, POLLIN, 0}};
                if (::poll(p, 2, -1) < 0) continue;
                if (p[0].revents & POLLIN) clear_wake();
                if (p[1].revents != 0 && !connection_alive()) disconnect();
                continue;
            }
            const ssize_t n = ::send(socket_, out.data() + sent, out.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                pollfd p[2] = {{socket_, POLLOUT, 0}, {wake_fd_, POLLIN, 0}};
                if (::poll(p, 2, -1) > 0 && (p[1].revents & POLLIN)) clear_wake();
                continue;
            }
            disconnect();  // EPIPE, ECONNRESET...: reconnect and resend from the cut record
        }
    }

    detail::SocketAddress address_;
    TcpSinkOptions options_;
    int wake_fd_ = -1;
    int socket_ = -1;  // owned by the sender thread
    std::mutex mutex_;
    std::string pending_;         // guarded by mutex_
    std::size_t in_flight_ = 0;   // guarded by mutex_: bytes the sender took and has not finished
    std::atomic<bool> wake_pending_{false};
    std::atomic<bool> connected_{false};
    std::atomic<bool> connecting_{true};  // true from the start: the first attempt is about to begin
    std::atomic<bool> stop_{false};
    std::atomic<std::uint64_t> dropped_{0};
    std::thread sender_;
};

}  // namespace

Result<std::unique_ptr<Sink>> make_tcp_sink(const std::string& host, std::uint16_t port, const TcpSinkOptions& options) {
    if (options.max_queue_bytes == 0) return Error{500, "tcp log sink: max_queue_bytes must be at least 1", {}};
    if (options.connect_timeout.count() <= 0) return Error{500, "tcp log sink: connect_timeout must be positive", {}};
    if (options.min_backoff.count() <= 0 || options.max_backoff < options.min_backoff) {
        return Error{500, "tcp log sink: backoff must satisfy 0 < min_backoff <= max_backoff", {}};
    }
    Result<detail::SocketAddress> address = detail::resolve(host, port, SOCK_STREAM);
    if (!address) return std::move(address).error();
    const std::string where = address->text;
    try {
        return std::unique_ptr<Sink>(std::make_unique<TcpSink>(std::move(address).value(), options));
    } catch (const std::exception& e) {
        return Error{500, fmt::format("log collector tcp {}: {}", where, e.what()), {}};
    }
}

}  // namespace sweet::log
