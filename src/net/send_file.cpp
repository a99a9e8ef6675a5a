/// @file send_file.cpp
/// The sendfile(2) loop shared by both reactor backends (see backends.hpp).

#include <sys/sendfile.h>

#include <csignal>

#include <algorithm>
#include <cerrno>

#include "backends.hpp"

namespace sweet::net {

namespace {
// sendfile(2) has no MSG_NOSIGNAL: a client that resets mid-file raises SIGPIPE, whose default
// action ends the process. So the first file send ignores SIGPIPE, unless the program installed
// its own handler (which then runs, and sendfile fails with EPIPE as it should).
void ignore_default_sigpipe() noexcept {
    [[maybe_unused]] static const bool done = [] {
        struct sigaction current {};
        if (::sigaction(SIGPIPE, nullptr, &current) == 0 && current.sa_handler == SIG_DFL) ::signal(SIGPIPE, SIG_IGN);
        return true;
    }();
}
}  // namespace

FileSendProgress send_file_some(Connection& conn, std::uint64_t& send_calls) noexcept {
    ignore_default_sigpipe();
    Connection::IoState& io = conn.io;
    // sendfile moves at most 0x7ffff000 bytes per call; smaller steps also let one huge file
    // yield to the other connections of the batch once the socket buffer is full.
    constexpr std::size_t kMaxStep = std::size_t{1} << 30;
    while (io.send_left > 0) {
        ++send_calls;
        auto offset = static_cast<off_t>(io.file_offset);
        const ssize_t n = ::sendfile(io.fd, io.file_fd, &offset, std::min(io.send_left, kMaxStep));
        if (n > 0) {
            io.file_offset += static_cast<std::uint64_t>(n);
            io.send_left -= static_cast<std::size_t>(n);
            continue;
        }
        if (n == 0) return FileSendProgress::failed;  // the file is shorter than promised
        if (errno == EAGAIN || errno == EWOULDBLOCK) return FileSendProgress::would_block;
        if (errno == EINTR) continue;
        return FileSendProgress::failed;  // EPIPE, ECONNRESET, EIO...
    }
    return FileSendProgress::done;
}

}  // namespace sweet::net
