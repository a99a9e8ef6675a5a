// Tests of json::parse and make_parse_error (sweet/json/parse.hpp, sweet/json/simdjson_error.hpp):
// a hand-written corpus of valid and malformed documents, limits, and round trips through the
// writer.

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/json/parse.hpp"
#include "sweet/json/serialize.hpp"
#include "sweet/json/simdjson_error.hpp"
#include "sweet/json/value.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;
namespace json = sweet::json;
using json::Array;
using json::Object;
using json::Value;

namespace {

/// Parses `text` both ways (copying and in place from a padded copy) and checks they agree.
json::ParseResult<Value> parse_both(std::string_view text, const json::ParseOptions& options = {}) {
    auto copied = json::parse(text, options);
    std::string padded(text);
    padded.append(json::required_padding, '\xff');  // garbage after the end must not matter
    auto in_place = json::parse_padded(std::string_view(padded.data(), text.size()), options);
    REQUIRE(copied.ok() == in_place.ok());
    if (copied.ok()) {
        CHECK(*copied == *in_place);
    } else {
        CHECK(copied.error() == in_place.error());
    }
    return copied;
}

Value parse_ok(std::string_view text) {
    auto result = parse_both(text);
    INFO("document: " << text);
    if (!result) FAIL("refused: " << result.error().message());
    return std::move(result).value();
}

json::ParseError parse_error(std::string_view text, const json::ParseOptions& options = {}) {
    auto result = parse_both(text, options);
    INFO("document: " << text);
    if (result) FAIL("accepted, as " << json::to_string(*result));
    CHECK(result.error().offset <= text.size());
    CHECK_FALSE(result.error().reason.empty());
    return result.error();
}

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string nested_objects(std::size_t depth) {
    std::string text;
    for (std::size_t i = 0; i < depth; ++i) text += R"({"k":)";
    text += "0";
    text += std::string(depth, '}');
    return text;
}

}  // namespace

TEST_CASE("parse reads every kind of value", "[json][parse]") {
    CHECK(parse_ok("null") == nullptr);
    CHECK(parse_ok("true") == true);
    CHECK(parse_ok("false") == false);
    CHECK(parse_ok("0") == 0);
    CHECK(parse_ok("-17") == -17);
    CHECK(parse_ok("2.5") == 2.5);
    CHECK(parse_ok(R"("")") == "");
    CHECK(parse_ok(R"("abc")") == "abc");
    CHECK(parse_ok("[]") == Value(Array{}));
    CHECK(parse_ok("{}") == Value(Object{}));
    CHECK(parse_ok(R"([1,"a",null,true,{"k":[false]}])") ==
          Value(Array{1, "a", nullptr, true, Object{{"k", Array{false}}}}));
    CHECK(parse_ok(" \t\r\n{ \"a\" : [ 1 , 2 ] }\n\t \r") == Value(Object{{"a", Array{1, 2}}}));
}

TEST_CASE("parse: top-level scalars with surrounding whitespace", "[json][parse]") {
    // simdjson 3.0.1 refuses a top-level literal followed by much whitespace; parse trims it.
    CHECK(parse_ok(" true\r\n  ") == true);
    CHECK(parse_ok("\r\n false\r\n  \t ") == false);
    CHECK(parse_ok("null" + std::string(100, ' ')) == nullptr);
    CHECK(parse_ok("12" + std::string(2000, '\n')) == 12);
    CHECK(parse_ok("  -1.5e3  ") == -1500.0);
    CHECK(parse_ok("\t\"s\" \n") == "s");
    CHECK(parse_ok("[1]" + std::string(100, ' ')) == Value(Array{1}));
    CHECK(parse_error("true" + std::string(50, ' ') + "x").offset == 54);
}

TEST_CASE("parse decodes every escape and keeps UTF-8", "[json][parse]") {
    CHECK(parse_ok(R"("\"\\\/\b\f\n\r\t")") == "\"\\/\b\f\n\r\t");
    // Every control character through a \u escape, and back out through the writer.
    for (int c = 0; c < 0x20; ++c) {
        char escape[16];
        std::snprintf(escape, sizeof escape, "\"\\u%04x\"", c);
        const Value v = parse_ok(escape);
        CHECK(v == std::string(1, static_cast<char>(c)));
        CHECK(parse_ok(json::to_string(v)) == v);
    }
    CHECK(parse_ok(R"("\u0041\u00e9\u20AC")") == "A\u00e9\u20ac");
    CHECK(parse_ok(R"("\ud83d\ude00")") == "\xf0\x9f\x98\x80");  // surrogate pair -> 4-byte UTF-8
    CHECK(parse_ok(R"("\uD83D\uDE00")") == "\U0001F600");
    CHECK(parse_ok(R"("\udbff\udfff")") == "\U0010FFFF");
    CHECK(parse_ok("\"\U0001F600 \u65e5\u672c\"") == "\U0001F600 \u65e5\u672c");  // raw UTF-8
    CHECK(parse_ok(R"({"\u00e9t\u00e9":1})")["\u00e9t\u00e9"] == 1);  // escaped names too
    CHECK(parse_ok("\"\x7f\"") == "\x7f");  // DEL needs no escape
}

TEST_CASE("parse refuses lone surrogates and bad escapes", "[json][parse]") {
    for (const std::string_view bad : {R"("\ud800")", R"("\udc00")", R"("\ude00\ud83d")", R"("\ud83d\u0041")",
                                       R"("\ud83dx")", R"("\ud83d\n")", R"("\x")", R"("\u12")", R"("\u12g4")",
                                       R"("\U0041")", R"("\'")", R"({"\ud800":1})", R"(["ok","\q"])"}) {
        INFO(bad);
        const json::ParseError error = parse_error(bad);
        CHECK(error.reason.find("invalid string") != std::string::npos);
    }
    // The offset is the string holding the bad escape.
    CHECK(parse_error(R"(["ok", "\ud800"])").offset == 7);
    CHECK(parse_error(R"({"a":1,"\x":2})").offset == 7);
}

TEST_CASE("parse keeps integers exact and doubles correctly rounded", "[json][parse]") {
    CHECK(parse_ok("9223372036854775807").as_int64() == std::numeric_limits<std::int64_t>::max());
    CHECK(parse_ok("-9223372036854775808").as_int64() == std::numeric_limits<std::int64_t>::min());
    CHECK(parse_ok("9223372036854775808").is_uint64());
    CHECK(parse_ok("18446744073709551615").as_uint64() == std::numeric_limits<std::uint64_t>::max());
    // Beyond 64 bits: the nearest double.
    CHECK(parse_ok("18446744073709551616") == 18446744073709551616.0);
    CHECK(parse_ok("-9223372036854775809") == -9223372036854775808.0);
    CHECK(parse_ok("[123456789012345678901234567890]")[0] == 1.2345678901234568e29);
    // -0 is the integer 0; -0.0 keeps its sign.
    CHECK(parse_ok("-0") == 0);
    CHECK(parse_ok("-0").is_int64());
    const Value negative_zero = parse_ok("-0.0");
    REQUIRE(negative_zero.is_double());
    CHECK(std::signbit(*negative_zero.as_double()));
    CHECK(json::to_string(negative_zero) == "-0.0");
    CHECK(parse_ok("1E+2") == 100.0);
    CHECK(parse_ok("1e2").is_double());
    CHECK(parse_ok("1.0") == 1.0);
    CHECK(parse_ok("0.1") == 0.1);
    CHECK(parse_ok("1e-400") == 0.0);  // underflow rounds to zero, as strtod does
    CHECK(parse_ok("4.9e-324") == 4.9e-324);
    CHECK(parse_ok("2.2250738585072011e-308") == 2.2250738585072011e-308);
    CHECK(parse_ok("1.7976931348623157e308") == 1.7976931348623157e308);
    CHECK(parse_ok("0.30000000000000004") == 0.30000000000000004);
    // More than 19 significant digits (simdjson 3.0.1's get_number would give 0.0 for these).
    CHECK(parse_ok("10000000000000000.000") == 1e16);
    CHECK(parse_ok("[1.797693134806231571e+308]")[0] == 1.7976931348062316e308);
    CHECK(parse_ok("0.1000000000000000055511151231257827") == 0.1);
    CHECK(parse_ok("[3.14159265358979323846264338327950288]")[0] == 3.141592653589793);
    CHECK(parse_ok("-0.000000000000000000000000000001234") == -1.234e-30);
    CHECK(parse_ok("[0." + std::string(318, '0') + "123456789012345678901]")[0] == 1.23456789012345678901e-319);
    CHECK(parse_ok("-0." + std::string(400, '0') + "1") == -0.0);  // underflow keeps the sign
    CHECK(std::signbit(*parse_ok("-0." + std::string(400, '0') + "1").as_double()));
    CHECK(parse_ok("0." + std::string(1500, '1')) == 0.1111111111111111);  // top level, > 1082 characters
    // Exponents of 20 digits or more are valid JSON too.
    CHECK(parse_ok("1e000000000000000000001") == 10.0);
    CHECK(parse_ok("[0e99999999999999999999999]")[0] == 0.0);
    CHECK(parse_ok("1e-99999999999999999999999") == 0.0);
    CHECK(parse_error("-1e99999999999999999999").offset == 0);
    CHECK(parse_error("[1e0000000000000000000000x]").offset == 1);
    CHECK(parse_error(std::string(25, '1') + "x").offset == 0);
    CHECK(parse_error(std::string(25, '1') + " x").offset == 26);
    // Too large for a double: no JSON text could write it back.
    CHECK(parse_error("1e400").reason.find("invalid number") != std::string::npos);
    CHECK(parse_error("[-1e400]").offset == 1);
    CHECK(parse_error("1.7976931348623159e308").offset == 0);
    // Exponents at the edge of long long (leading zeros, then LLONG_MAX): decided without
    // overflowing when the mantissa's digits are added (UBSan checks this).
    CHECK(parse_error("12345E00000000000000000009223372036854775807").offset == 0);
    CHECK(parse_ok("[12345E-00000000000000000009223372036854775808]")[0] == 0.0);
}

TEST_CASE("parse refuses malformed numbers and literals", "[json][parse]") {
    struct Case {
        std::string_view text;
        std::size_t offset;
    };
    for (const Case c : {Case{"01", 0}, Case{"[00]", 1}, Case{"-01", 0}, Case{"1.", 0}, Case{"[1.]", 1}, Case{"[.5]", 1},
                         Case{"-", 0}, Case{"[-]", 1}, Case{"[+1]", 1}, Case{"1.0e+", 0}, Case{"1e", 0}, Case{"0x10", 0},
                         Case{"[1x]", 1}, Case{"NaN", 0}, Case{"[Infinity]", 1}, Case{"-Infinity", 0}, Case{"tru", 0},
                         Case{"truex", 0}, Case{"falsey", 0}, Case{"nulll", 0}, Case{"[nul]", 1}, Case{"[True]", 1},
                         Case{"{\"a\":nulll}", 5}, Case{"undefined", 0}, Case{"[1\"a\"]", 1}, Case{"[1\"a\",2]", 1},
                         Case{"[true\"a\"]", 1}, Case{"[12345678901234567890123\"a\"]", 1}, Case{"{\"a\":1\"b\"}", 5}}) {
        INFO(c.text);
        CHECK(parse_error(c.text).offset == c.offset);
    }
    CHECK(parse_error("tru").reason.find("expected true") != std::string::npos);
    CHECK(parse_error("[falsy]").reason.find("expected false") != std::string::npos);
    CHECK(parse_error("nul").reason.find("expected null") != std::string::npos);
}

TEST_CASE("parse refuses structural errors, with the position", "[json][parse]") {
    struct Case {
        std::string_view text;
        std::size_t offset;
        std::string_view reason_part;
    };
    for (const Case c : {
             Case{"[1,]", 3, "unexpected character"},          // trailing comma in an array
             Case{R"({"a":1,})", 7, "unexpected character"},   // trailing comma in an object
             Case{"[,1]", 1, "unexpected character"},
             Case{"[1,,2]", 3, "unexpected character"},
             Case{"[1 2]", 3, "unexpected character"},          // missing comma
             Case{R"({"a" 1})", 5, "unexpected character"},     // missing colon
             Case{R"({"a":1 "b":2})", 7, "unexpected character"},
             Case{"{1:2}", 1, "unexpected character"},          // unquoted name
             Case{"{a:1}", 1, "unexpected character"},
             Case{"{'a':1}", 1, "unexpected character"},        // single quotes
             Case{R"({"a"})", 4, "unexpected character"},
             Case{"[1}", 2, "unexpected '}'"},                   // mismatched brackets
             Case{"{]", 1, "unexpected ']'"},
             Case{"[1]]", 3, "after the JSON value"},            // trailing content
             Case{R"({"a":1}})", 7, "after the JSON value"},
             Case{"1 2", 2, "after the JSON value"},
             Case{"[1] x", 4, "after the JSON value"},
             Case{R"("a"b)", 3, "after the JSON value"},
             Case{R"("a" "b")", 4, "after the JSON value"},
             Case{"true false", 5, "after the JSON value"},
             Case{"1[", 1, "after the JSON value"},
             Case{"[] []", 3, "after the JSON value"},
             Case{"/*c*/1", 0, ""},                              // comments
             Case{"1 // c", 2, ""},
             Case{"[1,2", 4, "unclosed"},                        // truncated
             Case{R"({"a":{"b":[)", 11, "unclosed"},
             Case{R"(["abc)", 1, "unterminated string"},
             Case{"\"a\tb\"", 2, "control character"},          // raw control character in a string
             Case{"[\"\x01\"]", 2, "control character"},
             Case{"[\"a\nb\"]", 3, "control character"},
             Case{"", 0, "empty"},                                // nothing
             Case{" \t\r\n ", 5, "empty"},
         }) {
        INFO(c.text);
        const json::ParseError error = parse_error(c.text);
        CHECK(error.offset == c.offset);
        CHECK(error.reason.find(c.reason_part) != std::string::npos);
    }
    // Form feed and vertical tab are not JSON whitespace.
    CHECK(parse_error("\f1").offset == 0);
    CHECK(parse_error("[1,\v2]").offset == 3);
}

TEST_CASE("parse refuses a byte order mark", "[json][parse]") {
    // RFC 8259 §8.1 lets parsers ignore a BOM; Sweet refuses it and says why.
    const json::ParseError error = parse_error("\xEF\xBB\xBF{}");
    CHECK(error.offset == 0);
    CHECK(error.reason.find("byte order mark") != std::string::npos);
    CHECK(parse_error("\xEF\xBB\xBF").reason.find("byte order mark") != std::string::npos);
    // A BOM-like sequence inside a string is just U+FEFF.
    CHECK(parse_ok("\"\xEF\xBB\xBF\"") == "\ufeff");
}

TEST_CASE("parse refuses invalid UTF-8 anywhere, pointing at the bad byte", "[json][parse]") {
    struct Case {
        std::string text;
        std::size_t offset;
    };
    for (const Case& c : {Case{"\"\xff\"", 1}, Case{"[\"ok\",\"a\xc3\"]", 8}, Case{"\"\xc0\xaf\"", 1},  // overlong
                          Case{"\"\xe0\x80\xaf\"", 1}, Case{"\"\xed\xa0\x80\"", 1},             // surrogate U+D800
                          Case{"\"\xf4\x90\x80\x80\"", 1},                                       // > U+10FFFF
                          Case{"\"ab\xe2\x82\"", 3},                                             // truncated
                          Case{"{\"k\xfe\":1}", 3},                                              // in a name
                          Case{"[1,\x80]", 3}}) {                                                // outside strings
        INFO(c.text);
        const json::ParseError error = parse_error(c.text);
        CHECK(error.offset == c.offset);
        CHECK(error.reason.find("UTF-8") != std::string::npos);
    }
}

TEST_CASE("parse refuses every proper prefix of a document", "[json][parse]") {
    const std::string documents[] = {
        R"({"a":[1,2.5e-3,{"b":null}],"c":"d\u00e9\"","e":[true,false],"f":{}})",
        R"([[],[[]],{"x":[-1,"\ud83d\ude00"]}])",
        R"("a string with \n escapes")",
        "[1.5e+10,-0,\"\xc3\xa9\xf0\x9f\x98\x80\"]",
    };
    for (const std::string& document : documents) {
        REQUIRE(parse_both(document).ok());
        for (std::size_t n = 0; n < document.size(); ++n) {
            const std::string prefix = document.substr(0, n);
            INFO("prefix: " << prefix);
            const json::ParseError error = parse_error(prefix);
            CHECK(error.offset <= n);
        }
    }
}

TEST_CASE("parse limits nesting depth", "[json][parse]") {
    // The default limit is 64 levels.
    CHECK(parse_both(nested_arrays(64)).ok());
    CHECK(parse_both(nested_objects(64)).ok());
    const json::ParseError arrays = parse_error(nested_arrays(65));
    CHECK(arrays.offset == 64);  // the first bracket too deep
    CHECK(arrays.reason.find("deeper than 64") != std::string::npos);
    CHECK(parse_error(nested_objects(65)).offset == 64 * 5);

    json::ParseOptions shallow;
    shallow.max_depth = 2;
    CHECK(parse_both(R"([[1],{"a":2},[]])", shallow).ok());
    CHECK(parse_error("[[[1]]]", shallow).offset == 2);
    CHECK(parse_error(R"({"a":{"b":{}}})", shallow).offset == 10);
    shallow.max_depth = 0;
    CHECK(parse_both("17", shallow).ok());
    CHECK(parse_error("[]", shallow).offset == 0);

    // A requested depth beyond max_depth_limit is lowered to it.
    json::ParseOptions deep;
    deep.max_depth = 1'000'000;
    CHECK(parse_both(nested_arrays(json::max_depth_limit), deep).ok());
    CHECK(parse_error(nested_arrays(json::max_depth_limit + 1), deep).offset == json::max_depth_limit);
    // Far too deep input is refused without trouble.
    CHECK(parse_error(nested_arrays(100'000)).offset == 64);
    CHECK(parse_error(std::string(100'000, '[')).offset <= 100'000);
}

TEST_CASE("parse limits document size", "[json][parse]") {
    json::ParseOptions small;
    small.max_size = 8;
    CHECK(parse_both("[1,2,3]", small).ok());
    CHECK(parse_both("[1,2,33]", small).ok());
    const json::ParseError error = parse_error("[1,2,333]", small);
    CHECK(error.reason.find("exceeds the limit of 8 bytes") != std::string::npos);
}

TEST_CASE("parse: duplicate names keep the first position and the last value", "[json][parse]") {
    const Value v = parse_ok(R"({"a":1,"b":2,"a":3})");
    CHECK(json::to_string(v) == R"({"a":3,"b":2})");
    // Many members (the hashed path) with repeats.
    std::string text = "{";
    for (int i = 0; i < 200; ++i) text += "\"k" + std::to_string(i % 50) + "\":" + std::to_string(i) + ",";
    text += R"("last":true})";
    const Value many = parse_ok(text);
    const Object* members = many.as_object();
    REQUIRE(members != nullptr);
    if (members == nullptr) return;  // (REQUIRE already stopped; this tells the compiler)
    CHECK(members->size() == 51);
    CHECK(many["k0"] == 150);
    CHECK(many["k49"] == 199);
    CHECK(members->begin()->first == "k0");
}

TEST_CASE("parse output goes back through the writer unchanged", "[json][parse][serialize]") {
    const std::string_view documents[] = {
        R"({"a":[1,-2,3.25,-0.0,1e+300,5e-324],"b":{"c":null,"d":[true,false]},"e":"\u0000\u001f\"\\"})",
        R"([18446744073709551615,-9223372036854775808,9223372036854775807,0.1,100.0])",
        R"(["\ud83d\ude00 astral","\u00e9\u4e2d"])",
        R"([[[[[]]]],{},[{}],{"":""}])",
    };
    for (const std::string_view document : documents) {
        const Value first = parse_ok(document);
        const std::string written = json::to_string(first);
        const Value second = parse_ok(written);
        CHECK(first == second);
        CHECK(json::to_string(second) == written);
    }
}

TEST_CASE("parse works on large documents (own parser, no thread-local buffer)", "[json][parse]") {
    std::string text = "[";
    for (int i = 0; i < 200'000; ++i) text += "{\"id\":" + std::to_string(i) + ",\"name\":\"item\"},";
    text.back() = ']';
    REQUIRE(text.size() > (std::size_t{1} << 20));
    const Value v = parse_ok(text);
    const Array* elements = v.as_array();
    REQUIRE(elements != nullptr);
    if (elements == nullptr) return;  // (REQUIRE already stopped; this tells the compiler)
    CHECK(elements->size() == 200'000);
    CHECK(v[199'999]["id"] == 199'999);
    text.insert(text.size() - 1, ",");
    CHECK(parse_error(text).offset == text.size() - 1);
}

TEST_CASE("ParseError and ParseResult", "[json][parse]") {
    auto result = json::parse("[1,]");
    REQUIRE_FALSE(result);
    CHECK(result.error().message() == "malformed JSON at byte 3: " + result.error().reason);
    const sweet::Error error = result.error().to_error();
    CHECK(error.status == 400);
    CHECK(error.message == result.error().message());
    sweet::Result<Value> as_result = json::parse("{}").to_result();
    CHECK(as_result.ok());
    sweet::Result<Value> failed = json::parse("{").to_result();
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().status == 400);
}

TEST_CASE("make_parse_error locates errors simdjson reports without a position", "[json][parse]") {
    CHECK(json::make_parse_error(simdjson::UTF8_ERROR, "[\"a\xff\"]").offset == 3);
    CHECK(json::make_parse_error(simdjson::UNCLOSED_STRING, R"(["a","b)").offset == 5);
    CHECK(json::make_parse_error(simdjson::UNESCAPED_CHARS, "[\"a\\\"\x01\"]").offset == 5);
    CHECK(json::make_parse_error(simdjson::EMPTY, "  ").offset == 2);
    // With a location: its offset, clamped to the document.
    const std::string buffer = "[1,2,x]" + std::string(100, ' ');
    const std::string_view doc(buffer.data(), 7);
    const json::ParseError at_x = json::make_parse_error(simdjson::TAPE_ERROR, doc, doc.data() + 5);
    CHECK(at_x.offset == 5);
    CHECK(at_x.reason.find("near 'x]'") != std::string::npos);
    const json::ParseError beyond = json::make_parse_error(simdjson::NUMBER_ERROR, doc, buffer.data() + 50);
    CHECK(beyond.offset == doc.size());
    CHECK(beyond.reason.find("end of input") != std::string::npos);
    // Non-printable bytes in the excerpt are shown as \xNN.
    CHECK(json::make_parse_error(simdjson::TAPE_ERROR, "\x01\x02", nullptr).reason.find("\\x01\\x02") !=
          std::string::npos);
}
