#pragma once
/// @file parse_strings.hpp
/// Filling a struct with a schema from string parameters (query strings, headers, forms):
/// @code
///   struct Search { std::string q; int limit = 10; std::vector<std::string> tag; };
///   schema::ValidationErrors errors;
///   Search s;
///   schema::parse_strings("query",
///       [&](std::string_view name) { return req.query(name); },                  // first value or nullopt
///       [&](std::string_view name, auto&& each) { for (auto v : req.query_all(name)) each(v); },
///       s, errors);
/// @endcode
/// Each field reads the parameter of its name: scalars (std::string, bool, integers, floats,
/// enums by name, and std::optional of those) its first value, std::vector fields every value.
/// Values convert as FastAPI converts them: integers and floats from their decimal text, bools
/// from true/false, 1/0, yes/no, on/off, t/f, y/n (any case), enums from their names; then the
/// field's constraints apply. Errors have the location [root, name] ([root, name, index] for
/// list elements) and the string as input. An absent required parameter is "missing" with a
/// null input; an absent optional or defaulted one keeps the member's value.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

#include "sweet/json/writer.hpp"
#include "sweet/schema/declare.hpp"
#include "sweet/schema/errors.hpp"
#include "sweet/schema/validate.hpp"

namespace sweet::schema {

namespace strings_detail {

/// ASCII case-insensitive equality (bool spellings).
constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = (a[i] >= 'A' && a[i] <= 'Z') ? static_cast<char>(a[i] + 32) : a[i];
        if (x != b[i]) return false;
    }
    return true;
}

/// Reads a bool as pydantic does from a string; nullopt when it is none of the spellings.
constexpr std::optional<bool> parse_bool(std::string_view s) noexcept {
    for (const std::string_view t : {"1", "on", "t", "true", "y", "yes"}) {
        if (iequals(s, t)) return true;
    }
    for (const std::string_view f : {"0", "off", "f", "false", "n", "no"}) {
        if (iequals(s, f)) return false;
    }
    return std::nullopt;
}

/// Reads an optionally signed decimal integer. Too many digits for 64 bits still gives a
/// Number (a double of the right sign and magnitude), so bounds report it properly.
inline std::optional<Number> parse_integer(std::string_view s) noexcept {
    std::string_view digits = s;
    bool negative = false;
    if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
        negative = digits[0] == '-';
        digits.remove_prefix(1);
    }
    if (digits.empty()) return std::nullopt;
    for (const char c : digits) {
        if (c < '0' || c > '9') return std::nullopt;
    }
    std::uint64_t magnitude = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
    if (ec == std::errc::result_out_of_range || end != digits.data() + digits.size()) {
        double huge = 0;
        std::from_chars(digits.data(), digits.data() + digits.size(), huge);
        return Number(negative ? -huge : huge);
    }
    if (!negative) return Number(magnitude);
    if (magnitude <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return Number(-static_cast<std::int64_t>(magnitude));
    }
    if (magnitude == static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1) {
        return Number(std::numeric_limits<std::int64_t>::min());
    }
    // Below INT64_MIN: as a double, kept below it (the nearest double may be INT64_MIN itself).
    return Number(std::nextafter(-static_cast<double>(magnitude), -0x1p64));
}

/// How a decimal number string read.
enum class FloatRead : std::uint8_t { ok, not_a_number, not_finite };

/// Reads a decimal number (an optional sign, digits, fraction, exponent); infinities, NaN and
/// numbers too large for a double are refused as not finite; too small ones read as zero.
inline FloatRead parse_float(std::string_view s, double& out) noexcept {
    std::string_view digits = s;
    if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-' && digits[1] != '+') digits.remove_prefix(1);
    if (digits.empty()) return FloatRead::not_a_number;
    const auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), out, std::chars_format::general);
    if (end != digits.data() + digits.size() || ec == std::errc::invalid_argument) return FloatRead::not_a_number;
    if (ec == std::errc::result_out_of_range) {
        // Overflow or underflow: strtod tells them apart (HUGE_VAL versus 0).
        const std::string copy(digits);
        out = std::strtod(copy.c_str(), nullptr);
    }
    return std::isfinite(out) ? FloatRead::ok : FloatRead::not_finite;
}

/// Converts one string to `V` (a scalar) under the constraints of `Source`; false (error
/// recorded) when it does not convert or breaks a constraint.
template <class Source, class V>
bool convert(std::string_view text, V& out, const Location& loc, ValidationErrors& errors) {
    const ErrorInput input = ErrorInput::string(text);
    if constexpr (detail::is_string_v<V>) {
        out.assign(text.data(), text.size());
        return check_string<Source>(text, loc, input, errors);
    } else if constexpr (std::is_same_v<V, bool>) {
        const std::optional<bool> b = parse_bool(text);
        if (!b) {
            errors.add("bool_parsing", loc, "Input should be a valid boolean, unable to interpret input", input);
            return false;
        }
        out = *b;
        return true;
    } else if constexpr (detail::is_integer_v<V>) {
        const std::optional<Number> n = parse_integer(text);
        if (!n) {
            errors.add("int_parsing", loc, "Input should be a valid integer, unable to parse string as an integer",
                       input);
            return false;
        }
        return store_number<Source>(*n, out, loc, input, errors);
    } else if constexpr (detail::is_float_v<V>) {
        double d = 0;
        switch (parse_float(text, d)) {
            case FloatRead::ok:
                break;
            case FloatRead::not_a_number:
                errors.add("float_parsing", loc, "Input should be a valid number, unable to parse string as a number",
                           input);
                return false;
            case FloatRead::not_finite:
                errors.add("finite_number", loc, "Input should be a finite number", input);
                return false;
        }
        return store_number<Source>(Number(d), out, loc, input, errors);
    } else if constexpr (std::is_enum_v<V>) {
        return store_enum(text, out, loc, input, errors);
    } else {
        static_assert(
            detail::dependent_false_v<V>,
            "query, header and form parameters are scalars (std::string, bool, integers, float, double, enums), "
            "std::optional of a scalar, or std::vector of scalars");
        return false;
    }
}

template <class T>
inline constexpr bool is_scalar_v =
    detail::is_string_v<T> || std::is_same_v<T, bool> || detail::is_number_v<T> || std::is_enum_v<T>;

/// Reports a field type that strings cannot fill.
template <class Owner, class Member>
struct StringFieldCheck {
    using Value = detail::unwrap_optional_t<Member>;
    static constexpr bool is_list = detail::is_vector_v<Value>;
    static constexpr bool parameters_are_scalars_or_lists_of_scalars =
        is_scalar_v<Value> || (is_list && is_scalar_v<detail::element_t<Value>>);
    static_assert(
        parameters_are_scalars_or_lists_of_scalars,
        "query, header and form parameters are scalars (std::string, bool, integers, float, double, enums), "
        "std::optional of a scalar, or std::vector of scalars: nested structs, maps and json::Value need a JSON body");
};

/// Fills field `I` of `T` from its parameter.
template <HasSchema T, std::size_t I, class Lookup, class LookupAll>
void parse_field(const Location& root, Lookup& lookup, LookupAll& lookup_all, T& out, ValidationErrors& errors) {
    constexpr const auto& f = field_v<T, I>;
    using F = field_t<T, I>;
    using Member = typename F::member_type;
    using Value = detail::unwrap_optional_t<Member>;
    using Source = FieldConstraints<T, I>;
    static_cast<void>(sizeof(StringFieldCheck<T, Member>));
    const Location loc(root, f.name);
    Member& member = out.*(f.member);
    if constexpr (detail::is_vector_v<Value>) {
        using Element = detail::element_t<Value>;
        Value values;
        std::size_t index = 0;
        bool any = false;
        lookup_all(f.name, [&](std::string_view text) {
            any = true;
            const Location element_loc(loc, index++);
            Element element{};
            convert<NoConstraints>(text, element, element_loc, errors);
            values.push_back(std::move(element));
        });
        if (!any) {
            if constexpr (F::required) errors.add("missing", loc, "Field required");
            return;
        }
        if constexpr (detail::source_has_v<Source, MinItems> || detail::source_has_v<Source, MaxItems>) {
            // pydantic's input for a list parameter is the list of its strings.
            std::string list;
            json::Writer w(list);
            w.begin_array();
            lookup_all(f.name, [&](std::string_view text) { w.string(text); });
            w.end_array();
            check_items<Source>(values.size(), "List", loc, ErrorInput::json(list), errors);
        }
        member = std::move(values);
    } else {
        const std::optional<std::string_view> text = lookup(f.name);
        if (!text) {
            if constexpr (F::required) errors.add("missing", loc, "Field required");
            return;
        }
        if constexpr (detail::is_optional_v<Member>) {
            Value value{};
            if (convert<Source>(*text, value, loc, errors)) member = std::move(value);
        } else {
            convert<Source>(*text, member, loc, errors);
        }
    }
}

}  // namespace strings_detail

/// Query/header/form parameters: fills the fields of `out` from string values. `lookup(name)`
/// returns the first value (anything convertible to std::optional<std::string_view>);
/// `lookup_all(name, fn)` calls fn(value) for each value (used for std::vector fields; it may
/// be called twice for a list that breaks min_items/max_items). Errors get the location
/// [root, name] (root is "query", "header", ...). Absent optional or defaulted fields keep their
/// value in `out`.
template <HasSchema T, class Lookup, class LookupAll>
void parse_strings(std::string_view root, Lookup&& lookup, LookupAll&& lookup_all, T& out, ValidationErrors& errors) {
    static_assert(check_fields<T>(), "unsupported field type (see the FieldTypeCheck error above)");
    const Location root_loc(root);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (strings_detail::parse_field<T, I>(root_loc, lookup, lookup_all, out, errors), ...);
    }(std::make_index_sequence<schema_v<T>.size>{});
}

}  // namespace sweet::schema
