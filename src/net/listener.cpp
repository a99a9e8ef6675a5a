/// @file listener.cpp
/// Listening sockets (see sweet/net/listener.hpp).

#include "sweet/net/listener.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace sweet::net {
namespace {

struct AddrInfoDeleter {
    void operator()(addrinfo* ai) const noexcept { freeaddrinfo(ai); }
};

Result<std::unique_ptr<addrinfo, AddrInfoDeleter>> resolve(const ListenOptions& o) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* out = nullptr;
    const std::string port = std::to_string(o.port);
    const int rc = getaddrinfo(o.host.empty() ? nullptr : o.host.c_str(), port.c_str(), &hints, &out);
    if (rc != 0) {
        return Error::internal(fmt::format("cannot resolve listen address '{}': {}", o.host, gai_strerror(rc)));
    }
    return std::unique_ptr<addrinfo, AddrInfoDeleter>(out);
}

Result<int> bind_one(const ListenOptions& o, bool reuse_port, bool do_listen) {
    auto addrs = resolve(o);
    if (!addrs) return std::move(addrs).error();
    int last_errno = 0;
    for (addrinfo* ai = addrs->get(); ai != nullptr; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            last_errno = errno;
            continue;
        }
        const int one = 1, zero = 0;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (reuse_port) ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        // "::" should serve IPv4 clients too, whatever the system default says.
        if (ai->ai_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && (!do_listen || ::listen(fd, o.backlog) == 0)) {
            return fd;
        }
        last_errno = errno;
        ::close(fd);
    }
    return Error::internal(fmt::format("cannot listen on {}:{}: {}", o.host, o.port, std::strerror(last_errno)));
}

}  // namespace

Result<int> open_listener(const ListenOptions& options) { return bind_one(options, options.reuse_port, true); }

Result<void> check_port_free(const ListenOptions& options) {
    if (options.port == 0) return {};
    auto fd = bind_one(options, false, false);
    if (!fd) return std::move(fd).error();
    ::close(*fd);
    return {};
}

std::uint16_t bound_port(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
    if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
    return 0;
}

void configure_accepted_socket(int fd) noexcept {
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

}  // namespace sweet::net
