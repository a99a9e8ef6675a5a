#pragma once
/// @file backends.hpp
/// Private: factory functions for the two reactor backends.

#include <memory>

#include "sweet/net/reactor.hpp"

namespace sweet::net {

/// io_uring backend; throws std::system_error when the kernel lacks what it needs.
std::unique_ptr<Reactor> make_io_uring_reactor(const ReactorOptions& options);
/// epoll backend.
std::unique_ptr<Reactor> make_epoll_reactor(const ReactorOptions& options);

}  // namespace sweet::net
