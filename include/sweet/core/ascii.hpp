#pragma once
/// @file ascii.hpp
/// ASCII helpers for protocol text (header names, tokens): locale-free and constexpr.

#include <cstddef>
#include <string_view>

namespace sweet {

/// Lower-cases an ASCII letter; other bytes pass unchanged.
constexpr char ascii_lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

/// ASCII case-insensitive equality (header names and tokens are ASCII).
constexpr bool ascii_iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

}  // namespace sweet
