#pragma once
/// @file listener.hpp
/// Creating listening sockets: IPv4 or IPv6, SO_REUSEPORT so each worker has its own accept
/// queue, and a clear error when the port is taken.

#include <cstdint>
#include <string>

#include "sweet/core/result.hpp"

namespace sweet::net {

/// Where and how to listen.
struct ListenOptions {
    std::string host = "0.0.0.0";  ///< IPv4 or IPv6 literal, or a name ("localhost"); "::" listens on IPv6 and IPv4
    std::uint16_t port = 8000;     ///< 0 picks a free port (see `bound_port`)
    int backlog = 4096;            ///< listen(2) backlog
    bool reuse_port = true;        ///< SO_REUSEPORT: one socket per worker, the kernel spreads connections
};

/// Opens a non-blocking listening socket. Fails with a readable message ("address already in
/// use") rather than throwing.
Result<int> open_listener(const ListenOptions& options);

/// Checks that nobody else listens on host:port, by binding once without SO_REUSEPORT (so
/// another SO_REUSEPORT server of the same user cannot silently share the port with us).
Result<void> check_port_free(const ListenOptions& options);

/// The local port a socket is bound to.
std::uint16_t bound_port(int fd);

/// Sets the options every accepted connection gets (TCP_NODELAY); the reactors accept with
/// SOCK_NONBLOCK | SOCK_CLOEXEC already.
void configure_accepted_socket(int fd) noexcept;

}  // namespace sweet::net
