// The server of the typed-request tests (tests/e2e/test_typed_requests.py, test_openapi_docs.py,
// test_property.py): JSON bodies parsed into structs, query and header parameters, validation
// errors in FastAPI's shape, JSON responses and the OpenAPI document built from all of it.
#include <sweet/sweet.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "../support/cli.hpp"

namespace shop {

enum class Color { red, green, blue };
constexpr auto sweet_enum(sweet::schema::of<Color>) {
    return sweet::schema::enumeration(std::pair{Color::red, "red"}, std::pair{Color::green, "green"}, std::pair{Color::blue, "blue"});
}

struct Item {
    std::string name;
    double price = 0;
    std::optional<std::string> sku;
};
constexpr auto sweet_schema(sweet::schema::of<Item>) {
    using namespace sweet::schema;
    return object("Item", field("name", &Item::name, min_length(1), max_length(100), description("What is sold")),
                  field("price", &Item::price, gt(0), le(1'000'000)),
                  field("sku", &Item::sku, pattern("^[A-Z]{3}-[0-9]{4}$")));
}

struct CreateUser {
    std::string name;
    int age = 0;
    std::optional<std::string> email;
    std::vector<Item> items;
    Color color = Color::red;
    std::map<std::string, std::string> tags;
    bool admin = false;
};
constexpr auto sweet_schema(sweet::schema::of<CreateUser>) {
    using namespace sweet::schema;
    return object("CreateUser", field("name", &CreateUser::name, min_length(1), max_length(50), description("Display name")),
                  field("age", &CreateUser::age, ge(0), le(150)), field("email", &CreateUser::email, format_email),
                  field("items", &CreateUser::items, max_items(20)), field("color", &CreateUser::color, defaulted),
                  field("tags", &CreateUser::tags, defaulted), field("admin", &CreateUser::admin, defaulted));
}

struct User {
    std::int64_t id = 0;
    std::int64_t org = 0;
    std::string name;
    int age = 0;
    std::optional<std::string> email;
    std::vector<Item> items;
    Color color = Color::red;
    double total = 0;
};
constexpr auto sweet_schema(sweet::schema::of<User>) {
    using namespace sweet::schema;
    return object("User", field("id", &User::id), field("org", &User::org), field("name", &User::name), field("age", &User::age),
                  field("email", &User::email), field("items", &User::items), field("color", &User::color),
                  field("total", &User::total));
}

struct Paging {
    int limit = 10;
    int offset = 0;
    std::optional<std::string> q;
    std::vector<std::string> tag;
};
constexpr auto sweet_schema(sweet::schema::of<Paging>) {
    using namespace sweet::schema;
    return object("Paging", field("limit", &Paging::limit, ge(1), le(100), defaulted), field("offset", &Paging::offset, ge(0), defaulted),
                  field("q", &Paging::q, max_length(50)), field("tag", &Paging::tag, defaulted));
}

struct Auth {
    std::string x_token;
    std::optional<std::int64_t> x_trace;
};
constexpr auto sweet_schema(sweet::schema::of<Auth>) {
    using namespace sweet::schema;
    return object("Auth", field("x-token", &Auth::x_token, min_length(8)), field("x-trace", &Auth::x_trace));
}

// A small, strict body for the benchmark's validated route.
struct Order {
    std::string customer;
    std::string email;
    int quantity = 0;
    double unit_price = 0;
    std::vector<std::string> notes;
};
constexpr auto sweet_schema(sweet::schema::of<Order>) {
    using namespace sweet::schema;
    return object("Order", field("customer", &Order::customer, min_length(1), max_length(64)),
                  field("email", &Order::email, format_email), field("quantity", &Order::quantity, ge(1), le(1000)),
                  field("unit_price", &Order::unit_price, gt(0)), field("notes", &Order::notes, max_items(8)))
        .forbid_unknown();
}

}  // namespace shop

int main(int argc, char** argv) {
    using namespace shop;
    sweet::App app{sweet_support::parse_cli(argc, argv, sweet::ServerConfig{.host = "127.0.0.1", .port = 0, .workers = 1,
                                                                              .api_title = "Typed test API", .api_version = "1.2.3"})};

    app.post<"/orgs/{org:int}/users">(
        [](sweet::Request&, std::int64_t org, sweet::Body<CreateUser> body) {
            User user{.id = 1, .org = org, .name = body->name, .age = body->age, .email = body->email, .items = body->items,
                      .color = body->color};
            for (const Item& item : body->items) user.total += item.price;
            return sweet::Response::json(user, 201);
        },
        sweet::RouteOptions{.summary = "Create a user", .tags = {"users"}}, sweet::responds<User>(201, "The new user"));

    app.get<"/items">(
        [](sweet::Request&, sweet::Query<Paging> paging, sweet::Headers<Auth> auth) {
            return sweet::Response::json(std::map<std::string, sweet::json::Value>{
                {"limit", paging->limit}, {"offset", paging->offset}, {"q", paging->q ? sweet::json::Value(*paging->q) : sweet::json::Value()},
                {"tags", sweet::json::Value(paging->tag.size())}, {"token_length", sweet::json::Value(auth->x_token.size())}});
        },
        sweet::RouteOptions{.summary = "List items", .tags = {"items"}});

    app.post<"/echo-json">([](sweet::Request&, sweet::Body<sweet::json::Value> body) { return sweet::Response::json(*body); },
                           sweet::RouteOptions{.summary = "Echo any JSON", .tags = {"debug"}});

    app.post<"/orders/{id:int}">(
        [](sweet::Request&, std::int64_t id, sweet::Body<Order> order) {
            return sweet::Response::json(std::map<std::string, sweet::json::Value>{
                {"id", id}, {"customer", order->customer}, {"total", order->quantity * order->unit_price}});
        },
        sweet::RouteOptions{.summary = "Place an order", .tags = {"orders"}});

    app.get<"/hello">([](sweet::Request&) { return sweet::Response::json(std::map<std::string, std::string>{{"message", "Hello, World!"}}); },
                      sweet::RouteOptions{.summary = "Plain JSON hello", .include_in_schema = true});
    return app.run();
}
