// Tests of the pattern engine (sweet/schema/regex.hpp): ECMAScript syntax accepted and refused
// at compile time, search semantics, Unicode, and linear time on inputs that make backtracking
// engines explode.

#include <catch2/catch.hpp>

#include <chrono>
#include <string>
#include <string_view>

#include "sweet/schema/regex.hpp"

using sweet::schema::compile_regex;
using sweet::schema::is_valid_regex;
using sweet::schema::Regex;

// Compilation happens in constant evaluation (what pattern(...) relies on).
static_assert(is_valid_regex("^[a-z]+(?:-[a-z0-9]+)*$"));
static_assert(is_valid_regex(R"(^\d{4}-\d{2}-\d{2}$)"));
static_assert(!is_valid_regex("[a-"));
static_assert(!is_valid_regex("(?=lookahead)"));

namespace {

bool matches(std::string_view pattern, std::string_view text) {
    const Regex regex(pattern);
    REQUIRE(regex.ok());
    return regex.search(text);
}

}  // namespace

TEST_CASE("schema regex: syntax errors are found, with a reason", "[schema]") {
    struct Case {
        std::string_view pattern;
        std::string_view error;
    };
    const Case cases[] = {
        {"(a", "missing ')'"},
        {"a)", "unmatched ')'"},
        {"[a-", "missing ']'"},
        {"[z-a]", "range out of order in character class"},
        {"*a", "nothing to repeat"},
        {"a**", "nothing to repeat"},
        {"a{2}{3}", "nothing to repeat"},
        {"^*", "nothing to repeat (an assertion cannot be quantified)"},
        {"a{3,2}", "numbers out of order in {n,m} quantifier"},
        {"a{1001}", "repetition count above 1000"},
        {"(?=a)", "lookahead and lookbehind are not supported"},
        {"(?<!a)", "lookahead and lookbehind are not supported"},
        {"(a)\\1", "backreferences are not supported"},
        {"\\p{L}", "Unicode property escapes are not supported"},
        {"\\q", "invalid escape"},
        {"\\x4", "invalid \\x escape (two hex digits expected)"},
        {"\\u12", "invalid \\u escape"},
        {"a\\", "pattern ends with '\\'"},
        {"(?x)", "invalid group syntax"},
        {"((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((((("
         "a))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))))",
         "groups nested too deeply"},
        {"(a{1000}){1000}", "pattern too large once its repetitions are expanded"},
    };
    for (const Case& c : cases) {
        INFO(c.pattern);
        const auto program = compile_regex(c.pattern);
        CHECK_FALSE(program.ok());
        CHECK(program.error == c.error);
        const Regex regex(c.pattern);
        CHECK_FALSE(regex.ok());
        CHECK_FALSE(regex.search("a"));  // an invalid pattern matches nothing
    }
}

TEST_CASE("schema regex: search semantics", "[schema]") {
    CHECK(matches("abc", "xxabcxx"));  // unanchored, as JSON Schema says
    CHECK_FALSE(matches("^abc", "xabc"));
    CHECK(matches("^abc$", "abc"));
    CHECK_FALSE(matches("abc$", "abcd"));
    CHECK(matches("", "anything"));
    CHECK(matches("^$", ""));
    CHECK_FALSE(matches("^$", "a"));
    CHECK(matches("a|b", "zzb"));
    CHECK(matches("^(a|b)*$", "abab"));
    CHECK_FALSE(matches("^(a|b)*$", "abac"));
    CHECK(matches("^(?:ab)+$", "ababab"));
    CHECK_FALSE(matches("^(?:ab)+$", ""));
    CHECK(matches("^(?<year>\\d{4})-\\d{2}$", "2024-01"));
    CHECK(matches("^colou?r$", "color"));
    CHECK(matches("^a+?$", "aaa"));  // lazy quantifiers: same yes/no answer
}

TEST_CASE("schema regex: counted repetition", "[schema]") {
    CHECK_FALSE(matches("^a{2,3}$", "a"));
    CHECK(matches("^a{2,3}$", "aa"));
    CHECK(matches("^a{2,3}$", "aaa"));
    CHECK_FALSE(matches("^a{2,3}$", "aaaa"));
    CHECK(matches("^a{2,}$", "aaaaaaa"));
    CHECK(matches("^a{2}$", "aa"));
    CHECK(matches("^a{0}b$", "b"));
    CHECK(matches("a{,3}", "a{,3}"));  // not a quantifier: literal text, as in ECMAScript
    CHECK(matches("^x{$", "x{"));
}

TEST_CASE("schema regex: classes and escapes", "[schema]") {
    CHECK(matches("^\\d+$", "12345"));
    CHECK_FALSE(matches("^\\d+$", "12a45"));
    CHECK(matches("^\\w+$", "ab_9"));
    CHECK_FALSE(matches("^\\w$", "-"));
    CHECK(matches("^\\s$", "\t"));
    CHECK(matches("^\\s$", "\xc2\xa0"));  // U+00A0 is white space in ECMAScript
    CHECK(matches("^\\S$", "x"));
    CHECK(matches("^[^abc]$", "d"));
    CHECK_FALSE(matches("^[^abc]$", "a"));
    CHECK(matches("^[\\D]$", "x"));
    CHECK_FALSE(matches("^[\\D]$", "5"));
    CHECK(matches("^[a-c-e]$", "-"));
    CHECK(matches("^[\\d-z]$", "-"));
    CHECK(matches("^[\\d-z]$", "z"));
    CHECK(matches("^[\\]\\\\]$", "\\"));
    CHECK(matches("^\\.$", "."));
    CHECK_FALSE(matches("^\\.$", "x"));
    CHECK(matches("^\\x41\\u0042\\u{43}$", "ABC"));
    CHECK(matches("^\\t\\n$", "\t\n"));
    CHECK(matches("^[\\b]$", "\b"));
    CHECK(matches("^\\cJ$", "\n"));
    CHECK(matches("^\\/$", "/"));
    CHECK_FALSE(matches("^[]$", "a"));  // the empty class matches nothing
    CHECK(matches("^[^]$", "\n"));      // its complement matches anything
}

TEST_CASE("schema regex: anchors and word boundaries", "[schema]") {
    CHECK(matches("\\bfoo\\b", "a foo b"));
    CHECK_FALSE(matches("\\bfoo\\b", "afoob"));
    CHECK(matches("\\Bfoo", "afoo"));
    CHECK_FALSE(matches("\\Bfoo", "foo"));
    CHECK(matches("^.$", "x"));
    CHECK_FALSE(matches("^.$", "\n"));  // '.' does not match line terminators
    CHECK_FALSE(matches("^a$", "a\n"));
}

TEST_CASE("schema regex: code points, not bytes", "[schema]") {
    CHECK(matches("^.$", "\xc3\xa9"));
    CHECK_FALSE(matches("^..$", "\xc3\xa9"));
    CHECK(matches("^[\\u00e0-\\u00ff]$", "\xc3\xa9"));
    CHECK(matches("^\xc3\xa9+$", "\xc3\xa9\xc3\xa9"));
    CHECK(matches("^\\uD83D\\uDE00$", "\xf0\x9f\x98\x80"));  // a surrogate pair is one code point
    CHECK(matches("^[\xf0\x9f\x98\x80-\xf0\x9f\x98\x8f]$", "\xf0\x9f\x98\x85"));
    CHECK(matches("^.$", "\xff"));  // invalid UTF-8 reads as U+FFFD, one code point
}

TEST_CASE("schema regex: linear time where backtracking explodes", "[schema]") {
    const std::string many_a(100000, 'a');
    const auto start = std::chrono::steady_clock::now();
    CHECK_FALSE(matches("^(a+)+$", many_a + "!"));
    CHECK_FALSE(matches("^(a|aa)*b$", many_a));
    CHECK_FALSE(matches("(x+x+)+y", std::string(5000, 'x')));
    CHECK(matches("^(a*)*$", many_a));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    CHECK(elapsed < std::chrono::seconds(5));
}
