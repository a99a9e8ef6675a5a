#pragma once
/// @file type_traits.hpp
/// Type questions several layers ask the same way (JSON output, schemas, route parameters, log
/// fields), answered once.

#include <type_traits>

namespace sweet {

/// The character types: text, never numbers (a `char` is not written as 65). `signed char` and
/// `unsigned char` are not among them: they are what std::int8_t and std::uint8_t name, so they
/// count as small integers.
template <class T>
inline constexpr bool is_character_v = std::is_same_v<T, char> || std::is_same_v<T, wchar_t> ||
                                       std::is_same_v<T, char8_t> || std::is_same_v<T, char16_t> ||
                                       std::is_same_v<T, char32_t>;

/// Integers that are numbers: every integral type but bool and the character types.
template <class T>
inline constexpr bool is_number_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool> && !is_character_v<T>;

}  // namespace sweet
