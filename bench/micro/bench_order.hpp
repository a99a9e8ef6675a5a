#pragma once
/// @file bench_order.hpp
/// The types of the benchmarks' validated route, shared by the server bench/run-peers.sh measures
/// (bench/servers/sweet_bench_server.cpp) and the micro-benchmarks of its JSON layer
/// (bench/micro/typed_request_bench.cpp), so both measure exactly the same thing. The peers mirror
/// them: bench/peers/elysia/server.ts (t.Object), bench/peers/fastify/server.js (JSON schema) and
/// bench/peers/fastapi/app.py (pydantic).

#include <sweet/schema/schema.hpp>
#include <sweet/sweet.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sweet_bench {

/// The request body of `POST /validated/{id:int}`: an order with a few constraints of each kind
/// (string lengths, a format, integer and number ranges, an array size) and no unknown fields.
struct Order {
    std::string customer;            ///< who orders, 1-64 characters
    std::string email;               ///< where to confirm, an email address
    int quantity = 0;                ///< how many, 1-1000
    double unit_price = 0;           ///< price of one, > 0
    std::vector<std::string> notes;  ///< delivery notes, at most 8
};

/// Order's schema: every field required, unknown fields refused (422).
constexpr auto sweet_schema(sweet::schema::of<Order>) {
    using namespace sweet::schema;
    return object("Order", field("customer", &Order::customer, min_length(1), max_length(64)),
                  field("email", &Order::email, format_email), field("quantity", &Order::quantity, ge(1), le(1000)),
                  field("unit_price", &Order::unit_price, gt(0)), field("notes", &Order::notes, max_items(8)))
        .forbid_unknown();
}

/// The response of `POST /validated/{id:int}`.
struct OrderReceipt {
    std::int64_t id = 0;     ///< the path parameter
    std::string customer;    ///< the order's customer
    std::string email;       ///< the order's email
    int quantity = 0;        ///< the order's quantity
    double total = 0;        ///< quantity * unit_price
    std::int64_t notes = 0;  ///< how many notes the order had
};

/// OrderReceipt's schema (the response is serialized from it, fields in this order).
constexpr auto sweet_schema(sweet::schema::of<OrderReceipt>) {
    using namespace sweet::schema;
    return object("OrderReceipt", field("id", &OrderReceipt::id), field("customer", &OrderReceipt::customer),
                  field("email", &OrderReceipt::email), field("quantity", &OrderReceipt::quantity),
                  field("total", &OrderReceipt::total), field("notes", &OrderReceipt::notes));
}

/// What the route answers for `order` under path parameter `id`. Takes the order by value: the
/// handler owns its `Body<Order>`, so the strings are moved, not copied.
inline OrderReceipt receipt_for(std::int64_t id, Order order) {
    return OrderReceipt{.id = id,
                        .customer = std::move(order.customer),
                        .email = std::move(order.email),
                        .quantity = order.quantity,
                        .total = order.quantity * order.unit_price,
                        .notes = static_cast<std::int64_t>(order.notes.size())};
}

/// The body wrk posts (the same bytes as bench/wrk/order.json, 191 bytes).
inline constexpr std::string_view kOrderJson =
    R"({"customer":"Ada Lovelace","email":"ada.lovelace@example.com","quantity":3,"unit_price":19.99,)"
    R"("notes":["gift wrap, please","leave it with the neighbour at number 12","fragile: glass inside"]})";

}  // namespace sweet_bench
