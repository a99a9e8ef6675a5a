// Number helpers behind sweet/json/simdjson_scalars.hpp: the RFC 8259 number grammar and an
// exact conversion for the numbers simdjson 3.0.1 gets wrong or refuses.

#include "sweet/json/simdjson_scalars.hpp"

#include <algorithm>
#include <charconv>
#include <system_error>

namespace sweet::json::detail {

std::string_view number_token(std::string_view text, const char* at) noexcept {
    const std::string_view rest = text.substr(static_cast<std::size_t>(at - text.data()));
    return rest.substr(0, rest.find_first_not_of("0123456789+-.eE"));
}

bool is_json_number(std::string_view token) noexcept {
    // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    std::size_t i = 0;
    const std::size_t n = token.size();
    const auto digits = [&] {
        const std::size_t start = i;
        while (i < n && token[i] >= '0' && token[i] <= '9') ++i;
        return i - start;
    };
    if (i < n && token[i] == '-') ++i;
    if (i < n && token[i] == '0') {
        ++i;
    } else if (digits() == 0) {
        return false;
    }
    if (i < n && token[i] == '.') {
        ++i;
        if (digits() == 0) return false;
    }
    if (i < n && (token[i] == 'e' || token[i] == 'E')) {
        ++i;
        if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == n;
}

std::size_t significant_digit_count(std::string_view token) noexcept {
    std::size_t digits = 0;
    for (const char c : token) {
        if (c == 'e' || c == 'E') break;
        if (c >= '0' && c <= '9') ++digits;
    }
    return digits;
}

bool convert_number(std::string_view token, double& out) noexcept {
    // std::from_chars: correctly rounded and independent of the locale (strtod is neither
    // guaranteed to be the one nor the other).
    double value = 0;
    const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
    if (ec == std::errc() && end == token.data() + token.size()) {
        out = value;
        return true;
    }
    if (ec != std::errc::result_out_of_range) return false;
    // Out of range, too large or too small: the decimal exponent of the first significant digit
    // tells which (from_chars leaves `value` alone either way).
    const bool negative = token.front() == '-';
    const std::string_view unsigned_token = token.substr(negative ? 1 : 0);
    const std::size_t exponent_at = unsigned_token.find_first_of("eE");
    const std::string_view mantissa = unsigned_token.substr(0, exponent_at);
    long long magnitude = 0;
    if (exponent_at != std::string_view::npos) {
        std::string_view exponent = unsigned_token.substr(exponent_at + 1);
        if (exponent.front() == '+') exponent.remove_prefix(1);
        const auto parsed = std::from_chars(exponent.data(), exponent.data() + exponent.size(), magnitude);
        // An exponent too long for long long is out of range in its own direction.
        if (parsed.ec == std::errc::result_out_of_range) magnitude = exponent.front() == '-' ? -100000 : 100000;
        // Any exponent beyond +-100000 decides the same way, and clamping keeps the digit count
        // added below from overflowing (E0009223372036854775807 parses to LLONG_MAX).
        magnitude = std::clamp(magnitude, -100000LL, 100000LL);
    }
    const std::size_t point = mantissa.find('.');
    const std::size_t integer_digits = point == std::string_view::npos ? mantissa.size() : point;
    const std::size_t first_significant = mantissa.find_first_not_of("0.");
    if (first_significant != std::string_view::npos) {
        magnitude += first_significant < integer_digits ? static_cast<long long>(integer_digits - first_significant)
                                                        : -static_cast<long long>(first_significant - integer_digits);
        if (magnitude > 0) return false;  // beyond DBL_MAX
    }
    out = negative ? -0.0 : 0.0;  // an underflow, or zero however written
    return true;
}

}  // namespace sweet::json::detail
