// Tests of the JSON Schema of struct schemas (sweet/schema/json_schema.hpp): exact text for a
// sample, integer bounds of every width, components (once each, recursion, name conflicts),
// and parameters for query/header documentation.

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "../support/sample_user.hpp"
#include "sweet/json/parse.hpp"
#include "sweet/json/value.hpp"
#include "sweet/schema/json_schema.hpp"

namespace json = sweet::json;
namespace schema = sweet::schema;

namespace schema_json_schema_test {

// The shared sample types (tests/support/sample_user.hpp).
using sweet_samples::Color;
using sweet_samples::CreateUser;
using sweet_samples::Item;

struct Numbers {
    std::int8_t i8;
    std::uint8_t u8;
    std::int16_t i16;
    std::uint16_t u16;
    std::int32_t i32;
    std::uint32_t u32;
    std::int64_t i64;
    std::uint64_t u64;
    float f;
    double d;
    int positive;
    unsigned above;
    double open;
    int tight;
    std::optional<long> odd;
};
constexpr auto sweet_schema(schema::of<Numbers>) {
    using namespace sweet::schema;
    return object(
        "Numbers", field("i8", &Numbers::i8), field("u8", &Numbers::u8), field("i16", &Numbers::i16),
        field("u16", &Numbers::u16), field("i32", &Numbers::i32), field("u32", &Numbers::u32),
        field("i64", &Numbers::i64), field("u64", &Numbers::u64), field("f", &Numbers::f), field("d", &Numbers::d),
        field("positive", &Numbers::positive, gt(0)), field("above", &Numbers::above, ge(-5), le(1e12)),
        field("open", &Numbers::open, gt(-1.5), lt(2.5), multiple_of(0.5)),
        field("tight", &Numbers::tight, ge(1), ge(3), le(10), le(7)), field("odd", &Numbers::odd, multiple_of(3)));
}

struct Documented {
    std::string code;
    std::string kind;
    std::string when;
    int level = 3;
    std::vector<std::string> tags{"a"};
    json::Value extra;
    std::optional<std::vector<std::optional<int>>> sparse;
};
constexpr auto sweet_schema(schema::of<Documented>) {
    using namespace sweet::schema;
    return object("Documented", field("code", &Documented::code, pattern("^[A-Z]{3}$"), example("ABC"), example("XYZ")),
                  field("kind", &Documented::kind, one_of("a", "b"), deprecated),
                  field("when", &Documented::when, format_date_time, description("When \"it\" happens")),
                  field("level", &Documented::level, defaulted, example(5)),
                  field("tags", &Documented::tags, defaulted, min_items(1)), field("extra", &Documented::extra),
                  field("sparse", &Documented::sparse));
}

/// Refers to itself.
struct Tree {
    std::string label;
    std::vector<Tree> children;
};
constexpr auto sweet_schema(schema::of<Tree>) {
    using namespace sweet::schema;
    return object("Tree", field("label", &Tree::label), field("children", &Tree::children, defaulted));
}

/// Two types claiming one name.
struct ItemClone {
    int id = 0;
};
constexpr auto sweet_schema(schema::of<ItemClone>) {
    using namespace sweet::schema;
    return object("Item", field("id", &ItemClone::id));
}
struct Both {
    Item a;
    ItemClone b;
};
constexpr auto sweet_schema(schema::of<Both>) {
    using namespace sweet::schema;
    return object("Both", field("a", &Both::a), field("b", &Both::b));
}

/// Unknown members follow the application's policy.
struct Plain {
    bool on = false;
};
constexpr auto sweet_schema(schema::of<Plain>) {
    using namespace sweet::schema;
    return object("Plain", field("on", &Plain::on));
}

/// Parameters of a query.
struct Search {
    std::string q;
    int limit = 10;
    std::vector<std::string> tag;
    std::optional<bool> exact;
};
constexpr auto sweet_schema(schema::of<Search>) {
    using namespace sweet::schema;
    return object("Search", field("q", &Search::q, min_length(2), description("Words to find")),
                  field("limit", &Search::limit, defaulted, ge(1), le(100)), field("tag", &Search::tag, defaulted),
                  field("exact", &Search::exact, deprecated));
}

template <class T>
std::string properties_of(schema::Components& components) {
    const std::string ref = schema::json_schema<T>(components);
    const std::string* text = components.find(json::parse(ref)->operator[]("$ref").as_string()->substr(21));
    REQUIRE(text != nullptr);
    const json::Value parsed = *json::parse(*text);
    return json::to_string(parsed["properties"]);
}

}  // namespace schema_json_schema_test

using namespace schema_json_schema_test;

TEST_CASE("schema: JSON Schema of a sample, exactly", "[schema]") {
    schema::Components components;
    CHECK(schema::json_schema<CreateUser>(components) == R"({"$ref":"#/components/schemas/CreateUser"})");
    CHECK(
        components.to_json() ==
        R"({"CreateUser":{"type":"object","title":"CreateUser","description":"A new user","properties":{)"
        R"("name":{"type":"string","minLength":1,"maxLength":50,"description":"Display name"},)"
        R"("age":{"type":"integer","minimum":0,"maximum":150},)"
        R"("email":{"anyOf":[{"type":"string","format":"email"},{"type":"null"}],"default":null},)"
        R"("items":{"type":"array","items":{"$ref":"#/components/schemas/Item"},"maxItems":100},)"
        R"("color":{"$ref":"#/components/schemas/Color","default":"red"},)"
        R"("tags":{"type":"object","additionalProperties":{"type":"string"}}},)"
        R"("required":["name","age","items","tags"],"additionalProperties":false},)"
        R"("Item":{"type":"object","title":"Item","properties":{"name":{"type":"string","minLength":1},)"
        R"("price":{"type":"number","exclusiveMinimum":0}},"required":["name","price"]},)"
        R"("Color":{"type":"string","title":"Color","description":"A primary color","enum":["red","green","blue"]}})");
    CHECK(components.conflicts().empty());
    // Each component is written once: asking again changes nothing.
    const std::string before = components.to_json();
    CHECK(schema::json_schema<Item>(components) == R"({"$ref":"#/components/schemas/Item"})");
    CHECK(schema::json_schema<std::vector<CreateUser>>(components) ==
          R"({"type":"array","items":{"$ref":"#/components/schemas/CreateUser"}})");
    CHECK(components.to_json() == before);
}

TEST_CASE("schema: integers publish their C++ range, intersected with the bounds", "[schema]") {
    schema::Components components;
    CHECK(
        properties_of<Numbers>(components) ==
        R"({"i8":{"type":"integer","minimum":-128,"maximum":127},)"
        R"("u8":{"type":"integer","minimum":0,"maximum":255},)"
        R"("i16":{"type":"integer","minimum":-32768,"maximum":32767},)"
        R"("u16":{"type":"integer","minimum":0,"maximum":65535},)"
        R"("i32":{"type":"integer","minimum":-2147483648,"maximum":2147483647},)"
        R"("u32":{"type":"integer","minimum":0,"maximum":4294967295},)"
        R"("i64":{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807},)"
        R"("u64":{"type":"integer","minimum":0,"maximum":18446744073709551615},)"
        R"("f":{"type":"number","minimum":-3.4028234663852886e+38,"maximum":3.4028234663852886e+38},)"
        R"("d":{"type":"number"},)"
        R"("positive":{"type":"integer","exclusiveMinimum":0,"maximum":2147483647},)"
        R"("above":{"type":"integer","minimum":0,"maximum":4294967295},)"
        R"("open":{"type":"number","exclusiveMinimum":-1.5,"exclusiveMaximum":2.5,"multipleOf":0.5},)"
        R"("tight":{"type":"integer","minimum":3,"maximum":7},)"
        R"("odd":{"anyOf":[{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807,"multipleOf":3},)"
        R"({"type":"null"}],"default":null}})");
}

TEST_CASE("schema: documentation, patterns, literals and nested optionals", "[schema]") {
    schema::Components components;
    CHECK(
        properties_of<Documented>(components) ==
        R"({"code":{"type":"string","pattern":"^[A-Z]{3}$","examples":["ABC","XYZ"]},)"
        R"("kind":{"type":"string","enum":["a","b"],"deprecated":true},)"
        R"("when":{"type":"string","format":"date-time","description":"When \"it\" happens"},)"
        R"("level":{"type":"integer","minimum":-2147483648,"maximum":2147483647,"examples":[5],"default":3},)"
        R"("tags":{"type":"array","items":{"type":"string"},"minItems":1,"default":["a"]},)"
        R"("extra":{},)"
        R"("sparse":{"anyOf":[{"type":"array","items":{"anyOf":[{"type":"integer","minimum":-2147483648,"maximum":2147483647},)"
        R"({"type":"null"}]}},{"type":"null"}],"default":null}})");
}

TEST_CASE("schema: a recursive struct refers to itself", "[schema]") {
    schema::Components components;
    CHECK(schema::json_schema<Tree>(components) == R"({"$ref":"#/components/schemas/Tree"})");
    REQUIRE(components.entries().size() == 1);
    CHECK(
        components.entries()[0].schema ==
        R"({"type":"object","title":"Tree","properties":{"label":{"type":"string"},)"
        R"("children":{"type":"array","items":{"$ref":"#/components/schemas/Tree"},"default":[]}},"required":["label"]})");
}

TEST_CASE("schema: two types with one component name are reported", "[schema]") {
    schema::Components components;
    static_cast<void>(schema::json_schema<Both>(components));
    REQUIRE(components.conflicts().size() == 1);
    CHECK(components.conflicts()[0].find("'Item'") != std::string::npos);
    // The first type keeps the name.
    CHECK(*components.find("Item") ==
          R"({"type":"object","title":"Item","properties":{"name":{"type":"string","minLength":1},)"
          R"("price":{"type":"number","exclusiveMinimum":0}},"required":["name","price"]})");
}

TEST_CASE("schema: the application's unknown-member policy shows in the schema", "[schema]") {
    schema::Components ignoring;
    static_cast<void>(schema::json_schema<Plain>(ignoring));
    CHECK(*ignoring.find("Plain") ==
          R"({"type":"object","title":"Plain","properties":{"on":{"type":"boolean"}},"required":["on"]})");
    schema::Components forbidding(schema::UnknownFields::forbid);
    static_cast<void>(schema::json_schema<Plain>(forbidding));
    CHECK(
        *forbidding.find("Plain") ==
        R"({"type":"object","title":"Plain","properties":{"on":{"type":"boolean"}},"required":["on"],"additionalProperties":false})");
}

TEST_CASE("schema: parameters for documenting query and header structs", "[schema]") {
    schema::Components components;
    std::vector<std::string> seen;
    schema::for_each_parameter<Search>(components, [&](std::string_view name, bool required,
                                                       std::string_view schema_json, std::string_view description) {
        std::string line(name);
        line.append(required ? " required " : " optional ").append(schema_json);
        if (!description.empty()) line.append(" -- ").append(description);
        seen.push_back(line);
    });
    REQUIRE(seen.size() == 4);
    CHECK(seen[0] == R"(q required {"type":"string","minLength":2} -- Words to find)");
    CHECK(seen[1] == R"(limit optional {"type":"integer","minimum":1,"maximum":100,"default":10})");
    CHECK(seen[2] == R"(tag optional {"type":"array","items":{"type":"string"},"default":[]})");
    CHECK(seen[3] ==
          R"(exact optional {"anyOf":[{"type":"boolean"},{"type":"null"}],"deprecated":true,"default":null})");
}

TEST_CASE("schema: JSON Schema of plain types", "[schema]") {
    schema::Components components;
    CHECK(schema::json_schema<std::string>(components) == R"({"type":"string"})");
    CHECK(schema::json_schema<bool>(components) == R"({"type":"boolean"})");
    CHECK(schema::json_schema<std::uint8_t>(components) == R"({"type":"integer","minimum":0,"maximum":255})");
    CHECK(schema::json_schema<std::map<std::string, double>>(components) ==
          R"({"type":"object","additionalProperties":{"type":"number"}})");
    CHECK(schema::json_schema<json::Value>(components) == "{}");
    CHECK(schema::json_schema<Color>(components) == R"({"$ref":"#/components/schemas/Color"})");
    CHECK(components.entries().size() == 1);
}
