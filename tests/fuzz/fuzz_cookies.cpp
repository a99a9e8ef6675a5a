// libFuzzer target for cookies (sweet/http/cookies.hpp) and HTTP dates (sweet/http/http_date.hpp).
//
// Checks, beyond memory safety:
//  - CookieList yields what a naive split gives (pieces at ';', trimmed, split at the first
//    '=', nameless and '='-less pieces skipped, one pair of surrounding quotes removed), as views
//    into the header; find_cookie returns the first match;
//  - SetCookie::build succeeds exactly when the name is a token and the value cookie-octets
//    (reference character sets written out here), and then starts with "name=value" which
//    CookieList reads back;
//  - parse_http_date accepts only what format_http_date can reproduce: parse(format(parse(s)))
//    == parse(s); format_http_date of any instant in range parses back to itself.
// Header-only: needs no library source.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/http/cookies.hpp"
#include "sweet/http/http_date.hpp"

namespace {

using sweet::http::CookieList;
using sweet::http::CookiePair;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool reference_token_char(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return c != '\0' && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool reference_cookie_octet(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u == 0x21 || (u >= 0x23 && u <= 0x2B) || (u >= 0x2D && u <= 0x3A) || (u >= 0x3C && u <= 0x5B) ||
           (u >= 0x5D && u <= 0x7E);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);  // exactly sized copy
    const std::string_view header = input;

    // CookieList against a plain split.
    std::vector<std::pair<std::string_view, std::string_view>> expected;
    for (std::size_t start = 0; start < header.size();) {
        std::size_t semi = header.find(';', start);
        if (semi == std::string_view::npos) semi = header.size();
        const std::string_view piece = header.substr(start, semi - start);
        const std::size_t eq = piece.find('=');
        if (eq != std::string_view::npos) {
            const std::string_view name = trim(piece.substr(0, eq));
            std::string_view value = trim(piece.substr(eq + 1));
            if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
            if (!name.empty()) expected.emplace_back(name, value);
        }
        start = semi + 1;
    }
    std::size_t k = 0;
    const auto base = reinterpret_cast<std::uintptr_t>(header.data());
    for (const CookiePair& c : CookieList(header)) {
        check(k < expected.size(), "more cookies than pieces");
        check(c.name == expected[k].first && c.value == expected[k].second, "a cookie differs");
        const auto at = reinterpret_cast<std::uintptr_t>(c.name.data());
        check(at >= base && at + c.name.size() <= base + header.size(), "name outside the header");
        const auto found = sweet::http::find_cookie(header, c.name);
        std::string_view first_value;
        for (const auto& [n, v] : expected) {
            if (n == c.name) {
                first_value = v;
                break;
            }
        }
        check(found.has_value() && *found == first_value, "find_cookie differs");
        ++k;
    }
    check(k == expected.size(), "fewer cookies than pieces");

    // SetCookie with the input's halves as name and value.
    const std::size_t half = size / 2;
    sweet::http::SetCookie sc{.name = input.substr(0, half), .value = input.substr(half)};
    std::string_view unquoted = sc.value;
    if (unquoted.size() >= 2 && unquoted.front() == '"' && unquoted.back() == '"') unquoted = unquoted.substr(1, unquoted.size() - 2);
    bool valid = !sc.name.empty() && sc.name.size() + sc.value.size() <= 4096 && !sc.name.starts_with("__Secure-") &&
                 !sc.name.starts_with("__Host-");
    for (char c : sc.name) valid = valid && reference_token_char(c);
    for (char c : unquoted) valid = valid && reference_cookie_octet(c);
    auto built = sc.build();
    check(built.ok() == valid, "SetCookie validity differs from the reference");
    if (built.ok()) {
        check(*built == sc.name + "=" + sc.value, "Set-Cookie text differs");
        const auto back = sweet::http::find_cookie(*built, sc.name);
        check(back.has_value() && *back == unquoted, "a built cookie does not read back");
    }

    // HTTP dates.
    if (const auto t = sweet::http::parse_http_date(header)) {
        const auto text = sweet::http::format_http_date(*t);
        if (text) {
            check(sweet::http::parse_http_date(text->view()) == t, "format/parse round trip differs");
        } else {
            check(*t == 253402300800, "a parsed date cannot be formatted");  // only 9999-12-31T23:59:60
        }
    }
    if (size >= 8) {
        std::int64_t t = 0;
        std::memcpy(&t, data, sizeof t);
        t %= 253402300800;  // keep most values within 0000-9999
        if (const auto text = sweet::http::format_http_date(t)) {
            check(sweet::http::parse_http_date(text->view()) == t, "a formatted date does not parse back");
        }
    }
    return 0;
}
