#pragma once
/// @file percent.hpp
/// Percent-decoding (RFC 3986 2.1) and query-string access, without allocation and usable in
/// constant expressions.
///
/// The parser leaves `RequestHead::path` and `RequestHead::query` exactly as sent; these
/// helpers decode them on demand into storage the caller owns:
/// @code
///   char buf[256];
///   if (auto id = find_query_param(head.query, "id")) {
///       if (auto decoded = percent_decode(*id, std::span<char>(buf), /*plus_as_space=*/true)) use(*decoded);
///   }
///   for (auto [key, value] : QueryParams(head.query)) ...   // raw views
/// @endcode

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "sweet/http/pair_list.hpp"
#include "sweet/http/simd_scan.hpp"

namespace sweet::http {

namespace detail {

/// Decodes `in`, handing each decoded byte to `put`, which returns false to stop. Returns
/// false on an invalid escape or when `put` stopped.
template <class Put>
constexpr bool percent_decode_each(std::string_view in, bool plus_as_space, Put&& put) noexcept {
    for (std::size_t i = 0; i < in.size(); ++i) {
        char c = in[i];
        if (c == '%') {
            if (in.size() - i < 3) return false;
            const int hi = simd::hex_digit_value(in[i + 1]);
            const int lo = simd::hex_digit_value(in[i + 2]);
            if (hi < 0 || lo < 0) return false;
            c = static_cast<char>(static_cast<unsigned char>(hi * 16 + lo));
            i += 2;
        } else if (c == '+' && plus_as_space) {
            c = ' ';
        }
        if (!put(c)) return false;
    }
    return true;
}

}  // namespace detail

/// Decodes `%XX` escapes of `in` into `out`, which must have room for `in.size()` bytes (the
/// decoded text is never longer), and sets `out_size` to the decoded length. Returns false when
/// an escape is invalid ('%' not followed by two hex digits); `out` then holds garbage.
/// `plus_as_space`: '+' becomes ' ', as in application/x-www-form-urlencoded query strings;
/// leave it false for paths, where '+' is literal. `out` may be `in.data()` (decoding in place:
/// output never overtakes input). Decoded bytes can be anything, including NUL and '/': a path
/// that must not contain them has to be checked after decoding.
constexpr bool percent_decode(std::string_view in, char* out, std::size_t& out_size, bool plus_as_space = false) noexcept {
    std::size_t n = 0;
    const bool ok = detail::percent_decode_each(in, plus_as_space, [out, &n](char c) {
        out[n++] = c;
        return true;
    });
    out_size = n;
    return ok;
}

/// Same, into a bounded buffer: returns the decoded bytes (a view into `out`), or nullopt when
/// an escape is invalid or `out` is too small.
constexpr std::optional<std::string_view> percent_decode(std::string_view in, std::span<char> out,
                                                         bool plus_as_space = false) noexcept {
    std::size_t n = 0;
    const bool ok = detail::percent_decode_each(in, plus_as_space, [out, &n](char c) {
        if (n == out.size()) return false;
        out[n++] = c;
        return true;
    });
    if (!ok) return std::nullopt;
    return std::string_view(out.data(), n);
}

/// True when `raw`, percent-decoded ('+' as space unless told otherwise), equals `decoded`;
/// false also when `raw` has an invalid escape. Needs no buffer.
constexpr bool percent_decoded_equals(std::string_view raw, std::string_view decoded, bool plus_as_space = true) noexcept {
    std::size_t n = 0;
    const bool ok = detail::percent_decode_each(raw, plus_as_space, [decoded, &n](char c) {
        if (n == decoded.size() || decoded[n] != c) return false;
        ++n;
        return true;
    });
    return ok && n == decoded.size();
}

/// One `key=value` pair of a query string, as sent (not decoded).
struct QueryParam {
    std::string_view key;
    std::string_view value;   ///< empty when there is no '=' (or nothing after it)
    bool has_value = false;   ///< the pair had a '=' ("a=" has one, "a" has not)
};

/// How a query string reads (see `QueryParams`).
struct QuerySyntax {
    using Pair = QueryParam;
    static constexpr char separator = '&';
    /// An empty piece is skipped; one without '=' has an empty value.
    static constexpr std::optional<QueryParam> parse(std::string_view piece) noexcept {
        if (piece.empty()) return std::nullopt;
        const std::size_t eq = piece.find('=');
        if (eq == std::string_view::npos) return QueryParam{piece, {}, false};
        return QueryParam{piece.substr(0, eq), piece.substr(eq + 1), true};
    }
};

/// The pairs of a query string ("a=1&b=2", without the '?'), in order, as raw views: `for (const
/// QueryParam& p : QueryParams(query))`. Pairs are separated by '&'; empty pairs ("a=1&&b=2", a
/// trailing '&') are skipped; a pair without '=' has an empty value. Nothing is decoded (use
/// `percent_decode(..., true)` on keys and values).
using QueryParams = PairList<QuerySyntax>;

/// The raw (not decoded) value of the first pair of `query` whose key, percent-decoded with
/// '+' as space, equals `key`; nullopt when there is none. A pair without '=' yields an empty
/// value.
constexpr std::optional<std::string_view> find_query_param(std::string_view query, std::string_view key) noexcept {
    for (const QueryParam& p : QueryParams(query)) {
        if (percent_decoded_equals(p.key, key)) return p.value;
    }
    return std::nullopt;
}

}  // namespace sweet::http
