// Tests of JSON writing: string escaping, UTF-8 policies, numbers, the streaming Writer and the
// Serializer specializations (sweet/json/writer.hpp, sweet/json/serialize.hpp).

#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sweet/json/serialize.hpp"
#include "sweet/json/writer.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;
namespace json = sweet::json;

namespace {

std::string quoted(std::string_view s, json::Utf8Policy policy = json::Utf8Policy::replace) {
    std::string out;
    REQUIRE(json::append_string(out, s, policy));
    return out;
}

bool rejects(std::string_view s) {
    std::string out;
    return !json::append_string(out, s, json::Utf8Policy::reject);
}

std::string number(double v) {
    std::string out;
    json::append_double(out, v);
    return out;
}

}  // namespace

TEST_CASE("append_string escapes quotes, backslashes and every control character", "[json][writer]") {
    CHECK(quoted("") == R"("")");
    CHECK(quoted("plain text") == R"("plain text")");
    CHECK(quoted(R"(say "hi")") == R"("say \"hi\"")");
    CHECK(quoted(R"(C:\dir\)") == R"("C:\\dir\\")");
    CHECK(quoted("/") == R"("/")");  // '/' may stay as is
    CHECK(quoted("\x7f") == "\"\x7f\"");  // DEL is not a control character for JSON

    // All 32 control characters, one by one, with their expected escapes.
    const char* expected[32] = {
        R"(\u0000)", R"(\u0001)", R"(\u0002)", R"(\u0003)", R"(\u0004)", R"(\u0005)", R"(\u0006)", R"(\u0007)",
        R"(\b)",     R"(\t)",     R"(\n)",     R"(\u000b)", R"(\f)",     R"(\r)",     R"(\u000e)", R"(\u000f)",
        R"(\u0010)", R"(\u0011)", R"(\u0012)", R"(\u0013)", R"(\u0014)", R"(\u0015)", R"(\u0016)", R"(\u0017)",
        R"(\u0018)", R"(\u0019)", R"(\u001a)", R"(\u001b)", R"(\u001c)", R"(\u001d)", R"(\u001e)", R"(\u001f)",
    };
    for (int c = 0; c < 32; ++c) {
        const std::string input(1, static_cast<char>(c));
        INFO("control character " << c);
        CHECK(quoted(input) == "\""s + expected[c] + "\"");
        // Also in the middle of a long run, where the eight-byte scan finds it.
        CHECK(quoted("abcdefghij" + input + "klmnopqrstu") == "\"abcdefghij"s + expected[c] + "klmnopqrstu\"");
    }
}

TEST_CASE("append_string finds special bytes at every position of a long string", "[json][writer]") {
    for (std::size_t length = 1; length <= 40; ++length) {
        for (std::size_t at = 0; at < length; ++at) {
            for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
                std::string input(length, 'x');
                input[at] = special;
                std::string expected = "\"" + std::string(at, 'x');
                expected += special == '"' ? R"(\")" : special == '\\' ? R"(\\)" : special == '\n' ? R"(\n)"
                            : special == '\x01'                        ? R"(\u0001)"
                                                                       : R"(\u001f)";
                expected += std::string(length - at - 1, 'x') + "\"";
                INFO("length " << length << " position " << at << " byte " << int(special));
                CHECK(quoted(input) == expected);
            }
        }
    }
    // Bytes just outside the special ranges are copied as is.
    CHECK(quoted(" !#[]^~") == R"(" !#[]^~")");
}

TEST_CASE("append_string keeps valid UTF-8 of every length", "[json][writer]") {
    const std::string samples[] = {
        "\u00e9",                // 2 bytes
        "\u20ac",                // 3 bytes
        "\U0001F600",            // 4 bytes (astral)
        "\u0080\u07ff\u0800\uffff\U00010000\U0010FFFF",  // boundaries
        "\xed\x9f\xbf",          // U+D7FF, just below the surrogates
        "\xee\x80\x80",          // U+E000, just above them
        "日本語のテキスト, long enough to cross several eight-byte words",
    };
    for (const std::string& s : samples) {
        CHECK(quoted(s) == "\"" + s + "\"");
        CHECK(quoted(s, json::Utf8Policy::reject) == "\"" + s + "\"");
    }
}

TEST_CASE("append_string replaces or rejects invalid UTF-8", "[json][writer]") {
    struct Case {
        std::string input;
        std::string replaced;  // Python: bytes.decode("utf-8", "replace"), then json.dumps(ensure_ascii=False), U+FFFD escaped
    };
    const Case cases[] = {
        {"\x80", R"("\ufffd")"},                            // lone continuation byte
        {"a\xbf" "b", R"("a\ufffdb")"},
        {"\xc0\xaf", R"("\ufffd\ufffd")"},                   // overlong '/': C0 is never valid
        {"\xc1\xbf", R"("\ufffd\ufffd")"},
        {"\xe0\x80\xaf", R"("\ufffd\ufffd\ufffd")"},         // overlong 3-byte
        {"\xf0\x80\x80\xaf", R"("\ufffd\ufffd\ufffd\ufffd")"},  // overlong 4-byte
        {"\xed\xa0\x80", R"("\ufffd\ufffd\ufffd")"},         // U+D800, a surrogate
        {"\xed\xbf\xbf", R"("\ufffd\ufffd\ufffd")"},         // U+DFFF
        {"\xf4\x90\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},  // U+110000
        {"\xf5\x80\x80\x80", R"("\ufffd\ufffd\ufffd\ufffd")"},
        {"\xff", R"("\ufffd")"},
        {"\xc3", R"("\ufffd")"},                            // truncated 2-byte at the end
        {"\xe2\x82", R"("\ufffd")"},                        // truncated 3-byte: one maximal subpart
        {"\xf0\x9f\x98", R"("\ufffd")"},                    // truncated 4-byte
        {"\xe2\x82x", R"("\ufffdx")"},                      // interrupted 3-byte
        {"\xf0\x9f\x98\"", R"("\ufffd\"")"},                // interrupted by a quote, which is still escaped
        {"ok\xe2\x82\xac\xe2\x82", "\"ok\u20ac\\ufffd\""},  // valid then truncated
        {"\xc3\xa9\x80\xc3\xa9", "\"\u00e9\\ufffd\u00e9\""},
    };
    for (const Case& c : cases) {
        INFO("input bytes: " << c.input);
        CHECK(quoted(c.input) == c.replaced);
        CHECK(rejects(c.input));
    }
}

TEST_CASE("append_string appends to what the string already holds", "[json][writer]") {
    std::string out = "prefix:";
    REQUIRE(json::append_string(out, "x\ny"));
    CHECK(out == R"(prefix:"x\ny")");
}

TEST_CASE("append_double writes the shortest text that reads back exactly", "[json][writer]") {
    CHECK(number(0.1) == "0.1");
    CHECK(number(1.5) == "1.5");
    CHECK(number(-2.25) == "-2.25");
    CHECK(number(1.0) == "1.0");      // stays floating-point when read back
    CHECK(number(0.0) == "0.0");
    CHECK(number(-0.0) == "-0.0");    // the sign of zero survives
    CHECK(number(100.0) == "100.0");
    CHECK(number(1e300) == "1e+300");
    CHECK(number(1e-7) == "1e-07");   // a leading zero in an exponent is valid JSON
    CHECK(number(5e-324) == "5e-324");
    CHECK(number(1.7976931348623157e308) == "1.7976931348623157e+308");
    CHECK(number(std::numeric_limits<double>::infinity()) == "null");
    CHECK(number(-std::numeric_limits<double>::infinity()) == "null");
    CHECK(number(std::numeric_limits<double>::quiet_NaN()) == "null");
    // Shortest form reads back to the same double, for a spread of magnitudes.
    for (double v = 1.2345678901234567e-300; v < 1e300; v *= 1234.56789) {
        const std::string text = number(v);
        CHECK(std::strtod(text.c_str(), nullptr) == v);
    }
}

TEST_CASE("integers are written exactly", "[json][writer]") {
    std::string out;
    json::append_integer(out, std::numeric_limits<std::int64_t>::min());
    out += ' ';
    json::append_integer(out, std::numeric_limits<std::int64_t>::max());
    out += ' ';
    json::append_unsigned(out, std::numeric_limits<std::uint64_t>::max());
    out += ' ';
    json::append_integer(out, 0);
    CHECK(out == "-9223372036854775808 9223372036854775807 18446744073709551615 0");
}

TEST_CASE("Writer places commas and colons", "[json][writer]") {
    std::string out;
    json::Writer w(out);
    CHECK_FALSE(w.complete());
    w.begin_object();
    CHECK(w.in_object());
    w.key("a");
    w.integer(-1);
    w.key("b");
    w.begin_array();
    CHECK_FALSE(w.in_object());
    w.unsigned_integer(2);
    w.number(2.5);
    w.boolean(true);
    w.boolean(false);
    w.null();
    w.string("s");
    w.raw(R"({"pre":"made"})");
    w.begin_object();
    w.end_object();
    w.begin_array();
    w.end_array();
    w.end_array();
    w.key("c");
    w.begin_object();
    w.key("d");
    w.begin_array();
    w.end_array();
    w.key("e\"");
    w.string("");
    w.end_object();
    CHECK(w.depth() == 1);
    w.end_object();
    CHECK(w.depth() == 0);
    CHECK(w.complete());
    CHECK_FALSE(w.failed());
    CHECK(out == R"({"a":-1,"b":[2,2.5,true,false,null,"s",{"pre":"made"},{},[]],"c":{"d":[],"e\"":""}})");
    CHECK(&w.output() == &out);
}

TEST_CASE("Writer handles nesting far deeper than its inline stack", "[json][writer]") {
    for (const std::size_t depth : {1U, 63U, 64U, 65U, 127U, 128U, 129U, 1000U, 100000U}) {
        std::string out;
        json::Writer w(out);
        std::string expected;
        for (std::size_t level = 0; level < depth; ++level) {
            // Alternate objects and arrays so that the kind stack matters.
            if (level % 3 == 0) {
                w.begin_object();
                w.key("k");
                expected += R"({"k":)";
            } else {
                w.begin_array();
                w.integer(static_cast<std::int64_t>(level));
                expected += "[" + std::to_string(level) + ",";
            }
        }
        w.null();
        expected += "null";
        for (std::size_t level = depth; level-- > 0;) {
            CHECK(w.in_object() == (level % 3 == 0));
            if (level % 3 == 0) {
                w.end_object();
                expected += "}";
            } else {
                w.end_array();
                expected += "]";
            }
        }
        INFO("depth " << depth);
        CHECK(w.complete());
        CHECK(out == expected);
    }
}

TEST_CASE("Writer under Utf8Policy::reject flags invalid strings and keys", "[json][writer]") {
    {
        std::string out;
        json::Writer w(out, json::Utf8Policy::reject);
        w.begin_array();
        w.string("fine \u00e9");
        CHECK_FALSE(w.failed());
        w.string("bad \xff");
        CHECK(w.failed());
    }
    {
        std::string out;
        json::Writer w(out, json::Utf8Policy::reject);
        w.begin_object();
        w.key("\xed\xa0\x80");
        CHECK(w.failed());
    }
    {
        std::string out;
        json::Writer w(out);  // replace is the default
        w.string("bad \xff");
        CHECK_FALSE(w.failed());
        CHECK(out == R"("bad \ufffd")");
    }
}

TEST_CASE("Serializer covers the standard types", "[json][serialize]") {
    CHECK(json::to_string(true) == "true");
    CHECK(json::to_string(false) == "false");
    CHECK(json::to_string(nullptr) == "null");
    CHECK(json::to_string(std::int8_t{-128}) == "-128");
    CHECK(json::to_string(std::uint8_t{255}) == "255");
    CHECK(json::to_string(short{-3}) == "-3");
    CHECK(json::to_string(42U) == "42");
    CHECK(json::to_string(std::numeric_limits<long long>::min()) == "-9223372036854775808");
    CHECK(json::to_string(std::numeric_limits<unsigned long long>::max()) == "18446744073709551615");
    CHECK(json::to_string(0.5F) == "0.5");
    CHECK(json::to_string(0.1) == "0.1");
    CHECK(json::to_string(2.0L) == "2.0");
    CHECK(json::to_string(std::string("a\"b")) == R"("a\"b")");
    CHECK(json::to_string("x\ty"sv) == R"("x\ty")");
    CHECK(json::to_string("literal") == R"("literal")");
    const char* c_string = "c";
    CHECK(json::to_string(c_string) == R"("c")");
    const char* null_c_string = nullptr;
    CHECK(json::to_string(null_c_string) == "null");
    CHECK(json::to_string(std::optional<int>{}) == "null");
    CHECK(json::to_string(std::optional<int>{7}) == "7");
    CHECK(json::to_string(std::vector<int>{}) == "[]");
    CHECK(json::to_string(std::vector<int>{1, 2, 3}) == "[1,2,3]");
    CHECK(json::to_string(std::vector<bool>{true, false}) == "[true,false]");
    CHECK(json::to_string(std::array<double, 2>{1.5, -0.0}) == "[1.5,-0.0]");
    CHECK(json::to_string(std::map<std::string, int>{{"b", 2}, {"a", 1}}) == R"({"a":1,"b":2})");
    CHECK(json::to_string(std::unordered_map<std::string, int>{{"only", 1}}) == R"({"only":1})");
    CHECK(json::to_string(std::map<std::string, std::vector<std::optional<std::string>>>{
              {"k", {std::nullopt, "v"}}}) == R"({"k":[null,"v"]})");
    CHECK(json::to_string(std::vector<std::vector<int>>{{}, {1}, {2, 3}}) == "[[],[1],[2,3]]");
}

TEST_CASE("to_string under Utf8Policy::reject returns an empty string for invalid UTF-8", "[json][serialize]") {
    CHECK(json::to_string(std::vector<std::string>{"ok", "\xc3"}, json::Utf8Policy::reject).empty());
    CHECK(json::to_string(std::vector<std::string>{"ok", "\xc3"}) == R"(["ok","\ufffd"])");
    CHECK(json::to_string(std::vector<std::string>{"ok"}, json::Utf8Policy::reject) == R"(["ok"])");
}

namespace {
struct NotSerializable {};
struct Point {
    int x = 0;
    int y = 0;
};
}  // namespace

template <>
struct sweet::json::Serializer<Point> {
    static void write(Writer& w, const Point& p) {
        w.begin_array();
        w.integer(p.x);
        w.integer(p.y);
        w.end_array();
    }
};

TEST_CASE("Serializable tells which types can be written", "[json][serialize]") {
    STATIC_REQUIRE(json::Serializable<int>);
    STATIC_REQUIRE(json::Serializable<std::vector<std::map<std::string, std::optional<double>>>>);
    STATIC_REQUIRE(json::Serializable<Point>);
    STATIC_REQUIRE(json::Serializable<std::vector<Point>>);
    STATIC_REQUIRE_FALSE(json::Serializable<NotSerializable>);
    STATIC_REQUIRE_FALSE(json::Serializable<std::vector<NotSerializable>>);
    STATIC_REQUIRE_FALSE(json::Serializable<std::optional<NotSerializable>>);
    STATIC_REQUIRE_FALSE(json::Serializable<char>);  // text, not a number
    STATIC_REQUIRE_FALSE(json::Serializable<char32_t>);
    STATIC_REQUIRE_FALSE(json::Serializable<std::map<int, int>>);  // JSON keys are strings
    STATIC_REQUIRE_FALSE(json::Serializable<void*>);
    CHECK(json::to_string(std::vector<Point>{{1, 2}, {3, 4}}) == "[[1,2],[3,4]]");
}
