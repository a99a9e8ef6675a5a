// JSON string escaping and number formatting for sweet/json/writer.hpp.

#include "sweet/json/writer.hpp"

#include "sweet/json/utf8.hpp"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

namespace sweet::json {

namespace {

constexpr std::uint64_t byte_ones = 0x0101010101010101ULL;
constexpr std::uint64_t byte_highs = 0x8080808080808080ULL;

/// Marks (high bit of each byte) the bytes of `x` equal to zero. Borrows can mark bytes above a
/// true zero byte as well, so only the lowest mark is exact, which is all the scan uses.
constexpr std::uint64_t zero_bytes(std::uint64_t x) noexcept { return (x - byte_ones) & ~x & byte_highs; }

/// Marks the bytes of `x` that a string literal cannot copy as is: control characters, '"', '\\'
/// and non-ASCII bytes (which need UTF-8 validation). Again only the lowest mark is exact.
constexpr std::uint64_t special_bytes(std::uint64_t x) noexcept {
    const std::uint64_t control = (x - byte_ones * 0x20) & ~x & byte_highs;
    return (x & byte_highs) | control | zero_bytes(x ^ (byte_ones * '"')) | zero_bytes(x ^ (byte_ones * '\\'));
}

constexpr bool is_special(unsigned char c) noexcept { return c < 0x20 || c == '"' || c == '\\' || c >= 0x80; }

/// Index of the first special byte of `s` at or after `i`, or `s.size()`.
std::size_t find_special(std::string_view s, std::size_t i) noexcept {
    const char* p = s.data();
    const std::size_t n = s.size();
    if constexpr (std::endian::native == std::endian::little) {
        // Eight bytes at a time: in little-endian order the lowest mark is the first byte in memory.
        for (; i + 8 <= n; i += 8) {
            std::uint64_t word;
            std::memcpy(&word, p + i, 8);
            if (const std::uint64_t marks = special_bytes(word)) {
                return i + static_cast<std::size_t>(std::countr_zero(marks)) / 8;
            }
        }
    }
    while (i < n && !is_special(static_cast<unsigned char>(p[i]))) ++i;
    return i;
}

/// Appends the escape for a control character, '"' or '\\'.
void append_escape(std::string& out, unsigned char c) {
    char buf[6] = {'\\', 0, 0, 0, 0, 0};
    switch (c) {
        case '"': buf[1] = '"'; break;
        case '\\': buf[1] = '\\'; break;
        case '\b': buf[1] = 'b'; break;
        case '\f': buf[1] = 'f'; break;
        case '\n': buf[1] = 'n'; break;
        case '\r': buf[1] = 'r'; break;
        case '\t': buf[1] = 't'; break;
        default: {
            static constexpr char hex[] = "0123456789abcdef";
            buf[1] = 'u';
            buf[2] = '0';
            buf[3] = '0';
            buf[4] = hex[c >> 4];
            buf[5] = hex[c & 0xF];
            out.append(buf, 6);
            return;
        }
    }
    out.append(buf, 2);
}

}  // namespace

bool append_string(std::string& out, std::string_view s, Utf8Policy policy) {
    out.push_back('"');
    std::size_t run_start = 0;  // bytes [run_start, i) are copied verbatim at the next flush
    std::size_t i = 0;
    while ((i = find_special(s, i)) < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const int length = utf8_sequence(s, i);
            if (length > 0) {  // valid UTF-8 stays in the verbatim run
                i += static_cast<std::size_t>(length);
                continue;
            }
            if (policy == Utf8Policy::reject) return false;
            out.append(s.data() + run_start, i - run_start);
            out.append("\\ufffd", 6);
            i += static_cast<std::size_t>(-length);
        } else {
            out.append(s.data() + run_start, i - run_start);
            append_escape(out, c);
            ++i;
        }
        run_start = i;
    }
    out.append(s.data() + run_start, s.size() - run_start);
    out.push_back('"');
    return true;
}

void append_double(std::string& out, double v) {
    if (!std::isfinite(v)) {
        out.append("null", 4);
        return;
    }
    // The longest shortest-round-trip double is 24 characters ("-2.2250738585072014e-308").
    char buf[32];
    char* end = fmt::format_to(buf, FMT_COMPILE("{}"), v);
    // fmt writes integral values without a fraction ("1"); keep them floating-point on reading.
    bool integral = true;
    for (const char* p = buf; p != end; ++p) {
        if (*p == '.' || *p == 'e') {
            integral = false;
            break;
        }
    }
    if (integral) {
        *end++ = '.';
        *end++ = '0';
    }
    out.append(buf, static_cast<std::size_t>(end - buf));
}

void append_integer(std::string& out, std::int64_t v) {
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(result.ptr - buf));
}

void append_unsigned(std::string& out, std::uint64_t v) {
    char buf[24];
    const auto result = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(result.ptr - buf));
}

}  // namespace sweet::json
