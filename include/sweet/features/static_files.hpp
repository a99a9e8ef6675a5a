#pragma once
/// @file static_files.hpp
/// Serving files from a directory: `app.get<"/static/{path...}">(sweet::static_files("public"))`.
///
/// @code
///   app.get<"/static/{path...}">(sweet::static_files("public", {.cache_control = "public, max-age=3600"}));
///   // or fail at start-up when the directory is missing:
///   auto files = sweet::StaticFiles::open("public");
///   if (!files) { fmt::print(stderr, "{}\n", files.error().detail); return 1; }
///   app.get<"/assets/{path...}">(std::move(files).value());
/// @endcode
///
/// What it does, per request (GET and HEAD; HEAD gets the same headers without the body):
///  - refuses paths that could leave the root or reach what should stay hidden, with 404:
///    NUL bytes, backslashes, absolute paths ("/static//etc/passwd"), "." and ".." segments
///    (also when sent as %2e%2e or ..%2f: the path arrives decoded), empty segments, and names
///    starting with '.' (unless `dotfiles`). Then it opens the file with openat2(RESOLVE_BENEATH)
///    relative to the root's descriptor, so the kernel refuses any symlink that leads out
///    (kernels without openat2 get realpath plus a prefix check);
///  - serves `index_file` for directories (redirecting "/static/docs" to "/static/docs/" first);
///  - sends Content-Type from the extension (`sweet/http/mime_types.hpp`), ETag (size and
///    modification time), Last-Modified, Accept-Ranges: bytes and the optional Cache-Control;
///  - answers 304 to If-None-Match / If-Modified-Since, 412 to failed If-Match /
///    If-Unmodified-Since, 206 with Content-Range to a single satisfiable Range (honouring
///    If-Range), 416 with `Content-Range: bytes */size` to an unsatisfiable one, and the whole
///    file (200) to several ranges.
///
/// How the bytes leave: a file (or range) of at least `sendfile_min_bytes` (64 KiB by default)
/// becomes a file body that the connection sends with sendfile(2), straight from the page cache,
/// whatever its size. A smaller one is read into the response with pread: it then leaves with
/// the head in one write, and `compression()` can gzip it (file bodies are never compressed;
/// raise `sendfile_min_bytes` to gzip larger text files). `max_file_bytes` bounds what is read
/// into memory: reaching it answers 500 and logs why (only when sendfile is raised above it).
/// sendfile reads the page cache synchronously: a file not yet cached blocks the worker while
/// the disk reads it, as it does in nginx without thread pools.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "sweet/core/result.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet {

namespace detail {
struct StaticFilesState;
}

/// How `StaticFiles` serves; every field has a safe default.
struct StaticFileOptions {
    std::string index_file = "index.html";   ///< served for a directory; "" makes directories 404
    bool redirect_directories = true;        ///< a directory asked for without a trailing '/' gets 301 to the '/' form
    std::string cache_control{};             ///< Cache-Control of served files and 304s; "" sends none
    bool etag = true;                        ///< send ETag and honour If-None-Match / If-Match / If-Range tags
    bool last_modified = true;               ///< send Last-Modified and honour If-Modified-Since / If-Unmodified-Since
    bool dotfiles = false;                   ///< serve names starting with '.' (.env, .git stay hidden by default)
    bool follow_symlinks = true;             ///< follow symlinks that stay inside the root (those leading out never work)
    std::uint64_t sendfile_min_bytes = 64 * 1024;     ///< responses this large are sent with sendfile; 0: always, UINT64_MAX: never
    std::uint64_t max_file_bytes = 64 * 1024 * 1024;  ///< most bytes one response reads into memory (below sendfile_min_bytes)
    std::string default_content_type = "application/octet-stream";  ///< for unknown or missing extensions
    bool use_openat2 = true;                 ///< false: resolve with realpath + prefix check, as on kernels before 5.6
};

/// The static file handler (see the file comment). Cheap to copy: copies share the open root
/// directory. Thread-safe: every worker may call it at once.
class StaticFiles {
public:
    /// Serves files below `root`. If `root` cannot be opened, the reason is logged now and
    /// every request answers 500 (use `open` to stop at start-up instead).
    explicit StaticFiles(std::string root, StaticFileOptions options = {});

    /// Serves files below `root`, or an Error (500, `detail` says why) when `root` is not an
    /// accessible directory.
    static Result<StaticFiles> open(std::string root, StaticFileOptions options = {});

    /// The handler: `path` is the route's catch-all parameter (percent-decoded, relative to root).
    Result<Response> operator()(Request& req, std::string_view path) const;

    /// The directory served, as given.
    [[nodiscard]] const std::string& root() const noexcept;

private:
    explicit StaticFiles(std::shared_ptr<const detail::StaticFilesState> state) noexcept;
    std::shared_ptr<const detail::StaticFilesState> state_;  // the open root and the options, shared by copies
};

/// Shorthand for `StaticFiles(root, options)`.
inline StaticFiles static_files(std::string root, StaticFileOptions options = {}) {
    return StaticFiles(std::move(root), std::move(options));
}

}  // namespace sweet
