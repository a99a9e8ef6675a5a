#pragma once
/// @file unique_fd.hpp
/// `UniqueFd`: owns one file descriptor and closes it when it goes away (like unique_ptr for
/// descriptors), so an early return or an exception can never leak one.

#include <unistd.h>

#include <utility>

namespace sweet {

/// Owns a file descriptor (or none: -1). Move-only.
class UniqueFd {
public:
    /// Owns nothing.
    UniqueFd() noexcept = default;
    /// Takes ownership of `fd` (-1 for none).
    explicit UniqueFd(int fd) noexcept : fd_(fd) {}
    UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    UniqueFd& operator=(UniqueFd&& other) noexcept {
        if (this != &other) reset(std::exchange(other.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;
    ~UniqueFd() { reset(); }

    /// The descriptor (-1 when none); ownership stays here.
    [[nodiscard]] int get() const noexcept { return fd_; }
    /// True when a descriptor is held.
    explicit operator bool() const noexcept { return fd_ >= 0; }
    /// Closes the current descriptor and holds `fd` instead.
    void reset(int fd = -1) noexcept {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }
    /// Gives up ownership: returns the descriptor without closing it.
    [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }

private:
    int fd_ = -1;
};

}  // namespace sweet
