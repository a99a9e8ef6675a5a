#pragma once
/// @file parser.hpp
/// Zero-copy HTTP/1.1 request-head parser (RFC 9112 / RFC 9110).
///
/// `parse_request_head` reads the request-line and the header section from the receive buffer
/// and fills a `RequestHead` whose views point into that buffer: nothing is copied, nothing is
/// allocated. It is strict: whatever could make two HTTP implementations disagree about where
/// a message ends (bare CR or LF, whitespace before a colon, obs-fold, conflicting or
/// malformed Content-Length, Transfer-Encoding it does not fully understand, ...) is an error
/// with the status the RFCs ask for, after which the caller answers and closes the connection.
///
/// Choices the RFCs leave open, made here:
/// - Up to `kMaxLeadingEmptyLines` empty lines (CRLF) before the request-line are skipped
///   (RFC 9112 2.2 "SHOULD ignore at least one", e.g. a stray CRLF after a POST body); they
///   count towards `head_size`. More -> 400: an unbounded run would make `find_head_end` and
///   re-parsing quadratic.
/// - "HTTP/1.x" with x > 1 is treated as HTTP/1.1 (RFC 9110 2.5); another major version -> 505.
/// - Request-target: every visible ASCII octet except '#' is accepted (see simd::kTargetChar for
///   why not only RFC 3986's set); CTLs, SP, DEL, '#' and octets >= 0x80 -> 400. The target
///   must be in the form its method allows: asterisk-form only for OPTIONS, authority-form
///   (host:port) for CONNECT and only for CONNECT; absolute-form only with an http or https
///   scheme, a non-empty host and no userinfo.
/// - Host must be a syntactically valid `uri-host [ ":" port ]` (RFC 9112 3.2 asks for 400 on
///   an invalid Host value); an empty value is valid. For an absolute-form target,
///   `head.host` is the target's authority: RFC 9112 3.2.2 says it overrides Host.
/// - Content-Length: repeated identical values, in one list ("5, 5") or in several fields, are
///   accepted as that one value (RFC 9110 8.6 allows it); any difference -> 400.
/// - Connection options are matched case-insensitively; tokens other than close / keep-alive /
///   upgrade are ignored and not validated (they never affect framing).
/// - Expect (HTTP/1.1 only; RFC 9110 10.1.1 says to ignore it in HTTP/1.0): "100-continue"
///   sets `head.expect_continue`; any other non-empty expectation sets
///   `ParseOutcome::expect_unknown` so the caller can answer 417.
/// - Upgrade is honoured only for HTTP/1.1 (RFC 9110 7.8 says to ignore it in HTTP/1.0).
///
/// Incremental use: on `incomplete`, append the next bytes and parse the whole buffer again.
/// To keep byte-by-byte arrival linear, re-parse only once `find_head_end` sees the end of the
/// head, or once the buffer exceeds `max_header_bytes` (which then yields 431; parsing once it
/// exceeds `max_uri_length` too answers an over-long request-line with 414 before it ends):
/// @code
///   std::size_t scanned = 0;               // per connection, reset after each request
///   on_bytes(buffer):
///     if (find_head_end(buffer, scanned) == std::string_view::npos &&
///         buffer.size() <= limits.max_header_bytes) { scanned = buffer.size() >= 3 ? buffer.size() - 3 : 0; wait; }
///     ParseOutcome r = parse_request_head(buffer, head, storage, limits);   // complete or error
/// @endcode
/// (Once `find_head_end` has found an end, the result is never `incomplete`.)
/// Errors are reported in byte order: a prefix of a request yields either `incomplete` or the
/// same error as the whole request, never a different error.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string_view>

#include "sweet/core/ascii.hpp"
#include "sweet/http/method.hpp"
#include "sweet/http/request_head.hpp"
#include "sweet/http/simd_scan.hpp"

namespace sweet::http {

/// Size limits of a request head; exceeding one is an error with the given status.
struct ParserLimits {
    /// Whole head: request-line, header fields and the final CRLF CRLF (and skipped leading
    /// CRLFs). Exceeded -> 431. Default 16 KiB.
    std::size_t max_header_bytes = 16 * 1024;
    /// The request-target. Exceeded -> 414, detected even before the request-line ends. Default 8 KiB.
    std::size_t max_uri_length = 8 * 1024;
    /// Number of header fields; the caller's storage must hold this many. Exceeded -> 431. Default 100.
    std::size_t max_headers = 100;
};

/// What a parse attempt found.
enum class ParseState : std::uint8_t {
    complete,    ///< the head is parsed; the body (if any) starts at `head_size`
    incomplete,  ///< no error so far, but the head is not finished: call again with more bytes
    error,       ///< the request is invalid: answer `status` and close the connection
};

/// Result of `parse_request_head`.
struct ParseOutcome {
    ParseState state = ParseState::incomplete;  ///< complete, incomplete or error
    std::size_t head_size = 0;   ///< complete: bytes of the head, including the final CRLF CRLF
    int status = 0;              ///< error: 400, 414, 431, 501 or 505
    std::string_view reason;     ///< error: short static text, safe to send to the client
    bool expect_unknown = false; ///< complete: an HTTP/1.1 Expect other than 100-continue (answer 417)
};

/// Parses the request head at the start of `buffer` into `head` (whose views then point into
/// `buffer`). `header_storage` must have room for `limits.max_headers` fields; `head.headers`
/// is set to it. `head` is meaningful only when the outcome is `complete`. Bytes after the head
/// (body, pipelined requests) are not looked at. Defined in src/http/simd_scan.cpp, which
/// compiles this parser once per SIMD level; see simd::force_level.
[[nodiscard]] ParseOutcome parse_request_head(std::string_view buffer, RequestHead& head, Header* header_storage,
                                              const ParserLimits& limits) noexcept;

/// Empty lines the parser skips before a request-line; one more is an error (400).
inline constexpr std::size_t kMaxLeadingEmptyLines = 4;

/// Offset just past the "\r\n\r\n" that ends the head, searching from `from`, or npos.
/// `from` may be anything (too large is clamped): pass `size - 3` of the buffer searched last
/// time so every byte is looked at about once. Empty lines before the request-line are not
/// taken for the end of a head (the parser skips them); when there are more of them than the
/// parser accepts, the result is non-npos so that the caller parses and gets the 400. A cheap
/// gate before re-parsing partial input: it validates nothing else.
[[nodiscard]] inline std::size_t find_head_end(std::string_view buffer, std::size_t from) noexcept {
    std::size_t lead = 0;  // bytes of leading empty lines; bounded, so O(1)
    while (buffer.size() - lead >= 2 && buffer[lead] == '\r' && buffer[lead + 1] == '\n') {
        lead += 2;
        if (lead > 2 * kMaxLeadingEmptyLines) return lead;
    }
    from = std::clamp(from, lead, buffer.size());
    const std::size_t at = buffer.find("\r\n\r\n", from);  // memchr-driven in libstdc++/libc++
    return at == std::string_view::npos ? at : at + 4;
}

namespace detail {

/// An error outcome.
constexpr ParseOutcome fail(int status, std::string_view reason) noexcept {
    return ParseOutcome{ParseState::error, 0, status, reason, false};
}


/// Removes leading and trailing SP / HTAB.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && simd::is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && simd::is_ows(s.back())) s.remove_suffix(1);
    return s;
}

/// Calls `f(element)` for each non-empty element of a comma-separated list (RFC 9110 5.6.1:
/// empty elements are allowed and ignored), trimmed of OWS.
template <class F>
constexpr void for_each_list_element(std::string_view list, F&& f) noexcept {
    while (!list.empty()) {
        const std::size_t comma = list.find(',');
        const std::string_view element = trim_ows(list.substr(0, comma));
        if (!element.empty()) f(element);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
}

/// `uri-host [ ":" port ]` (RFC 3986 3.2.2; port may be empty). `need_host`: the host part must
/// not be empty (http URIs). `need_port`: a non-empty port is required (CONNECT targets).
constexpr bool valid_authority(std::string_view a, bool need_host, bool need_port) noexcept {
    std::size_t i = 0;
    if (!a.empty() && a[0] == '[') {  // IP-literal: IPv6address / IPvFuture; checked loosely
        const std::size_t close = a.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        for (i = 1; i < close; ++i) {
            if (!simd::has_class(a[i], simd::kHostChar) && a[i] != ':') return false;
        }
        i = close + 1;
    } else {
        while (i < a.size() && simd::has_class(a[i], simd::kHostChar)) ++i;
        if (need_host && i == 0) return false;
    }
    if (i == a.size()) return !need_port;
    if (a[i] != ':') return false;
    if (need_port && i + 1 == a.size()) return false;
    for (++i; i < a.size(); ++i) {
        if (!simd::has_class(a[i], simd::kDigit)) return false;
    }
    return true;
}

/// Splits `target` into path / query / authority by its form (RFC 9112 3.2). Returns an empty
/// string on success, else the reason for a 400.
constexpr std::string_view split_target(std::string_view target, RequestHead& head, bool& absolute) noexcept {
    const auto split_query = [&head](std::string_view path_and_query) {
        const std::size_t q = path_and_query.find('?');
        head.path = path_and_query.substr(0, q);
        if (q != std::string_view::npos) head.query = path_and_query.substr(q + 1);
    };
    if (target[0] == '/') {  // origin-form
        if (head.method == Method::connect) return "CONNECT needs an authority-form target";
        split_query(target);
        return {};
    }
    if (target.size() == 1 && target[0] == '*') {  // asterisk-form
        if (head.method != Method::options) return "asterisk-form target is only for OPTIONS";
        head.path = target;
        return {};
    }
    if (head.method == Method::connect) {  // authority-form: host ":" port
        if (!valid_authority(target, true, true)) return "invalid authority-form target";
        head.authority = target;
        return {};
    }
    // absolute-form: http(s) "://" authority path-abempty [ "?" query ]
    std::size_t scheme = 0;
    if (target.size() >= 7 && ascii_iequals(target.substr(0, 7), "http://")) scheme = 7;
    else if (target.size() >= 8 && ascii_iequals(target.substr(0, 8), "https://")) scheme = 8;
    if (scheme == 0) return "invalid request-target";
    const std::string_view rest = target.substr(scheme);
    const std::size_t auth_end = std::min(rest.find_first_of("/?"), rest.size());
    head.authority = rest.substr(0, auth_end);
    // userinfo is deprecated in http URIs and a phishing vector (RFC 9110 4.2.4): reject it.
    if (head.authority.find('@') != std::string_view::npos) return "userinfo in request-target";
    if (!valid_authority(head.authority, true, false)) return "invalid authority in request-target";
    split_query(rest.substr(auth_end));
    if (head.path.empty()) head.path = "/";  // "http://h" and "http://h?q" mean path "/"
    absolute = true;
    return {};
}

/// What the framing-relevant header fields said so far.
struct FieldFacts {
    bool host = false;
    bool content_length = false;
    bool transfer_encoding = false;
    bool chunked = false;           ///< "chunked" seen (as the last coding so far)
    bool close = false;             ///< Connection: close
    bool keep_alive = false;        ///< Connection: keep-alive
    bool connection_upgrade = false;
    bool upgrade_field = false;
    bool expect_unknown = false;
};

/// Content-Length = 1*DIGIT, or a list of identical values. Returns false on any error.
constexpr bool parse_content_length(std::string_view v, bool seen_before, std::uint64_t& length) noexcept {
    bool first = !seen_before;
    for (;;) {
        if (v.empty() || !simd::has_class(v[0], simd::kDigit)) return false;
        std::uint64_t n = 0;
        std::size_t i = 0;
        for (; i < v.size() && simd::has_class(v[i], simd::kDigit); ++i) {
            const auto d = static_cast<std::uint64_t>(v[i] - '0');
            if (n > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return false;  // overflow
            n = n * 10 + d;
        }
        if (!first && n != length) return false;
        length = n;
        first = false;
        v = trim_ows(v.substr(i));
        if (v.empty()) return true;
        if (v[0] != ',') return false;
        v = trim_ows(v.substr(1));
    }
}

/// Transfer-Encoding = #transfer-coding. Only "chunked", once and last, is implemented.
/// Returns 0, or the status of the error (400 / 501) with `reason` set.
constexpr int apply_transfer_encoding(std::string_view v, FieldFacts& f, std::string_view& reason) noexcept {
    bool any = false;
    while (!v.empty()) {
        std::size_t i = 0;
        while (i < v.size() && simd::is_tchar(v[i])) ++i;
        const std::string_view coding = v.substr(0, i);
        std::string_view after = trim_ows(v.substr(i));
        if (coding.empty()) {
            if (!after.empty() && after[0] == ',') { v = trim_ows(after.substr(1)); continue; }  // empty element
            reason = "invalid Transfer-Encoding";
            return 400;
        }
        if (!ascii_iequals(coding, "chunked")) {
            if (f.chunked) { reason = "chunked is not the final transfer coding"; return 400; }
            reason = "unsupported transfer coding";
            return 501;
        }
        if (f.chunked) { reason = "chunked applied more than once"; return 400; }
        f.chunked = true;
        any = true;
        if (after.empty()) break;
        if (after[0] != ',') {  // "chunked;x=y" (chunked takes no parameters) or garbage
            reason = "invalid Transfer-Encoding";
            return 400;
        }
        v = trim_ows(after.substr(1));
    }
    if (!any) { reason = "empty Transfer-Encoding"; return 400; }
    return 0;
}

/// Records what a header field means for framing and connection handling. Returns 0 or the
/// status of the error with `reason` set. Dispatches on the name's length first, so most
/// fields cost one switch.
constexpr int apply_field(std::string_view name, std::string_view value, RequestHead& head, FieldFacts& f,
                          std::string_view& reason) noexcept {
    switch (name.size()) {
        case 4:
            if (ascii_iequals(name, "host")) {
                if (f.host) { reason = "more than one Host header"; return 400; }
                if (!valid_authority(value, false, false)) { reason = "invalid Host header"; return 400; }
                f.host = true;
                head.host = value;
            }
            break;
        case 6:
            if (ascii_iequals(name, "expect") && head.version_minor == 1) {
                if (ascii_iequals(value, "100-continue")) head.expect_continue = true;
                else if (!value.empty()) f.expect_unknown = true;
            }
            break;
        case 7:
            if (ascii_iequals(name, "upgrade")) f.upgrade_field = true;
            break;
        case 10:
            if (ascii_iequals(name, "connection")) {
                for_each_list_element(value, [&f](std::string_view option) {
                    if (ascii_iequals(option, "close")) f.close = true;
                    else if (ascii_iequals(option, "keep-alive")) f.keep_alive = true;
                    else if (ascii_iequals(option, "upgrade")) f.connection_upgrade = true;
                });
            }
            break;
        case 14:
            if (ascii_iequals(name, "content-length")) {
                if (f.transfer_encoding) { reason = "both Transfer-Encoding and Content-Length"; return 400; }
                if (!parse_content_length(value, f.content_length, head.content_length)) {
                    reason = "invalid Content-Length";
                    return 400;
                }
                f.content_length = true;
            }
            break;
        case 17:
            if (ascii_iequals(name, "transfer-encoding")) {
                // An HTTP/1.0 recipient may not understand it, so framing would be ambiguous (RFC 9112 6.1).
                if (head.version_minor == 0) { reason = "Transfer-Encoding in an HTTP/1.0 request"; return 400; }
                if (f.content_length) { reason = "both Transfer-Encoding and Content-Length"; return 400; }
                f.transfer_encoding = true;
                return apply_transfer_encoding(value, f, reason);
            }
            break;
        default: break;
    }
    return 0;
}

/// Why the `avail` (<= 10) bytes at `p` cannot start "HTTP/" DIGIT "." DIGIT CRLF, or empty.
/// Checks in the same order whether or not all 10 bytes are there, so a partial version gives
/// the same error as the whole one.
constexpr std::string_view version_error(const char* p, std::size_t avail) noexcept {
    constexpr std::string_view pattern = "HTTP/#.#";  // '#': any DIGIT
    for (std::size_t k = 0; k < avail && k < pattern.size(); ++k) {
        if (pattern[k] == '#' ? !simd::has_class(p[k], simd::kDigit) : p[k] != pattern[k]) return "invalid HTTP version";
    }
    if (avail > 8 && p[8] != '\r') return p[8] == '\n' ? "bare LF" : "invalid HTTP version";
    if (avail > 9 && p[9] != '\n') return "bare CR";
    return {};
}

/// Why a header name ended at `c` instead of ':'.
constexpr std::string_view bad_name_reason(char c, bool at_line_start) noexcept {
    if (simd::is_ows(c)) return at_line_start ? "obsolete line folding" : "whitespace before colon";
    if (c == '\n') return "bare LF";
    return at_line_start ? "invalid header name" : "invalid character in header name";
}

/// The parser, generic over `Scan`, which supplies the three hot scans: `Scan scan(begin, end)`
/// covers the buffer, and `scan.token/target/value(p, stop)` return the first position in
/// [p, stop) whose byte is outside the class (token char, request-target char, field-value
/// char), or `stop`. Positions passed in never decrease, which lets the SIMD scanners classify
/// the buffer a block at a time ahead of use. src/http/simd_scan.cpp instantiates this per level.
template <class Scan>
[[gnu::always_inline]] inline ParseOutcome parse_head(std::string_view buffer, RequestHead& head, Header* storage,
                                                      const ParserLimits& limits) noexcept {
    // Copied from a constant rather than `head = RequestHead{}`, which GCC turns into a slow
    // `rep stos` into a temporary plus a copy (a quarter of a small request's parse time).
    static constexpr RequestHead kEmptyHead{};
    head = kEmptyHead;
    head.headers = storage;
    // Parse at most max_header_bytes: running out of bytes there means the head is too large.
    // Because errors are found in byte order, this gives the same answer for any split.
    const bool clamped = buffer.size() > limits.max_header_bytes;
    const char* const begin = buffer.data();
    const char* const end = begin + (clamped ? limits.max_header_bytes : buffer.size());
    // Out of bytes: wait for more, unless the head may not grow any further.
    const auto more = [clamped] { return clamped ? fail(431, "request header section too large") : ParseOutcome{}; };
    const char* p = begin;
    const auto left = [&p, end] { return static_cast<std::size_t>(end - p); };
    Scan scan(begin, end);

    for (std::size_t empty_lines = 0; p != end && *p == '\r'; ++empty_lines) {  // before the request-line
        if (left() < 2) [[unlikely]] return more();
        if (p[1] != '\n') [[unlikely]] return fail(400, "bare CR");
        if (empty_lines == kMaxLeadingEmptyLines) [[unlikely]] return fail(400, "too many empty lines before request");
        p += 2;
    }

    // ---- request-line = method SP request-target SP HTTP-version CRLF ----------------------
    const char* const method = p;
    p = scan.token(p, end);
    if (p == end) [[unlikely]] return more();
    if (*p != ' ' || p == method) [[unlikely]] return fail(400, "invalid method");
    head.method_name = std::string_view(method, static_cast<std::size_t>(p - method));
    head.method = method_from_name(head.method_name);
    ++p;

    const char* const target = p;
    // Scan one byte past the limit, so an over-long target is caught before its line ends.
    const std::size_t max_uri = limits.max_uri_length;
    p = scan.target(p, max_uri < left() ? p + max_uri + 1 : end);
    const auto target_len = static_cast<std::size_t>(p - target);
    if (target_len > max_uri) [[unlikely]] return fail(414, "request-target too long");
    if (p == end) [[unlikely]] return more();
    if (*p != ' ' || target_len == 0) [[unlikely]] {
        if (*p == '\r' || *p == '\n') return fail(400, "missing HTTP version");
        return fail(400, target_len == 0 ? "invalid request-target" : "invalid character in request-target");
    }
    head.target = std::string_view(target, target_len);
    bool absolute = false;
    if (const std::string_view why = split_target(head.target, head, absolute); !why.empty()) [[unlikely]] {
        return fail(400, why);
    }
    ++p;

    // HTTP-version CRLF: 10 bytes. Checked even when fewer are there, so that a head whose end
    // is in the buffer never comes back incomplete.
    if (left() < 10 || std::memcmp(p, "HTTP/1.1\r\n", 10) != 0) [[unlikely]] {
        const std::size_t avail = std::min<std::size_t>(left(), 10);
        if (const std::string_view why = version_error(p, avail); !why.empty()) return fail(400, why);
        if (avail < 10) return more();
        if (p[5] != '1') return fail(505, "HTTP version not supported");
    }
    head.version_minor = p[7] == '0' ? 0 : 1;
    p += 10;

    // ---- *( field-line CRLF ) CRLF -----------------------------------------------------------
    FieldFacts facts;
    std::size_t count = 0;
    for (;;) {
        if (p == end) [[unlikely]] return more();
        if (*p == '\r') [[unlikely]] {
            if (left() < 2) [[unlikely]] return more();
            if (p[1] != '\n') [[unlikely]] return fail(400, "bare CR");
            p += 2;
            break;
        }
        // field-name ":" OWS field-value OWS
        const char* const name = p;
        p = scan.token(p, end);
        if (p == end) [[unlikely]] return more();
        if (*p != ':' || p == name) [[unlikely]] return fail(400, bad_name_reason(*p, p == name));
        if (count == limits.max_headers) [[unlikely]] return fail(431, "too many header fields");
        const std::string_view name_view(name, static_cast<std::size_t>(p - name));
        ++p;
        while (p != end && simd::is_ows(*p)) ++p;
        const char* const value = p;
        p = scan.value(p, end);
        if (p == end) [[unlikely]] return more();
        if (*p != '\r') [[unlikely]] return fail(400, *p == '\n' ? "bare LF" : "invalid character in header value");
        if (left() < 2) [[unlikely]] return more();
        if (p[1] != '\n') [[unlikely]] return fail(400, "bare CR");
        const char* value_end = p;
        while (value_end != value && simd::is_ows(value_end[-1])) --value_end;  // trailing OWS
        p += 2;
        const std::string_view value_view(value, static_cast<std::size_t>(value_end - value));
        storage[count++] = Header{name_view, value_view};
        std::string_view why;
        if (const int status = apply_field(name_view, value_view, head, facts, why); status != 0) [[unlikely]] {
            return fail(status, why);
        }
    }

    // ---- facts that need the whole header section ---------------------------------------------
    if (head.version_minor == 1 && !facts.host) [[unlikely]] return fail(400, "missing Host header");
    if (absolute) head.host = head.authority;
    head.header_count = count;
    if (facts.chunked) head.framing = BodyFraming::chunked;  // only "chunked" survives apply_field
    else if (facts.content_length) head.framing = BodyFraming::content_length;
    head.keep_alive = head.version_minor == 1 ? !facts.close : (facts.keep_alive && !facts.close);
    head.upgrade = head.version_minor == 1 && facts.connection_upgrade && facts.upgrade_field;
    return ParseOutcome{ParseState::complete, static_cast<std::size_t>(p - begin), 0, {}, facts.expect_unknown};
}

}  // namespace detail
}  // namespace sweet::http
