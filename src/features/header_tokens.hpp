#pragma once
// Small helpers for comma-separated header values (Vary, Accept-Encoding, Access-Control-*),
// shared by the built-in middleware. Internal: not installed, not part of the public API.

#include <string>
#include <string_view>

#include "sweet/core/ascii.hpp"
#include "sweet/http/response.hpp"

namespace sweet::features_detail {

/// `s` without leading and trailing spaces and tabs (optional whitespace, RFC 9110 5.6.3).
inline std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// True for an RFC 9110 token character (what header names and methods are made of).
constexpr bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
        case '-': case '.': case '^': case '_': case '`': case '|': case '~':
            return true;
        default:
            return false;
    }
}

/// True when `s` is a non-empty token.
constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s) {
        if (!is_tchar(c)) return false;
    }
    return true;
}

/// Calls `fn(element)` for each non-empty, trimmed element of a comma-separated list; stops
/// early when `fn` returns false. Returns false when it stopped early.
template <class Fn>
bool for_each_list_element(std::string_view list, Fn&& fn) {
    while (true) {
        const std::size_t comma = list.find(',');
        const std::string_view element = trim_ows(list.substr(0, comma));
        if (!element.empty() && !fn(element)) return false;
        if (comma == std::string_view::npos) return true;
        list.remove_prefix(comma + 1);
    }
}

/// True when the comma-separated `list` holds `token` (ASCII case-insensitive).
inline bool list_contains(std::string_view list, std::string_view token) {
    return !for_each_list_element(list, [token](std::string_view e) { return !ascii_iequals(e, token); });
}

/// Adds `token` to the response's Vary header unless it is already there (or Vary is `*`,
/// which already covers everything). Keeps one Vary field so caches read a single list.
inline void add_vary(Response& response, std::string_view token) {
    const std::string* existing = response.header("Vary");
    if (existing == nullptr || trim_ows(*existing).empty()) {
        response.set_header("Vary", std::string(token));
        return;
    }
    if (list_contains(*existing, token) || list_contains(*existing, "*")) return;
    std::string merged = *existing;
    merged += ", ";
    merged += token;
    response.set_header("Vary", std::move(merged));
}

/// True when a header value is safe to send as is: visible ASCII, spaces and tabs, no CR/LF.
inline bool is_safe_header_value(std::string_view value) noexcept {
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (u == '\t') continue;
        if (u < 0x20 || u == 0x7f) return false;
    }
    return true;
}

}  // namespace sweet::features_detail
