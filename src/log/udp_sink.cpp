/// @file udp_sink.cpp
/// One record per UDP datagram, sent without waiting: a datagram the kernel cannot take now is
/// dropped and counted, never retried (a log collector that is away must not slow a worker).
/// Datagrams go out in groups with sendmmsg(2).

#include <sys/socket.h>
#include <sys/uio.h>
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

// Datagrams handed to the kernel per sendmmsg(2) call: a worker's batch of records costs a
// few system calls, not one per record.
constexpr std::size_t kDatagramsPerCall = 64;

class UdpSink final : public Sink {
public:
    UdpSink(int fd, std::string where) : fd_(fd), where_(std::move(where)) {}
    ~UdpSink() override { ::close(fd_); }

    void write(std::string_view records) override {
        Batch batch;
        while (!records.empty()) {
            const std::size_t end = records.find('\n');
            const std::string_view record = records.substr(0, end);  // without the '\n'
            records.remove_prefix(end == std::string_view::npos ? records.size() : end + 1);
            if (record.size() > kMaxDatagram) {
                dropped_.fetch_add(1, std::memory_order_relaxed);
                continue;
            }
            batch.add(record);
            if (batch.count == kDatagramsPerCall) send(batch);
        }
        send(batch);
    }

    [[nodiscard]] std::uint64_t dropped() const noexcept override { return dropped_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::string describe() const override { return "udp " + where_; }

private:
    struct Batch {
        mmsghdr messages[kDatagramsPerCall];
        iovec parts[kDatagramsPerCall];
        std::size_t count = 0;

        void add(std::string_view record) noexcept {
            parts[count] = iovec{const_cast<char*>(record.data()), record.size()};
            messages[count] = mmsghdr{};
            messages[count].msg_hdr.msg_iov = &parts[count];
            messages[count].msg_hdr.msg_iovlen = 1;
            ++count;
        }
    };

    void send(Batch& batch) noexcept {
        std::size_t done = 0;
        bool retried = false;
        while (done < batch.count) {
            // Connected socket: a previous datagram's ICMP "port unreachable" comes back here as
            // ECONNREFUSED (and this datagram is not sent); MSG_DONTWAIT turns a full socket
            // buffer into EAGAIN instead of a wait.
            const int sent = ::sendmmsg(fd_, batch.messages + done, static_cast<unsigned>(batch.count - done),
                                        MSG_DONTWAIT | MSG_NOSIGNAL);
            if (sent > 0) {
                done += static_cast<std::size_t>(sent);
                retried = false;
                continue;
            }
            if (errno == EINTR) continue;
            if (errno == ECONNREFUSED && !retried) {
                retried = true;  // a refusal reported for an earlier datagram: this one may go through
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                // The socket buffer is full: the rest of this batch would fail the same way.
                dropped_.fetch_add(batch.count - done, std::memory_order_relaxed);
                break;
            }
            dropped_.fetch_add(1, std::memory_order_relaxed);  // this datagram only (too big for the route, ...)
            ++done;
            retried = false;
        }
        batch.count = 0;
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
