// Tests of schema::parse_strings (sweet/schema/parse_strings.hpp): query/header-style string
// parameters converted as FastAPI converts them, constraints, lists, missing values.

#include <catch2/catch.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/schema/parse_strings.hpp"

namespace schema = sweet::schema;

namespace schema_strings_test {

enum class Sort { asc, desc };
constexpr auto sweet_enum(schema::of<Sort>) {
    return schema::enumeration(std::pair{Sort::asc, "asc"}, std::pair{Sort::desc, "desc"});
}

struct Search {
    std::string q;
    int limit = 10;
    std::vector<std::string> tag;
    std::optional<bool> exact;
    Sort sort = Sort::asc;
    std::optional<double> min_score;
    std::uint8_t page = 1;
    std::vector<int> ids;
    std::string when;
};
constexpr auto sweet_schema(schema::of<Search>) {
    using namespace sweet::schema;
    return object("Search", field("q", &Search::q, min_length(2), max_length(20)),
                  field("limit", &Search::limit, defaulted, ge(1), le(100)),
                  field("tag", &Search::tag, defaulted, max_items(2)), field("exact", &Search::exact),
                  field("sort", &Search::sort, defaulted), field("min_score", &Search::min_score, ge(0)),
                  field("page", &Search::page, defaulted), field("ids", &Search::ids, defaulted),
                  field("when", &Search::when, defaulted, format_date));
}

/// A required list.
struct Required {
    std::vector<std::int64_t> ids;
};
constexpr auto sweet_schema(schema::of<Required>) {
    using namespace sweet::schema;
    return object("Required", field("ids", &Required::ids, min_items(2)));
}

using Params = std::multimap<std::string, std::string>;

/// Runs parse_strings over `params` with root "query"; returns the errors' JSON array.
template <class T>
std::string parse(const Params& params, T& out) {
    schema::ValidationErrors errors;
    schema::parse_strings(
        "query",
        [&](std::string_view name) -> std::optional<std::string_view> {
            const auto it = params.find(std::string(name));
            if (it == params.end()) return std::nullopt;
            return std::string_view(it->second);
        },
        [&](std::string_view name, auto&& each) {
            auto [first, last] = params.equal_range(std::string(name));
            for (; first != last; ++first)
                each(std::string_view(first->second));
        },
        out, errors);
    return errors.detail();
}

}  // namespace schema_strings_test

using namespace schema_strings_test;

TEST_CASE("schema: string parameters convert to their fields", "[schema]") {
    Search s;
    CHECK(parse({{"q", "caf\xc3\xa9"},
                 {"limit", "+25"},
                 {"tag", "a"},
                 {"tag", "b"},
                 {"exact", "Yes"},
                 {"sort", "desc"},
                 {"min_score", "1.5e1"},
                 {"page", "255"},
                 {"ids", "-1"},
                 {"ids", "2"},
                 {"when", "2024-12-31"}},
                s) == "[]");
    CHECK(s.q == "caf\xc3\xa9");
    CHECK(s.limit == 25);
    CHECK(s.tag == std::vector<std::string>{"a", "b"});
    CHECK(s.exact == std::optional<bool>(true));
    CHECK(s.sort == Sort::desc);
    CHECK(s.min_score == std::optional<double>(15.0));
    CHECK(s.page == 255);
    CHECK(s.ids == std::vector<int>{-1, 2});
    CHECK(s.when == "2024-12-31");
}

TEST_CASE("schema: booleans read as FastAPI reads them", "[schema]") {
    for (const char* yes : {"1", "true", "True", "TRUE", "on", "yes", "y", "t"}) {
        Search s;
        CHECK(parse({{"q", "ab"}, {"exact", yes}}, s) == "[]");
        CHECK(s.exact == std::optional<bool>(true));
    }
    for (const char* no : {"0", "false", "off", "No", "n", "f"}) {
        Search s;
        CHECK(parse({{"q", "ab"}, {"exact", no}}, s) == "[]");
        CHECK(s.exact == std::optional<bool>(false));
    }
}

TEST_CASE("schema: absent parameters keep defaults; absent required ones are missing", "[schema]") {
    Search s;
    CHECK(parse({}, s) == R"([{"type":"missing","loc":["query","q"],"msg":"Field required","input":null}])");
    CHECK(s.limit == 10);
    CHECK_FALSE(s.exact.has_value());
    Required r;
    CHECK(parse({}, r) == R"([{"type":"missing","loc":["query","ids"],"msg":"Field required","input":null}])");
}

TEST_CASE("schema: string parameters that do not convert or break constraints", "[schema]") {
    Search s;
    const std::string detail = parse({{"q", "x"},
                                      {"limit", "1000"},
                                      {"tag", "a"},
                                      {"tag", "b"},
                                      {"tag", "c"},
                                      {"exact", "maybe"},
                                      {"sort", "up"},
                                      {"min_score", "nan"},
                                      {"page", "256"},
                                      {"ids", "1"},
                                      {"ids", "1.5"},
                                      {"when", "2024-13-01"}},
                                     s);
    CHECK(
        detail ==
        R"([{"type":"string_too_short","loc":["query","q"],"msg":"String should have at least 2 characters","input":"x","ctx":{"min_length":2}},)"
        R"({"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100","input":"1000","ctx":{"le":100}},)"
        R"({"type":"too_long","loc":["query","tag"],"msg":"List should have at most 2 items after validation, not 3","input":["a","b","c"],"ctx":{"field_type":"List","max_length":2,"actual_length":3}},)"
        R"({"type":"bool_parsing","loc":["query","exact"],"msg":"Input should be a valid boolean, unable to interpret input","input":"maybe"},)"
        R"({"type":"enum","loc":["query","sort"],"msg":"Input should be 'asc' or 'desc'","input":"up","ctx":{"expected":"'asc' or 'desc'"}},)"
        R"({"type":"finite_number","loc":["query","min_score"],"msg":"Input should be a finite number","input":"nan"},)"
        R"({"type":"less_than_equal","loc":["query","page"],"msg":"Input should be less than or equal to 255","input":"256","ctx":{"le":255}},)"
        R"({"type":"int_parsing","loc":["query","ids",1],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"1.5"},)"
        R"({"type":"date_parsing","loc":["query","when"],"msg":"Input should be a valid date in the format YYYY-MM-DD, month value is outside expected range of 1-12","input":"2024-13-01","ctx":{"error":"month value is outside expected range of 1-12"}}])");
}

TEST_CASE("schema: numbers from strings", "[schema]") {
    Search s;
    CHECK(
        parse({{"q", "ab"}, {"min_score", "abc"}}, s) ==
        R"([{"type":"float_parsing","loc":["query","min_score"],"msg":"Input should be a valid number, unable to parse string as a number","input":"abc"}])");
    CHECK(
        parse({{"q", "ab"}, {"min_score", "1e400"}}, s) ==
        R"([{"type":"finite_number","loc":["query","min_score"],"msg":"Input should be a finite number","input":"1e400"}])");
    CHECK(parse({{"q", "ab"}, {"min_score", "1e-400"}}, s) == "[]");
    CHECK(s.min_score == std::optional<double>(0.0));
    CHECK(
        parse({{"q", "ab"}, {"min_score", "-1"}}, s) ==
        R"([{"type":"greater_than_equal","loc":["query","min_score"],"msg":"Input should be greater than or equal to 0","input":"-1","ctx":{"ge":0}}])");
    CHECK(
        parse({{"q", "ab"}, {"limit", ""}}, s) ==
        R"([{"type":"int_parsing","loc":["query","limit"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":""}])");
    CHECK(
        parse({{"q", "ab"}, {"limit", "99999999999999999999999"}}, s) ==
        R"([{"type":"less_than_equal","loc":["query","limit"],"msg":"Input should be less than or equal to 100","input":"99999999999999999999999","ctx":{"le":100}}])");
    CHECK(parse({{"q", "ab"}, {"page", "-0"}}, s) == "[]");
    CHECK(s.page == 0);

    Required r;
    CHECK(parse({{"ids", "-9223372036854775808"}, {"ids", "9223372036854775807"}}, r) == "[]");
    CHECK(r.ids == std::vector<std::int64_t>{INT64_MIN, INT64_MAX});
    CHECK(
        parse({{"ids", "-9223372036854775809"}, {"ids", "9223372036854775808"}}, r) ==
        R"([{"type":"greater_than_equal","loc":["query","ids",0],"msg":"Input should be greater than or equal to -9223372036854775808","input":"-9223372036854775809","ctx":{"ge":-9223372036854775808}},)"
        R"({"type":"less_than_equal","loc":["query","ids",1],"msg":"Input should be less than or equal to 9223372036854775807","input":"9223372036854775808","ctx":{"le":9223372036854775807}}])");
    CHECK(
        parse({{"ids", "5"}}, r) ==
        R"([{"type":"too_short","loc":["query","ids"],"msg":"List should have at least 2 items after validation, not 1","input":["5"],"ctx":{"field_type":"List","min_length":2,"actual_length":1}}])");
}
