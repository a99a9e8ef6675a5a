#pragma once
/// @file validate.hpp
/// The checks shared by every input source (JSON bodies, query strings, headers): a field's
/// constraints applied to a value already read, numbers fitted into the member's C++ type, enum
/// names looked up. Each check records pydantic's error (type, message, ctx) and returns false
/// at the first constraint a value breaks, as pydantic reports one error per value.
///
/// Constraints come from a "source" type: `FieldConstraints<T, I>` (field `I` of `T`) or
/// `NoConstraints` (elements of lists and maps, whose constraints are the list's).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sweet/schema/constraints.hpp"
#include "sweet/schema/declare.hpp"
#include "sweet/schema/errors.hpp"
#include "sweet/schema/formats.hpp"
#include "sweet/schema/number.hpp"
#include "sweet/schema/regex.hpp"

namespace sweet::schema {

/// The constraints of field `I` of `T`.
template <HasSchema T, std::size_t I>
struct FieldConstraints {
    /// The constraints tuple.
    static constexpr const auto& constraints() noexcept { return field_v<T, I>.constraints; }
};

/// No constraints (list elements and map values).
struct NoConstraints {
    /// An empty tuple.
    static constexpr const std::tuple<>& constraints() noexcept { return empty; }
    static constexpr std::tuple<> empty{};
};

namespace detail {

template <class Source>
using constraints_tuple_t = std::remove_cvref_t<decltype(Source::constraints())>;

template <class Source>
inline constexpr std::size_t constraint_count_v = std::tuple_size_v<constraints_tuple_t<Source>>;

/// True when the constraints of `Source` include a `C`.
template <class Source, class C>
inline constexpr bool source_has_v = []<std::size_t... K>(std::index_sequence<K...>) {
    return (std::is_same_v<std::tuple_element_t<K, constraints_tuple_t<Source>>, C> || ...);
}(std::make_index_sequence<constraint_count_v<Source>>{});

/// The compiled regular expression of constraint `K` of `Source`, compiled once, on first use.
template <class Source, std::size_t K>
const Regex& compiled_pattern() {
    static const Regex regex(std::get<K>(Source::constraints()).regex);
    return regex;
}

/// "s" unless `n` is 1 (pydantic's plural in messages).
inline std::string_view plural(std::size_t n) noexcept {
    return n == 1 ? "" : "s";
}

/// "'a', 'b' or 'c'": how pydantic lists expected values.
template <class Names>
std::string expected_list(const Names& names) {
    std::string out;
    const std::size_t n = std::size(names);
    for (std::size_t i = 0; i < n; ++i) {
        if (i > 0) out.append(i + 1 == n ? " or " : ", ");
        out.push_back('\'');
        out.append(names[i]);
        out.push_back('\'');
    }
    return out;
}

/// True when the constraints of `Source` include a one_of(...).
template <class Source>
inline constexpr bool source_has_one_of_v = []<std::size_t... K>(std::index_sequence<K...>) {
    return (is_one_of_constraint<std::tuple_element_t<K, constraints_tuple_t<Source>>>::value || ...);
}(std::make_index_sequence<constraint_count_v<Source>>{});

/// The values of the one_of(...) constraint of `Source`, as pydantic lists them.
template <class Source>
std::string one_of_expected() {
    std::string out;
    std::apply(
        [&](const auto&... c) {
            (
                [&] {
                    if constexpr (is_one_of_constraint<std::remove_cvref_t<decltype(c)>>::value)
                        out = expected_list(c.values);
                }(),
                ...);
        },
        Source::constraints());
    return out;
}

/// Records a bound violation: `type` (e.g. "greater_than_equal"), `key` its ctx name ("ge").
inline void bound_error(std::string_view type, std::string_view phrase, std::string_view key, const Number& bound,
                        const Location& loc, const ErrorInput& input, ValidationErrors& errors) {
    std::string msg = "Input should be ";
    msg.append(phrase).append(bound.to_string());
    errors.add(type, loc, msg, input, {{key, bound}});
}

inline double to_double(const Number& n) noexcept {
    switch (n.kind) {
        case Number::Kind::integer:
            return static_cast<double>(n.integer);
        case Number::Kind::unsigned_integer:
            return static_cast<double>(n.unsigned_integer);
        case Number::Kind::floating:
            return n.floating;
    }
    return 0;
}

/// JSON Schema's multipleOf: exact for integers; for other numbers, pydantic's tolerance (a
/// remainder within 1e-9 of the value's magnitude counts as none), so 0.3 is a multiple of 0.1.
inline bool is_multiple_of(const Number& value, const Number& factor) noexcept {
    if (value.kind != Number::Kind::floating && factor.kind != Number::Kind::floating) {
        const auto magnitude = value.kind == Number::Kind::unsigned_integer
                                   ? value.unsigned_integer
                                   : (value.integer >= 0 ? static_cast<std::uint64_t>(value.integer)
                                                         : ~static_cast<std::uint64_t>(value.integer) + 1);
        const auto f = factor.kind == Number::Kind::unsigned_integer ? factor.unsigned_integer
                                                                     : static_cast<std::uint64_t>(factor.integer);
        return f != 0 && magnitude % f == 0;
    }
    const double v = to_double(value);
    const double m = to_double(factor);
    double remainder = std::fmod(v, m);
    if (remainder < 0) remainder += m;
    const double threshold = std::fabs(v) / 1e9;
    return std::fabs(remainder) <= threshold || std::fabs(remainder - m) <= threshold;
}

// -- One constraint against one value. Constraints of other kinds pass. --

template <class Source, std::size_t K, class C>
bool check_string_constraint(const C& c, std::string_view s, const Location& loc, const ErrorInput& input,
                             ValidationErrors& errors) {
    if constexpr (std::is_same_v<C, MinLength>) {
        if (count_code_points(s) >= c.value) return true;
        std::string msg = "String should have at least " + std::to_string(c.value) + " character";
        msg.append(plural(c.value));
        errors.add("string_too_short", loc, msg, input, {{"min_length", c.value}});
        return false;
    } else if constexpr (std::is_same_v<C, MaxLength>) {
        if (count_code_points(s) <= c.value) return true;
        std::string msg = "String should have at most " + std::to_string(c.value) + " character";
        msg.append(plural(c.value));
        errors.add("string_too_long", loc, msg, input, {{"max_length", c.value}});
        return false;
    } else if constexpr (std::is_same_v<C, Pattern>) {
        if (compiled_pattern<Source, K>().search(s)) return true;
        std::string msg = "String should match pattern '";
        msg.append(c.regex).push_back('\'');
        errors.add("string_pattern_mismatch", loc, msg, input, {{"pattern", c.regex}});
        return false;
    } else if constexpr (is_one_of_constraint<C>::value) {
        for (const std::string_view v : c.values) {
            if (v == s) return true;
        }
        const std::string expected = expected_list(c.values);
        errors.add("literal_error", loc, "Input should be " + expected, input,
                   {{"expected", std::string_view(expected)}});
        return false;
    } else if constexpr (std::is_same_v<C, FormatConstraint>) {
        const std::string_view reason = format_error(c.format, s);
        if (reason.empty()) return true;
        std::string msg;
        switch (c.format) {
            case Format::email:
                msg = "value is not a valid email address: ";
                msg.append(reason);
                errors.add("value_error", loc, msg, input, {{"reason", reason}});
                return false;
            case Format::uuid:
                msg = "Input should be a valid UUID, ";
                break;
            case Format::date_time:
                msg = "Input should be a valid datetime, ";
                break;
            case Format::date:
                msg = "Input should be a valid date in the format YYYY-MM-DD, ";
                break;
            case Format::uri:
                msg = "Input should be a valid URL, ";
                break;
        }
        msg.append(reason);
        constexpr std::string_view types[] = {"value_error", "uuid_parsing", "datetime_parsing", "date_parsing",
                                              "url_parsing"};
        errors.add(types[static_cast<std::size_t>(c.format)], loc, msg, input, {{"error", reason}});
        return false;
    } else {
        return true;
    }
}

template <class C>
bool check_number_constraint(const C& c, const Number& v, const Location& loc, const ErrorInput& input,
                             ValidationErrors& errors) {
    if constexpr (std::is_same_v<C, Ge>) {
        if (compare(v, c.bound) >= 0) return true;
        bound_error("greater_than_equal", "greater than or equal to ", "ge", c.bound, loc, input, errors);
        return false;
    } else if constexpr (std::is_same_v<C, Gt>) {
        if (compare(v, c.bound) > 0) return true;
        bound_error("greater_than", "greater than ", "gt", c.bound, loc, input, errors);
        return false;
    } else if constexpr (std::is_same_v<C, Le>) {
        if (compare(v, c.bound) <= 0) return true;
        bound_error("less_than_equal", "less than or equal to ", "le", c.bound, loc, input, errors);
        return false;
    } else if constexpr (std::is_same_v<C, Lt>) {
        if (compare(v, c.bound) < 0) return true;
        bound_error("less_than", "less than ", "lt", c.bound, loc, input, errors);
        return false;
    } else if constexpr (std::is_same_v<C, MultipleOf>) {
        if (is_multiple_of(v, c.factor)) return true;
        errors.add("multiple_of", loc, "Input should be a multiple of " + c.factor.to_string(), input,
                   {{"multiple_of", c.factor}});
        return false;
    } else {
        return true;
    }
}

template <class C>
bool check_items_constraint(const C& c, std::size_t size, std::string_view kind, const Location& loc,
                            const ErrorInput& input, ValidationErrors& errors) {
    if constexpr (std::is_same_v<C, MinItems> || std::is_same_v<C, MaxItems>) {
        constexpr bool is_min = std::is_same_v<C, MinItems>;
        if (is_min ? size >= c.value : size <= c.value) return true;
        std::string msg(kind);
        msg.append(is_min ? " should have at least " : " should have at most ").append(std::to_string(c.value));
        msg.append(" item").append(plural(c.value)).append(" after validation, not ").append(std::to_string(size));
        errors.add(is_min ? "too_short" : "too_long", loc, msg, input,
                   {{"field_type", kind}, {is_min ? "min_length" : "max_length", c.value}, {"actual_length", size}});
        return false;
    } else {
        return true;
    }
}

}  // namespace detail

/// Applies the string constraints of `Source` to `s`; false (error recorded) at the first broken one.
template <class Source>
bool check_string(std::string_view s, const Location& loc, const ErrorInput& input, ValidationErrors& errors) {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        return (detail::check_string_constraint<Source, K>(std::get<K>(Source::constraints()), s, loc, input, errors) &&
                ...);
    }(std::make_index_sequence<detail::constraint_count_v<Source>>{});
}

/// Applies the numeric constraints of `Source` to `v`; false (error recorded) at the first broken one.
template <class Source>
bool check_number(const Number& v, const Location& loc, const ErrorInput& input, ValidationErrors& errors) {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        return (detail::check_number_constraint(std::get<K>(Source::constraints()), v, loc, input, errors) && ...);
    }(std::make_index_sequence<detail::constraint_count_v<Source>>{});
}

/// Applies min_items/max_items of `Source` to a list (`kind` "List") or map ("Dictionary").
template <class Source>
bool check_items(std::size_t size, std::string_view kind, const Location& loc, const ErrorInput& input,
                 ValidationErrors& errors) {
    return [&]<std::size_t... K>(std::index_sequence<K...>) {
        return (detail::check_items_constraint(std::get<K>(Source::constraints()), size, kind, loc, input, errors) &&
                ...);
    }(std::make_index_sequence<detail::constraint_count_v<Source>>{});
}

/// Stores number `v` into arithmetic member `out` after checking `Source`'s constraints, that
/// an integer member gets an integral value, and that the value fits the member's type (the
/// type's bounds are reported as pydantic reports le/ge). False (error recorded) otherwise.
template <class Source, class T>
bool store_number(const Number& v, T& out, const Location& loc, const ErrorInput& input, ValidationErrors& errors) {
    if constexpr (detail::is_integer_v<T>) {
        if (!v.is_integral()) {
            errors.add("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part",
                       input);
            return false;
        }
    }
    if (!check_number<Source>(v, loc, input, errors)) return false;
    if (compare(v, lowest_of<T>()) < 0) {
        detail::bound_error("greater_than_equal", "greater than or equal to ", "ge", lowest_of<T>(), loc, input,
                            errors);
        return false;
    }
    if (compare(v, highest_of<T>()) > 0) {
        detail::bound_error("less_than_equal", "less than or equal to ", "le", highest_of<T>(), loc, input, errors);
        return false;
    }
    switch (v.kind) {
        case Number::Kind::integer:
            out = static_cast<T>(v.integer);
            break;
        case Number::Kind::unsigned_integer:
            out = static_cast<T>(v.unsigned_integer);
            break;
        case Number::Kind::floating:
            out = static_cast<T>(v.floating);
            break;  // in range, and integral for integers
    }
    return true;
}

/// Records pydantic's "enum" error for `E`: "Input should be 'red', 'green' or 'blue'".
template <HasEnum E>
void enum_error(const Location& loc, const ErrorInput& input, ValidationErrors& errors) {
    const std::string expected = detail::expected_list(enum_v<E>.names);
    errors.add("enum", loc, "Input should be " + expected, input, {{"expected", std::string_view(expected)}});
}

/// Looks `name` up among `E`'s names; records pydantic's "enum" error when absent.
template <HasEnum E>
bool store_enum(std::string_view name, E& out, const Location& loc, const ErrorInput& input, ValidationErrors& errors) {
    constexpr const auto& e = enum_v<E>;
    for (std::size_t i = 0; i < e.size; ++i) {
        if (e.names[i] == name) {
            out = e.values[i];
            return true;
        }
    }
    enum_error<E>(loc, input, errors);
    return false;
}

}  // namespace sweet::schema
