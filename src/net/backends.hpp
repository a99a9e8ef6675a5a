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

/// How far `send_file_some` got.
enum class FileSendProgress {
    done,        ///< every byte is written
    would_block, ///< the socket is full: wait until it is writable, then call again
    failed,      ///< the socket failed, or the file ended early: close the connection
};

/// Writes the rest of `conn`'s file send (io.file_fd, io.file_offset, io.send_left) with
/// sendfile(2) until it is done or the socket is full, updating those fields as it goes.
/// Both backends use it: io_uring has no sendfile operation, and its splice needs a pipe pair
/// per transfer, so the io_uring backend calls this when a poll says the socket is writable.
FileSendProgress send_file_some(Connection& conn, std::uint64_t& send_calls) noexcept;

}  // namespace sweet::net
