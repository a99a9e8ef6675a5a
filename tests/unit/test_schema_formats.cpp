// Tests of the string formats (sweet/schema/formats.hpp), exact number comparison
// (sweet/schema/number.hpp) and the validation error list (sweet/schema/errors.hpp).

#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "sweet/schema/errors.hpp"
#include "sweet/schema/formats.hpp"
#include "sweet/schema/number.hpp"

namespace schema = sweet::schema;
using schema::Number;

TEST_CASE("schema formats: email", "[schema]") {
    for (const char* ok : {"a@b.co", "first.last+tag@sub.example.org", "o'neil!#$%&*/=?^_`{|}~-@example.com",
                           "\xc3\xa9l\xc3\xa8"
                           "ve@\xc3\xa9"
                           "cole.fr",
                           "x@a-b.example"}) {
        INFO(ok);
        CHECK(schema::email_error(ok).empty());
    }
    struct Case {
        std::string_view text;
        std::string_view reason;
    };
    const Case bad[] = {
        {"plain", "An email address must have an @-sign."},
        {"@example.com", "There must be something before the @-sign."},
        {"a@", "There must be something after the @-sign."},
        {".a@example.com", "An email address cannot start with a period."},
        {"a.@example.com", "An email address cannot have a period immediately before the @-sign."},
        {"a..b@example.com", "An email address cannot have two periods in a row."},
        {"a b@example.com", "The email address contains invalid characters before the @-sign."},
        {"\"quoted\"@example.com", "The email address contains invalid characters before the @-sign."},
        {"a@localhost", "The part after the @-sign is not valid. It should have a period."},
        {"a@.example.com", "An email address cannot have a period immediately after the @-sign."},
        {"a@example.com.", "An email address cannot end with a period."},
        {"a@example..com", "An email address cannot have two periods in a row."},
        {"a@-example.com", "The part after the @-sign is not valid: a label cannot start or end with a hyphen."},
        {"a@exa_mple.com", "The part after the @-sign contains invalid characters."},
        {"a@[127.0.0.1]", "The part after the @-sign contains invalid characters."},
        {"a@example.123", "The part after the @-sign is not valid. It is not within a valid top-level domain."},
    };
    for (const Case& c : bad) {
        INFO(c.text);
        CHECK(schema::email_error(c.text) == c.reason);
    }
    CHECK(schema::email_error(std::string(65, 'a') + "@example.com") ==
          "The email address is too long before the @-sign.");
    CHECK(schema::email_error("a@" + std::string(250, 'b') + ".com") == "The email address is too long.");
    CHECK(schema::email_error("a@" + std::string(64, 'b') + ".com") ==
          "The part after the @-sign is not valid: a label is longer than 63 characters.");
}

TEST_CASE("schema formats: uuid", "[schema]") {
    CHECK(schema::uuid_error("123e4567-e89b-12d3-a456-426614174000").empty());
    CHECK(schema::uuid_error("123E4567-E89B-12D3-A456-426614174000").empty());
    CHECK(schema::uuid_error("123e4567e89b12d3a456426614174000") ==
          "invalid length: expected 36 characters, 8-4-4-4-12 hexadecimal digits");
    CHECK(schema::uuid_error("123e4567-e89b-12d3-a456_426614174000") ==
          "invalid group separator: expected `-` after 8, 4, 4 and 4 hexadecimal digits");
    CHECK(schema::uuid_error("123e4567-e89b-12d3-a456-42661417400g") ==
          "invalid character: expected a hexadecimal digit [0-9a-fA-F]");
}

TEST_CASE("schema formats: date and date-time (RFC 3339)", "[schema]") {
    for (const char* ok : {"2024-02-29T12:30:00Z", "1999-12-31t23:59:59z", "2024-01-01T00:00:00.123456789+05:30",
                           "2024-01-01T00:00:00-23:59"}) {
        INFO(ok);
        CHECK(schema::date_time_error(ok).empty());
    }
    struct Case {
        std::string_view text;
        std::string_view reason;
    };
    const Case bad[] = {
        {"2024-01-01", "input is too short"},
        {"2024-01-01 00:00:00Z", "invalid datetime separator, expected `T` or `t`"},
        {"2024-01-01T00:00Z", "input is too short"},
        {"2024-01-01T24:00:00Z", "hour value is outside expected range of 0-23"},
        {"2024-01-01T00:60:00Z", "minute value is outside expected range of 0-59"},
        {"2024-01-01T00:00:60Z", "second value is outside expected range of 0-59"},
        {"2024-01-01T00:00:00.Z", "invalid character in second fraction, expected a digit after `.`"},
        {"2024-01-01T00:00:00", "a time zone is required: `Z` or an offset such as `+02:00`"},
        {"2024-01-01T00:00:00+0100", "invalid timezone offset, expected `+hh:mm` or `-hh:mm`"},
        {"2024-01-01T00:00:00+24:00", "timezone offset must be less than 24 hours"},
        {"2024-01-01T00:00:00Zx", "unexpected extra characters at the end of the input"},
        {"2024-01-01T00:00:00X", "invalid timezone sign, expected `Z`, `+` or `-`"},
        {"2023-02-29T00:00:00Z", "day value is outside expected range"},
        {"2024/01/01T00:00:00Z", "invalid date separator, expected `-`"},
        {"2024-1-01T00:00:00Z", "invalid character in month"},
        {"20x4-01-01T00:00:00Z", "invalid character in year"},
        {"2024-01-01Tx0:00:00Z", "invalid character in hour"},
        {"2024-01-01T00.00:00Z", "invalid time separator, expected `:`"},
    };
    for (const Case& c : bad) {
        INFO(c.text);
        CHECK(schema::date_time_error(c.text) == c.reason);
    }
    CHECK(schema::date_error("2000-02-29").empty());
    CHECK(schema::date_error("1900-02-29") == "day value is outside expected range");
    CHECK(schema::date_error("2024-04-31") == "day value is outside expected range");
    CHECK(schema::date_error("2024-00-10") == "month value is outside expected range of 1-12");
    CHECK(schema::date_error("2024-01-01T") == "unexpected extra characters at the end of the input");
    CHECK(schema::date_error("2024-01") == "input is too short");
}

TEST_CASE("schema formats: uri", "[schema]") {
    for (const char* ok : {"https://example.com", "http://user@host:8080/p/a/t/h?query=1&b#frag", "urn:isbn:0451450523",
                           "mailto:a@b.co", "x:", "ftp://[::1]/%20a", "tag:example.com,2024:x"}) {
        INFO(ok);
        CHECK(schema::uri_error(ok).empty());
    }
    CHECK(schema::uri_error("/relative/path") == "relative URL without a base");
    CHECK(schema::uri_error("example.com") == "relative URL without a base");
    CHECK(schema::uri_error("1http://x") == "relative URL without a base");
    CHECK(schema::uri_error("") == "relative URL without a base");
    CHECK(schema::uri_error("http://exa mple.com") ==
          "invalid character (spaces, quotes, `<>\\^{|}` and non-ASCII must be percent-encoded)");
    CHECK(schema::uri_error("http://x/%2") == "invalid percent-encoding");
    CHECK(schema::uri_error("http://x/%zz") == "invalid percent-encoding");
    CHECK(schema::uri_error("http://x/#a#b") == "invalid character `#` in the fragment");
}

TEST_CASE("schema formats: code points", "[schema]") {
    CHECK(schema::count_code_points("") == 0);
    CHECK(schema::count_code_points("abc") == 3);
    CHECK(schema::count_code_points("h\xc3\xa9") == 2);
    CHECK(schema::count_code_points("\xf0\x9f\x98\x80") == 1);
}

TEST_CASE("schema numbers: exact comparison across kinds", "[schema]") {
    using L64 = std::numeric_limits<std::int64_t>;
    using U64 = std::numeric_limits<std::uint64_t>;
    CHECK(schema::compare(Number(1), Number(1.0)) == 0);
    CHECK(schema::compare(Number(1), Number(1.5)) < 0);
    CHECK(schema::compare(Number(2), Number(1.5)) > 0);
    CHECK(schema::compare(Number(-1), Number(-1.5)) > 0);
    CHECK(schema::compare(Number(-2), Number(-1.5)) < 0);
    CHECK(schema::compare(Number(L64::min()), Number(-0x1p63)) == 0);
    CHECK(schema::compare(Number(L64::max()), Number(0x1p63)) < 0);  // 2^63 - 1 < 2^63 (a double would say equal)
    CHECK(schema::compare(Number(U64::max()), Number(0x1p64)) < 0);
    CHECK(schema::compare(Number(U64::max()), Number(L64::max())) > 0);
    CHECK(schema::compare(Number(L64::min()), Number(std::uint64_t{0})) < 0);
    CHECK(schema::compare(Number(9007199254740993), Number(9007199254740992.0)) > 0);  // 2^53 + 1
    CHECK(schema::compare(Number(0.0), Number(-0.0)) == 0);
    CHECK(schema::compare(Number(1e300), Number(U64::max())) > 0);
    CHECK(Number(3.0).is_integral());
    CHECK(Number(1e300).is_integral());
    CHECK_FALSE(Number(0.5).is_integral());
    CHECK(Number(-0.0).is_integral());
    CHECK(Number(5).to_string() == "5");
    CHECK(Number(1.0).to_string() == "1.0");
    CHECK(Number(1e20).to_string() == "1e+20");
    CHECK(Number(U64::max()).to_string() == "18446744073709551615");
    static_assert(schema::compare(Number(3), Number(2.5)) > 0, "usable at compile time");
}

TEST_CASE("schema errors: FastAPI's body, locations, inputs, context and the cap", "[schema]") {
    schema::ValidationErrors errors(3);
    CHECK(errors.empty());
    const schema::Location body("body");
    const schema::Location items(body, "items");
    const schema::Location first(items, std::size_t{0});
    const schema::Location price(first, "pri\"ce");
    errors.add("greater_than", price, "Input should be greater than 0", schema::ErrorInput::json(" -1 "),
               {{"gt", Number(0)}});
    errors.add("missing", schema::Location("query"), "Field required");
    errors.add("string_type", items, "Input should be a valid string",
               schema::ErrorInput::json("{ \"a b\" : [ 1 , 2 ] }"), {{"x", "y"}, {"n", std::size_t{2}}});
    errors.add("dropped", body, "over the cap");
    CHECK(errors.size() == 3);
    CHECK(errors.full());
    CHECK(errors.dropped() == 1);
    CHECK(price.depth() == 4);
    CHECK(
        std::move(errors).body() ==
        R"({"detail":[{"type":"greater_than","loc":["body","items",0,"pri\"ce"],"msg":"Input should be greater than 0","input":-1,"ctx":{"gt":0}},)"
        R"({"type":"missing","loc":["query"],"msg":"Field required","input":null},)"
        R"({"type":"string_type","loc":["body","items"],"msg":"Input should be a valid string","input":{"a b":[1,2]},"ctx":{"x":"y","n":2}}]})");

    schema::ValidationErrors strings;
    strings.add("int_parsing", schema::Location("header"), "bad", schema::ErrorInput::string("x\xff\""));
    CHECK(strings.detail() == R"([{"type":"int_parsing","loc":["header"],"msg":"bad","input":"x\ufffd\""}])");
}

TEST_CASE("schema errors: rearranging keeps the chosen runs in the chosen order", "[schema]") {
    schema::ValidationErrors errors;
    const schema::Location root("r");
    errors.add("a", root, "1");
    const auto start = errors.mark();
    errors.add("b", root, "2");
    const auto mid = errors.mark();
    errors.add("c", root, "3");
    errors.add("d", root, "4");
    const auto end = errors.mark();
    const schema::ValidationErrors::Span runs[] = {{mid, end}, {start, mid}};
    errors.rearrange(start, runs);
    CHECK(errors.size() == 4);
    CHECK(errors.detail() ==
          R"([{"type":"a","loc":["r"],"msg":"1","input":null},{"type":"c","loc":["r"],"msg":"3","input":null},)"
          R"({"type":"d","loc":["r"],"msg":"4","input":null},{"type":"b","loc":["r"],"msg":"2","input":null}])");
    errors.rearrange(start, {});
    CHECK(errors.size() == 1);
}
