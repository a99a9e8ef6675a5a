// Tests of serializing struct schemas (sweet/schema/serialize.hpp): declared order, nulls and
// omit_null, enums by name, nested containers, and round trips through parse_json.

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sweet/json/value.hpp"
#include "sweet/schema/parse_json.hpp"
#include "sweet/schema/serialize.hpp"

namespace json = sweet::json;
namespace schema = sweet::schema;

namespace schema_serialize_test {

enum class Level { low, high };
constexpr auto sweet_enum(schema::of<Level>) {
    return schema::enumeration("Level", std::pair{Level::low, "low"}, std::pair{Level::high, "high"});
}

struct Point {
    double x = 0;
    double y = 0;
    friend bool operator==(const Point&, const Point&) = default;
};
constexpr auto sweet_schema(schema::of<Point>) {
    using namespace sweet::schema;
    // Declared order differs from member order on purpose.
    return object("Point", field("y", &Point::y), field("x", &Point::x));
}

struct Shape {
    std::string name;
    std::vector<Point> points;
    std::optional<std::string> note;
    Level level = Level::low;
    std::map<std::string, std::vector<int>> groups;
    std::optional<Point> center;
    std::int64_t big = 0;
    std::uint64_t huge = 0;
    bool closed = false;
    json::Value meta;
    friend bool operator==(const Shape&, const Shape&) = default;
};
constexpr auto sweet_schema(schema::of<Shape>) {
    using namespace sweet::schema;
    return object("Shape", field("name", &Shape::name), field("points", &Shape::points), field("note", &Shape::note),
                  field("level", &Shape::level), field("groups", &Shape::groups), field("center", &Shape::center),
                  field("big", &Shape::big), field("huge", &Shape::huge), field("closed", &Shape::closed),
                  field("meta", &Shape::meta));
}

/// The same shape of data, leaving empty optionals out.
struct Sparse {
    std::optional<int> a;
    std::optional<std::string> b;
    int c = 0;
};
constexpr auto sweet_schema(schema::of<Sparse>) {
    using namespace sweet::schema;
    return object("Sparse", field("a", &Sparse::a), field("b", &Sparse::b), field("c", &Sparse::c)).omit_null();
}

}  // namespace schema_serialize_test

using namespace schema_serialize_test;

TEST_CASE("schema: serialization writes fields in declared order", "[schema]") {
    Shape shape;
    shape.name = "tri\"angle\n";
    shape.points = {{1, 2}, {3.5, -4}};
    shape.level = Level::high;
    shape.groups = {{"a", {1, 2}}, {"b", {}}};
    shape.center = Point{0.5, 0};
    shape.big = std::numeric_limits<std::int64_t>::min();
    shape.huge = std::numeric_limits<std::uint64_t>::max();
    shape.closed = true;
    shape.meta = json::Object{{"k", json::Array{1, "two", nullptr}}};
    CHECK(json::to_string(shape) ==
          R"({"name":"tri\"angle\n","points":[{"y":2.0,"x":1.0},{"y":-4.0,"x":3.5}],"note":null,"level":"high",)"
          R"("groups":{"a":[1,2],"b":[]},"center":{"y":0.0,"x":0.5},"big":-9223372036854775808,)"
          R"("huge":18446744073709551615,"closed":true,"meta":{"k":[1,"two",null]}})");
}

TEST_CASE("schema: omit_null leaves empty optionals out", "[schema]") {
    CHECK(json::to_string(Sparse{}) == R"({"c":0})");
    CHECK(json::to_string(Sparse{1, std::nullopt, 2}) == R"({"a":1,"c":2})");
    CHECK(json::to_string(Sparse{std::nullopt, "x", 3}) == R"({"b":"x","c":3})");
}

TEST_CASE("schema: enums serialize by name; an unlisted value is null", "[schema]") {
    CHECK(json::to_string(Level::low) == R"("low")");
    CHECK(json::to_string(std::vector<Level>{Level::high, static_cast<Level>(7)}) == R"(["high",null])");
}

TEST_CASE("schema: serialize then parse gives the same struct", "[schema]") {
    Shape shape;
    shape.name = "h\xc3\xa9llo \xf0\x9f\x98\x80";
    shape.points = {{0.1, 1e300}, {-0.0, 5e-324}};
    shape.note = "";
    shape.groups = {{"", {-1}}, {"\xc3\xa9", {0, 1}}};
    shape.big = -42;
    shape.huge = 1ULL << 63;
    shape.meta = json::Array{1.5, json::Object{{"nested", true}}};
    const std::string text = json::to_string(shape);
    Shape back;
    schema::ValidationErrors errors;
    const schema::BodyOutcome outcome = schema::parse_json(text, false, back, errors);
    INFO(text);
    REQUIRE(outcome.status == schema::BodyStatus::ok);
    CHECK(back == shape);
    CHECK(json::to_string(back) == text);
}
