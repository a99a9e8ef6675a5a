#pragma once
/// @file number.hpp
/// `Number`: a numeric bound or input kept exactly as written (a signed or unsigned 64-bit
/// integer, or a double) and compared exactly across kinds, so that `le(9007199254740993)`
/// on an int64 field or a JSON input of 1e19 against a uint64 bound is never off by rounding.

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>

#include "sweet/json/writer.hpp"

namespace sweet::schema {

/// An exact integer or a double.
struct Number {
    /// Which member holds the value.
    enum class Kind : std::uint8_t { integer, unsigned_integer, floating };
    Kind kind = Kind::integer;
    std::int64_t integer = 0;
    std::uint64_t unsigned_integer = 0;
    double floating = 0;

    /// Zero.
    constexpr Number() = default;

    /// The value of any arithmetic type but bool (a bool is not a number in JSON Schema).
    template <class V>
        requires(std::is_arithmetic_v<V> && !std::is_same_v<V, bool>)
    constexpr Number(V v) noexcept {  // NOLINT: implicit, so bounds read ge(0), le(1.5)
        if constexpr (std::is_floating_point_v<V>) {
            kind = Kind::floating;
            floating = static_cast<double>(v);
        } else if constexpr (std::is_signed_v<V>) {
            kind = Kind::integer;
            integer = static_cast<std::int64_t>(v);
        } else {
            kind = Kind::unsigned_integer;
            unsigned_integer = static_cast<std::uint64_t>(v);
        }
    }

    /// True for an integer kind, or a double with no fractional part.
    [[nodiscard]] constexpr bool is_integral() const noexcept {
        if (kind != Kind::floating) return true;
        const double d = floating;
        if (d != d || d - d != 0) return false;        // NaN, infinities (spelled so for constant evaluation)
        if (d >= 0x1p62 || d <= -0x1p62) return true;  // beyond 2^52 every double is an integer
        return static_cast<double>(static_cast<std::int64_t>(d)) == d;
    }

    /// Writes the number as JSON: integers exactly, doubles in their shortest round-trip form.
    void write(json::Writer& w) const {
        switch (kind) {
            case Kind::integer:
                w.integer(integer);
                break;
            case Kind::unsigned_integer:
                w.unsigned_integer(unsigned_integer);
                break;
            case Kind::floating:
                w.number(floating);
                break;
        }
    }

    /// The number as text, as in JSON (and as Python prints it in pydantic's messages:
    /// 5, 0.5, 1.0, 1e+20).
    [[nodiscard]] std::string to_string() const {
        std::string out;
        switch (kind) {
            case Kind::integer:
                json::append_integer(out, integer);
                break;
            case Kind::unsigned_integer:
                json::append_unsigned(out, unsigned_integer);
                break;
            case Kind::floating:
                json::append_double(out, floating);
                break;
        }
        return out;
    }
};

namespace number_detail {

/// -1, 0 or 1 as a non-negative integer `u` is below, at or above the non-negative double `d`.
constexpr int compare_unsigned_double(std::uint64_t u, double d) noexcept {
    if (d >= 18446744073709551616.0) return -1;    // 2^64: above every uint64
    const auto t = static_cast<std::uint64_t>(d);  // truncation, in range
    if (u < t) return -1;
    if (u > t) return 1;
    return d - static_cast<double>(t) > 0 ? -1 : 0;  // t == trunc(d) exactly, so the difference is exact
}

/// A signed integer as sign and magnitude.
struct SignMagnitude {
    bool negative;
    std::uint64_t magnitude;
};

constexpr SignMagnitude sign_magnitude(const Number& n) noexcept {
    if (n.kind == Number::Kind::unsigned_integer) return {false, n.unsigned_integer};
    if (n.integer >= 0) return {false, static_cast<std::uint64_t>(n.integer)};
    // -(INT64_MIN) overflows int64, so negate in uint64.
    return {true, ~static_cast<std::uint64_t>(n.integer) + 1};
}

}  // namespace number_detail

/// Exact comparison: -1, 0 or 1 as `a` is below, equal to or above `b` (NaN compares equal
/// to everything; JSON has none).
constexpr int compare(const Number& a, const Number& b) noexcept {
    using number_detail::compare_unsigned_double;
    using number_detail::sign_magnitude;
    const bool a_float = a.kind == Number::Kind::floating;
    const bool b_float = b.kind == Number::Kind::floating;
    if (a_float && b_float) return a.floating < b.floating ? -1 : (a.floating > b.floating ? 1 : 0);
    if (a_float) return -compare(b, a);
    const auto [negative, magnitude] = sign_magnitude(a);
    if (b_float) {
        const double d = b.floating;
        if (d != d) return 0;  // NaN
        if (!negative) return d < 0 ? 1 : compare_unsigned_double(magnitude, d);
        if (d >= 0) return -1;
        return -compare_unsigned_double(magnitude, -d);  // -m vs d  <=>  -(m vs -d)
    }
    const auto [b_negative, b_magnitude] = sign_magnitude(b);
    if (negative != b_negative) return negative ? -1 : 1;
    if (magnitude == b_magnitude) return 0;
    const bool a_larger = magnitude > b_magnitude;
    return (a_larger != negative) ? 1 : -1;
}

/// The smallest and largest values of arithmetic type `T` as Numbers.
template <class T>
constexpr Number lowest_of() noexcept {
    return Number(std::numeric_limits<T>::lowest());
}
/// The largest value of arithmetic type `T` as a Number.
template <class T>
constexpr Number highest_of() noexcept {
    return Number(std::numeric_limits<T>::max());
}

}  // namespace sweet::schema
