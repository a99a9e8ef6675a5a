#pragma once
/// @file compression.hpp
/// gzip response compression (zlib) as a hook bundle:
///
///     app.add_hooks(sweet::compression());                          // level 6, bodies >= 1 KiB
///     app.add_hooks(sweet::compression({.level = 1, .min_size = 256}));
///
/// In `on_response`, a response body is gzip-compressed when all of these hold:
///  - the client accepts gzip: `Accept-Encoding` lists `gzip` (or `x-gzip`) or `*` with a
///    q-value above 0 (`gzip;q=0` refuses it; no Accept-Encoding header means no compression);
///  - the response is not streamed, its status is not 1xx, 204, 206 or 304, it has no
///    Content-Encoding yet and no `Cache-Control: no-transform`;
///  - the body has at least `min_size` bytes (and at most `max_size` when that is set);
///  - its Content-Type is in `content_types`;
///  - the compressed body is smaller than the original.
/// A compressed response gets `Content-Encoding: gzip`; a strong ETag becomes weak (the bytes
/// differ from the identity representation). Every response whose type and size qualify gets
/// `Vary: Accept-Encoding`, compressed or not, so caches keep the two representations apart.
/// The server then writes Content-Length for the new body.
///
/// Each worker thread keeps one zlib stream and reuses it (`deflateReset`), and the compressed
/// body swaps buffers with a per-thread spare, so a compressed response costs no zlib set-up and,
/// in steady state, no allocation.

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/app/hooks.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/request_head.hpp"
#include "sweet/http/response.hpp"

namespace sweet {

/// Settings of `sweet::compression`.
struct CompressionOptions {
    /// zlib level: 1 (fastest) to 9 (smallest). Default: 6 (zlib's own default).
    int level = 6;
    /// Smallest body worth compressing, in bytes (below ~1 KiB gzip's header and the CPU time
    /// rarely pay off). Default: 1024.
    std::size_t min_size = 1024;
    /// Largest body compressed, in bytes; 0 means no limit. Default: 0.
    std::size_t max_size = 0;
    /// zlib memLevel, 1..9: memory of the compressor (2^(memLevel+9) bytes per worker for the
    /// hash, plus the window). Default: 8.
    int memory_level = 8;
    /// Media types to compress, matched against the Content-Type without parameters, ignoring
    /// case. An entry is an exact type ("application/json"), a whole top-level type ("text/*"),
    /// a structured-syntax suffix ("+json" matches "application/problem+json"), or "*/*".
    /// Default: text/*, JSON, JavaScript, XML, SVG, +json, +xml, WebAssembly.
    std::vector<std::string> content_types{"text/*",          "application/json", "application/javascript",
                                           "application/xml", "image/svg+xml",    "+json",
                                           "+xml",            "application/wasm"};
};

/// How much the client wants gzip, in thousandths (q=1 -> 1000, q=0.5 -> 500, refused -> 0),
/// from every Accept-Encoding field of `headers` (RFC 9110 12.5.3: an explicit `gzip` or
/// `x-gzip` entry wins over `*`; no Accept-Encoding field at all counts as 0 here, so clients
/// that did not ask never get gzip).
[[nodiscard]] int gzip_quality(std::span<const http::Header> headers) noexcept;
/// `gzip_quality` for one Accept-Encoding value ("" -> 0).
[[nodiscard]] int gzip_quality(std::string_view accept_encoding) noexcept;

/// Compresses `input` into `out` (replacing its content) in the gzip format with zlib at
/// `level` and `memory_level`, reusing the calling thread's zlib stream. Returns false (and
/// leaves `out` unspecified) when zlib fails or `input` is larger than zlib can take at once.
bool gzip_compress(std::string_view input, std::string& out, int level, int memory_level = 8);

/// The compression rules compiled from `CompressionOptions`; immutable, shared by every worker.
class Compressor {
public:
    /// Checks `options`: throws `std::invalid_argument` when `level` or `memory_level` is
    /// outside 1..9, `max_size` is below `min_size`, or a content-type entry is empty.
    explicit Compressor(CompressionOptions options);
    /// True when `content_type` ("text/html; charset=utf-8") is in the allow list.
    [[nodiscard]] bool compressible_type(std::string_view content_type) const noexcept;
    /// Compresses `response` for `request` when the rules in the file comment allow it.
    /// Returns true when the body was replaced by its gzip form.
    bool apply(const Request& request, Response& response) const;
    /// The options in force.
    [[nodiscard]] const CompressionOptions& options() const noexcept { return options_; }

private:
    CompressionOptions options_;
};

/// The compression hook bundle (see the file comment).
inline auto compression(CompressionOptions options = {}) {
    auto compressor = std::make_shared<const Compressor>(std::move(options));
    return sweet::hooks(sweet::on_response([compressor](Request& request, Response& response) {
        compressor->apply(request, response);
    }));
}

}  // namespace sweet
