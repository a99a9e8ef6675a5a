#pragma once
/// @file simd_scan.hpp
/// Character classes of HTTP/1.1 (RFC 9110 / 9112) and the vectorised scans the request parser
/// is built on.
///
/// The classes are 256-entry constexpr tables, so the scalar code is one load and one test per
/// byte. The vector levels (SSE4.2, AVX2) classify the buffer 64 bytes at a time into bitmasks
/// and answer "where does this field end" with a shift and a count of trailing zeros (see
/// src/http/simd_scan.cpp for why blocks rather than one vector scan per field). The level is
/// chosen once at run time from what the CPU supports: the library must run on CPUs without
/// AVX2, so nothing is compiled with -mavx2; the vector functions carry
/// `__attribute__((target(...)))` and live in src/http/simd_scan.cpp, which instantiates the
/// whole parser once per level, so `parse_request_head` makes one indirect call per request.
/// Small heads are parsed by the scalar code at every level (`vector_threshold()`).
///
/// `scan()` exposes the same scanners for tests, fuzzers and benchmarks.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace sweet::http::simd {

/// An instruction-set level the scans can run at. Ordered: a CPU that supports a level supports
/// every lower one.
enum class Level : std::uint8_t {
    scalar,  ///< plain C++, one table lookup per byte; every CPU
    sse42,   ///< 16-byte vectors (PSHUFB nibble lookups); needs SSE4.2 (which implies SSSE3)
    avx2,    ///< 32-byte vectors; needs AVX2
};

/// "scalar", "sse4.2" or "avx2" (for benchmark and test names).
constexpr std::string_view level_name(Level level) noexcept {
    switch (level) {
        case Level::scalar: return "scalar";
        case Level::sse42: return "sse4.2";
        case Level::avx2: return "avx2";
    }
    return "?";
}

/// The best level this CPU supports (detected once with `__builtin_cpu_supports`).
[[nodiscard]] Level best_level() noexcept;

/// True when this CPU can run `level`.
[[nodiscard]] bool level_supported(Level level) noexcept;

/// Every level this CPU supports, lowest first (scalar is always first). For tests that run
/// the same cases at every level.
[[nodiscard]] std::span<const Level> supported_levels() noexcept;

/// The level `parse_request_head` currently uses: `best_level()` unless `force_level` changed it.
[[nodiscard]] Level active_level() noexcept;

/// For tests and benchmarks only: makes `parse_request_head` (process-wide) use `level`.
/// Returns false, and changes nothing, when the CPU does not support `level`. Not meant to be
/// called while other threads are parsing (they would simply switch at their next request).
bool force_level(Level level) noexcept;

/// Default of `vector_threshold()`: smaller heads parse faster with table lookups, because
/// classifying the buffer 64 bytes at a time costs more than it saves on a few short fields
/// (measured on an AMD EPYC with AVX2: tables win by ~6% at 130 bytes, vectors by ~10% at
/// 300 bytes and ~40% at 750 bytes).
inline constexpr std::size_t kDefaultVectorThreshold = 192;

/// Buffers shorter than this many bytes are parsed by the scalar code even at the AVX2 level
/// (at the SSE4.2 level: three times as many, as its blocks cost twice the work).
[[nodiscard]] std::size_t vector_threshold() noexcept;

/// For tests and benchmarks only: sets `vector_threshold()` (process-wide); 0 runs the vector
/// code on every buffer, so that short test requests exercise it.
void set_vector_threshold(std::size_t bytes) noexcept;

// ---------------------------------------------------------------------------------------------
// Character classes
// ---------------------------------------------------------------------------------------------

/// Bits of `kCharClass`.
inline constexpr std::uint8_t kTchar = 0x01;        ///< token char (RFC 9110 5.6.2): method, field name
/// Request-target octet: visible ASCII except '#'. The request-target grammar (RFC 3986) is
/// narrower, but clients commonly send '"', '<', '>', '\\', '^', '`', '{', '|', '}' unencoded in
/// queries, and accepting them is harmless: they cannot change how the message is framed.
/// What could (whitespace, CTLs) and what has no place in a request-target by any reading
/// ('#' starts a fragment, which is never sent; non-ASCII) is rejected.
inline constexpr std::uint8_t kTargetChar = 0x02;
inline constexpr std::uint8_t kValueChar = 0x04;    ///< field-value octet: VCHAR, obs-text, SP, HTAB
inline constexpr std::uint8_t kHexDigit = 0x08;     ///< 0-9 A-F a-f
inline constexpr std::uint8_t kDigit = 0x10;        ///< 0-9
inline constexpr std::uint8_t kOws = 0x20;          ///< SP or HTAB (optional whitespace)
inline constexpr std::uint8_t kHostChar = 0x40;     ///< reg-name / IPv4 octet: unreserved, sub-delims, '%'

namespace detail {

constexpr bool is_alnum_ascii(unsigned c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

constexpr std::array<std::uint8_t, 256> make_char_classes() noexcept {
    std::array<std::uint8_t, 256> t{};
    for (unsigned c = 0; c < 256; ++c) {
        std::uint8_t bits = 0;
        // tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
        if (is_alnum_ascii(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos)
            bits |= kTchar;
        if (c >= 0x21 && c <= 0x7e && c != '#') bits |= kTargetChar;
        // field-value = *field-content; field-vchar = VCHAR / obs-text; plus SP / HTAB inside.
        if ((c >= 0x20 && c != 0x7f) || c == '\t') bits |= kValueChar;
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) bits |= kHexDigit;
        if (c >= '0' && c <= '9') bits |= kDigit;
        if (c == ' ' || c == '\t') bits |= kOws;
        // reg-name = *( unreserved / pct-encoded / sub-delims ); IPv4 is a subset.
        if (is_alnum_ascii(c) || std::string_view("-._~%!$&'()*+,;=").find(static_cast<char>(c)) != std::string_view::npos)
            bits |= kHostChar;
        t[c] = bits;
    }
    return t;
}

}  // namespace detail

/// Class bits of every octet (see the k* constants above).
inline constexpr std::array<std::uint8_t, 256> kCharClass = detail::make_char_classes();

/// True when `c` has any of the class bits in `mask`.
constexpr bool has_class(char c, std::uint8_t mask) noexcept {
    return (kCharClass[static_cast<unsigned char>(c)] & mask) != 0;
}
/// True for a token character (RFC 9110 5.6.2).
constexpr bool is_tchar(char c) noexcept { return has_class(c, kTchar); }
/// True for an octet allowed in a field value (VCHAR, obs-text, SP, HTAB).
constexpr bool is_value_char(char c) noexcept { return has_class(c, kValueChar); }
/// True for SP or HTAB.
constexpr bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

/// Value of a hex digit (0-9, A-F, a-f), or -1.
constexpr int hex_digit_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/// The classes the vector scans support.
enum class ScanClass : std::uint8_t {
    token,   ///< kTchar: a method or field name; stops at ':', SP, CR, ...
    target,  ///< kTargetChar: a request-target; stops at SP, CR, '#', CTLs, >= 0x80
    value,   ///< kValueChar: a field value; stops at CR, LF, NUL, other CTLs, DEL
};

/// Number of leading bytes of `bytes` in `cls`, i.e. the index of the first byte outside it
/// (`bytes.size()` when all are inside). Never reads outside `bytes`. Same result at every
/// level; for tests, fuzzers and benchmarks (the parser uses inlined copies). Runs the given
/// level's code whatever the size (`vector_threshold()` does not apply); an unsupported level
/// runs as scalar.
[[nodiscard]] std::size_t scan(Level level, ScanClass cls, std::string_view bytes) noexcept;

}  // namespace sweet::http::simd
