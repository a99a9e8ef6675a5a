// Micro-benchmarks of the JSON layer of the validated route (bench/servers/sweet_bench_server.cpp,
// POST /validated/{id:int}), per request, on the same types and the same 191-byte body:
//
//   typed/body_to_struct            schema::parse_json of the order into a fresh Order (what
//                                   Body<Order> does): parse, convert and validate every field
//   typed/body_to_struct/invalid    the same with 4 failing constraints and an unknown field: the
//                                   422 path, errors formatted into FastAPI's body
//   typed/body_to_value             json::parse_padded into a json::Value (untyped), for comparison
//   typed/struct_to_json            the OrderReceipt written into a fresh std::string (what
//                                   Response::json does)
//   typed/struct_to_json/reused     the same into a buffer that keeps its capacity
//   typed/response_json             Response::json(receipt): the Response object included
//   typed/handler                   the route's whole JSON work: body -> Order -> receipt ->
//                                   Response::json
//
//   build/bench-release/bench/sweet_micro_bench --benchmark_filter='^typed/'
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include <string>
#include <string_view>

#include "bench_order.hpp"
#include "sweet/json/parse.hpp"
#include "sweet/schema/parse_json.hpp"
#include "sweet/schema/serialize.hpp"

namespace {

using sweet_bench::kOrderJson;
using sweet_bench::Order;
using sweet_bench::OrderReceipt;

/// The order with an empty customer, a bad email, quantity 0, price 0 and an unknown field.
constexpr std::string_view kInvalidOrderJson =
    R"({"customer":"","email":"ada.lovelace","quantity":0,"unit_price":0,"coupon":"FREE",)"
    R"("notes":["gift wrap, please","leave it with the neighbour at number 12","fragile: glass inside"]})";

/// `text` followed by simdjson's padding, as the server keeps request bodies (kBodyPadding).
simdjson::padded_string padded(std::string_view text) { return simdjson::padded_string(text.data(), text.size()); }

/// Parses `body` into `out`; the benchmark stops with an error if the outcome is not `expected`.
bool parse_order(benchmark::State& state, std::string_view body, Order& out, sweet::schema::ValidationErrors& errors,
                 sweet::schema::BodyStatus expected) {
    const sweet::schema::BodyOutcome outcome = sweet::schema::parse_json(body, /*padded=*/true, out, errors);
    if (outcome.status != expected) {
        state.SkipWithError("the order did not parse as expected: bench_order.hpp and the schema disagree");
        return false;
    }
    return true;
}

void body_to_struct(benchmark::State& state) {
    const simdjson::padded_string body = padded(kOrderJson);
    for (auto _ : state) {
        Order order;
        sweet::schema::ValidationErrors errors;
        if (!parse_order(state, body, order, errors, sweet::schema::BodyStatus::ok)) break;
        benchmark::DoNotOptimize(order);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kOrderJson.size()));
}
BENCHMARK(body_to_struct)->Name("typed/body_to_struct");

void body_to_struct_invalid(benchmark::State& state) {
    const simdjson::padded_string body = padded(kInvalidOrderJson);
    for (auto _ : state) {
        Order order;
        sweet::schema::ValidationErrors errors;
        if (!parse_order(state, body, order, errors, sweet::schema::BodyStatus::invalid)) break;
        std::string response = std::move(errors).body();  // the 422 body, as the app sends it
        benchmark::DoNotOptimize(response);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kInvalidOrderJson.size()));
}
BENCHMARK(body_to_struct_invalid)->Name("typed/body_to_struct/invalid");

void body_to_value(benchmark::State& state) {
    const simdjson::padded_string body = padded(kOrderJson);
    for (auto _ : state) {
        auto value = sweet::json::parse_padded(std::string_view(body));
        if (!value) {
            state.SkipWithError("json::parse_padded refused the order");
            break;
        }
        benchmark::DoNotOptimize(value);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kOrderJson.size()));
}
BENCHMARK(body_to_value)->Name("typed/body_to_value");

/// The receipt the route sends for the benchmark's order.
OrderReceipt sample_receipt() {
    Order order;
    sweet::schema::ValidationErrors errors;
    const simdjson::padded_string body = padded(kOrderJson);
    (void)sweet::schema::parse_json(std::string_view(body), true, order, errors);
    return sweet_bench::receipt_for(42, std::move(order));
}

void struct_to_json(benchmark::State& state) {
    const OrderReceipt receipt = sample_receipt();
    std::size_t bytes = 0;
    for (auto _ : state) {
        std::string out;
        sweet::json::Writer writer(out);
        sweet::json::write(writer, receipt);
        bytes += out.size();
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(struct_to_json)->Name("typed/struct_to_json");

void struct_to_json_reused(benchmark::State& state) {
    const OrderReceipt receipt = sample_receipt();
    std::string out;
    std::size_t bytes = 0;
    for (auto _ : state) {
        out.clear();
        sweet::json::Writer writer(out);
        sweet::json::write(writer, receipt);
        bytes += out.size();
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(struct_to_json_reused)->Name("typed/struct_to_json/reused");

void response_json(benchmark::State& state) {
    const OrderReceipt receipt = sample_receipt();
    for (auto _ : state) {
        sweet::Response response = sweet::Response::json(receipt);
        benchmark::DoNotOptimize(response);
    }
}
BENCHMARK(response_json)->Name("typed/response_json");

void handler(benchmark::State& state) {
    const simdjson::padded_string body = padded(kOrderJson);
    for (auto _ : state) {
        Order order;
        sweet::schema::ValidationErrors errors;
        if (!parse_order(state, body, order, errors, sweet::schema::BodyStatus::ok)) break;
        sweet::Response response = sweet::Response::json(sweet_bench::receipt_for(42, std::move(order)));
        benchmark::DoNotOptimize(response);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kOrderJson.size()));
}
BENCHMARK(handler)->Name("typed/handler");

}  // namespace
