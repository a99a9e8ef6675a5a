/// @file static_files.cpp
/// The static file handler: safe path resolution, conditional requests, ranges.

#include "sweet/features/static_files.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "sweet/core/ascii.hpp"
#include "sweet/core/log.hpp"
#include "sweet/core/unique_fd.hpp"
#include "sweet/http/http_date.hpp"
#include "sweet/http/mime_types.hpp"
#include "sweet/http/parser.hpp"

namespace sweet {

namespace detail {

/// What every copy of a StaticFiles shares.
struct StaticFilesState {
    std::string root;
    StaticFileOptions options;
    int root_fd = -1;           // O_PATH descriptor of the root directory
    std::string root_real;      // its canonical path, for the realpath fallback
    std::string open_error;     // why the root could not be opened ("" when it was)

    StaticFilesState(std::string r, StaticFileOptions o) : root(std::move(r)), options(std::move(o)) {
        root_fd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0) {
            open_error = fmt::format("static files: cannot open directory \"{}\": {}", root,
                                     std::error_code(errno, std::generic_category()).message());
            return;
        }
        char* real = ::realpath(root.c_str(), nullptr);
        if (real == nullptr) {
            open_error = fmt::format("static files: cannot resolve \"{}\": {}", root,
                                     std::error_code(errno, std::generic_category()).message());
            return;
        }
        root_real = real;
        std::free(real);
    }
    ~StaticFilesState() {
        if (root_fd >= 0) ::close(root_fd);
    }
    StaticFilesState(const StaticFilesState&) = delete;
    StaticFilesState& operator=(const StaticFilesState&) = delete;
};

}  // namespace detail

namespace {

using detail::StaticFilesState;

Error not_found() { return Error::client(404, "no such file"); }

/// Checks the decoded catch-all path: true when every segment is an ordinary name. The last
/// segment may be empty (a trailing '/', asking for a directory).
bool is_servable_path(std::string_view path, bool dotfiles) noexcept {
    if (path.find('\0') != std::string_view::npos || path.find('\\') != std::string_view::npos) return false;
    if (path.empty()) return true;  // the root itself
    if (path.front() == '/') return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        std::size_t end = path.find('/', start);
        if (end == std::string_view::npos) end = path.size();
        const std::string_view segment = path.substr(start, end - start);
        const bool last = end == path.size();
        if (segment.empty()) {
            if (!last) return false;  // "a//b"
        } else if (segment == "." || segment == ".." || (segment.front() == '.' && !dotfiles)) {
            return false;
        }
        start = end + 1;
    }
    return true;
}

std::atomic<bool> g_openat2_missing{false};

/// Opens `rel` (relative, already checked by is_servable_path) below the root. Returns the
/// descriptor, or -errno. openat2 with RESOLVE_BENEATH makes the kernel refuse any path, ".."
/// or symlink included, that would resolve outside the root (EXDEV); without openat2 the
/// canonical path is checked against the root's, which leaves a window between the check and
/// the open for someone able to swap directories inside the root.
int open_beneath(const StaticFilesState& s, const std::string& rel) {
    const auto flags = static_cast<std::uint64_t>(O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (s.options.use_openat2 && !g_openat2_missing.load(std::memory_order_relaxed)) {
        open_how how{};
        how.flags = flags;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | (s.options.follow_symlinks ? 0 : RESOLVE_NO_SYMLINKS);
        for (;;) {
            const long fd = ::syscall(SYS_openat2, s.root_fd, rel.c_str(), &how, sizeof how);
            if (fd >= 0) return static_cast<int>(fd);
            if (errno == EINTR || errno == EAGAIN) continue;  // EAGAIN: a concurrent rename; retry
            if (errno != ENOSYS) return -errno;
            break;
        }
        g_openat2_missing.store(true, std::memory_order_relaxed);
    }
    const std::string lexical = rel == "." ? s.root_real : s.root_real + "/" + rel;
    char* real = ::realpath(lexical.c_str(), nullptr);
    if (real == nullptr) return -errno;
    const std::string resolved = real;
    std::free(real);
    const bool inside = resolved == s.root_real ||
                        (resolved.size() > s.root_real.size() && resolved.starts_with(s.root_real) &&
                         (s.root_real == "/" || resolved[s.root_real.size()] == '/'));
    if (!inside) return -EXDEV;
    if (!s.options.follow_symlinks && resolved != lexical) return -ELOOP;
    const int fd = ::open(resolved.c_str(), static_cast<int>(flags) | O_NOFOLLOW);
    return fd >= 0 ? fd : -errno;
}

/// The answer to a failed open: 404 for anything that amounts to "no such file here", 403 when
/// the file exists but the server may not read it, 500 for the rest.
Error open_error(int err, std::string_view rel) {
    switch (err) {
        case ENOENT: case ENOTDIR: case EXDEV: case ELOOP: case ENAMETOOLONG: case ENXIO: return not_found();
        case EACCES: case EPERM: return Error::client(403, "the file is not readable");
        default:
            return Error::internal(fmt::format("static files: opening \"{}\": {}", rel,
                                               std::error_code(err, std::generic_category()).message()));
    }
}

// ---- entity tags and conditional requests (RFC 9110 section 13) -----------------------------

/// One entity-tag of a list: `W/"x"` or `"x"`.
struct EntityTag {
    bool weak = false;
    std::string_view opaque;  // with its quotes
};

/// Calls `fn(tag)` for each entity-tag of `list` ("*" is handled by callers) until it returns
/// true; returns true if one did. A malformed list matches nothing.
template <class F>
bool any_entity_tag(std::string_view list, F&& fn) {
    std::size_t i = 0;
    while (i < list.size()) {
        while (i < list.size() && (list[i] == ' ' || list[i] == '\t' || list[i] == ',')) ++i;
        if (i == list.size()) break;
        EntityTag tag;
        if (list.substr(i, 2) == "W/") {
            tag.weak = true;
            i += 2;
        }
        if (i >= list.size() || list[i] != '"') return false;
        const std::size_t close = list.find('"', i + 1);
        if (close == std::string_view::npos) return false;
        tag.opaque = list.substr(i, close - i + 1);
        i = close + 1;
        if (fn(tag)) return true;
    }
    return false;
}

bool is_star(std::string_view v) { return http::detail::trim_ows(v) == "*"; }

/// A single byte range, inclusive.
struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
};

enum class RangeAnswer { whole, partial, unsatisfiable };

/// Reads digits, saturating instead of overflowing; false when `s` is empty or not all digits.
bool read_uint(std::string_view s, std::uint64_t& out) {
    if (s.empty()) return false;
    out = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        const auto d = static_cast<std::uint64_t>(c - '0');
        constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
        out = out > (kMax - d) / 10 ? kMax : out * 10 + d;
    }
    return true;
}

/// Interprets a Range header for a representation of `size` bytes (RFC 9110 14.2). Syntax the
/// server does not understand, several ranges, and empty files get the whole file: RFC 9110
/// lets a server ignore Range, and one 200 is simpler for clients than multipart/byteranges.
RangeAnswer evaluate_range(std::string_view header, std::uint64_t size, ByteRange& out) {
    header = http::detail::trim_ows(header);
    const std::size_t eq = header.find('=');
    if (eq == std::string_view::npos || !ascii_iequals(http::detail::trim_ows(header.substr(0, eq)), "bytes")) {
        return RangeAnswer::whole;
    }
    std::string_view spec;
    std::size_t count = 0;
    http::detail::for_each_list_element(header.substr(eq + 1), [&](std::string_view element) {
        spec = element;
        ++count;
    });
    if (count != 1 || size == 0) return RangeAnswer::whole;
    const std::size_t dash = spec.find('-');
    if (dash == std::string_view::npos) return RangeAnswer::whole;
    const std::string_view a = spec.substr(0, dash);
    const std::string_view b = spec.substr(dash + 1);
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    if (a.empty()) {  // "-N": the last N bytes
        if (!read_uint(b, last)) return RangeAnswer::whole;
        if (last == 0) return RangeAnswer::unsatisfiable;
        out = {last >= size ? 0 : size - last, size - 1};
        return RangeAnswer::partial;
    }
    if (!read_uint(a, first)) return RangeAnswer::whole;
    if (b.empty()) {
        last = size - 1;
    } else if (!read_uint(b, last) || last < first) {
        return RangeAnswer::whole;  // invalid range-spec: ignore the header
    }
    if (first >= size) return RangeAnswer::unsatisfiable;
    out = {first, std::min(last, size - 1)};
    return RangeAnswer::partial;
}

/// Reads [offset, offset + length) of `fd` into a string.
Result<std::string> read_range(int fd, std::uint64_t offset, std::uint64_t length, std::string_view rel) {
    std::string body(static_cast<std::size_t>(length), '\0');
    std::size_t done = 0;
    while (done < body.size()) {
        const ssize_t n = ::pread(fd, body.data() + done, body.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            return Error::internal(fmt::format("static files: reading \"{}\": {}", rel,
                                               std::error_code(errno, std::generic_category()).message()));
        }
        if (n == 0) return Error::internal(fmt::format("static files: \"{}\" shrank while being read", rel));
        done += static_cast<std::size_t>(n);
    }
    return body;
}

/// The validators of one file.
struct Validators {
    std::string etag;                  // "" when disabled
    std::optional<http::HttpDate> last_modified;
    std::int64_t mtime_seconds = 0;
};

/// Adds the validators and Cache-Control that 200, 206 and 304 answers all carry.
void add_cache_headers(Response& r, const Validators& v, const StaticFileOptions& o) {
    if (!v.etag.empty()) r.set_header("ETag", v.etag);
    if (v.last_modified) r.set_header("Last-Modified", std::string(v.last_modified->view()));
    if (!o.cache_control.empty()) r.set_header("Cache-Control", o.cache_control);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

StaticFiles::StaticFiles(std::string root, StaticFileOptions options)
    : state_(std::make_shared<const detail::StaticFilesState>(std::move(root), std::move(options))) {
    if (!state_->open_error.empty()) log::error("{} (every request will answer 500)", state_->open_error);
}

StaticFiles::StaticFiles(std::shared_ptr<const detail::StaticFilesState> state) noexcept : state_(std::move(state)) {}

Result<StaticFiles> StaticFiles::open(std::string root, StaticFileOptions options) {
    auto state = std::make_shared<const detail::StaticFilesState>(std::move(root), std::move(options));
    if (!state->open_error.empty()) return Error::internal(state->open_error);
    return StaticFiles(std::move(state));
}

const std::string& StaticFiles::root() const noexcept { return state_->root; }

Result<Response> StaticFiles::operator()(Request& req, std::string_view path) const {
    const StaticFilesState& s = *state_;
    const StaticFileOptions& o = s.options;
    if (!s.open_error.empty()) return Error::internal(s.open_error);
    if (!is_servable_path(path, o.dotfiles)) return not_found();

    std::string rel(path.empty() ? std::string_view(".") : path);
    if (rel.size() > 1 && rel.back() == '/') rel.pop_back();
    int raw_fd = open_beneath(s, rel);
    if (raw_fd < 0) return open_error(-raw_fd, rel);
    UniqueFd fd(raw_fd);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) return open_error(errno, rel);

    if (!S_ISDIR(st.st_mode) && !path.empty() && path.back() == '/') return not_found();  // "file.txt/" is no directory
    if (S_ISDIR(st.st_mode)) {
        if (o.index_file.empty()) return not_found();
        if (!path.empty() && path.back() != '/' && o.redirect_directories) {
            std::string location(req.raw_path());
            location.push_back('/');
            // A Location starting with "//" or "/\" would send the browser to another host.
            if (location.starts_with("//") || location.starts_with("/\\")) return not_found();
            if (!req.query_string().empty()) {
                location.push_back('?');
                location.append(req.query_string());
            }
            return Response::redirect(std::move(location), 301);
        }
        if (!is_servable_path(o.index_file, o.dotfiles)) return not_found();
        rel = rel == "." ? o.index_file : rel + "/" + o.index_file;
        raw_fd = open_beneath(s, rel);
        if (raw_fd < 0) return open_error(-raw_fd, rel);
        fd.reset(raw_fd);
        if (::fstat(fd.get(), &st) != 0) return open_error(errno, rel);
    }
    if (!S_ISREG(st.st_mode)) return not_found();  // devices, FIFOs, sockets are not files to serve

    const auto size = static_cast<std::uint64_t>(st.st_size);
    Validators v;
    v.mtime_seconds = st.st_mtim.tv_sec;
    if (o.etag) {
        const auto mtime_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
        v.etag = fmt::format("\"{:x}-{:x}\"", size, mtime_ns);
    }
    if (o.last_modified) v.last_modified = http::format_http_date(v.mtime_seconds);

    // Conditional requests, in RFC 9110 13.2.2's order.
    const bool get_or_head = req.method() == http::Method::get || req.method() == http::Method::head;
    if (auto if_match = req.header("If-Match"); if_match && o.etag) {
        const bool matched = is_star(*if_match) ||
                             any_entity_tag(*if_match, [&](const EntityTag& t) { return !t.weak && t.opaque == v.etag; });
        if (!matched) return Error::client(412, "If-Match does not match the current file");
    } else if (auto ius = req.header("If-Unmodified-Since"); ius && v.last_modified) {
        if (auto date = http::parse_http_date(*ius); date && v.mtime_seconds > *date) {
            return Error::client(412, "the file was modified since If-Unmodified-Since");
        }
    }
    bool not_modified = false;
    if (auto inm = req.header("If-None-Match"); inm && o.etag) {
        not_modified = is_star(*inm) || any_entity_tag(*inm, [&](const EntityTag& t) { return t.opaque == v.etag; });
    } else if (auto ims = req.header("If-Modified-Since"); ims && v.last_modified && get_or_head) {
        if (auto date = http::parse_http_date(*ims); date && v.mtime_seconds <= *date) not_modified = true;
    }
    if (not_modified) {
        if (!get_or_head) return Error::client(412, "If-None-Match matches the current file");
        Response r(304);
        add_cache_headers(r, v, o);
        return r;
    }

    // Range applies to GET only (RFC 9110 14.2); If-Range turns it off when the file changed.
    ByteRange range;
    RangeAnswer answer = RangeAnswer::whole;
    if (auto header = req.header("Range"); header && req.method() == http::Method::get) {
        bool range_allowed = true;
        if (auto if_range = req.header("If-Range")) {
            const std::string_view ir = http::detail::trim_ows(*if_range);
            if (ir.starts_with('"') || ir.starts_with("W/")) {
                range_allowed = !v.etag.empty() && ir == v.etag;  // strong comparison: a weak tag never matches
            } else {
                const auto date = http::parse_http_date(ir);
                range_allowed = v.last_modified && date && *date == v.mtime_seconds;
            }
        }
        if (range_allowed) answer = evaluate_range(*header, size, range);
    }
    if (answer == RangeAnswer::unsatisfiable) {
        Response r = Response::text(fmt::format("Range Not Satisfiable: the file has {} bytes\n", size), 416);
        r.set_header("Content-Range", fmt::format("bytes */{}", size));
        add_cache_headers(r, v, o);
        return r;
    }
    const std::uint64_t offset = answer == RangeAnswer::partial ? range.first : 0;
    const std::uint64_t length = answer == RangeAnswer::partial ? range.last - range.first + 1 : size;
    const int status = answer == RangeAnswer::partial ? 206 : 200;
    std::string content_type(http::content_type_for_path(rel, o.default_content_type));
    Response r;
    // HEAD gets exactly what GET gets (so compression and the like treat both alike); the
    // connection then sends no body, and never reads a file body.
    if (length > 0 && length >= o.sendfile_min_bytes) {
        r = Response::file(http::FileBody{std::move(fd), offset, length}, std::move(content_type), status);
    } else {
        if (length > o.max_file_bytes) {
            return Error::internal(fmt::format("static files: \"{}\" needs {} bytes in memory, above max_file_bytes ({})",
                                               rel, length, o.max_file_bytes));
        }
        Result<std::string> body = read_range(fd.get(), offset, length, rel);
        if (!body) return std::move(body).error();
        r = Response::text(std::move(body).value(), status).set_content_type(std::move(content_type));
    }
    r.set_header("Accept-Ranges", "bytes");
    if (answer == RangeAnswer::partial) {
        r.set_header("Content-Range", fmt::format("bytes {}-{}/{}", range.first, range.last, size));
    }
    add_cache_headers(r, v, o);
    return r;
}

}  // namespace sweet
