// Tests of schema::parse_json (sweet/schema/parse_json.hpp): JSON bodies parsed straight into
// structs, every field type and constraint accepted and refused, errors in FastAPI's shape and
// pydantic's order, unknown-member policies, malformed JSON anywhere, depth limits.

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../support/sample_user.hpp"
#include "sweet/json/parse.hpp"
#include "sweet/json/value.hpp"
#include "sweet/schema/parse_json.hpp"
#include "sweet/schema/serialize.hpp"

namespace json = sweet::json;
namespace schema = sweet::schema;
using schema::BodyStatus;

namespace schema_parse_test {

// The shared sample types (tests/support/sample_user.hpp).
using sweet_samples::Color;
using sweet_samples::CreateUser;
using sweet_samples::Item;

/// One field of every supported type.
struct AllTypes {
    std::string s;
    bool b = false;
    std::int8_t i8 = 0;
    std::uint8_t u8 = 0;
    std::int16_t i16 = 0;
    std::uint16_t u16 = 0;
    std::int32_t i32 = 0;
    std::uint32_t u32 = 0;
    std::int64_t i64 = 0;
    std::uint64_t u64 = 0;
    float f = 0;
    double d = 0;
    Color c = Color::red;
    std::optional<int> oi;
    std::vector<int> vi;
    std::vector<bool> vb;
    std::unordered_map<std::string, int> um;
    json::Value any;
    Item nested;
};
constexpr auto sweet_schema(schema::of<AllTypes>) {
    using namespace sweet::schema;
    return object("AllTypes", field("s", &AllTypes::s, defaulted), field("b", &AllTypes::b, defaulted),
                  field("i8", &AllTypes::i8, defaulted), field("u8", &AllTypes::u8, defaulted),
                  field("i16", &AllTypes::i16, defaulted), field("u16", &AllTypes::u16, defaulted),
                  field("i32", &AllTypes::i32, defaulted), field("u32", &AllTypes::u32, defaulted),
                  field("i64", &AllTypes::i64, defaulted), field("u64", &AllTypes::u64, defaulted),
                  field("f", &AllTypes::f, defaulted), field("d", &AllTypes::d, defaulted),
                  field("c", &AllTypes::c, defaulted), field("oi", &AllTypes::oi),
                  field("vi", &AllTypes::vi, defaulted), field("vb", &AllTypes::vb, defaulted),
                  field("um", &AllTypes::um, defaulted), field("any", &AllTypes::any, defaulted),
                  field("nested", &AllTypes::nested, defaulted));
}

/// Every constraint.
struct Constrained {
    std::string code;
    std::string kind;
    std::string id;
    std::string when;
    std::string day;
    std::string site;
    std::string mail;
    std::string short_name;
    int even = 0;
    double step = 0;
    double ratio = 0;
    std::vector<int> few;
    std::map<std::string, int> one;
};
constexpr auto sweet_schema(schema::of<Constrained>) {
    using namespace sweet::schema;
    return object("Constrained", field("code", &Constrained::code, defaulted, pattern("^[A-Z]{3}$")),
                  field("kind", &Constrained::kind, defaulted, one_of("a", "b")),
                  field("id", &Constrained::id, defaulted, format_uuid),
                  field("when", &Constrained::when, defaulted, format_date_time),
                  field("day", &Constrained::day, defaulted, format_date),
                  field("site", &Constrained::site, defaulted, format_uri),
                  field("mail", &Constrained::mail, defaulted, format_email),
                  field("short_name", &Constrained::short_name, defaulted, min_length(2), max_length(3)),
                  field("even", &Constrained::even, defaulted, multiple_of(2)),
                  field("step", &Constrained::step, defaulted, multiple_of(0.1)),
                  field("ratio", &Constrained::ratio, defaulted, ge(0), lt(1)),
                  field("few", &Constrained::few, defaulted, min_items(1), max_items(3)),
                  field("one", &Constrained::one, defaulted, max_items(1)));
}

/// Unknown members: follows the options.
struct Loose {
    int a = 0;
};
constexpr auto sweet_schema(schema::of<Loose>) {
    using namespace sweet::schema;
    return object("Loose", field("a", &Loose::a, defaulted));
}
/// Unknown members: always ignored.
struct Lenient {
    int a = 0;
};
constexpr auto sweet_schema(schema::of<Lenient>) {
    using namespace sweet::schema;
    return object("Lenient", field("a", &Lenient::a, defaulted)).ignore_unknown();
}

/// A recursive structure, for depth limits.
struct Node {
    int value = 0;
    std::vector<Node> children;
};
constexpr auto sweet_schema(schema::of<Node>) {
    using namespace sweet::schema;
    return object("Node", field("value", &Node::value), field("children", &Node::children, defaulted));
}

/// No fields at all: only unknown members, which the options judge.
struct Nothing {};
constexpr auto sweet_schema(schema::of<Nothing>) {
    return schema::object<Nothing>("Nothing");
}

/// Fields declared on a derived struct may point to members of its base.
struct Base {
    std::string id;
};
struct Derived : Base {
    int extra = 0;
};
constexpr auto sweet_schema(schema::of<Derived>) {
    using namespace sweet::schema;
    return object<Derived>("Derived", field("id", &Base::id, min_length(1)), field("extra", &Derived::extra));
}

/// The outcome of a parse, with the 422 body when invalid.
struct Parsed {
    BodyStatus status;
    std::string detail;  // the errors' JSON array
    json::ParseError error;
    std::size_t count = 0;
};

/// Parses `text` into `out`, both from a copy (unpadded) and in place from a buffer padded with
/// garbage, and checks both agree.
template <class T>
Parsed parse(std::string_view text, T& out, const schema::ParseOptions& options = {}) {
    T in_place = out;
    std::string padded(text);
    padded.append(json::required_padding, '\xff');
    schema::ValidationErrors padded_errors;
    const schema::BodyOutcome padded_outcome =
        schema::parse_json(std::string_view(padded.data(), text.size()), true, in_place, padded_errors, options);

    schema::ValidationErrors errors;
    const schema::BodyOutcome outcome = schema::parse_json(text, false, out, errors, options);
    CHECK(outcome.status == padded_outcome.status);
    CHECK(outcome.error == padded_outcome.error);
    CHECK(errors.detail() == padded_errors.detail());
    if (outcome.status == BodyStatus::ok) CHECK(json::to_string(out) == json::to_string(in_place));
    if (outcome.status != BodyStatus::invalid) CHECK(errors.empty());
    return Parsed{outcome.status, errors.detail(), outcome.error, errors.size()};
}

/// The detail of a single error, for comparisons.
std::string one_error(std::string_view type, std::string_view loc, std::string_view msg, std::string_view input,
                      std::string_view ctx = {}) {
    std::string out = R"([{"type":")";
    out.append(type)
        .append(R"(","loc":)")
        .append(loc)
        .append(R"(,"msg":")")
        .append(msg)
        .append(R"(","input":)")
        .append(input);
    if (!ctx.empty()) out.append(R"(,"ctx":)").append(ctx);
    out.append("}]");
    return out;
}

}  // namespace schema_parse_test

using namespace schema_parse_test;

// What has a schema and what does not, decided at compile time.
static_assert(schema::HasSchema<CreateUser>);
static_assert(schema::HasSchema<Nothing>);
static_assert(!schema::HasSchema<Base>);  // only Derived declares one
static_assert(!schema::HasSchema<int>);
static_assert(!schema::HasSchema<std::string>);
static_assert(schema::HasEnum<Color>);
static_assert(!schema::HasEnum<schema::Format>);
static_assert(schema::field_t<CreateUser, 0>::required);
static_assert(!schema::field_t<CreateUser, 2>::required);  // std::optional
static_assert(!schema::field_t<CreateUser, 4>::required);  // defaulted
static_assert(schema::schema_v<CreateUser>.size == 6);
static_assert(schema::enum_v<Color>.name == "Color");
static_assert(schema::enum_v<Color>.name_of(Color::green) == "green");

TEST_CASE("schema: a valid body fills every member", "[schema]") {
    CreateUser user;
    const Parsed p = parse(
        R"({"name":"Ada","age":36,"email":"ada@example.com","items":[{"name":"pen","price":1.5},{"name":"ink","price":2}],)"
        R"("color":"green","tags":{"team":"math","role":"lead"}})",
        user);
    REQUIRE(p.status == BodyStatus::ok);
    CHECK(user.name == "Ada");
    CHECK(user.age == 36);
    CHECK(user.email == std::optional<std::string>("ada@example.com"));
    REQUIRE(user.items.size() == 2);
    CHECK(user.items[0].name == "pen");
    CHECK(user.items[0].price == 1.5);
    CHECK(user.items[1].price == 2.0);
    CHECK(user.color == Color::green);
    CHECK(user.tags == std::map<std::string, std::string>{{"team", "math"}, {"role", "lead"}});
}

TEST_CASE("schema: absent optional and defaulted members keep their value; null empties an optional", "[schema]") {
    CreateUser user;
    user.color = Color::blue;  // what an absent defaulted member keeps
    REQUIRE(parse(R"({"name":"Ada","age":1,"items":[],"tags":{}})", user).status == BodyStatus::ok);
    CHECK(user.color == Color::blue);
    CHECK_FALSE(user.email.has_value());

    user.email = "old@example.com";
    REQUIRE(parse(R"({"name":"Ada","age":1,"items":[],"tags":{},"email":null})", user).status == BodyStatus::ok);
    CHECK_FALSE(user.email.has_value());
}

TEST_CASE("schema: every failing value is listed, in declaration order, with nested locations", "[schema]") {
    CreateUser user;
    const Parsed p = parse(R"({"zzz":1,"tags":{"a":1},"color":"pink","items":[{"name":"x","price":0},{"price":"1"}],)"
                           R"("email":"nope","age":300,"name":""})",
                           user);
    REQUIRE(p.status == BodyStatus::invalid);
    CHECK(p.count == 9);
    CHECK(
        p.detail ==
        R"([{"type":"string_too_short","loc":["body","name"],"msg":"String should have at least 1 character","input":"","ctx":{"min_length":1}},)"
        R"({"type":"less_than_equal","loc":["body","age"],"msg":"Input should be less than or equal to 150","input":300,"ctx":{"le":150}},)"
        R"({"type":"value_error","loc":["body","email"],"msg":"value is not a valid email address: An email address must have an @-sign.","input":"nope","ctx":{"reason":"An email address must have an @-sign."}},)"
        R"({"type":"greater_than","loc":["body","items",0,"price"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}},)"
        R"({"type":"missing","loc":["body","items",1,"name"],"msg":"Field required","input":{"price":"1"}},)"
        R"({"type":"float_type","loc":["body","items",1,"price"],"msg":"Input should be a valid number","input":"1"},)"
        R"({"type":"enum","loc":["body","color"],"msg":"Input should be 'red', 'green' or 'blue'","input":"pink","ctx":{"expected":"'red', 'green' or 'blue'"}},)"
        R"({"type":"string_type","loc":["body","tags","a"],"msg":"Input should be a valid string","input":1},)"
        R"({"type":"extra_forbidden","loc":["body","zzz"],"msg":"Extra inputs are not permitted","input":1}])");
}

TEST_CASE("schema: a missing field's input is the enclosing object, without whitespace", "[schema]") {
    CreateUser user;
    const Parsed p = parse("{ \"age\" : 3 ,\n \"name\": \"a b\", \"items\": [ ] }", user);
    REQUIRE(p.status == BodyStatus::invalid);
    CHECK(p.detail ==
          one_error("missing", R"(["body","tags"])", "Field required", R"({"age":3,"name":"a b","items":[]})"));
}

TEST_CASE("schema: JSON types that do not match the field", "[schema]") {
    AllTypes all;
    struct Case {
        std::string_view body;
        std::string_view type;
        std::string_view loc;
        std::string_view msg;
        std::string_view input;
    };
    const Case cases[] = {
        {R"({"s":5})", "string_type", R"(["body","s"])", "Input should be a valid string", "5"},
        {R"({"s":null})", "string_type", R"(["body","s"])", "Input should be a valid string", "null"},
        {R"({"b":1})", "bool_type", R"(["body","b"])", "Input should be a valid boolean", "1"},
        {R"({"b":"true"})", "bool_type", R"(["body","b"])", "Input should be a valid boolean", R"("true")"},
        {R"({"i32":"5"})", "int_type", R"(["body","i32"])", "Input should be a valid integer", R"("5")"},
        {R"({"i32":true})", "int_type", R"(["body","i32"])", "Input should be a valid integer", "true"},
        {R"({"i32":[1]})", "int_type", R"(["body","i32"])", "Input should be a valid integer", "[1]"},
        {R"({"d":"1.5"})", "float_type", R"(["body","d"])", "Input should be a valid number", R"("1.5")"},
        {R"({"d":false})", "float_type", R"(["body","d"])", "Input should be a valid number", "false"},
        {R"({"c":1})", "enum", R"(["body","c"])", "Input should be 'red', 'green' or 'blue'", "1"},
        {R"({"vi":{"a":1}})", "list_type", R"(["body","vi"])", "Input should be a valid list", R"({"a":1})"},
        {R"({"um":[1]})", "dict_type", R"(["body","um"])", "Input should be a valid dictionary", "[1]"},
        {R"({"nested":"x"})", "model_attributes_type", R"(["body","nested"])",
         "Input should be a valid dictionary or object to extract fields from", R"("x")"},
        {R"({"vi":[1,"2",3]})", "int_type", R"(["body","vi",1])", "Input should be a valid integer", R"("2")"},
        {R"({"um":{"k":"v"}})", "int_type", R"(["body","um","k"])", "Input should be a valid integer", R"("v")"},
        {R"({"vb":[true,0]})", "bool_type", R"(["body","vb",1])", "Input should be a valid boolean", "0"},
        {R"({"oi":"1"})", "int_type", R"(["body","oi"])", "Input should be a valid integer", R"("1")"},
    };
    for (const Case& c : cases) {
        INFO(c.body);
        const Parsed p = parse(c.body, all);
        CHECK(p.status == BodyStatus::invalid);
        CHECK(p.detail == one_error(c.type, c.loc, c.msg, c.input));
    }
    const char* const enum_ctx = R"({"expected":"'red', 'green' or 'blue'"})";
    CHECK(parse(R"({"c":"Red"})", all).detail ==
          one_error("enum", R"(["body","c"])", "Input should be 'red', 'green' or 'blue'", R"("Red")", enum_ctx));
}

TEST_CASE("schema: every field type accepts its values", "[schema]") {
    AllTypes all;
    const Parsed p = parse(
        R"({"s":"h\u00e9\n","b":true,"i8":-128,"u8":255,"i16":-32768,"u16":65535,"i32":-2147483648,"u32":4294967295,)"
        R"("i64":-9223372036854775808,"u64":18446744073709551615,"f":0.5,"d":-1e-300,"c":"blue","oi":7,"vi":[1,2,3],)"
        R"("vb":[true,false],"um":{"x":1,"y":-1},"any":{"k":[1,2.5,"s",null,true,{}]},"nested":{"name":"n","price":3}})",
        all);
    REQUIRE(p.status == BodyStatus::ok);
    CHECK(all.s == "h\xc3\xa9\n");
    CHECK(all.b);
    CHECK(all.i8 == -128);
    CHECK(all.u8 == 255);
    CHECK(all.i16 == -32768);
    CHECK(all.u16 == 65535);
    CHECK(all.i32 == INT32_MIN);
    CHECK(all.u32 == UINT32_MAX);
    CHECK(all.i64 == INT64_MIN);
    CHECK(all.u64 == UINT64_MAX);
    CHECK(all.f == 0.5f);
    CHECK(all.d == -1e-300);
    CHECK(all.c == Color::blue);
    CHECK(all.oi == std::optional<int>(7));
    CHECK(all.vi == std::vector<int>{1, 2, 3});
    CHECK(all.vb == std::vector<bool>{true, false});
    CHECK(all.um == std::unordered_map<std::string, int>{{"x", 1}, {"y", -1}});
    CHECK(all.any == *json::parse(R"({"k":[1,2.5,"s",null,true,{}]})"));
    CHECK(all.nested.name == "n");
    CHECK(all.nested.price == 3.0);
}

TEST_CASE("schema: integers take integral JSON numbers within the C++ type", "[schema]") {
    AllTypes all;
    CHECK(parse(R"({"i32":1.0})", all).status == BodyStatus::ok);
    CHECK(all.i32 == 1);
    CHECK(parse(R"({"i32":1e2})", all).status == BodyStatus::ok);
    CHECK(all.i32 == 100);
    CHECK(parse(R"({"i32":-0})", all).status == BodyStatus::ok);
    CHECK(all.i32 == 0);
    CHECK(parse(R"({"i64":-9.0e18})", all).status == BodyStatus::ok);
    CHECK(all.i64 == -9000000000000000000);
    CHECK(parse(R"({"u64":1.8e19})", all).status == BodyStatus::ok);
    CHECK(all.u64 == 18000000000000000000u);

    CHECK(parse(R"({"i32":1.5})", all).detail ==
          one_error("int_from_float", R"(["body","i32"])",
                    "Input should be a valid integer, got a number with a fractional part", "1.5"));
    CHECK(parse(R"({"i8":128})", all).detail == one_error("less_than_equal", R"(["body","i8"])",
                                                          "Input should be less than or equal to 127", "128",
                                                          R"({"le":127})"));
    CHECK(parse(R"({"i8":-129})", all).detail == one_error("greater_than_equal", R"(["body","i8"])",
                                                           "Input should be greater than or equal to -128", "-129",
                                                           R"({"ge":-128})"));
    CHECK(parse(R"({"u8":-1})", all).detail == one_error("greater_than_equal", R"(["body","u8"])",
                                                         "Input should be greater than or equal to 0", "-1",
                                                         R"({"ge":0})"));
    CHECK(parse(R"({"u64":18446744073709551616})", all).detail ==
          one_error("less_than_equal", R"(["body","u64"])",
                    "Input should be less than or equal to 18446744073709551615", "18446744073709551616",
                    R"({"le":18446744073709551615})"));
    CHECK(parse(R"({"i64":-9223372036854775809})", all).detail ==
          one_error("greater_than_equal", R"(["body","i64"])",
                    "Input should be greater than or equal to -9223372036854775808", "-9223372036854775809",
                    R"({"ge":-9223372036854775808})"));
    CHECK(parse(R"({"u32":1e300})", all).detail == one_error("less_than_equal", R"(["body","u32"])",
                                                             "Input should be less than or equal to 4294967295",
                                                             "1e300", R"({"le":4294967295})"));
}

TEST_CASE("schema: floats and doubles", "[schema]") {
    AllTypes all;
    CHECK(parse(R"({"d":3,"f":-2})", all).status == BodyStatus::ok);
    CHECK(all.d == 3.0);
    CHECK(all.f == -2.0f);
    CHECK(parse(R"({"d":18446744073709551616})", all).status == BodyStatus::ok);
    CHECK(all.d == 18446744073709551616.0);
    CHECK(parse(R"({"f":3.5e38})", all).detail ==
          one_error("less_than_equal", R"(["body","f"])",
                    "Input should be less than or equal to 3.4028234663852886e+38", "3.5e38",
                    R"({"le":3.4028234663852886e+38})"));
    // Beyond a double: not a number JSON can carry here (as json::parse says).
    const Parsed huge = parse(R"({"d":1e400})", all);
    CHECK(huge.status == BodyStatus::malformed);
    CHECK(huge.error.offset == 5);
}

TEST_CASE("schema: strings are measured in code points and unescaped", "[schema]") {
    Constrained c;
    CHECK(parse(R"({"short_name":"h\u00e9\u00e9"})", c).status == BodyStatus::ok);  // 3 code points, 5 bytes
    CHECK(c.short_name == "h\xc3\xa9\xc3\xa9");
    CHECK(parse("{\"short_name\":\"\xf0\x9f\x98\x80\xf0\x9f\x98\x80\"}", c).status == BodyStatus::ok);  // 2 emoji
    CHECK(parse(R"({"short_name":"\ud83d\ude00"})", c).detail ==
          one_error("string_too_short", R"(["body","short_name"])", "String should have at least 2 characters",
                    "\"\xf0\x9f\x98\x80\"", R"({"min_length":2})"));
    CHECK(parse(R"({"short_name":"abcd"})", c).detail == one_error("string_too_long", R"(["body","short_name"])",
                                                                   "String should have at most 3 characters",
                                                                   R"("abcd")", R"({"max_length":3})"));
}

TEST_CASE("schema: pattern, one_of and formats", "[schema]") {
    Constrained c;
    CHECK(
        parse(
            R"({"code":"ABC","kind":"b","id":"123e4567-E89B-12d3-a456-426614174000","when":"2024-02-29T23:59:59.5+01:00",)"
            R"("day":"2000-02-29","site":"https://example.com/a?b=c#d","mail":"first.last+tag@sub.example.org"})",
            c)
            .status == BodyStatus::ok);
    CHECK(c.code == "ABC");
    CHECK(c.kind == "b");
    CHECK(parse(R"({"when":"2024-01-01t00:00:00z"})", c).status == BodyStatus::ok);

    CHECK(parse(R"({"code":"ABCD"})", c).detail == one_error("string_pattern_mismatch", R"(["body","code"])",
                                                             "String should match pattern '^[A-Z]{3}$'", R"("ABCD")",
                                                             R"({"pattern":"^[A-Z]{3}$"})"));
    CHECK(parse(R"({"kind":"c"})", c).detail == one_error("literal_error", R"(["body","kind"])",
                                                          "Input should be 'a' or 'b'", R"("c")",
                                                          R"({"expected":"'a' or 'b'"})"));
    // pydantic checks a Literal before anything else: a number breaks it too.
    CHECK(parse(R"({"kind":1})", c).detail ==
          one_error("literal_error", R"(["body","kind"])", "Input should be 'a' or 'b'", "1"));
    CHECK(
        parse(R"({"id":"123e4567e89b12d3a456426614174000"})", c).detail ==
        one_error("uuid_parsing", R"(["body","id"])",
                  "Input should be a valid UUID, invalid length: expected 36 characters, 8-4-4-4-12 hexadecimal digits",
                  R"("123e4567e89b12d3a456426614174000")",
                  R"({"error":"invalid length: expected 36 characters, 8-4-4-4-12 hexadecimal digits"})"));
    CHECK(parse(R"({"when":"2024-02-30T00:00:00Z"})", c).detail ==
          one_error("datetime_parsing", R"(["body","when"])",
                    "Input should be a valid datetime, day value is outside expected range",
                    R"("2024-02-30T00:00:00Z")", R"({"error":"day value is outside expected range"})"));
    CHECK(parse(R"({"when":"2024-01-01T00:00:00"})", c).detail ==
          one_error("datetime_parsing", R"(["body","when"])",
                    "Input should be a valid datetime, a time zone is required: `Z` or an offset such as `+02:00`",
                    R"("2024-01-01T00:00:00")",
                    R"({"error":"a time zone is required: `Z` or an offset such as `+02:00`"})"));
    CHECK(parse(R"({"day":"2023-02-29"})", c).detail ==
          one_error("date_parsing", R"(["body","day"])",
                    "Input should be a valid date in the format YYYY-MM-DD, day value is outside expected range",
                    R"("2023-02-29")", R"({"error":"day value is outside expected range"})"));
    CHECK(parse(R"({"site":"/relative"})", c).detail ==
          one_error("url_parsing", R"(["body","site"])", "Input should be a valid URL, relative URL without a base",
                    R"("/relative")", R"({"error":"relative URL without a base"})"));
    CHECK(parse(R"({"mail":"a@localhost"})", c).detail ==
          one_error(
              "value_error", R"(["body","mail"])",
              "value is not a valid email address: The part after the @-sign is not valid. It should have a period.",
              R"("a@localhost")", R"({"reason":"The part after the @-sign is not valid. It should have a period."})"));
}

TEST_CASE("schema: numeric bounds and multiple_of", "[schema]") {
    Constrained c;
    CHECK(parse(R"({"even":-4,"step":0.3,"ratio":0})", c).status == BodyStatus::ok);
    CHECK(parse(R"({"ratio":0.999})", c).status == BodyStatus::ok);
    CHECK(parse(R"({"even":3})", c).detail == one_error("multiple_of", R"(["body","even"])",
                                                        "Input should be a multiple of 2", "3",
                                                        R"({"multiple_of":2})"));
    CHECK(parse(R"({"step":0.35})", c).detail == one_error("multiple_of", R"(["body","step"])",
                                                           "Input should be a multiple of 0.1", "0.35",
                                                           R"({"multiple_of":0.1})"));
    CHECK(parse(R"({"ratio":1})", c).detail ==
          one_error("less_than", R"(["body","ratio"])", "Input should be less than 1", "1", R"({"lt":1})"));
    CHECK(parse(R"({"ratio":-0.5})", c).detail == one_error("greater_than_equal", R"(["body","ratio"])",
                                                            "Input should be greater than or equal to 0", "-0.5",
                                                            R"({"ge":0})"));
}

TEST_CASE("schema: list and map sizes", "[schema]") {
    Constrained c;
    CHECK(parse(R"({"few":[1],"one":{"a":1}})", c).status == BodyStatus::ok);
    CHECK(parse(R"({"few":[]})", c).detail ==
          one_error("too_short", R"(["body","few"])", "List should have at least 1 item after validation, not 0", "[]",
                    R"({"field_type":"List","min_length":1,"actual_length":0})"));
    CHECK(parse(R"({"few":[1, 2, 3, 4]})", c).detail ==
          one_error("too_long", R"(["body","few"])", "List should have at most 3 items after validation, not 4",
                    "[1,2,3,4]", R"({"field_type":"List","max_length":3,"actual_length":4})"));
    CHECK(parse(R"({"one":{"a":1,"b":2}})", c).detail ==
          one_error("too_long", R"(["body","one"])", "Dictionary should have at most 1 item after validation, not 2",
                    R"({"a":1,"b":2})", R"({"field_type":"Dictionary","max_length":1,"actual_length":2})"));
}

TEST_CASE("schema: unknown members under both policies", "[schema]") {
    Loose loose;
    schema::ParseOptions forbid;
    forbid.unknown_fields = schema::UnknownFields::forbid;
    CHECK(parse(R"({"a":1,"b":{"c":[1,2]}})", loose).status == BodyStatus::ok);
    CHECK(loose.a == 1);
    CHECK(parse(R"({"a":1,"b":{"c":[1, 2]}})", loose, forbid).detail ==
          one_error("extra_forbidden", R"(["body","b"])", "Extra inputs are not permitted", R"({"c":[1,2]})"));

    // Object-level rules override the options either way.
    Lenient lenient;
    CHECK(parse(R"({"a":1,"b":2})", lenient, forbid).status == BodyStatus::ok);
    CreateUser user;
    CHECK(parse(R"({"name":"n","age":1,"items":[],"tags":{},"extra":true})", user).detail ==
          one_error("extra_forbidden", R"(["body","extra"])", "Extra inputs are not permitted", "true"));
}

TEST_CASE("schema: malformed JSON anywhere is malformed, also where it would be ignored", "[schema]") {
    Loose loose;
    schema::ParseOptions forbid;
    forbid.unknown_fields = schema::UnknownFields::forbid;
    struct Case {
        std::string_view body;
        std::size_t offset;
    };
    const Case cases[] = {
        {R"({"a":1,"b":[1,tru]})", 14},   // ignored member, bad literal
        {R"({"a":1,"b":{"c" 1}})", 16},   // ignored member, missing colon
        {R"({"b":"\x","a":1})", 5},       // ignored member, bad escape
        {R"({"b":[1,],"a":1})", 8},       // ignored member, trailing comma
        {R"({"b":01})", 5},               // ignored member, leading zero
        {R"({"b":-})", 5},                // ignored member, lone minus
        {R"({"b":nul})", 5},              // ignored member, bad null
        {R"({"a":"x","b":[1 2]})", 16},   // a wrong type then more
        {R"({"a":[1,{"x":fals}]})", 13},  // inside a value of the wrong type
        {R"({"a":1} x)", 8},              // trailing content
        {R"({"a":1}})", 7},               // trailing brace
        {R"({"a":1,})", 7},               // trailing comma
        {"\xef\xbb\xbf{\"a\":1}", 0},     // byte order mark
        {"{\"a\":\"\x01\"}", 6},          // control character in a string
        {"{\"a\":\"\xff\"}", 6},          // invalid UTF-8
        {R"({"a":1)", 6},                 // unclosed
        {"   ", 3},                       // whitespace only
        {R"(tru)", 0},                    // bad root literal
    };
    for (const Case& c : cases) {
        INFO(c.body);
        const Parsed ignore = parse(c.body, loose);
        CHECK(ignore.status == BodyStatus::malformed);
        CHECK(ignore.error.offset == c.offset);
        CHECK_FALSE(ignore.error.reason.empty());
        CHECK(parse(c.body, loose, forbid).status == BodyStatus::malformed);
    }
}

TEST_CASE("schema: an error before the malformation is not reported", "[schema]") {
    CreateUser user;
    const Parsed p = parse(R"({"name":"","age":-1,"items":[1,2)", user);
    CHECK(p.status == BodyStatus::malformed);
    CHECK(p.count == 0);
}

TEST_CASE("schema: an empty body is missing; a body that is not an object is refused as a whole", "[schema]") {
    CreateUser user;
    CHECK(parse("", user).detail == one_error("missing", R"(["body"])", "Field required", "null"));
    const char* const msg = "Input should be a valid dictionary or object to extract fields from";
    CHECK(parse("[1, {\"a\": 2}]", user).detail ==
          one_error("model_attributes_type", R"(["body"])", msg, R"([1,{"a":2}])"));
    CHECK(parse(" \"text\" ", user).detail == one_error("model_attributes_type", R"(["body"])", msg, R"("text")"));
    CHECK(parse("null", user).detail == one_error("model_attributes_type", R"(["body"])", msg, "null"));
    CHECK(parse("12", user).detail == one_error("model_attributes_type", R"(["body"])", msg, "12"));
    CHECK(parse("[1,", user).status == BodyStatus::malformed);
    CHECK(parse("12 13", user).status == BodyStatus::malformed);
}

TEST_CASE("schema: nesting deeper than max_depth is malformed, at the limit it is fine", "[schema]") {
    // {"value":0,"children":[{...}]}: each Node adds an object and an array level.
    const auto nodes = [](int n) {
        std::string text;
        for (int i = 0; i < n; ++i)
            text.append(R"({"value":1,"children":[)");
        text.append(R"({"value":2})");
        for (int i = 0; i < n; ++i)
            text.append("]}");
        return text;
    };
    schema::ParseOptions options;
    options.max_depth = 9;  // 4 nodes with children: 4 * 2 levels, plus the innermost object
    Node node;
    CHECK(parse(nodes(4), node, options).status == BodyStatus::ok);
    CHECK(node.children.at(0).children.at(0).children.at(0).children.at(0).value == 2);
    const Parsed deep = parse(nodes(5), node, options);
    CHECK(deep.status == BodyStatus::malformed);
    CHECK(deep.error.reason == "arrays and objects nested deeper than 9 levels");

    // The same limit holds inside ignored members and json::Value fields.
    Loose loose;
    std::string ignored = R"({"x":)" + std::string(9, '[') + std::string(9, ']') + "}";
    CHECK(parse(ignored, loose, options).status == BodyStatus::malformed);
    ignored = R"({"x":)" + std::string(8, '[') + std::string(8, ']') + "}";
    CHECK(parse(ignored, loose, options).status == BodyStatus::ok);
    AllTypes all;
    CHECK(parse(R"({"any":)" + std::string(9, '[') + std::string(9, ']') + "}", all, options).status ==
          BodyStatus::malformed);
    CHECK(parse(R"({"any":)" + std::string(8, '[') + std::string(8, ']') + "}", all, options).status == BodyStatus::ok);
    CHECK(all.any == *json::parse(std::string(8, '[') + std::string(8, ']')));

    // The default limit (64) stops a hostile document long before the stack would.
    CHECK(parse(std::string(100000, '[') + std::string(100000, ']'), loose).status == BodyStatus::malformed);
    CHECK(parse(R"({"x":)" + std::string(5000, '[') + std::string(5000, ']') + "}", loose).status ==
          BodyStatus::malformed);
}

TEST_CASE("schema: a repeated name keeps the last value, and only its errors", "[schema]") {
    CreateUser user;
    CHECK(parse(R"({"name":"","age":1,"items":[],"tags":{},"name":"Bo"})", user).status == BodyStatus::ok);
    CHECK(user.name == "Bo");
    const Parsed p = parse(R"({"name":"ok","age":1,"items":[],"tags":{},"name":""})", user);
    CHECK(p.detail == one_error("string_too_short", R"(["body","name"])", "String should have at least 1 character",
                                R"("")", R"({"min_length":1})"));
    // In a map too.
    CHECK(parse(R"({"name":"n","age":1,"items":[],"tags":{"k":"a","k":"b"}})", user).status == BodyStatus::ok);
    CHECK(user.tags.at("k") == "b");
}

TEST_CASE("schema: escaped member names match fields", "[schema]") {
    CreateUser user;
    CHECK(parse(R"({"n\u0061me":"esc","\u0061ge":2,"items":[],"tags":{"\u00e9":"x"}})", user).status == BodyStatus::ok);
    CHECK(user.name == "esc");
    CHECK(user.age == 2);
    CHECK(user.tags.at("\xc3\xa9") == "x");
}

TEST_CASE("schema: errors stop being recorded at max_errors", "[schema]") {
    AllTypes all;
    schema::ParseOptions options;
    options.max_errors = 2;
    const Parsed p = parse(R"({"s":1,"b":1,"i8":"x","u8":"x","d":"x"})", all, options);
    CHECK(p.status == BodyStatus::invalid);
    CHECK(p.count == 2);

    schema::ValidationErrors errors(1);
    CHECK(schema::parse_json(R"({"s":1,"b":1})", false, all, errors).status == BodyStatus::invalid);
    CHECK(errors.size() == 1);
    CHECK(errors.dropped() == 1);

    // A cap of zero still lets one error through: a refused body always says why.
    options.max_errors = 0;
    CHECK(parse(R"({"s":1,"b":1})", all, options).count == 1);
}

TEST_CASE("schema: a large body gets its own parser", "[schema]") {
    AllTypes all;
    std::string body = R"({"vi":[)";
    for (int i = 0; i < 400000; ++i)
        body.append(i == 0 ? "123" : ",123");
    body.append("]}");
    REQUIRE(body.size() > (std::size_t{1} << 20));
    CHECK(parse(body, all).status == BodyStatus::ok);
    CHECK(all.vi.size() == 400000);
    CHECK(all.vi.back() == 123);
    // And the per-thread parser still works afterwards.
    CHECK(parse(R"({"vi":[2]})", all).status == BodyStatus::ok);
    CHECK(all.vi == std::vector<int>{2});
}

TEST_CASE("schema: numbers and literals simdjson 3.0.1 gets wrong are read right", "[schema]") {
    AllTypes all;
    // get_double is wrong for "0." and more than 19 digits; get_number for more than 19
    // significant digits; integers beyond 64 bits are refused by simdjson but valid JSON.
    CHECK(parse(R"({"d":0.1000000000000000055511151231257827})", all).status == BodyStatus::ok);
    CHECK(all.d == 0.1);
    CHECK(parse(R"({"i64":10000000000000000.000})", all).status == BodyStatus::ok);
    CHECK(all.i64 == 10000000000000000);
    CHECK(parse(R"({"any":666666666666666666666666666666666666666666666666666666666,"i8":1})", all).status ==
          BodyStatus::ok);
    CHECK(all.any == *json::parse("666666666666666666666666666666666666666666666666666666666"));
    CHECK(all.i8 == 1);
    CHECK(parse(R"({"vi":[1,66666666666666666666666666,2]})", all).detail ==
          one_error("less_than_equal", R"(["body","vi",1])", "Input should be less than or equal to 2147483647",
                    "66666666666666666666666666", R"({"le":2147483647})"));
    CHECK(parse(R"({"b":true,"oi":null,"d":1E+2})", all).status == BodyStatus::ok);
    CHECK(all.d == 100.0);
    // At the top level: misspelled literals are malformed, surrounding whitespace is fine.
    Loose loose;
    for (const char* bad : {"nulll", "null(", "falsey", "true1", "[0003", "1x", "-"}) {
        INFO(bad);
        CHECK(parse(bad, loose).status == BodyStatus::malformed);
    }
    for (const char* scalar : {" true \n", "\tnull ", " 12 \r\n", " \"s\" "}) {
        INFO(scalar);
        CHECK(parse(scalar, loose).status == BodyStatus::invalid);
    }
    const Parsed unclosed = parse("[0003181795956718829566998", loose);
    CHECK(unclosed.error.reason.find("unclosed array or object") != std::string::npos);
}

TEST_CASE("schema: a full error list is never emptied by a repeated name", "[schema]") {
    CreateUser user;
    schema::ParseOptions options;
    options.max_errors = 2;
    // The last "age" is the one that counts, but its error does not fit in the list any more:
    // the earlier ones stay rather than leaving an invalid body without errors.
    const Parsed p = parse(R"({"age":0.5,"age":1.5,"age":2.5,"name":"n","items":[],"tags":{}})", user, options);
    CHECK(p.status == BodyStatus::invalid);
    CHECK(p.count == 2);
}

TEST_CASE("schema: an object without fields, and fields of a base struct", "[schema]") {
    Nothing nothing;
    CHECK(parse("{}", nothing).status == BodyStatus::ok);
    CHECK(parse(R"({"a":[1,{"b":null}]})", nothing).status == BodyStatus::ok);
    schema::ParseOptions forbid;
    forbid.unknown_fields = schema::UnknownFields::forbid;
    CHECK(parse(R"({"a":1})", nothing, forbid).detail ==
          one_error("extra_forbidden", R"(["body","a"])", "Extra inputs are not permitted", "1"));
    CHECK(json::to_string(nothing) == "{}");

    Derived derived;
    CHECK(parse(R"({"id":"x","extra":2})", derived).status == BodyStatus::ok);
    CHECK(derived.id == "x");
    CHECK(derived.extra == 2);
    CHECK(json::to_string(derived) == R"({"id":"x","extra":2})");
    CHECK(parse(R"({"id":"","extra":2})", derived).detail == one_error("string_too_short", R"(["body","id"])",
                                                                       "String should have at least 1 character",
                                                                       R"("")", R"({"min_length":1})"));
}
