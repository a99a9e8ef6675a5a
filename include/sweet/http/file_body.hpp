#pragma once
/// @file file_body.hpp
/// `FileBody`: a response body that is a region of an open file. The connection sends it with
/// sendfile(2), straight from the page cache to the socket: no read into memory, no copy
/// through user space, and no size limit from memory (see `Response::file`).

#include <cstdint>
#include <utility>

#include "sweet/core/unique_fd.hpp"

namespace sweet::http {

/// `length` bytes of the open regular file `fd`, starting at `offset`. Owns the descriptor: it
/// is closed once the bytes are sent, or when the response is dropped unsent (HEAD, an
/// on_response hook replacing it, a client that left).
struct FileBody {
    UniqueFd fd;                ///< the open file (read access is enough)
    std::uint64_t offset = 0;   ///< first byte sent
    std::uint64_t length = 0;   ///< bytes sent; the file must still hold them when they are sent

    /// True when a file is held.
    explicit operator bool() const noexcept { return static_cast<bool>(fd); }
};

}  // namespace sweet::http
