/// @file udp_sink.cpp
/// One record per UDP datagram, sent without waiting: a datagram the kernel cannot take now is
/// dropped and counted, never retried (a log collector that is away must not slow a worker).

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "sweet/log/sink.hpp"
#include "socket_address.hpp"

namespace sweet::log {
namespace {

// The largest UDP payload over IPv4 (65535 - 8 byte UDP header - 20 byte IP header).
constexpr std::size_t kMaxDatagram = 65507;

class UdpSink final : public Sink {
public:
    UdpSink(int fd, std::string where) : fd_(fd), where_(std::move(where)) {}
    ~UdpSink() override { ::close(fd_); }

    void write(std::string_view records) override {
        while (!records.empty()) {
            const std::size_t end = records.find('\n');
            const std::size_t length = end == std::string_view::npos ? records.size() : end;
            send_one(records.substr(0, length));
            records.remove_prefix(end == std::string_view::npos ? records.size() : end + 1);
        }
    }

    [[nodiscard]] std::uint64_t dropped() const noexcept override { return dropped_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::string describe() const override { return "udp " + where_; }

private:
    void send_one(std::string_view record) noexcept {
        if (record.size() > kMaxDatagram) {
            dropped_.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        for (int attempt = 0; attempt < 2; ++attempt) {
            // Connected socket: a previous datagram's ICMP "port unreachable" comes back here as
            // ECONNREFUSED (and that datagram is not sent); MSG_DONTWAIT turns a full socket
            // buffer into EAGAIN instead of a wait.
            const ssize_t n = ::send(fd_, record.data(), record.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n >= 0) return;
            if (errno != EINTR && errno != ECONNREFUSED) break;
            // A refusal reported for an earlier datagram: this one may still go through.
        }
        dropped_.fetch_add(1, std::memory_order_relaxed);
    }

    int fd_;
    std::string where_;
    std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace

Result<std::unique_ptr<Sink>> make_udp_sink(const std::string& host, std::uint16_t port) {
    Result<detail::SocketAddress> address = detail::resolve(host, port, SOCK_DGRAM);
    if (!address) return std::move(address).error();
    const int fd = ::socket(address->family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error{500, fmt::format("log collector udp {}: socket: {}", address->text, std::strerror(errno)), {}};
    // connect() on UDP only fixes the destination (and lets ICMP errors be reported).
    if (::connect(fd, address->get(), address->length) != 0) {
        const int err = errno;
        ::close(fd);
        return Error{500, fmt::format("log collector udp {}: connect: {}", address->text, std::strerror(err)), {}};
    }
    return std::unique_ptr<Sink>(std::make_unique<UdpSink>(fd, address->text));
}

}  // namespace sweet::log
