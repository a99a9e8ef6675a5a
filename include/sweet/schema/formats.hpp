#pragma once
/// @file formats.hpp
/// Checks for the string formats of `format_*` constraints, and Unicode length counting. Each
/// check returns why the text is not in the format (a short phrase, in the style of the
/// libraries pydantic uses), or an empty view when it is.

#include <cstddef>
#include <string_view>

#include "sweet/schema/constraints.hpp"

namespace sweet::schema {

/// Why `text` is not an email address (empty when it is). Accepts a dot-atom local part
/// (letters, digits, !#$%&'*+-/=?^_`{|}~, and UTF-8 beyond ASCII) and a domain of at least two
/// labels (letters, digits, hyphens not at either end, UTF-8 beyond ASCII) with a non-numeric
/// top-level label, within the RFC 5321 lengths; like the email-validator library pydantic
/// uses, quoted local parts and IP-literal domains are refused.
[[nodiscard]] std::string_view email_error(std::string_view text) noexcept;

/// Why `text` is not a UUID in its canonical form, 8-4-4-4-12 hexadecimal digits (either case).
[[nodiscard]] std::string_view uuid_error(std::string_view text) noexcept;

/// Why `text` is not an RFC 3339 date-time (date, 'T', time with seconds and an optional
/// fraction, then 'Z' or an offset); 'T' and 'Z' may be lower case, as RFC 3339 allows.
[[nodiscard]] std::string_view date_time_error(std::string_view text) noexcept;

/// Why `text` is not an RFC 3339 full-date, YYYY-MM-DD (a real calendar day).
[[nodiscard]] std::string_view date_error(std::string_view text) noexcept;

/// Why `text` is not an absolute URI (RFC 3986): a scheme, ':', then only URI characters
/// with well-formed percent-escapes.
[[nodiscard]] std::string_view uri_error(std::string_view text) noexcept;

/// Why `text` is not in `format` (empty when it is).
[[nodiscard]] std::string_view format_error(Format format, std::string_view text) noexcept;

/// Number of Unicode code points in UTF-8 `text` (bytes that do not continue a sequence).
[[nodiscard]] constexpr std::size_t count_code_points(std::string_view text) noexcept {
    std::size_t n = 0;
    for (const char c : text)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

}  // namespace sweet::schema
