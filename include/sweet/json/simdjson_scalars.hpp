#pragma once
/// @file simdjson_scalars.hpp
/// Reading numbers, booleans and null with simdjson On-Demand, correctly. simdjson 3.0.1 (the
/// Debian 12 package Sweet builds on) gets these wrong, and every parser built on it must step
/// around them; `json::parse` and the schema parsers do it through these functions:
///  - `get_number()` yields 0.0 for numbers of more than 19 significant digits
///    ("10000000000000000.000");
///  - `get_double()` is wrong for "0." followed by more than 19 digits
///    ("0.1000000000000000055511151231257827" gives 4.1e-16);
///  - valid numbers are refused: integers beyond 64 bits (wanted here as the nearest double),
///    exponents of 20 digits or more, top-level numbers longer than 1082 characters;
///  - at the top level, `nulll` is taken for null and `falsey` for false, and a literal followed
///    by more than one whitespace byte (" true \n") is refused.
///
/// Use: cut the trailing whitespace off the text before `iterate` (`trim_trailing_whitespace`),
/// then read every scalar with these functions, giving the text and where the scalar starts:
/// @code
///   text = json::trim_trailing_whitespace(text);   // (empty now: EMPTY, a whitespace-only document)
///   ... parser.iterate(text.data(), text.size(), capacity) ...
///   json::JsonNumber n;
///   if (auto e = json::read_number(value, text, value.raw_json_token().data(), n)) return fail(e);
/// @endcode
/// Errors come back as simdjson codes (NUMBER_ERROR, T_ATOM_ERROR, F_ATOM_ERROR, N_ATOM_ERROR,
/// TRAILING_CONTENT) for `make_parse_error(error, text, at)`.

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <type_traits>

namespace sweet::json {

/// A JSON number as read: an integer kept exact (int64, or uint64 above INT64_MAX) or a double
/// (numbers with a fraction or an exponent, and integers beyond 64 bits, rounded to nearest).
struct JsonNumber {
    /// Which member holds the number.
    enum class Kind : std::uint8_t { int64, uint64, float64 };
    Kind kind = Kind::int64;  ///< Which of the members below is meaningful.
    std::int64_t int64 = 0;   ///< The value when `kind == Kind::int64`.
    std::uint64_t uint64 = 0; ///< The value when `kind == Kind::uint64`.
    double float64 = 0;       ///< The value when `kind == Kind::float64`.
};

/// The four whitespace characters of RFC 8259.
constexpr bool is_json_whitespace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// `text` without its trailing whitespace (which simdjson counts as part of a top-level scalar).
constexpr std::string_view trim_trailing_whitespace(std::string_view text) noexcept {
    std::size_t end = text.size();
    while (end > 0 && is_json_whitespace(text[end - 1])) --end;
    return text.substr(0, end);
}

namespace detail {

/// Whitespace or a structural character: what may end a number or a literal (whether it may
/// follow there is simdjson's business). Not a quote: simdjson takes `1"a"` for one token and
/// counts on the scalar parsers to refuse it.
constexpr bool ends_scalar(char c) noexcept {
    return is_json_whitespace(c) || c == ',' || c == ':' || c == '[' || c == ']' || c == '{' || c == '}';
}

/// True when the scalar token starting at `at` in `text` is exactly `literal`.
constexpr bool is_exact_literal(std::string_view text, const char* at, std::string_view literal) noexcept {
    const std::string_view rest = text.substr(static_cast<std::size_t>(at - text.data()));
    return rest.substr(0, literal.size()) == literal && (rest.size() == literal.size() || ends_scalar(rest[literal.size()]));
}

/// The characters of the number starting at `at` (not validated).
std::string_view number_token(std::string_view text, const char* at) noexcept;
/// True when `token` follows RFC 8259's number grammar.
bool is_json_number(std::string_view token) noexcept;
/// Digits of the integer and fraction parts of a number.
std::size_t significant_digit_count(std::string_view token) noexcept;
/// Converts a valid JSON number exactly (std::from_chars). False when beyond DBL_MAX; an
/// underflow gives a zero of the number's sign.
bool convert_number(std::string_view token, double& out) noexcept;

}  // namespace detail

/// Reads the number starting at `at` in `text` from `source`: an `ondemand::value`, or the
/// `ondemand::document` when the number is the whole document. `text` is what was given to
/// `iterate` (trailing whitespace already cut).
template <class Source>
simdjson::error_code read_number(Source& source, std::string_view text, const char* at, JsonNumber& out) {
    namespace ondemand = simdjson::ondemand;
    constexpr bool top_level = std::is_same_v<Source, ondemand::document>;
    ondemand::number_type type{};
    simdjson::error_code error = source.get_number_type().get(type);
    switch (error == simdjson::SUCCESS ? type : ondemand::number_type{}) {  // no case: to the fallback below
        case ondemand::number_type::signed_integer:
            if ((error = source.get_int64().get(out.int64)) == simdjson::SUCCESS) {
                out.kind = JsonNumber::Kind::int64;
                return simdjson::SUCCESS;
            }
            break;
        case ondemand::number_type::unsigned_integer:
            if ((error = source.get_uint64().get(out.uint64)) == simdjson::SUCCESS) {
                out.kind = JsonNumber::Kind::uint64;
                return simdjson::SUCCESS;
            }
            break;
        case ondemand::number_type::floating_point_number:
            if ((error = source.get_double().get(out.float64)) == simdjson::SUCCESS) {
                // get_double validated the number and moved past it; its value is only to be
                // trusted up to 19 significant digits.
                const std::string_view token = detail::number_token(text, at);
                if (detail::significant_digit_count(token) > 19 && !detail::convert_number(token, out.float64)) {
                    return simdjson::NUMBER_ERROR;
                }
                out.kind = JsonNumber::Kind::float64;
                return simdjson::SUCCESS;
            }
            break;
    }
    // What simdjson refused may still be a valid JSON number it cannot take (see the file
    // comment): converted here, to the nearest double. The failed getters left the iterator in
    // place; inside arrays and objects simdjson skips an unread value by itself, and at the top
    // level raw_json() consumes the document.
    const std::string_view token = detail::number_token(text, at);
    if (!detail::is_json_number(token)) return error == simdjson::NUMBER_OUT_OF_RANGE ? simdjson::NUMBER_ERROR : error;
    const std::size_t after = static_cast<std::size_t>(at - text.data()) + token.size();
    if (after < text.size() && !detail::ends_scalar(text[after])) return simdjson::NUMBER_ERROR;
    if (!detail::convert_number(token, out.float64)) return simdjson::NUMBER_ERROR;  // beyond DBL_MAX
    if constexpr (top_level) {
        if (after != text.size()) return simdjson::TRAILING_CONTENT;
        if (source.raw_json().error() != simdjson::SUCCESS) return simdjson::NUMBER_ERROR;
    }
    out.kind = JsonNumber::Kind::float64;
    return simdjson::SUCCESS;
}

/// Reads `true` or `false` starting at `at` in `text` from `source` (a value or the document).
template <class Source>
simdjson::error_code read_bool(Source& source, std::string_view text, const char* at, bool& out) {
    const bool expect_true = *at == 't';
    const simdjson::error_code literal_error = expect_true ? simdjson::T_ATOM_ERROR : simdjson::F_ATOM_ERROR;
    if (!detail::is_exact_literal(text, at, expect_true ? "true" : "false")) return literal_error;
    // An exact literal fails only at the top level with more after it (simdjson then says
    // INCORRECT_TYPE, having copied the literal and what follows into 6 bytes).
    if (source.get_bool().get(out) != simdjson::SUCCESS) return simdjson::TRAILING_CONTENT;
    return simdjson::SUCCESS;
}

/// Reads `null` starting at `at` in `text` from `source` (a value or the document).
template <class Source>
simdjson::error_code read_null(Source& source, std::string_view text, const char* at) {
    if (!detail::is_exact_literal(text, at, "null")) return simdjson::N_ATOM_ERROR;
    bool is_null = false;
    // As for booleans: an exact literal fails only when more follows it.
    if (source.is_null().get(is_null) != simdjson::SUCCESS || !is_null) return simdjson::TRAILING_CONTENT;
    return simdjson::SUCCESS;
}

}  // namespace sweet::json
