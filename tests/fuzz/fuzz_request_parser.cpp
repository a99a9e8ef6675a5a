// libFuzzer target for the request-head parser (sweet/http/parser.hpp).
//
// Beyond "does not crash" (ASan/UBSan watch every read), it checks what callers rely on:
//  - every SIMD level gives exactly the same outcome and head as the scalar parser (with the
//    vector code forced on short inputs too), and the same scan results;
//  - every view of a complete head lies inside the input's first head_size bytes;
//  - status codes and head fields are in range and consistent with each other;
//  - a complete result is stable when bytes are appended, and every shorter prefix of it is
//    incomplete; a prefix of an error is incomplete or the same error;
//  - find_head_end agrees with the parser (same end; never `incomplete` once an end is found).
// The first input byte picks small or default limits so 414 / 431 paths are reached with
// short inputs.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/http/parser.hpp"
#include "sweet/http/simd_scan.hpp"

namespace {

using namespace sweet::http;

struct Result {
    ParseOutcome out;
    RequestHead head;
    std::vector<Header> storage;
};

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

/// Parses an exactly sized heap copy of `input` (ASan then catches any over-read).
Result parse_copy(std::string_view input, const ParserLimits& limits, std::unique_ptr<char[]>& keep) {
    keep = std::make_unique<char[]>(input.size());
    std::memcpy(keep.get(), input.data(), input.size());
    Result r;
    r.storage.resize(limits.max_headers + 1);
    r.out = parse_request_head(std::string_view(keep.get(), input.size()), r.head, r.storage.data(), limits);
    return r;
}

/// Offset of `v` in `base`, or -1 for an empty view, -2 for a view outside `base`.
long offset(std::string_view v, std::string_view base) {
    if (v.empty()) return -1;
    const auto p = reinterpret_cast<std::uintptr_t>(v.data());
    const auto b = reinterpret_cast<std::uintptr_t>(base.data());
    if (p < b || p + v.size() > b + base.size()) return -2;
    return static_cast<long>(p - b);
}

/// Same outcome and same head (views compared as offsets into their own inputs).
void check_same(const Result& a, std::string_view in_a, const Result& b, std::string_view in_b, const char* what) {
    check(a.out.state == b.out.state, what);
    check(a.out.status == b.out.status, what);
    check(a.out.reason == b.out.reason, what);
    check(a.out.head_size == b.out.head_size, what);
    check(a.out.expect_unknown == b.out.expect_unknown, what);
    if (a.out.state != ParseState::complete) return;
    const auto same = [&](std::string_view x, std::string_view y) {
        check(x == y, what);
        const long ox = offset(x, in_a);
        const long oy = offset(y, in_b);
        check(ox == oy, what);
    };
    same(a.head.method_name, b.head.method_name);
    same(a.head.target, b.head.target);
    same(a.head.path, b.head.path);
    same(a.head.query, b.head.query);
    same(a.head.authority, b.head.authority);
    same(a.head.host, b.head.host);
    check(a.head.method == b.head.method, what);
    check(a.head.version_minor == b.head.version_minor, what);
    check(a.head.header_count == b.head.header_count, what);
    for (std::size_t i = 0; i < a.head.header_count; ++i) {
        same(a.head.headers[i].name, b.head.headers[i].name);
        same(a.head.headers[i].value, b.head.headers[i].value);
    }
    check(a.head.framing == b.head.framing, what);
    check(a.head.content_length == b.head.content_length, what);
    check(a.head.keep_alive == b.head.keep_alive, what);
    check(a.head.expect_continue == b.head.expect_continue, what);
    check(a.head.upgrade == b.head.upgrade, what);
}

/// Invariants of one result on its own.
void check_result(const Result& r, std::string_view in, const ParserLimits& limits) {
    switch (r.out.state) {
        case ParseState::incomplete:
            check(in.size() <= limits.max_header_bytes, "incomplete although over max_header_bytes");
            break;
        case ParseState::error: {
            const int s = r.out.status;
            check(s == 400 || s == 414 || s == 431 || s == 501 || s == 505, "unexpected status");
            check(!r.out.reason.empty(), "error without reason");
            break;
        }
        case ParseState::complete: {
            const RequestHead& h = r.head;
            check(r.out.head_size > 0 && r.out.head_size <= in.size(), "head_size out of range");
            check(r.out.head_size <= limits.max_header_bytes, "head over max_header_bytes");
            check(in.substr(0, r.out.head_size).ends_with("\r\n\r\n"), "head does not end with CRLF CRLF");
            const std::string_view head_bytes = in.substr(0, r.out.head_size);
            const auto inside = [&](std::string_view v) { return v.empty() || offset(v, head_bytes) >= 0; };
            check(inside(h.method_name) && !h.method_name.empty(), "method view");
            check(inside(h.target) && !h.target.empty(), "target view");
            check(h.target.size() <= limits.max_uri_length, "target over max_uri_length");
            check(inside(h.path) || h.path == "/", "path view");  // "/" for "http://host"
            check(inside(h.query) && inside(h.authority) && inside(h.host), "views");
            check(h.header_count <= limits.max_headers, "too many headers");
            for (std::size_t i = 0; i < h.header_count; ++i) {
                check(inside(h.headers[i].name) && !h.headers[i].name.empty(), "header name view");
                check(inside(h.headers[i].value), "header value view");
                for (char c : h.headers[i].name) check(simd::is_tchar(c), "header name char");
                for (char c : h.headers[i].value) check(simd::is_value_char(c), "header value char");
                if (!h.headers[i].value.empty()) {
                    check(!simd::is_ows(h.headers[i].value.front()) && !simd::is_ows(h.headers[i].value.back()), "untrimmed value");
                }
            }
            for (char c : h.target) check(simd::has_class(c, simd::kTargetChar), "target char");
            check(h.version_minor <= 1, "version");
            check(h.method == method_from_name(h.method_name), "method enum");
            if (h.version_minor == 1) check(h.find("host").has_value(), "HTTP/1.1 without Host");
            if (h.framing != BodyFraming::content_length) check(h.content_length == 0, "content_length without framing");
            if (h.framing == BodyFraming::chunked) check(h.version_minor == 1 && !h.find("content-length"), "chunked framing");
            if (h.upgrade) check(h.version_minor == 1 && h.find("upgrade").has_value(), "upgrade");
            if (h.path == "*") check(h.method == Method::options, "asterisk-form");
            if (h.method == Method::connect) check(!h.authority.empty() && h.path.empty(), "CONNECT target");
            // find_head_end finds the same end.
            check(find_head_end(in, 0) == r.out.head_size, "find_head_end disagrees");
            break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    ParserLimits limits;
    const std::uint8_t mode = data[0];
    if (mode & 1) {  // small limits, to reach 414 / 431 with short inputs
        limits.max_header_bytes = 32 + (mode >> 1) * 4;
        limits.max_uri_length = 4 + (mode >> 3);
        limits.max_headers = (mode >> 4) & 7;
    }
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

    // Reference: the scalar level.
    simd::force_level(simd::Level::scalar);
    std::unique_ptr<char[]> keep_ref;
    const Result ref = parse_copy(input, limits, keep_ref);
    const std::string_view ref_in(keep_ref.get(), input.size());
    check_result(ref, ref_in, limits);

    // Every other level agrees exactly, with its vector code used whatever the input's size
    // (threshold 0) and with the default threshold.
    for (simd::Level level : simd::supported_levels()) {
        if (level == simd::Level::scalar) continue;
        simd::force_level(level);
        for (std::size_t threshold : {std::size_t{0}, simd::kDefaultVectorThreshold}) {
            simd::set_vector_threshold(threshold);
            std::unique_ptr<char[]> keep;
            const Result r = parse_copy(input, limits, keep);
            check_same(r, std::string_view(keep.get(), input.size()), ref, ref_in, "SIMD level differs from scalar");
        }
        // The scans on their own, from every start the parser could use.
        for (simd::ScanClass cls : {simd::ScanClass::token, simd::ScanClass::target, simd::ScanClass::value}) {
            for (std::size_t from = 0; from < input.size(); from += 1 + input.size() / 8) {
                const std::string piece(input.substr(from));
                check(simd::scan(level, cls, piece) == simd::scan(simd::Level::scalar, cls, piece), "scan differs from scalar");
            }
        }
    }
    simd::force_level(simd::best_level());
    simd::set_vector_threshold(simd::kDefaultVectorThreshold);

    // find_head_end: once it sees an end (within the limit), the parse is never incomplete.
    if (find_head_end(input, 0) != std::string_view::npos) {
        check(ref.out.state != ParseState::incomplete, "incomplete although find_head_end found an end");
    }

    // Prefixes: a few lengths derived from the input, plus the boundaries around head_size.
    std::vector<std::size_t> cuts = {0, input.size() / 2, input.size() > 0 ? input.size() - 1 : 0};
    if (ref.out.state == ParseState::complete) {
        cuts.push_back(ref.out.head_size - 1);
        cuts.push_back(ref.out.head_size);
    }
    for (std::size_t i = 1; i + 1 < size && cuts.size() < 12; i += 1 + size / 7) cuts.push_back(data[i] * size / 256);
    for (std::size_t cut : cuts) {
        if (cut > input.size()) continue;
        std::unique_ptr<char[]> keep;
        const std::string_view prefix = input.substr(0, cut);
        const Result p = parse_copy(prefix, limits, keep);
        const std::string_view p_in(keep.get(), cut);
        check_result(p, p_in, limits);
        if (ref.out.state == ParseState::complete) {
            if (cut < ref.out.head_size) check(p.out.state == ParseState::incomplete, "prefix of a complete head not incomplete");
            else check_same(p, p_in, ref, ref_in, "complete head changes with appended bytes");
        } else if (ref.out.state == ParseState::error) {
            if (p.out.state != ParseState::incomplete) check_same(p, p_in, ref, ref_in, "prefix gives a different error");
        } else {
            check(p.out.state == ParseState::incomplete, "prefix of incomplete input not incomplete");
        }
    }

    // Appending bytes never changes a complete result.
    if (ref.out.state == ParseState::complete) {
        const std::string longer = std::string(input) + std::string(input) + "\r\n\r\n";
        std::unique_ptr<char[]> keep;
        const Result r = parse_copy(longer, limits, keep);
        check_same(r, std::string_view(keep.get(), longer.size()), ref, ref_in, "complete head changes with appended bytes");
    }
    return 0;
}
