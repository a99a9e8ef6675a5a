#pragma once
/// @file constraints.hpp
/// What a `field(...)` declaration can say about its member beyond the type: validation
/// constraints (lengths, bounds, patterns, allowed strings, formats) and documentation
/// (description, example, deprecated, defaulted). Each is a small literal type; which field
/// types each one fits is checked by `ConstraintFitsField` in declare.hpp.
/// @code
///   field("name", &User::name, min_length(1), max_length(50), pattern("^[a-z]"), description("Login"))
///   field("age", &User::age, ge(0), le(150))
///   field("email", &User::email, format_email)
/// @endcode

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "sweet/schema/number.hpp"
#include "sweet/schema/regex.hpp"

namespace sweet::schema {

/// Fewest Unicode code points a string may have.
struct MinLength {
    std::size_t value;
};
/// Most Unicode code points a string may have.
struct MaxLength {
    std::size_t value;
};
/// Fewest elements of a list (or members of a map).
struct MinItems {
    std::size_t value;
};
/// Most elements of a list (or members of a map).
struct MaxItems {
    std::size_t value;
};
/// Inclusive lower bound (`value >= bound`).
struct Ge {
    Number bound;
};
/// Exclusive lower bound (`value > bound`).
struct Gt {
    Number bound;
};
/// Inclusive upper bound (`value <= bound`).
struct Le {
    Number bound;
};
/// Exclusive upper bound (`value < bound`).
struct Lt {
    Number bound;
};
/// The value must be an integer multiple of `factor` (> 0).
struct MultipleOf {
    Number factor;
};
/// An ECMAScript regular expression the string must match somewhere (unanchored).
struct Pattern {
    std::string_view regex;
};
/// The string must be one of `N` given values.
template <std::size_t N>
struct OneOf {
    std::array<std::string_view, N> values;
};

/// String formats with a JSON Schema "format" name.
enum class Format : std::uint8_t {
    email,      ///< "email": an addr-spec like the email-validator library accepts (dot-atom local part)
    uuid,       ///< "uuid": 8-4-4-4-12 hexadecimal digits
    date_time,  ///< "date-time": RFC 3339, with seconds and a time zone (Z or +hh:mm)
    date,       ///< "date": RFC 3339 full-date, YYYY-MM-DD
    uri,        ///< "uri": an absolute URI (RFC 3986: a scheme, then valid URI characters)
};
/// The string must be in `format`.
struct FormatConstraint {
    Format format;
};
/// Documentation for the field (JSON Schema "description").
struct Description {
    std::string_view text;
};
/// An example value for the documentation (JSON Schema "examples").
template <class V>
struct Example {
    V value;
};
/// Marks the field deprecated in the documentation.
struct Deprecated {};
/// The field may be absent from the input; it then keeps its member initializer, which the
/// JSON Schema documents as "default".
struct Defaulted {};

// ---------------------------------------------------------------------------------------------
// The spellings used in declarations
// ---------------------------------------------------------------------------------------------

/// String: at least `n` code points.
constexpr MinLength min_length(std::size_t n) noexcept {
    return {n};
}
/// String: at most `n` code points.
constexpr MaxLength max_length(std::size_t n) noexcept {
    return {n};
}
/// List or map: at least `n` elements.
constexpr MinItems min_items(std::size_t n) noexcept {
    return {n};
}
/// List or map: at most `n` elements.
constexpr MaxItems max_items(std::size_t n) noexcept {
    return {n};
}
/// Number: `>= bound`.
constexpr Ge ge(Number bound) noexcept {
    return {bound};
}
/// Number: `> bound`.
constexpr Gt gt(Number bound) noexcept {
    return {bound};
}
/// Number: `<= bound`.
constexpr Le le(Number bound) noexcept {
    return {bound};
}
/// Number: `< bound`.
constexpr Lt lt(Number bound) noexcept {
    return {bound};
}

/// Number: an integer multiple of `factor`, which must be positive (checked at compile time).
consteval MultipleOf multiple_of(Number factor) {
    if (compare(factor, Number(0)) <= 0) throw "multiple_of(factor) needs a factor greater than 0";
    return {factor};
}

/// String: must match the ECMAScript regular expression `regex` somewhere (add ^ and $ to
/// match all of it). A regular expression that does not compile is a compile error here.
consteval Pattern pattern(std::string_view regex) {
    if (!is_valid_regex(regex)) throw "pattern(...) is not a valid regular expression (see sweet/schema/regex.hpp)";
    return {regex};
}

/// String: must equal one of `values`.
template <class... S>
    requires(sizeof...(S) > 0 && (std::is_convertible_v<const S&, std::string_view> && ...))
consteval OneOf<sizeof...(S)> one_of(const S&... values) {
    OneOf<sizeof...(S)> out{{std::string_view(values)...}};
    for (std::size_t i = 0; i < out.values.size(); ++i) {
        for (std::size_t j = i + 1; j < out.values.size(); ++j) {
            if (out.values[i] == out.values[j]) throw "one_of(...) lists the same value twice";
        }
    }
    return out;
}

/// String: an email address.
inline constexpr FormatConstraint format_email{Format::email};
/// String: a UUID, 8-4-4-4-12 hexadecimal digits.
inline constexpr FormatConstraint format_uuid{Format::uuid};
/// String: an RFC 3339 date-time with a time zone, e.g. 2024-05-01T12:30:00Z.
inline constexpr FormatConstraint format_date_time{Format::date_time};
/// String: an RFC 3339 date, YYYY-MM-DD.
inline constexpr FormatConstraint format_date{Format::date};
/// String: an absolute URI.
inline constexpr FormatConstraint format_uri{Format::uri};

/// Documentation text.
constexpr Description description(std::string_view text) noexcept {
    return {text};
}

/// An example value: a string, a number or a bool.
template <class V>
    requires(std::is_arithmetic_v<V> || std::is_convertible_v<const V&, std::string_view>)
constexpr auto example(const V& value) noexcept {
    if constexpr (std::is_arithmetic_v<V>) {
        return Example<V>{value};
    } else {
        return Example<std::string_view>{std::string_view(value)};
    }
}

/// Marks a field deprecated in the documentation.
inline constexpr Deprecated deprecated{};
/// Makes a field optional in the input, keeping its member initializer when absent.
inline constexpr Defaulted defaulted{};

/// The JSON Schema name of a format.
constexpr std::string_view format_name(Format format) noexcept {
    switch (format) {
        case Format::email:
            return "email";
        case Format::uuid:
            return "uuid";
        case Format::date_time:
            return "date-time";
        case Format::date:
            return "date";
        case Format::uri:
            return "uri";
    }
    return "";
}

}  // namespace sweet::schema
