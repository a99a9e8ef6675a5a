#pragma once
/// @file utf8.hpp
/// Strict UTF-8 decoding steps (RFC 3629): what the JSON writer uses to validate strings, and
/// the parser to point at the first invalid byte of a document.

#include <cstddef>
#include <string_view>

namespace sweet::json {

/// Length (2 to 4) of the well-formed UTF-8 sequence starting at `s[i]`, a byte >= 0x80; or, when
/// the sequence is ill-formed, minus the length of its maximal subpart: the bytes that one U+FFFD
/// replaces under Unicode's "substitution of maximal subparts" (Unicode 15, §3.9), which is also
/// what Python's `bytes.decode("utf-8", "replace")` does. Rejected: stray continuation bytes,
/// overlong forms (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates (ED A0..BF), code points
/// above U+10FFFF (F4 90.., F5..FF) and sequences cut short.
constexpr int utf8_sequence(std::string_view s, std::size_t i) noexcept {
    const auto byte = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    int length = 0;
    unsigned char second_min = 0x80;
    unsigned char second_max = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) second_min = 0xA0;  // below: overlong
        if (lead == 0xED) second_max = 0x9F;  // above: UTF-16 surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) second_min = 0x90;  // below: overlong
        if (lead == 0xF4) second_max = 0x8F;  // above: beyond U+10FFFF
    } else {
        return -1;  // continuation byte, overlong lead (C0, C1) or F5..FF
    }
    if (i + 1 >= s.size() || byte(i + 1) < second_min || byte(i + 1) > second_max) return -1;
    for (int k = 2; k < length; ++k) {
        const std::size_t at = i + static_cast<std::size_t>(k);
        if (at >= s.size() || (byte(at) & 0xC0) != 0x80) return -k;
    }
    return length;
}

/// Offset of the first byte of `s` that is not part of well-formed UTF-8, or `s.size()` when all
/// of `s` is valid.
constexpr std::size_t find_invalid_utf8(std::string_view s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const int length = utf8_sequence(s, i);
        if (length < 0) return i;
        i += static_cast<std::size_t>(length);
    }
    return s.size();
}

}  // namespace sweet::json
