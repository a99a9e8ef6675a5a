// libFuzzer target for urlencoded forms (sweet/http/form.hpp) and media-type checks
// (sweet/http/mime_types.hpp).
//
// Checks, beyond memory safety:
//  - parse_form agrees with a naive reference (split on '&', skip empty pieces, split at the
//    first '=', decode '+' and %XX): the same fields in the same order when it succeeds; 413
//    exactly when a limit is broken; otherwise 400 exactly when an escape is invalid;
//  - lookups agree with the field list (get = first match, get_all = every match);
//  - media_type_is compares the text before ';' case-insensitively, ignoring whitespace.
// The first input byte picks the limits. Header-only: needs no library source.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/http/form.hpp"
#include "sweet/http/mime_types.hpp"

namespace {

using sweet::http::FormLimits;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

std::optional<std::string> reference_decode(std::string_view s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) return std::nullopt;
            out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
            i += 2;
        } else {
            out.push_back(s[i] == '+' ? ' ' : s[i]);
        }
    }
    return out;
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    const std::uint8_t mode = data[0];
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);  // exactly sized copy
    FormLimits limits;
    if (mode & 1) limits = FormLimits{.max_fields = 4, .max_name_bytes = 6, .max_value_bytes = 10, .max_total_bytes = 64};

    // The reference.
    std::vector<std::pair<std::string_view, std::string_view>> raw;
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t amp = text.find('&', start);
        if (amp == std::string::npos) amp = text.size();
        if (amp > start) {
            const std::string_view piece = std::string_view(text).substr(start, amp - start);
            const std::size_t eq = piece.find('=');
            raw.emplace_back(piece.substr(0, eq), eq == std::string_view::npos ? std::string_view{} : piece.substr(eq + 1));
        }
        start = amp + 1;
    }
    bool over_limit = text.size() > limits.max_total_bytes || raw.size() > limits.max_fields;
    for (const auto& [k, v] : raw) over_limit = over_limit || k.size() > limits.max_name_bytes || v.size() > limits.max_value_bytes;
    std::vector<std::pair<std::string, std::string>> expected;
    bool bad_escape = false;
    for (const auto& [k, v] : raw) {
        auto dk = reference_decode(k);
        auto dv = reference_decode(v);
        if (!dk || !dv) {
            bad_escape = true;
            break;
        }
        expected.emplace_back(std::move(*dk), std::move(*dv));
    }

    auto form = sweet::http::parse_form(text, limits);
    if (over_limit) {
        check(!form.ok() && form.error().status == 413, "a broken limit is not 413");
    } else if (bad_escape) {
        check(!form.ok() && form.error().status == 400, "an invalid escape is not 400");
    } else {
        check(form.ok(), "a valid form was refused");
        check(form->size() == expected.size(), "field count differs");
        std::size_t i = 0;
        for (const auto& [name, value] : *form) {
            check(name == expected[i].first && value == expected[i].second, "a field differs");
            ++i;
        }
        for (const auto& [name, value] : expected) {
            std::optional<std::string_view> first;
            std::vector<std::string_view> all;
            for (const auto& [n, v] : expected) {
                if (n != name) continue;
                if (!first) first = v;
                all.push_back(v);
            }
            check(form->get(name) == first, "get differs");
            check(form->get_all(name) == all, "get_all differs");
            check(form->contains(name), "contains differs");
        }
    }

    // media_type_is against a plain comparison.
    const std::string_view type = std::string_view(text).substr(0, text.find(';'));
    std::size_t b = 0;
    std::size_t e = type.size();
    while (b < e && (type[b] == ' ' || type[b] == '\t')) ++b;
    while (e > b && (type[e - 1] == ' ' || type[e - 1] == '\t')) --e;
    std::string folded;
    for (char c : type.substr(b, e - b)) folded.push_back(lower(c));
    check(sweet::http::media_type_is(text, "application/x-www-form-urlencoded") == (folded == "application/x-www-form-urlencoded"),
          "media_type_is differs");
    check(sweet::http::media_type_is(text, folded), "media_type_is refuses its own essence");
    return 0;
}
