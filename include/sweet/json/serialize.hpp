#pragma once
/// @file serialize.hpp
/// Turning C++ values into JSON: the `Serializer<T>` customization point and `write`/`to_string`.
///
/// A type becomes serializable by specializing `Serializer` with a static `write`:
/// @code
///   template <> struct sweet::json::Serializer<Point> {
///       static void write(Writer& w, const Point& p) {
///           w.begin_array(); w.number(p.x); w.number(p.y); w.end_array();
///       }
///   };
///   std::string body = json::to_string(std::vector<Point>{...});
/// @endcode
/// Whole families of types are added with a constrained partial specialization, e.g.
/// `template <class T> requires HasSchema<T> struct Serializer<T> {...};`. The specializations
/// here are constrained to the exact types they handle (arithmetic types, strings, the standard
/// containers listed below), so such a specialization for other class types never competes with
/// them. Provided: bool, every integer type except the character types (char, wchar_t, char8/16/32_t;
/// signed and unsigned char are std::int8_t and std::uint8_t, hence numbers), float/double/long double,
/// std::string, std::string_view, const char*, char arrays (string literals), std::nullptr_t,
/// std::optional<T> (nullopt -> null), std::vector<T>, std::array<T, N>, and std::map /
/// std::unordered_map with std::string keys (objects, members in the map's iteration order).
/// `json::Value` is serializable through sweet/json/value.hpp.

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "sweet/json/writer.hpp"
#include "sweet/core/type_traits.hpp"

namespace sweet::json {

/// How a `T` is written. The primary template is deliberately left undefined: a type is
/// serializable only through a specialization providing `static void write(Writer&, const T&)`.
template <class T, class Enable = void>
struct Serializer;

/// A type some `Serializer` specialization knows how to write.
template <class T>
concept Serializable = requires(Writer& w, const T& v) { Serializer<T>::write(w, v); };

/// Writes `v` as the next value of `w`.
template <Serializable T>
void write(Writer& w, const T& v) {
    Serializer<T>::write(w, v);
}

/// Serializes `v` into a new string. Under `Utf8Policy::reject`, a string holding invalid UTF-8
/// makes the result empty (no JSON text is empty, so the caller can tell).
template <Serializable T>
[[nodiscard]] std::string to_string(const T& v, Utf8Policy policy = Utf8Policy::replace) {
    std::string out;
    Writer w(out, policy);
    Serializer<T>::write(w, v);
    if (w.failed()) out.clear();
    return out;
}

namespace detail {

/// The character types, which are text rather than numbers (a `char` is never written as 65).
/// `signed char` and `unsigned char` are not among them: they are what std::int8_t and
/// std::uint8_t name, so they are written as numbers.
using sweet::is_character_v;

/// Integers written as JSON numbers: every integral type but bool and the character types.
template <class T>
concept JsonInteger = std::is_integral_v<T> && !std::is_same_v<T, bool> && !is_character_v<T>;

}  // namespace detail

/// `true` / `false`.
template <>
struct Serializer<bool> {
    /// Writes the boolean.
    static void write(Writer& w, bool v) { w.boolean(v); }
};

/// Integers, exactly.
template <detail::JsonInteger T>
struct Serializer<T> {
    /// Writes the integer (signed types through int64, unsigned through uint64: never rounded).
    static void write(Writer& w, T v) {
        if constexpr (std::is_signed_v<T>) {
            w.integer(static_cast<std::int64_t>(v));
        } else {
            w.unsigned_integer(static_cast<std::uint64_t>(v));
        }
    }
};

/// float, double, long double: the shortest text reading back as the same double.
template <std::floating_point T>
struct Serializer<T> {
    /// Writes the number (long double is rounded to double); infinities and NaN become null.
    static void write(Writer& w, T v) { w.number(static_cast<double>(v)); }
};

/// std::string as a JSON string.
template <>
struct Serializer<std::string> {
    /// Writes the string (per the writer's `Utf8Policy`).
    static void write(Writer& w, const std::string& v) { w.string(v); }
};

/// std::string_view as a JSON string.
template <>
struct Serializer<std::string_view> {
    /// Writes the string (per the writer's `Utf8Policy`).
    static void write(Writer& w, std::string_view v) { w.string(v); }
};

/// A NUL-terminated C string; a null pointer is written as `null`.
template <>
struct Serializer<const char*> {
    /// Writes the string, or null for a null pointer.
    static void write(Writer& w, const char* v) {
        if (v == nullptr) {
            w.null();
        } else {
            w.string(v);
        }
    }
};

/// A mutable C string, like `const char*`.
template <>
struct Serializer<char*> {
    /// Writes the string, or null for a null pointer.
    static void write(Writer& w, const char* v) { Serializer<const char*>::write(w, v); }
};

/// A char array such as a string literal: the text up to its first NUL (or all N chars).
template <std::size_t N>
struct Serializer<char[N]> {
    /// Writes the array's text.
    static void write(Writer& w, const char (&v)[N]) {
        const void* nul = std::memchr(v, '\0', N);
        w.string(std::string_view(v, nul == nullptr ? N : static_cast<std::size_t>(static_cast<const char*>(nul) - v)));
    }
};

/// `null`.
template <>
struct Serializer<std::nullptr_t> {
    /// Writes null.
    static void write(Writer& w, std::nullptr_t) { w.null(); }
};

/// std::optional<T>: the value, or `null` when empty.
template <Serializable T>
struct Serializer<std::optional<T>> {
    /// Writes the contained value or null.
    static void write(Writer& w, const std::optional<T>& v) {
        if (v) {
            Serializer<T>::write(w, *v);
        } else {
            w.null();
        }
    }
};

/// std::vector<T> as an array.
template <Serializable T, class Allocator>
struct Serializer<std::vector<T, Allocator>> {
    /// Writes the elements in order.
    static void write(Writer& w, const std::vector<T, Allocator>& v) {
        w.begin_array();
        for (const auto& element : v) Serializer<T>::write(w, element);  // auto: vector<bool>'s proxy
        w.end_array();
    }
};

/// std::array<T, N> as an array.
template <Serializable T, std::size_t N>
struct Serializer<std::array<T, N>> {
    /// Writes the elements in order.
    static void write(Writer& w, const std::array<T, N>& v) {
        w.begin_array();
        for (const T& element : v) Serializer<T>::write(w, element);
        w.end_array();
    }
};

/// std::map<std::string, T> as an object, members in key order.
template <Serializable T, class Compare, class Allocator>
struct Serializer<std::map<std::string, T, Compare, Allocator>> {
    /// Writes one member per entry.
    static void write(Writer& w, const std::map<std::string, T, Compare, Allocator>& v) {
        w.begin_object();
        for (const auto& [name, value] : v) {
            w.key(name);
            Serializer<T>::write(w, value);
        }
        w.end_object();
    }
};

/// std::unordered_map<std::string, T> as an object, members in the map's iteration order.
template <Serializable T, class Hash, class KeyEqual, class Allocator>
struct Serializer<std::unordered_map<std::string, T, Hash, KeyEqual, Allocator>> {
    /// Writes one member per entry.
    static void write(Writer& w, const std::unordered_map<std::string, T, Hash, KeyEqual, Allocator>& v) {
        w.begin_object();
        for (const auto& [name, value] : v) {
            w.key(name);
            Serializer<T>::write(w, value);
        }
        w.end_object();
    }
};

}  // namespace sweet::json
