/// @file compression.cpp
/// gzip compression: Accept-Encoding negotiation, the eligibility rules, and a per-thread
/// reusable zlib stream.

#include "sweet/features/compression.hpp"

#include <climits>
#include <stdexcept>

#include <fmt/format.h>
#include <zlib.h>

#include "header_tokens.hpp"

namespace sweet {

namespace {

using features_detail::for_each_list_element;
using features_detail::trim_ows;

// A qvalue (RFC 9110 12.4.2: "0" ["." 0*3DIGIT] / "1" ["." 0*3"0"]) in thousandths, or -1 when
// it is malformed.
int parse_qvalue(std::string_view s) noexcept {
    if (s.empty() || (s[0] != '0' && s[0] != '1')) return -1;
    int value = (s[0] - '0') * 1000;
    if (s.size() == 1) return value;
    if (s[1] != '.' || s.size() > 5) return -1;
    int scale = 100;
    for (char c : s.substr(2)) {
        if (c < '0' || c > '9') return -1;
        value += (c - '0') * scale;
        scale /= 10;
    }
    return value > 1000 ? -1 : value;
}

// What one Accept-Encoding list says about gzip: the q of an explicit gzip/x-gzip entry and of
// `*`, each -1 when absent.
struct GzipPreference {
    int explicit_q = -1;
    int wildcard_q = -1;
};

void read_accept_encoding(std::string_view list, GzipPreference& pref) {
    for_each_list_element(list, [&pref](std::string_view element) {
        const std::size_t semi = element.find(';');
        const std::string_view coding = trim_ows(element.substr(0, semi));
        int q = 1000;
        if (semi != std::string_view::npos) {
            // Parameters: only q matters; a malformed q makes the whole entry void.
            std::string_view params = element.substr(semi + 1);
            while (!params.empty()) {
                const std::size_t next = params.find(';');
                const std::string_view param = trim_ows(params.substr(0, next));
                const std::size_t eq = param.find('=');
                if (eq != std::string_view::npos && ascii_iequals(trim_ows(param.substr(0, eq)), "q")) {
                    q = parse_qvalue(trim_ows(param.substr(eq + 1)));
                }
                if (next == std::string_view::npos) break;
                params.remove_prefix(next + 1);
            }
            if (q < 0) return true;
        }
        if (ascii_iequals(coding, "gzip") || ascii_iequals(coding, "x-gzip")) {
            if (q > pref.explicit_q) pref.explicit_q = q;
        } else if (coding == "*") {
            if (q > pref.wildcard_q) pref.wildcard_q = q;
        }
        return true;
    });
}

int quality_of(const GzipPreference& pref) noexcept {
    if (pref.explicit_q >= 0) return pref.explicit_q;
    if (pref.wildcard_q >= 0) return pref.wildcard_q;
    return 0;
}

// One zlib deflate stream per thread, set up once and reset for each body: deflateInit2
// allocates about 256 KiB, far too much to pay per response.
class ThreadDeflater {
public:
    ThreadDeflater() = default;
    ThreadDeflater(const ThreadDeflater&) = delete;
    ThreadDeflater& operator=(const ThreadDeflater&) = delete;
    ~ThreadDeflater() {
        if (ready_) deflateEnd(&stream_);
    }

    // A stream at `level`/`memory_level`, reset and ready for a new gzip member; nullptr when
    // zlib cannot set one up.
    z_stream* acquire(int level, int memory_level) {
        if (ready_ && level == level_ && memory_level == memory_level_) {
            if (deflateReset(&stream_) == Z_OK) return &stream_;
        }
        if (ready_) {
            deflateEnd(&stream_);
            ready_ = false;
        }
        stream_ = z_stream{};
        // windowBits 15 + 16: the gzip wrapper (header and CRC-32 trailer) rather than zlib's.
        if (deflateInit2_(&stream_, level, Z_DEFLATED, 15 + 16, memory_level, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                          static_cast<int>(sizeof(z_stream))) != Z_OK) {
            return nullptr;
        }
        ready_ = true;
        level_ = level;
        memory_level_ = memory_level;
        return &stream_;
    }

private:
    z_stream stream_{};
    bool ready_ = false;
    int level_ = 0;
    int memory_level_ = 0;
};

// The body buffer a compressed response gives back: the next compression writes into it, so
// steady-state compression reuses memory. Bigger than this it is dropped, so one huge response
// does not pin its memory to the thread for good.
constexpr std::size_t kMaxSpareCapacity = 1024 * 1024;

std::string& thread_spare_buffer() {
    thread_local std::string spare;
    return spare;
}

bool status_allows_compression(int status) noexcept {
    return status >= 200 && status != 204 && status != 206 && status != 304;
}

}  // namespace

int gzip_quality(std::string_view accept_encoding) noexcept {
    GzipPreference pref;
    read_accept_encoding(accept_encoding, pref);
    return quality_of(pref);
}

int gzip_quality(std::span<const http::Header> headers) noexcept {
    GzipPreference pref;
    for (const http::Header& h : headers) {
        if (ascii_iequals(h.name, "Accept-Encoding")) read_accept_encoding(h.value, pref);
    }
    return quality_of(pref);
}

bool gzip_compress(std::string_view input, std::string& out, int level, int memory_level) {
    if (input.size() > UINT_MAX / 2) return false;  // one deflate call takes at most uInt bytes
    thread_local ThreadDeflater deflater;
    z_stream* stream = deflater.acquire(level, memory_level);
    if (stream == nullptr) return false;
    const uLong bound = deflateBound(stream, static_cast<uLong>(input.size()));
    out.resize(bound);
    // zlib's API is not const-correct: next_in is only read.
    stream->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
    stream->avail_in = static_cast<uInt>(input.size());
    stream->next_out = reinterpret_cast<Bytef*>(out.data());
    stream->avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(stream, Z_FINISH);  // the bound guarantees one call finishes
    if (rc != Z_STREAM_END) return false;
    out.resize(stream->total_out);
    return true;
}

Compressor::Compressor(CompressionOptions options) : options_(std::move(options)) {
    if (options_.level < 1 || options_.level > 9) {
        throw std::invalid_argument(fmt::format("sweet::compression: level {} is outside 1..9", options_.level));
    }
    if (options_.memory_level < 1 || options_.memory_level > 9) {
        throw std::invalid_argument(fmt::format("sweet::compression: memory_level {} is outside 1..9", options_.memory_level));
    }
    if (options_.max_size != 0 && options_.max_size < options_.min_size) {
        throw std::invalid_argument(fmt::format("sweet::compression: max_size {} is below min_size {}", options_.max_size,
                                                options_.min_size));
    }
    for (std::string& type : options_.content_types) {
        if (type.empty() || (type[0] != '+' && type.find('/') == std::string::npos)) {
            throw std::invalid_argument(fmt::format(
                "sweet::compression: content type \"{}\" is not \"type/subtype\", \"type/*\" or \"+suffix\"", type));
        }
        for (char& c : type) c = ascii_lower(c);
    }
}

bool Compressor::compressible_type(std::string_view content_type) const noexcept {
    const std::string_view media = trim_ows(content_type.substr(0, content_type.find(';')));
    const std::size_t slash = media.find('/');
    if (slash == std::string_view::npos || slash == 0 || slash + 1 == media.size()) return false;
    for (const std::string& entry : options_.content_types) {
        if (entry == "*/*") return true;
        if (entry[0] == '+') {
            if (media.size() > entry.size() && ascii_iequals(media.substr(media.size() - entry.size()), entry)) return true;
        } else if (entry.size() >= 2 && entry.ends_with("/*")) {
            if (ascii_iequals(media.substr(0, slash + 1), std::string_view(entry).substr(0, entry.size() - 1))) return true;
        } else if (ascii_iequals(media, entry)) {
            return true;
        }
    }
    return false;
}

bool Compressor::apply(const Request& request, Response& response) const {
    // Streams and file bodies are never in memory as a whole, so they leave as they are.
    if (response.is_stream() || response.has_file_body() || !status_allows_compression(response.status())) return false;
    const std::string& body = response.body();
    if (body.size() < options_.min_size || (options_.max_size != 0 && body.size() > options_.max_size)) return false;
    if (const std::string* encoding = response.header("Content-Encoding")) {
        if (!ascii_iequals(trim_ows(*encoding), "identity")) return false;  // already encoded
    }
    if (const std::string* cache = response.header("Cache-Control")) {
        if (features_detail::list_contains(*cache, "no-transform")) return false;
    }
    if (!compressible_type(response.content_type())) return false;

    features_detail::add_vary(response, "Accept-Encoding");
    if (gzip_quality(request.headers()) == 0) return false;

    std::string& spare = thread_spare_buffer();
    if (!gzip_compress(body, spare, options_.level, options_.memory_level) || spare.size() >= body.size()) return false;
    response.body().swap(spare);  // the identity body's buffer becomes the next spare
    if (spare.capacity() > kMaxSpareCapacity) std::string().swap(spare);
    response.set_header("Content-Encoding", "gzip");
    if (const std::string* etag = response.header("ETag")) {
        if (!etag->empty() && (*etag)[0] == '"') response.set_header("ETag", "W/" + *etag);
    }
    return true;
}

}  // namespace sweet
