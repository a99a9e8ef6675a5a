/// @file socket_address.cpp
/// getaddrinfo for the network sinks.

#include "socket_address.hpp"

#include <netdb.h>

#include <cstring>
#include <string>

#include <fmt/format.h>

namespace sweet::log::detail {

Result<SocketAddress> resolve(const std::string& host, std::uint16_t port, int socktype) {
    const std::string where = host.find(':') != std::string::npos ? fmt::format("[{}]:{}", host, port) : fmt::format("{}:{}", host, port);
    if (host.empty()) return Error{500, fmt::format("log collector {}: the host is empty", where), {}};
    if (port == 0) return Error{500, fmt::format("log collector {}: the port must be 1 to 65535", where), {}};
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = socktype;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0 || found == nullptr) {
        return Error{500, fmt::format("log collector {}: cannot resolve the host: {}", where, ::gai_strerror(rc)), {}};
    }
    SocketAddress address;
    std::memcpy(&address.storage, found->ai_addr, found->ai_addrlen);
    address.length = found->ai_addrlen;
    address.family = found->ai_family;
    address.text = where;
    ::freeaddrinfo(found);
    return address;
}

}  // namespace sweet::log::detail
