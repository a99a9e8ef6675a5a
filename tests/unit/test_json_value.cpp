// Tests of json::Value, json::Array and json::Object (sweet/json/value.hpp).

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "sweet/json/serialize.hpp"
#include "sweet/json/value.hpp"

using namespace std::string_view_literals;
namespace json = sweet::json;
using json::Array;
using json::Object;
using json::Value;

TEST_CASE("Value is built from C++ literals with the right kind", "[json][value]") {
    CHECK(Value().kind() == Value::Kind::null);
    CHECK(Value(nullptr).is_null());
    CHECK(Value(true).kind() == Value::Kind::boolean);
    CHECK(Value(7).kind() == Value::Kind::int64);
    CHECK(Value(std::int8_t{-3}).kind() == Value::Kind::int64);
    CHECK(Value(7U).kind() == Value::Kind::int64);  // fits int64: one representation per integer
    CHECK(Value(std::uint64_t{1} << 63).kind() == Value::Kind::uint64);
    CHECK(Value(std::numeric_limits<std::uint64_t>::max()).is_uint64());
    CHECK(Value(1.5).kind() == Value::Kind::float64);
    CHECK(Value(1.5F).is_double());
    CHECK(Value("text").kind() == Value::Kind::string);
    CHECK(Value("text"sv).is_string());
    CHECK(Value(std::string("text")).is_string());
    const char* no_text = nullptr;
    CHECK(Value(no_text).is_null());
    CHECK(Value(Array{1, 2}).kind() == Value::Kind::array);
    CHECK(Value(Object{{"a", 1}}).kind() == Value::Kind::object);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<Value, char>);  // text or number? say which
}

TEST_CASE("Value accessors return the value or nothing, never a wrong conversion", "[json][value]") {
    const Value b = true;
    CHECK(b.as_bool() == true);
    CHECK_FALSE(b.as_int64());
    CHECK_FALSE(b.as_string());

    const Value i = -42;
    CHECK(i.is_integer());
    CHECK(i.is_number());
    CHECK(i.as_int64() == -42);
    CHECK_FALSE(i.as_uint64());  // negative
    CHECK(i.as_double() == -42.0);
    CHECK_FALSE(i.as_bool());

    const Value big = std::numeric_limits<std::uint64_t>::max();
    CHECK_FALSE(big.as_int64());
    CHECK(big.as_uint64() == std::numeric_limits<std::uint64_t>::max());
    CHECK(big.as_double() == 18446744073709551616.0);

    const Value d = 2.0;
    CHECK_FALSE(d.as_int64());  // a double is not converted, even when integral
    CHECK_FALSE(d.as_uint64());
    CHECK(d.as_double() == 2.0);

    const Value s = "hello";
    CHECK(s.as_string() == "hello"sv);
    CHECK_FALSE(s.as_double());
    CHECK(s.as_array() == nullptr);
    CHECK(s.as_object() == nullptr);

    Value a = Array{1, "two", nullptr};
    Array* elements = a.as_array();
    REQUIRE(elements != nullptr);
    if (elements == nullptr) return;  // (REQUIRE already stopped; this tells the compiler)
    CHECK(elements->size() == 3);
    elements->push_back(false);
    CHECK(a[3] == false);
}

TEST_CASE("Value lookups chain safely through missing members and wrong kinds", "[json][value]") {
    const Value v = Object{{"user", Object{{"name", "ada"}, {"roles", Array{"admin", "dev"}}}}, {"n", 1}};
    CHECK(v["user"]["name"].as_string() == "ada"sv);
    CHECK(v["user"]["roles"][1].as_string() == "dev"sv);
    CHECK(v["user"]["roles"][2].is_null());      // out of range
    CHECK(v["user"]["missing"]["deeper"].is_null());
    CHECK(v["n"]["x"].is_null());                 // not an object
    CHECK(v["n"][0].is_null());                   // not an array
    CHECK(v[0].is_null());                        // an object is not an array
    CHECK(v.find("n") != nullptr);
    CHECK(v.find("x") == nullptr);
    CHECK(Value(5).find("n") == nullptr);
}

TEST_CASE("Object keeps insertion order and unique names", "[json][value]") {
    Object o{{"b", 1}, {"a", 2}, {"b", 3}};  // repeated name: first position, last value
    REQUIRE(o.size() == 2);
    CHECK(o.begin()->first == "b");
    CHECK(o.begin()->second == 3);
    CHECK(*o.find("a") == 2);
    o["c"] = "new";
    o["a"] = 20;
    o.insert_or_assign("d", true);
    o.insert_or_assign("b", nullptr);
    std::string order;
    for (const auto& [name, value] : o) order += name;
    CHECK(order == "bacd");
    CHECK(o.contains("c"));
    CHECK(o.erase("a"));
    CHECK_FALSE(o.erase("a"));
    CHECK_FALSE(o.contains("a"));
    CHECK(json::to_string(Value(o)) == R"({"b":null,"c":"new","d":true})");
    Object empty;
    CHECK(empty.empty());
    CHECK(empty.find("x") == nullptr);
}

TEST_CASE("Value equality: kinds, numbers, order-free objects", "[json][value]") {
    CHECK(Value() == Value(nullptr));
    CHECK(Value(1) == Value(1U));
    CHECK(Value(1) != Value(1.0));  // integer and double differ
    CHECK(Value(0.0) == Value(-0.0));
    CHECK(Value(true) != Value(1));
    CHECK(Value("a") == Value(std::string("a")));
    CHECK(Value(Array{1, 2}) != Value(Array{2, 1}));
    CHECK(Value(Object{{"a", 1}, {"b", 2}}) == Value(Object{{"b", 2}, {"a", 1}}));
    CHECK(Value(Object{{"a", 1}}) != Value(Object{{"a", 1}, {"b", 2}}));
    CHECK(Value(Object{{"a", 1}, {"b", 2}}) != Value(Object{{"a", 1}, {"c", 2}}));
    CHECK(Value(Object{{"a", 1}}) != Value(Object{{"a", 2}}));
    // Large objects (the sorted comparison path), in reverse order, then with one difference.
    Object forward;
    Object backward;
    for (int i = 0; i < 100; ++i) forward.insert_or_assign("k" + std::to_string(i), i);
    for (int i = 99; i >= 0; --i) backward.insert_or_assign("k" + std::to_string(i), i);
    CHECK(forward == backward);
    backward["k50"] = -1;
    CHECK_FALSE(forward == backward);
    backward["k50"] = 50;
    backward.erase("k7");
    backward.insert_or_assign("k100", 7);
    CHECK_FALSE(forward == backward);
    // Comparison with literals goes through the implicit constructors.
    const Value v = Object{{"x", "y"}};
    CHECK(v["x"] == "y");
    CHECK(v["missing"] == nullptr);
}

TEST_CASE("Value serializes every kind", "[json][value][serialize]") {
    const Value v = Object{
        {"null", nullptr},
        {"t", true},
        {"f", false},
        {"int", -9223372036854775807LL - 1},
        {"uint", std::numeric_limits<std::uint64_t>::max()},
        {"double", 0.1},
        {"whole", 3.0},
        {"str", "q\"\n\u00e9"},
        {"arr", Array{Array{}, Object{}, 1}},
    };
    CHECK(json::to_string(v) ==
          R"({"null":null,"t":true,"f":false,"int":-9223372036854775808,"uint":18446744073709551615,)"
          R"("double":0.1,"whole":3.0,"str":"q\"\n)" "\u00e9" R"(","arr":[[],{},1]})");
    CHECK(json::to_string(Array{}) == "[]");
    CHECK(json::to_string(Object{}) == "{}");
    STATIC_REQUIRE(json::Serializable<Value>);
    STATIC_REQUIRE(json::Serializable<std::vector<Value>>);
    STATIC_REQUIRE(json::Serializable<std::map<std::string, Value>>);
    CHECK(json::to_string(std::map<std::string, Value>{{"v", Array{1}}}) == R"({"v":[1]})");
}
