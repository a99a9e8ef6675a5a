/// @file formats.cpp
/// The string format checks of sweet/schema/formats.hpp.

#include "sweet/schema/formats.hpp"

#include <cstdint>

namespace sweet::schema {

namespace {

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_hex(char c) noexcept {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool is_non_ascii(char c) noexcept {
    return (static_cast<unsigned char>(c) & 0x80) != 0;
}

/// RFC 5322 atext (plus UTF-8 beyond ASCII, as RFC 6531 allows).
constexpr bool is_atext(char c) noexcept {
    constexpr std::string_view specials = "!#$%&'*+-/=?^_`{|}~";
    return is_alpha(c) || is_digit(c) || is_non_ascii(c) || specials.find(c) != std::string_view::npos;
}

/// Reads `n` digits at `pos` as a number; false when they are not all digits.
constexpr bool read_digits(std::string_view s, std::size_t pos, std::size_t n, int& out) noexcept {
    if (pos + n > s.size()) return false;
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!is_digit(s[pos + i])) return false;
        value = value * 10 + (s[pos + i] - '0');
    }
    out = value;
    return true;
}

constexpr int days_in_month(int year, int month) noexcept {
    constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/// Checks "YYYY-MM-DD" at the start of `s`.
std::string_view full_date_error(std::string_view s) noexcept {
    if (s.size() < 10) return "input is too short";
    int year = 0;
    int month = 0;
    int day = 0;
    if (!read_digits(s, 0, 4, year)) return "invalid character in year";
    if (s[4] != '-') return "invalid date separator, expected `-`";
    if (!read_digits(s, 5, 2, month)) return "invalid character in month";
    if (s[7] != '-') return "invalid date separator, expected `-`";
    if (!read_digits(s, 8, 2, day)) return "invalid character in day";
    if (month < 1 || month > 12) return "month value is outside expected range of 1-12";
    if (day < 1 || day > days_in_month(year, month)) return "day value is outside expected range";
    return {};
}

}  // namespace

std::string_view email_error(std::string_view text) noexcept {
    const std::size_t at = text.rfind('@');
    if (at == std::string_view::npos) return "An email address must have an @-sign.";
    const std::string_view local = text.substr(0, at);
    const std::string_view domain = text.substr(at + 1);
    if (local.empty()) return "There must be something before the @-sign.";
    if (domain.empty()) return "There must be something after the @-sign.";
    if (text.size() > 254) return "The email address is too long.";
    if (local.size() > 64) return "The email address is too long before the @-sign.";
    for (std::size_t i = 0; i < local.size(); ++i) {
        const char c = local[i];
        if (c == '.') {
            if (i == 0) return "An email address cannot start with a period.";
            if (i + 1 == local.size()) return "An email address cannot have a period immediately before the @-sign.";
            if (local[i + 1] == '.') return "An email address cannot have two periods in a row.";
            continue;
        }
        if (!is_atext(c)) return "The email address contains invalid characters before the @-sign.";
    }
    if (domain.front() == '.') return "An email address cannot have a period immediately after the @-sign.";
    if (domain.back() == '.') return "An email address cannot end with a period.";
    if (domain.find('.') == std::string_view::npos)
        return "The part after the @-sign is not valid. It should have a period.";
    std::size_t label_start = 0;
    for (std::size_t i = 0; i <= domain.size(); ++i) {
        if (i == domain.size() || domain[i] == '.') {
            const std::string_view label = domain.substr(label_start, i - label_start);
            if (label.empty()) return "An email address cannot have two periods in a row.";
            if (label.size() > 63)
                return "The part after the @-sign is not valid: a label is longer than 63 characters.";
            if (label.front() == '-' || label.back() == '-') {
                return "The part after the @-sign is not valid: a label cannot start or end with a hyphen.";
            }
            label_start = i + 1;
            continue;
        }
        const char c = domain[i];
        if (!is_alpha(c) && !is_digit(c) && c != '-' && !is_non_ascii(c)) {
            return "The part after the @-sign contains invalid characters.";
        }
    }
    const std::string_view top_level = domain.substr(domain.rfind('.') + 1);
    bool all_digits = true;
    for (const char c : top_level)
        all_digits = all_digits && is_digit(c);
    if (all_digits) return "The part after the @-sign is not valid. It is not within a valid top-level domain.";
    return {};
}

std::string_view uuid_error(std::string_view text) noexcept {
    if (text.size() != 36) return "invalid length: expected 36 characters, 8-4-4-4-12 hexadecimal digits";
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (text[i] != '-') return "invalid group separator: expected `-` after 8, 4, 4 and 4 hexadecimal digits";
        } else if (!is_hex(text[i])) {
            return "invalid character: expected a hexadecimal digit [0-9a-fA-F]";
        }
    }
    return {};
}

std::string_view date_error(std::string_view text) noexcept {
    if (const std::string_view error = full_date_error(text); !error.empty()) return error;
    if (text.size() > 10) return "unexpected extra characters at the end of the input";
    return {};
}

std::string_view date_time_error(std::string_view text) noexcept {
    if (const std::string_view error = full_date_error(text); !error.empty()) return error;
    if (text.size() < 19) return "input is too short";
    if (text[10] != 'T' && text[10] != 't') return "invalid datetime separator, expected `T` or `t`";
    int hour = 0;
    int minute = 0;
    int second = 0;
    if (!read_digits(text, 11, 2, hour)) return "invalid character in hour";
    if (text[13] != ':') return "invalid time separator, expected `:`";
    if (!read_digits(text, 14, 2, minute)) return "invalid character in minute";
    if (text[16] != ':') return "invalid time separator, expected `:`";
    if (!read_digits(text, 17, 2, second)) return "invalid character in second";
    if (hour > 23) return "hour value is outside expected range of 0-23";
    if (minute > 59) return "minute value is outside expected range of 0-59";
    if (second > 59) return "second value is outside expected range of 0-59";
    std::size_t i = 19;
    if (i < text.size() && text[i] == '.') {
        ++i;
        const std::size_t digits = i;
        while (i < text.size() && is_digit(text[i]))
            ++i;
        if (i == digits) return "invalid character in second fraction, expected a digit after `.`";
    }
    if (i == text.size()) return "a time zone is required: `Z` or an offset such as `+02:00`";
    if (text[i] == 'Z' || text[i] == 'z') {
        ++i;
    } else if (text[i] == '+' || text[i] == '-') {
        int offset_hour = 0;
        int offset_minute = 0;
        if (!read_digits(text, i + 1, 2, offset_hour) || i + 3 >= text.size() || text[i + 3] != ':' ||
            !read_digits(text, i + 4, 2, offset_minute)) {
            return "invalid timezone offset, expected `+hh:mm` or `-hh:mm`";
        }
        if (offset_hour > 23 || offset_minute > 59) return "timezone offset must be less than 24 hours";
        i += 6;
    } else {
        return "invalid timezone sign, expected `Z`, `+` or `-`";
    }
    if (i != text.size()) return "unexpected extra characters at the end of the input";
    return {};
}

std::string_view uri_error(std::string_view text) noexcept {
    std::size_t i = 0;
    if (text.empty() || !is_alpha(text[0])) return "relative URL without a base";
    while (i < text.size() &&
           (is_alpha(text[i]) || is_digit(text[i]) || text[i] == '+' || text[i] == '-' || text[i] == '.'))
        ++i;
    if (i == text.size() || text[i] != ':') return "relative URL without a base";
    constexpr std::string_view allowed = "-._~:/?#[]@!$&'()*+,;=";
    bool seen_fragment = false;
    for (++i; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size() || !is_hex(text[i + 1]) || !is_hex(text[i + 2])) return "invalid percent-encoding";
            i += 2;
            continue;
        }
        if (c == '#') {
            if (seen_fragment) return "invalid character `#` in the fragment";
            seen_fragment = true;
            continue;
        }
        if (!is_alpha(c) && !is_digit(c) && allowed.find(c) == std::string_view::npos) {
            return "invalid character (spaces, quotes, `<>\\^{|}` and non-ASCII must be percent-encoded)";
        }
    }
    return {};
}

std::string_view format_error(Format format, std::string_view text) noexcept {
    switch (format) {
        case Format::email:
            return email_error(text);
        case Format::uuid:
            return uuid_error(text);
        case Format::date_time:
            return date_time_error(text);
        case Format::date:
            return date_error(text);
        case Format::uri:
            return uri_error(text);
    }
    return {};
}

}  // namespace sweet::schema
