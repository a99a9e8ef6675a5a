#pragma once
/// @file socket_address.hpp
/// Resolving a collector's "host:port" once, when a network sink is made (private to the
/// network sinks: a sink must never wait for DNS while records flow).

#include <sys/socket.h>

#include <cstdint>
#include <string>

#include "sweet/core/result.hpp"

namespace sweet::log::detail {

/// A resolved address, ready for socket(2) and connect(2).
struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = 0;
    std::string text;  ///< "host:port" as given, for messages

    [[nodiscard]] const sockaddr* get() const noexcept { return reinterpret_cast<const sockaddr*>(&storage); }
};

/// Resolves `host` (name, IPv4 or IPv6 address) and `port` for `socktype` (SOCK_DGRAM or
/// SOCK_STREAM), taking the first address. Error: port 0, or the name does not resolve.
Result<SocketAddress> resolve(const std::string& host, std::uint16_t port, int socktype);

}  // namespace sweet::log::detail
