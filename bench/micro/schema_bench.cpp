// Micro-benchmarks of struct schemas (sweet/schema/), per call, on a ~200-byte body:
//
//   schema/parse_json               body -> struct, in place (the server pads bodies)
//   schema/parse_json/unpadded      the same from an unpadded string (copied into a padded buffer)
//   schema/parse_json/shuffled      members in another order than declared (the next-field guess misses)
//   schema/parse_json/invalid       five failing values and an unknown member: errors formatted
//   schema/parse_json/unknown       the valid body plus ignored unknown members (checked, skipped)
//   schema/json_parse_value         json::parse_padded of the same body into a json::Value, for scale
//   schema/serialize                struct -> JSON into a fresh std::string
//   schema/serialize/reused         the same into a buffer that keeps its capacity
//   schema/parse_strings            five query parameters -> struct
//
//   build/bench/sweet_micro_bench --benchmark_filter='^schema/'
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/json/parse.hpp"
#include "sweet/schema/parse_json.hpp"
#include "sweet/schema/parse_strings.hpp"
#include "sweet/schema/serialize.hpp"

namespace schema_bench {

namespace schema = sweet::schema;

struct Item {
    std::string name;
    double price = 0;
    int quantity = 1;
};
enum class Color { red, green, blue };
struct CreateUser {
    std::string name;
    int age = 0;
    std::optional<std::string> email;
    std::vector<Item> items;
    Color color = Color::red;
    std::map<std::string, std::string> tags;
};

constexpr auto sweet_schema(schema::of<Item>) {
    using namespace sweet::schema;
    return object("Item", field("name", &Item::name, min_length(1), max_length(100)),
                  field("price", &Item::price, gt(0)), field("quantity", &Item::quantity, ge(1), le(1000)));
}
constexpr auto sweet_enum(schema::of<Color>) {
    return schema::enumeration(std::pair{Color::red, "red"}, std::pair{Color::green, "green"},
                               std::pair{Color::blue, "blue"});
}
constexpr auto sweet_schema(schema::of<CreateUser>) {
    using namespace sweet::schema;
    return object("CreateUser", field("name", &CreateUser::name, min_length(1), max_length(50)),
                  field("age", &CreateUser::age, ge(0), le(150)), field("email", &CreateUser::email, format_email),
                  field("items", &CreateUser::items, max_items(100)), field("color", &CreateUser::color, defaulted),
                  field("tags", &CreateUser::tags, defaulted))
        .forbid_unknown();
}

/// CreateUser's fields, unknown members ignored (declared on a derived struct: fields may point
/// to members of a base).
struct LenientUser : CreateUser {};
constexpr auto sweet_schema(schema::of<LenientUser>) {
    using namespace sweet::schema;
    return object<LenientUser>(
        "LenientUser", field("name", &CreateUser::name, min_length(1), max_length(50)),
        field("age", &CreateUser::age, ge(0), le(150)), field("email", &CreateUser::email, format_email),
        field("items", &CreateUser::items, max_items(100)), field("color", &CreateUser::color, defaulted),
        field("tags", &CreateUser::tags, defaulted));
}

struct Search {
    std::string q;
    int limit = 10;
    int offset = 0;
    Color color = Color::red;
    std::optional<bool> exact;
};
constexpr auto sweet_schema(schema::of<Search>) {
    using namespace sweet::schema;
    return object("Search", field("q", &Search::q, min_length(1)),
                  field("limit", &Search::limit, defaulted, ge(1), le(100)),
                  field("offset", &Search::offset, defaulted, ge(0)), field("color", &Search::color, defaulted),
                  field("exact", &Search::exact));
}

// 203 bytes.
constexpr std::string_view kBody =
    R"({"name":"Ada Lovelace","age":36,"email":"ada@example.com","items":[{"name":"Analytical engine",)"
    R"("price":1843.5,"quantity":1},{"name":"Note G","price":12,"quantity":3}],"color":"green","tags":{"role":"author"}})";
constexpr std::string_view kShuffled =
    R"({"tags":{"role":"author"},"color":"green","items":[{"quantity":1,"price":1843.5,"name":"Analytical engine"},)"
    R"({"quantity":3,"price":12,"name":"Note G"}],"email":"ada@example.com","age":36,"name":"Ada Lovelace"})";
constexpr std::string_view kInvalid =
    R"({"name":"","age":200,"email":"ada.example.com","items":[{"name":"Analytical engine","price":0,"quantity":1},)"
    R"({"name":"Note G","price":12,"quantity":3000}],"color":"pink","tags":{"role":"author"},"coupon":"FREE"})";
constexpr std::string_view kWithUnknown =
    R"({"name":"Ada Lovelace","age":36,"email":"ada@example.com","items":[{"name":"Analytical engine",)"
    R"("price":1843.5,"quantity":1,"sku":"AE-1"},{"name":"Note G","price":12,"quantity":3,"sku":null}],"color":"green",)"
    R"("tags":{"role":"author"},"meta":{"source":"bench","trace":[1,2,3]}})";

simdjson::padded_string padded(std::string_view text) {
    return simdjson::padded_string(text.data(), text.size());
}

void parse(benchmark::State& state, std::string_view body, bool is_padded, schema::BodyStatus expected,
           schema::UnknownFields unknown = schema::UnknownFields::forbid) {
    schema::ParseOptions options;
    options.unknown_fields = unknown;
    for (auto _ : state) {
        CreateUser user;
        schema::ValidationErrors errors;
        const schema::BodyOutcome outcome = schema::parse_json(body, is_padded, user, errors, options);
        if (outcome.status != expected) {
            state.SkipWithError("unexpected parse outcome");
            break;
        }
        if (outcome.status == schema::BodyStatus::invalid) {
            std::string detail = std::move(errors).body();
            benchmark::DoNotOptimize(detail);
        }
        benchmark::DoNotOptimize(user);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(body.size()));
}

void BM_parse_json(benchmark::State& state) {
    const simdjson::padded_string body = padded(kBody);
    parse(state, std::string_view(body.data(), body.size()), true, schema::BodyStatus::ok);
}
BENCHMARK(BM_parse_json)->Name("schema/parse_json");

void BM_parse_json_unpadded(benchmark::State& state) {
    parse(state, kBody, false, schema::BodyStatus::ok);
}
BENCHMARK(BM_parse_json_unpadded)->Name("schema/parse_json/unpadded");

void BM_parse_json_shuffled(benchmark::State& state) {
    const simdjson::padded_string body = padded(kShuffled);
    parse(state, std::string_view(body.data(), body.size()), true, schema::BodyStatus::ok);
}
BENCHMARK(BM_parse_json_shuffled)->Name("schema/parse_json/shuffled");

void BM_parse_json_invalid(benchmark::State& state) {
    const simdjson::padded_string body = padded(kInvalid);
    parse(state, std::string_view(body.data(), body.size()), true, schema::BodyStatus::invalid);
}
BENCHMARK(BM_parse_json_invalid)->Name("schema/parse_json/invalid");

void BM_parse_json_unknown(benchmark::State& state) {
    const simdjson::padded_string body = padded(kWithUnknown);
    schema::ParseOptions options;
    options.unknown_fields = schema::UnknownFields::ignore;
    for (auto _ : state) {
        LenientUser user;
        schema::ValidationErrors errors;
        const schema::BodyOutcome outcome =
            schema::parse_json(std::string_view(body.data(), body.size()), true, user, errors, options);
        if (outcome.status != schema::BodyStatus::ok) {
            state.SkipWithError("unexpected parse outcome");
            break;
        }
        benchmark::DoNotOptimize(user);
    }
}
BENCHMARK(BM_parse_json_unknown)->Name("schema/parse_json/unknown");

void BM_json_parse_value(benchmark::State& state) {
    const simdjson::padded_string body = padded(kBody);
    for (auto _ : state) {
        auto value = sweet::json::parse_padded(std::string_view(body.data(), body.size()));
        if (!value) {
            state.SkipWithError("json::parse failed");
            break;
        }
        benchmark::DoNotOptimize(value);
    }
}
BENCHMARK(BM_json_parse_value)->Name("schema/json_parse_value");

CreateUser sample_user() {
    CreateUser user;
    schema::ValidationErrors errors;
    static_cast<void>(schema::parse_json(kBody, false, user, errors));
    return user;
}

void BM_serialize(benchmark::State& state) {
    const CreateUser user = sample_user();
    for (auto _ : state) {
        std::string out = sweet::json::to_string(user);
        benchmark::DoNotOptimize(out);
    }
}
BENCHMARK(BM_serialize)->Name("schema/serialize");

void BM_serialize_reused(benchmark::State& state) {
    const CreateUser user = sample_user();
    std::string out;
    for (auto _ : state) {
        out.clear();
        sweet::json::Writer w(out);
        sweet::json::write(w, user);
        benchmark::DoNotOptimize(out.data());
    }
}
BENCHMARK(BM_serialize_reused)->Name("schema/serialize/reused");

void BM_parse_strings(benchmark::State& state) {
    const std::array<std::pair<std::string_view, std::string_view>, 5> params{
        {{"q", "engines"}, {"limit", "25"}, {"offset", "50"}, {"color", "blue"}, {"exact", "true"}}};
    const auto lookup = [&](std::string_view name) -> std::optional<std::string_view> {
        for (const auto& [key, value] : params) {
            if (key == name) return value;
        }
        return std::nullopt;
    };
    const auto lookup_all = [&](std::string_view name, auto&& each) {
        for (const auto& [key, value] : params) {
            if (key == name) each(value);
        }
    };
    for (auto _ : state) {
        Search search;
        schema::ValidationErrors errors;
        schema::parse_strings("query", lookup, lookup_all, search, errors);
        if (!errors.empty()) {
            state.SkipWithError("unexpected errors");
            break;
        }
        benchmark::DoNotOptimize(search);
    }
}
BENCHMARK(BM_parse_strings)->Name("schema/parse_strings");

}  // namespace schema_bench
