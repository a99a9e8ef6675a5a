#pragma once
/// @file field.hpp
/// Typed key-value fields of a log record: `log::kv("user_id", 42)`, `log::kv("name", name)`.
///
/// A `Field` is a small value (key view, type tag, number or string view) built on the stack
/// and written straight into the record buffer, so a field costs no allocation. String fields
/// are views: the data must live until the logging call returns (it always does for
/// arguments of that call; keep that in mind when you store fields in a `Logger`).

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "sweet/core/type_traits.hpp"

namespace sweet::log {

/// One typed key-value pair of a record. Build it with `kv`.
struct Field {
    /// The JSON type the value is written as.
    enum class Kind : std::uint8_t {
        null,       ///< `null` (an empty optional, a null `const char*`, nullptr)
        boolean,    ///< `true` / `false`
        integer,    ///< signed 64-bit integer, exact
        unsigned_integer,  ///< unsigned 64-bit integer, exact
        floating,   ///< double, shortest round-trip form; NaN and infinities become null
        string,     ///< string, escaped (invalid UTF-8 is replaced by U+FFFD)
    };

    std::string_view key;        ///< field name, written escaped as given
    Kind kind = Kind::null;      ///< which member below holds the value
    std::string_view text;       ///< the value when `kind == string`
    union Number {
        bool boolean;
        std::int64_t integer;
        std::uint64_t unsigned_integer;
        double floating;
    } number{};                  ///< the value for the other kinds
};

namespace detail {
// Character types whose values are letters rather than numbers. signed/unsigned char are
// std::int8_t/std::uint8_t, small integers, so they are logged as numbers.
template <class T>
inline constexpr bool is_char_type = sweet::is_character_v<T>;

template <class T>
inline constexpr bool is_optional = false;
template <class T>
inline constexpr bool is_optional<std::optional<T>> = true;

template <class>
inline constexpr bool unsupported_field_type = false;
}  // namespace detail

/// A field named `key` holding `value`. Accepted values: bool; any integer type except
/// `char` and the wide character types (written exactly; std::int8_t/std::uint8_t are numbers); float and double; anything convertible to
/// `std::string_view` (std::string, string literals, `const char*` (null -> null));
/// `std::optional` of one of these (empty -> null); `nullptr`. Other types do not compile:
/// format them yourself (`kv("when", fmt::format("{}", t))`) or log their members.
template <class T>
[[nodiscard]] constexpr Field kv(std::string_view key, const T& value) noexcept {
    using V = std::remove_cvref_t<T>;
    Field f;
    f.key = key;
    if constexpr (std::is_same_v<V, bool>) {
        f.kind = Field::Kind::boolean;
        f.number.boolean = value;
    } else if constexpr (detail::is_char_type<V>) {
        static_assert(detail::unsupported_field_type<V>,
                      "log::kv: a single character is ambiguous (number or text?); pass an int or a std::string_view");
    } else if constexpr (std::is_integral_v<V> && std::is_signed_v<V>) {
        f.kind = Field::Kind::integer;
        f.number.integer = static_cast<std::int64_t>(value);
    } else if constexpr (std::is_integral_v<V>) {
        f.kind = Field::Kind::unsigned_integer;
        f.number.unsigned_integer = static_cast<std::uint64_t>(value);
    } else if constexpr (std::is_floating_point_v<V>) {
        f.kind = Field::Kind::floating;
        f.number.floating = static_cast<double>(value);
    } else if constexpr (std::is_same_v<V, std::nullptr_t>) {
        f.kind = Field::Kind::null;
    } else if constexpr (std::is_pointer_v<V> && std::is_convertible_v<V, const char*>) {
        if (value != nullptr) {
            f.kind = Field::Kind::string;
            f.text = std::string_view(value);
        }
    } else if constexpr (std::is_convertible_v<const V&, std::string_view>) {
        f.kind = Field::Kind::string;
        f.text = std::string_view(value);
    } else if constexpr (detail::is_optional<V>) {
        if (value) return kv(key, *value);
    } else {
        static_assert(detail::unsupported_field_type<V>,
                      "log::kv: the value must be a bool, an integer, a floating-point number, a string or an optional "
                      "of one; format other types yourself (fmt::format) or log their members as separate fields");
    }
    return f;
}

/// Tells whether `T` is a `Field` (how the logging functions tell fields from format arguments).
template <class T>
concept FieldArgument = std::same_as<std::remove_cvref_t<T>, Field>;

}  // namespace sweet::log
