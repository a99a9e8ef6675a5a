// Tests of percent-decoding and query-string access (sweet/http/percent.hpp).

#include <catch2/catch.hpp>

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/http/percent.hpp"

using namespace std::string_view_literals;
using sweet::http::find_query_param;
using sweet::http::percent_decode;
using sweet::http::percent_decoded_equals;
using sweet::http::QueryParam;
using sweet::http::QueryParams;

namespace {

/// Decodes with the (char*, size&) form into an exactly sized buffer; nullopt on failure.
std::optional<std::string> decode(std::string_view in, bool plus_as_space = false) {
    std::string out(in.size(), '\0');
    std::size_t n = 12345;
    if (!percent_decode(in, out.data(), n, plus_as_space)) return std::nullopt;
    REQUIRE(n <= in.size());
    out.resize(n);
    return out;
}

std::vector<std::pair<std::string, std::string>> pairs(std::string_view query) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const QueryParam& p : QueryParams(query)) out.emplace_back(p.key, p.value);
    return out;
}

// Everything works in constant expressions.
constexpr bool constexpr_checks() {
    std::array<char, 16> buf{};
    std::size_t n = 0;
    if (!percent_decode("a%20b+c", buf.data(), n, true) || std::string_view(buf.data(), n) != "a b c") return false;
    if (percent_decode("%zz", buf.data(), n)) return false;
    const auto view = percent_decode("%41%42", std::span<char>(buf));
    if (!view || *view != "AB") return false;
    int count = 0;
    for (const QueryParam& p : QueryParams("a=1&b&&c=")) {
        (void)p;
        ++count;
    }
    return count == 3 && find_query_param("x=1&y%5Fz=2", "y_z") == "2"sv && !find_query_param("x=1", "y");
}
static_assert(constexpr_checks());

}  // namespace

TEST_CASE("percent_decode: valid input", "[percent]") {
    CHECK(decode("") == "");
    CHECK(decode("plain/path") == "plain/path");
    CHECK(decode("%20") == " ");
    CHECK(decode("a%2Fb%2fc") == "a/b/c");
    CHECK(decode("%41%42%43") == "ABC");
    CHECK(decode("%e2%82%AC") == "\xe2\x82\xac");
    CHECK(decode("%00") == std::string(1, '\0'));  // decoded bytes can be anything
    CHECK(decode("%ff") == "\xff");
    CHECK(decode("100%25") == "100%");
    CHECK(decode("%2525") == "%25");  // decoded once only
    CHECK(decode("a+b") == "a+b");    // '+' is literal in paths
    CHECK(decode("a+b", true) == "a b");
    CHECK(decode("a%2Bb", true) == "a+b");
    CHECK(decode("++", true) == "  ");
}

TEST_CASE("percent_decode: invalid escapes fail", "[percent]") {
    for (const char* bad : {"%", "%2", "a%", "a%2", "%G0", "%0G", "%%", "%%20", "% 20", "%-1", "%2 ", "%\xff\xff"}) {
        CAPTURE(bad);
        CHECK_FALSE(decode(bad));
        CHECK_FALSE(decode(bad, true));
    }
}

TEST_CASE("percent_decode: into a bounded buffer", "[percent]") {
    char buf[4];
    CHECK(percent_decode("%41%42%43%44", std::span<char>(buf)) == "ABCD"sv);  // longer input, fits decoded
    CHECK_FALSE(percent_decode("ABCDE", std::span<char>(buf)));             // too small
    CHECK(percent_decode("", std::span<char>(buf)) == ""sv);
    CHECK_FALSE(percent_decode("%4", std::span<char>(buf)));
    CHECK(percent_decode("a+b", std::span<char>(buf), true) == "a b"sv);
}

TEST_CASE("percent_decode: in place", "[percent]") {
    std::string s = "a%20b%2Fc+d";
    std::size_t n = 0;
    REQUIRE(percent_decode(s, s.data(), n, true));
    CHECK(std::string_view(s.data(), n) == "a b/c d");
    std::string t = "%41%42";
    const auto v = percent_decode(t, std::span<char>(t.data(), t.size()));
    CHECK(v == "AB"sv);
}

TEST_CASE("percent_decoded_equals", "[percent]") {
    CHECK(percent_decoded_equals("a%20b", "a b"));
    CHECK(percent_decoded_equals("a+b", "a b"));
    CHECK_FALSE(percent_decoded_equals("a+b", "a b", false));
    CHECK(percent_decoded_equals("a+b", "a+b", false));
    CHECK(percent_decoded_equals("", ""));
    CHECK_FALSE(percent_decoded_equals("ab", "abc"));
    CHECK_FALSE(percent_decoded_equals("abc", "ab"));
    CHECK_FALSE(percent_decoded_equals("a%2", "a%2"));  // invalid escape: never equal
    CHECK_FALSE(percent_decoded_equals("a%20b", "a%20b"));
}

TEST_CASE("QueryParams: pairs in order, raw", "[percent]") {
    using P = std::vector<std::pair<std::string, std::string>>;
    CHECK(pairs("").empty());
    CHECK(pairs("a=1&b=2") == P{{"a", "1"}, {"b", "2"}});
    CHECK(pairs("a") == P{{"a", ""}});
    CHECK(pairs("a=") == P{{"a", ""}});
    CHECK(pairs("&&a=1&&b=2&") == P{{"a", "1"}, {"b", "2"}});
    CHECK(pairs("&") .empty());
    CHECK(pairs("=x") == P{{"", "x"}});
    CHECK(pairs("a=1=2") == P{{"a", "1=2"}});
    CHECK(pairs("a=1;b=2") == P{{"a", "1;b=2"}});  // only '&' separates
    CHECK(pairs("k%20y=v+al%26") == P{{"k%20y", "v+al%26"}});  // not decoded
    CHECK(pairs("a=1&a=2") == P{{"a", "1"}, {"a", "2"}});

    const QueryParams q("x&y=");
    auto it = q.begin();
    REQUIRE(it != q.end());
    CHECK(it->key == "x");
    CHECK_FALSE(it->has_value);
    auto old = it++;
    CHECK(old->key == "x");
    REQUIRE(it != q.end());
    CHECK(it->key == "y");
    CHECK(it->has_value);
    CHECK((*it).value.empty());
    ++it;
    CHECK(it == q.end());
}

TEST_CASE("find_query_param", "[percent]") {
    const std::string_view q = "id=42&name=J%C3%B6rg+M&flag&empty=&user%5Fid=7&a+b=c&id=43";
    CHECK(find_query_param(q, "id") == "42"sv);  // the first one
    CHECK(find_query_param(q, "name") == "J%C3%B6rg+M"sv);  // raw value
    CHECK(find_query_param(q, "flag") == ""sv);
    CHECK(find_query_param(q, "empty") == ""sv);
    CHECK(find_query_param(q, "user_id") == "7"sv);  // key compared decoded
    CHECK(find_query_param(q, "a b") == "c"sv);
    CHECK_FALSE(find_query_param(q, "missing"));
    CHECK_FALSE(find_query_param(q, "i"));
    CHECK_FALSE(find_query_param(q, "user%5Fid"));
    CHECK_FALSE(find_query_param("", "a"));
    CHECK_FALSE(find_query_param("b%zz=1", "b%zz"));
    // Value then decoded for use.
    const auto raw = find_query_param(q, "name");
    REQUIRE(raw);
    CHECK(decode(*raw, true) == "J\xc3\xb6rg M");
}
