/// @file fd_sink.cpp
/// Sinks that write(2) to a file descriptor: standard output, standard error and files.
///
/// No lock: several workers may flush at once. Records never interleave because
/// - a regular file is opened with O_APPEND and the kernel serialises each write(2) to it;
/// - a pipe or terminal gets chunks of at most PIPE_BUF bytes cut at record boundaries, and
///   POSIX makes such pipe writes atomic.
/// A file is reopened (logrotate) by opening its path again and dup2()-ing the new descriptor
/// over the old number: a write in progress finishes on the old file, the next goes to the new
/// one, and the number never points at anything else in between.

#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "sweet/log/sink.hpp"

namespace sweet::log {
namespace {

std::uint64_t count_records(std::string_view bytes) noexcept {
    return static_cast<std::uint64_t>(std::count(bytes.begin(), bytes.end(), '\n'));
}

bool is_regular_file(int fd) noexcept {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
}

class FdSink : public Sink {
public:
    FdSink(int fd, std::string name) : fd_(fd), regular_(is_regular_file(fd)), name_(std::move(name)) {}

    void write(std::string_view records) override {
        while (!records.empty()) {
            std::size_t chunk = records.size();
            if (!regular_.load(std::memory_order_relaxed) && chunk > PIPE_BUF) {
                // Whole records up to PIPE_BUF bytes; a longer record goes alone.
                const std::size_t cut = records.rfind('\n', PIPE_BUF - 1);
                if (cut != std::string_view::npos) {
                    chunk = cut + 1;
                } else {
                    const std::size_t end = records.find('\n');
                    chunk = end == std::string_view::npos ? records.size() : end + 1;
                }
            }
            write_all(records.substr(0, chunk));
            records.remove_prefix(chunk);
        }
    }

    [[nodiscard]] std::uint64_t dropped() const noexcept override { return dropped_.load(std::memory_order_relaxed); }
    [[nodiscard]] std::string describe() const override { return name_; }

protected:
    int fd_;
    std::atomic<bool> regular_;

private:
    void write_all(std::string_view bytes) {
        int stalls = 0;
        while (!bytes.empty()) {
            const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
            if (n > 0) {
                bytes.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && stalls < 10) {
                // Someone made the descriptor non-blocking: wait a little for the reader, but
                // not long (a stuck reader must not stall a worker), then give up on the rest.
                ++stalls;
                pollfd p{fd_, POLLOUT, 0};
                ::poll(&p, 1, 10);
                continue;
            }
            // EPIPE, ENOSPC, EBADF, or a reader that stopped reading: what is left is lost.
            const std::uint64_t lost = count_records(bytes);
            dropped_.fetch_add(lost == 0 ? 1 : lost, std::memory_order_relaxed);
            return;
        }
    }

    std::string name_;
    std::atomic<std::uint64_t> dropped_{0};
};

class FileSink final : public FdSink {
public:
    FileSink(int fd, std::string path) : FdSink(fd, "file " + path), path_(std::move(path)) {}
    ~FileSink() override { ::close(fd_); }

    Result<void> reopen() override {
        const int fresh = open_for_append(path_);
        if (fresh < 0) return open_error(path_, errno);
        regular_.store(is_regular_file(fresh), std::memory_order_relaxed);
        // Atomic switch: writers see either the old file or the new one, never a closed number.
        const int rc = ::dup3(fresh, fd_, O_CLOEXEC);
        const int saved = errno;
        ::close(fresh);
        if (rc < 0) return Error{500, fmt::format("cannot reopen log file {}: {}", path_, std::strerror(saved)), {}};
        return {};
    }

    static int open_for_append(const std::string& path) noexcept {
        int fd;
        do {
            fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOCTTY, 0644);
        } while (fd < 0 && errno == EINTR);
        return fd;
    }

    static Error open_error(const std::string& path, int err) {
        return Error{500, fmt::format("cannot open log file {}: {}", path, std::strerror(err)), {}};
    }

private:
    std::string path_;
};

}  // namespace

std::unique_ptr<Sink> make_stdout_sink() { return std::make_unique<FdSink>(STDOUT_FILENO, "stdout"); }

std::unique_ptr<Sink> make_stderr_sink() { return std::make_unique<FdSink>(STDERR_FILENO, "stderr"); }

Result<std::unique_ptr<Sink>> make_file_sink(const std::string& path) {
    if (path.empty()) return Error{500, "log file path is empty", {}};
    const int fd = FileSink::open_for_append(path);
    if (fd < 0) return FileSink::open_error(path, errno);
    return std::unique_ptr<Sink>(std::make_unique<FileSink>(fd, path));
}

}  // namespace sweet::log
