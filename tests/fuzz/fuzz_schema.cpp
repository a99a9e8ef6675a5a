// libFuzzer target for struct schemas (sweet/schema/): JSON bodies parsed into structs, string
// parameters, and the pattern engine.
//
// The first input byte picks what to exercise (its low two bits: 0 and 1 a body for one of two
// structs, 2 string parameters, 3 a pattern, then a newline, then a subject) and the options
// (unknown-member policy, depth limit, error cap); the rest is the input.
// Checks, beyond memory safety:
//  - parse_json calls a body malformed exactly when json::parse refuses it (with the same depth
//    limit): both accept exactly the JSON texts of RFC 8259, whatever struct is filled;
//  - the padded (in place) and copying parses agree: status, error, errors;
//  - `ok` leaves no errors, `invalid` leaves at least one, and the 422 body is valid JSON with a
//    "detail" array of that many entries; a malformed offset lies within the text;
//  - a struct that parsed serializes to JSON that parses back to a struct serializing the same
//    (compared as json::Values: unordered maps have no set member order);
//  - parse_strings over '&'/'=' pieces of the input never fails to produce a valid 422 body;
//  - any pattern compiles or is refused, and a compiled one searches any text without crashing.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "../support/sample_user.hpp"
#include "sweet/json/parse.hpp"
#include "sweet/json/value.hpp"
#include "sweet/schema/schema.hpp"

namespace fuzz_schema {

namespace json = sweet::json;
namespace schema = sweet::schema;

// Item and Color are the schema unit tests' (tests/support/sample_user.hpp).
using sweet_samples::Color;
using sweet_samples::Item;

struct User {
    std::string name;
    int age = 0;
    std::optional<std::string> email;
    std::vector<Item> items;
    Color color = Color::red;
    std::map<std::string, std::string> tags;
    std::optional<std::vector<std::uint8_t>> bytes;
    json::Value extra;
    std::vector<User> friends;
};
/// Defaults satisfy the constraints (nothing checks defaults), so that parsed structs round-trip.
struct Mixed {
    std::string code = "AA";
    bool flag = false;
    std::int64_t big = 0;
    std::uint64_t huge = 0;
    float ratio = 0;
    std::unordered_map<std::string, std::optional<double>> scores;
    std::vector<bool> bits{true};
};
struct Query {
    std::string q;
    int limit = 10;
    std::vector<std::string> tag;
    std::optional<bool> exact;
    Color color = Color::red;
    std::optional<double> min;
    std::string day;
};

constexpr auto sweet_schema(schema::of<User>) {
    using namespace sweet::schema;
    return object("User", field("name", &User::name, min_length(1), max_length(50)),
                  field("age", &User::age, ge(0), le(150)), field("email", &User::email, format_email),
                  field("items", &User::items, max_items(5)), field("color", &User::color, defaulted),
                  field("tags", &User::tags, defaulted), field("bytes", &User::bytes),
                  field("extra", &User::extra, defaulted), field("friends", &User::friends, defaulted));
}
constexpr auto sweet_schema(schema::of<Mixed>) {
    using namespace sweet::schema;
    return object("Mixed", field("code", &Mixed::code, defaulted, pattern("^[A-Z]{2,4}(-\\d+)?$")),
                  field("flag", &Mixed::flag), field("big", &Mixed::big, defaulted, multiple_of(3)),
                  field("huge", &Mixed::huge, defaulted), field("ratio", &Mixed::ratio, defaulted, ge(-1), lt(1)),
                  field("scores", &Mixed::scores, defaulted), field("bits", &Mixed::bits, defaulted, min_items(1)))
        .forbid_unknown();
}
constexpr auto sweet_schema(schema::of<Query>) {
    using namespace sweet::schema;
    return object("Query", field("q", &Query::q, min_length(1)),
                  field("limit", &Query::limit, defaulted, ge(1), le(100)),
                  field("tag", &Query::tag, defaulted, max_items(3)), field("exact", &Query::exact),
                  field("color", &Query::color, defaulted), field("min", &Query::min),
                  field("day", &Query::day, defaulted, format_date));
}

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

/// Checks that `detail` (a 422 body) is valid JSON holding `count` errors.
void check_errors_body(std::string body, std::size_t count) {
    const auto parsed = json::parse(body);
    check(parsed.ok(), "the 422 body is valid JSON");
    const json::Value& detail = (*parsed)["detail"];
    check(detail.is_array(), "the 422 body has a detail array");
    check(detail.as_array()->size() == count, "the detail array lists every recorded error");
}

template <class T>
void check_body(std::string_view text, const schema::ParseOptions& options) {
    T copied;
    schema::ValidationErrors copied_errors;
    const schema::BodyOutcome outcome = schema::parse_json(text, false, copied, copied_errors, options);

    std::string buffer(text);
    buffer.append(json::required_padding, '\x7f');
    T in_place;
    schema::ValidationErrors in_place_errors;
    const schema::BodyOutcome padded =
        schema::parse_json(std::string_view(buffer.data(), text.size()), true, in_place, in_place_errors, options);
    check(outcome.status == padded.status && outcome.error == padded.error, "padded and copied parses agree");
    check(copied_errors.detail() == in_place_errors.detail(), "padded and copied parses report the same errors");

    if (!text.empty()) {
        json::ParseOptions json_options;
        json_options.max_depth = options.max_depth;
        const bool json_ok = json::parse(text, json_options).ok();
        check(json_ok == (outcome.status != schema::BodyStatus::malformed),
              "malformed exactly when json::parse refuses the text");
    }
    json::ParseOptions unlimited;
    unlimited.max_depth = json::max_depth_limit;
    switch (outcome.status) {
        case schema::BodyStatus::ok: {
            check(copied_errors.empty(), "a body that parsed leaves no errors");
            // Compared as JSON values: an unordered_map's members come out in no set order.
            const std::string serialized = json::to_string(copied);
            const auto value = json::parse(serialized, unlimited);
            check(value.ok(), "a struct serializes to valid JSON");
            check(*value == *json::parse(json::to_string(in_place), unlimited), "both parses fill the same struct");
            T again;
            schema::ValidationErrors again_errors;
            schema::ParseOptions deep = options;
            deep.max_depth = json::max_depth_limit;  // serializing adds no depth, but json::Value fields keep theirs
            const schema::BodyOutcome round = schema::parse_json(serialized, false, again, again_errors, deep);
            check(round.status == schema::BodyStatus::ok, "a serialized struct parses back");
            check(*json::parse(json::to_string(again), unlimited) == *value, "and serializes the same again");
            break;
        }
        case schema::BodyStatus::invalid: {
            check(!copied_errors.empty(), "an invalid body has errors");
            const std::size_t count = copied_errors.size();
            check_errors_body(std::move(copied_errors).body(), count);
            break;
        }
        case schema::BodyStatus::malformed:
            check(copied_errors.empty(), "a malformed body reports no validation errors");
            check(outcome.error.offset <= text.size(), "the malformed offset lies within the text");
            check(!outcome.error.reason.empty(), "a malformed body has a reason");
            break;
    }
}

void check_strings(std::string_view text) {
    std::multimap<std::string, std::string, std::less<>> params;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('&', start);
        if (end == std::string_view::npos) end = text.size();
        const std::string_view piece = text.substr(start, end - start);
        const std::size_t eq = piece.find('=');
        params.emplace(std::string(piece.substr(0, eq)),
                       eq == std::string_view::npos ? std::string() : std::string(piece.substr(eq + 1)));
        start = end + 1;
    }
    Query query;
    schema::ValidationErrors errors;
    schema::parse_strings(
        "query",
        [&](std::string_view name) -> std::optional<std::string_view> {
            const auto it = params.find(name);
            if (it == params.end()) return std::nullopt;
            return std::string_view(it->second);
        },
        [&](std::string_view name, auto&& each) {
            auto [first, last] = params.equal_range(name);
            for (; first != last; ++first)
                each(std::string_view(first->second));
        },
        query, errors);
    const std::size_t count = errors.size();
    check_errors_body(std::move(errors).body(), count);
    check(!json::to_string(query).empty(), "a query struct serializes");
}

void check_pattern(std::string_view text) {
    const std::size_t split = text.find('\n');
    const std::string_view pattern = text.substr(0, split);
    const std::string_view subject = split == std::string_view::npos ? std::string_view() : text.substr(split + 1);
    const schema::Regex regex(pattern);
    check(regex.ok() == regex.error().empty(), "a pattern compiles or says why not");
    const bool found = regex.search(subject);
    check(regex.ok() || !found, "an invalid pattern matches nothing");
}

}  // namespace fuzz_schema

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::uint8_t selector = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    // Low two bits: what to exercise (the seeds in corpus/fuzz_schema/ start with 0, 2 and 3);
    // the next three: the options.
    sweet::schema::ParseOptions options;
    options.unknown_fields =
        (selector & 4) != 0 ? sweet::schema::UnknownFields::forbid : sweet::schema::UnknownFields::ignore;
    options.max_depth = (selector & 8) != 0 ? 4 : 64;
    options.max_errors = (selector & 16) != 0 ? 3 : 100;
    switch (selector & 3) {
        case 0:
            fuzz_schema::check_body<fuzz_schema::User>(text, options);
            break;
        case 1:
            fuzz_schema::check_body<fuzz_schema::Mixed>(text, options);
            break;
        case 2:
            fuzz_schema::check_strings(text);
            break;
        default:
            fuzz_schema::check_pattern(text);
            break;
    }
    return 0;
}
