// libFuzzer target for percent-decoding and query-string access (sweet/http/percent.hpp).
//
// Checks, beyond memory safety:
//  - both percent_decode forms, and decoding in place, give what a naive reference decoder
//    gives (and fail exactly when it fails); the span form fails when its buffer is too small;
//  - percent_decoded_equals(raw, decoded(raw)) holds, and fails for a different string;
//  - QueryParams yields the non-empty '&'-separated pieces in order, each split at its first
//    '=', all as views into the query; find_query_param returns the first pair whose decoded
//    key matches.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/http/percent.hpp"

namespace {

using namespace sweet::http;

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

std::optional<std::string> reference_decode(std::string_view s, bool plus) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size()) return std::nullopt;
            const int h = hex(s[i + 1]);
            const int l = hex(s[i + 2]);
            if (h < 0 || l < 0) return std::nullopt;
            out.push_back(static_cast<char>(h * 16 + l));
            i += 2;
        } else {
            out.push_back(plus && s[i] == '+' ? ' ' : s[i]);
        }
    }
    return out;
}

void check_decode(std::string_view in, bool plus) {
    const std::optional<std::string> expected = reference_decode(in, plus);
    // (char*, size&) form, exactly sized output.
    auto out = std::make_unique<char[]>(in.size());
    std::size_t n = 0;
    const bool ok = percent_decode(in, out.get(), n, plus);
    check(ok == expected.has_value(), "char* form: success differs");
    if (ok) check(std::string_view(out.get(), n) == *expected, "char* form: output differs");
    // In place.
    std::string buf(in);
    std::size_t m = 0;
    const bool ok2 = percent_decode(buf, buf.data(), m, plus);
    check(ok2 == ok && (!ok || std::string_view(buf.data(), m) == *expected), "in-place differs");
    // Span form, with a buffer exactly as large as needed, and one byte smaller.
    if (expected) {
        auto exact = std::make_unique<char[]>(expected->size());
        const auto v = percent_decode(in, std::span<char>(exact.get(), expected->size()), plus);
        check(v && *v == *expected, "span form differs");
        if (!expected->empty()) {
            check(!percent_decode(in, std::span<char>(exact.get(), expected->size() - 1), plus), "span form ignores its size");
        }
        check(percent_decoded_equals(in, *expected, plus), "decoded_equals(raw, decoded) is false");
        check(!percent_decoded_equals(in, *expected + "x", plus), "decoded_equals ignores a longer string");
    } else {
        auto big = std::make_unique<char[]>(in.size());
        check(!percent_decode(in, std::span<char>(big.get(), in.size()), plus), "span form accepts an invalid escape");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Exactly sized copy so ASan sees any over-read.
    auto bytes = std::make_unique<char[]>(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(data[i]);
    const std::string_view in(bytes.get(), size);

    check_decode(in, false);
    check_decode(in, true);

    // QueryParams against a plain split.
    std::vector<std::string_view> pieces;
    for (std::size_t start = 0; start <= in.size();) {
        std::size_t amp = in.find('&', start);
        if (amp == std::string_view::npos) amp = in.size();
        if (amp > start) pieces.push_back(in.substr(start, amp - start));
        start = amp + 1;
    }
    std::size_t k = 0;
    const auto base = reinterpret_cast<std::uintptr_t>(in.data());
    for (const QueryParam& p : QueryParams(in)) {
        check(k < pieces.size(), "more pairs than pieces");
        const std::string_view piece = pieces[k++];
        const std::size_t eq = piece.find('=');
        check(p.key == piece.substr(0, eq), "key differs");
        check(p.has_value == (eq != std::string_view::npos), "has_value differs");
        check(p.value == (eq == std::string_view::npos ? std::string_view() : piece.substr(eq + 1)), "value differs");
        for (std::string_view v : {p.key, p.value}) {
            const auto at = reinterpret_cast<std::uintptr_t>(v.data());
            check(v.empty() || (at >= base && at + v.size() <= base + in.size()), "view outside the query");
        }
        // find_query_param finds the first pair with this decoded key.
        if (const auto key = reference_decode(p.key, true)) {
            std::optional<std::string_view> first;
            for (const QueryParam& q : QueryParams(in)) {
                if (reference_decode(q.key, true) == *key) {
                    first = q.value;
                    break;
                }
            }
            const auto found = find_query_param(in, *key);
            check(found.has_value() && first.has_value() && found->data() == first->data() && found->size() == first->size(),
                  "find_query_param differs");
        }
    }
    check(k == pieces.size(), "fewer pairs than pieces");
    return 0;
}
