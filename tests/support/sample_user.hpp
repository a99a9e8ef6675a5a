#pragma once
// The sample types the schema unit tests share (test_schema_parse.cpp, test_schema_json_schema.cpp):
// a user with nested items, an enum, an optional, a map and a defaulted field, every constraint
// kind the tests read back. Declared once so both test files check the same declaration.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sweet/schema/schema.hpp"

namespace sweet_samples {

/// An order line: a non-empty name and a positive price.
struct Item {
    std::string name;
    double price = 0;
};

/// A color, by name in JSON.
enum class Color { red, green, blue };

/// A new user: constraints on every field, unknown fields refused.
struct CreateUser {
    std::string name;
    int age = 0;
    std::optional<std::string> email;
    std::vector<Item> items;
    Color color = Color::red;
    std::map<std::string, std::string> tags;
};

constexpr auto sweet_schema(sweet::schema::of<Item>) {
    using namespace sweet::schema;
    return object("Item", field("name", &Item::name, min_length(1)), field("price", &Item::price, gt(0)));
}
constexpr auto sweet_enum(sweet::schema::of<Color>) {
    return sweet::schema::enumeration(std::pair{Color::red, "red"}, std::pair{Color::green, "green"},
                                      std::pair{Color::blue, "blue"})
        .description("A primary color");
}
constexpr auto sweet_schema(sweet::schema::of<CreateUser>) {
    using namespace sweet::schema;
    return object("CreateUser",
                  field("name", &CreateUser::name, min_length(1), max_length(50), description("Display name")),
                  field("age", &CreateUser::age, ge(0), le(150)), field("email", &CreateUser::email, format_email),
                  field("items", &CreateUser::items, max_items(100)), field("color", &CreateUser::color, defaulted),
                  field("tags", &CreateUser::tags))
        .forbid_unknown()
        .description("A new user");
}

}  // namespace sweet_samples
