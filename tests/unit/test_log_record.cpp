// Record layout: JSON lines and text lines, field types, escaping, timestamps, level names.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "sweet/log/record.hpp"

using namespace std::string_literals;
using namespace sweet;  // `log::` below is sweet::log (a name before :: never finds the C function log)

namespace {

constexpr std::string_view kTs = "2025-03-01T12:00:00.123456Z";

std::string json_record(std::string_view message, std::initializer_list<log::Field> fields, int worker = -1,
                        std::initializer_list<log::Field> bound = {}, log::Level level = log::Level::info) {
    std::string out;
    log::append_record(out, log::Format::json, log::RecordHead{level, kTs, message, worker},
                       std::span<const log::Field>(bound.begin(), bound.size()),
                       std::span<const log::Field>(fields.begin(), fields.size()));
    return out;
}

std::string text_record(std::string_view message, std::initializer_list<log::Field> fields, int worker = -1,
                        log::Level level = log::Level::info) {
    std::string out;
    log::append_record(out, log::Format::text, log::RecordHead{level, kTs, message, worker}, {},
                       std::span<const log::Field>(fields.begin(), fields.size()));
    return out;
}

std::string at(int y, unsigned mo, unsigned d, int h, int mi, int s, long long us) {
    using namespace std::chrono;
    const sys_days date{year{y} / month{mo} / day{d}};
    const auto t = time_point_cast<system_clock::duration>(date + hours{h} + minutes{mi} + seconds{s} + microseconds{us});
    std::string out;
    log::append_timestamp(out, t);
    return out;
}

}  // namespace

TEST_CASE("a JSON record has level, ts, msg, worker, then the fields in order", "[log]") {
    CHECK(json_record("user created", {log::kv("user_id", 42), log::kv("name", "Ann")}, 3) ==
          R"({"level":"info","ts":"2025-03-01T12:00:00.123456Z","msg":"user created","worker":3,"user_id":42,"name":"Ann"})"
          "\n");
}

TEST_CASE("records of threads that are not workers have no worker key", "[log]") {
    CHECK(json_record("hello", {}) == R"({"level":"info","ts":"2025-03-01T12:00:00.123456Z","msg":"hello"})"
                                      "\n");
}

TEST_CASE("every level has its name in the record", "[log]") {
    CHECK(json_record("m", {}, -1, {}, log::Level::debug).starts_with(R"({"level":"debug",)"));
    CHECK(json_record("m", {}, -1, {}, log::Level::warn).starts_with(R"({"level":"warn",)"));
    CHECK(json_record("m", {}, -1, {}, log::Level::error).starts_with(R"({"level":"error",)"));
}

TEST_CASE("fields keep their JSON types", "[log]") {
    const std::optional<int> none;
    const std::optional<int> seven = 7;
    const char* null_text = nullptr;
    const std::string owned = "owned";
    const std::string_view view = "view";
    const std::string line =
        json_record("m", {log::kv("i", -5), log::kv("i64min", std::numeric_limits<std::int64_t>::min()),
                          log::kv("u64max", std::numeric_limits<std::uint64_t>::max()), log::kv("u8", std::uint8_t{200}),
                          log::kv("d", 1.5), log::kv("whole", 2.0), log::kv("f", 0.25f), log::kv("t", true),
                          log::kv("no", false), log::kv("none", none), log::kv("seven", seven), log::kv("nul", null_text),
                          log::kv("np", nullptr), log::kv("owned", owned), log::kv("view", view)});
    CHECK(line ==
          R"({"level":"info","ts":"2025-03-01T12:00:00.123456Z","msg":"m","i":-5,"i64min":-9223372036854775808,)"
          R"("u64max":18446744073709551615,"u8":200,"d":1.5,"whole":2.0,"f":0.25,"t":true,"no":false,"none":null,)"
          R"("seven":7,"nul":null,"np":null,"owned":"owned","view":"view"})"
          "\n");
}

TEST_CASE("doubles without a JSON form are written as null", "[log]") {
    CHECK(json_record("m", {log::kv("nan", std::nan("")), log::kv("inf", std::numeric_limits<double>::infinity())})
              .ends_with(R"("nan":null,"inf":null})"
                         "\n"));
}

TEST_CASE("strings are escaped and invalid UTF-8 is replaced", "[log]") {
    CHECK(json_record("line1\nline2 \"q\" \\ \t\x01", {}) ==
          R"({"level":"info","ts":"2025-03-01T12:00:00.123456Z","msg":"line1\nline2 \"q\" \\ \t\u0001"})"
          "\n");
    CHECK(json_record("m", {log::kv("bad", "a\xff"
                                           "b"),
                            log::kv("utf8", "caf\xc3\xa9")})
              .ends_with(R"("bad":"a\ufffdb","utf8":"café"})"
                         "\n"));
    CHECK(json_record("m", {log::kv("we\"ird\nkey", 1)}).ends_with(R"("we\"ird\nkey":1})"
                                                                    "\n"));
}

TEST_CASE("fields named like the record's own keys get a leading underscore", "[log]") {
    CHECK(json_record("real", {log::kv("msg", "fake"), log::kv("level", 1), log::kv("ts", 2), log::kv("worker", 3)}, 0) ==
          R"({"level":"info","ts":"2025-03-01T12:00:00.123456Z","msg":"real","worker":0,"_msg":"fake","_level":1,"_ts":2,"_worker":3})"
          "\n");
}

TEST_CASE("bound fields come before the call's fields", "[log]") {
    CHECK(json_record("m", {log::kv("b", 2)}, -1, {log::kv("request_id", "r-1")}).ends_with(R"("request_id":"r-1","b":2})"
                                                                                             "\n"));
}

TEST_CASE("records append to what the buffer holds", "[log]") {
    std::string out = "previous\n";
    log::append_record(out, log::Format::json, log::RecordHead{log::Level::info, kTs, "m", -1}, {}, {});
    CHECK(out.starts_with("previous\n{\"level\""));
    CHECK(out.ends_with("}\n"));
}

TEST_CASE("a text record is one readable line", "[log]") {
    CHECK(text_record("user created", {log::kv("user_id", 42), log::kv("name", "Ann")}, 2) ==
          "2025-03-01T12:00:00.123456Z info  [w2] user created user_id=42 name=Ann\n");
    CHECK(text_record("stopped", {}, -1, log::Level::error) == "2025-03-01T12:00:00.123456Z error stopped\n");
    CHECK(text_record("m", {}, -1, log::Level::debug) == "2025-03-01T12:00:00.123456Z debug m\n");
}

TEST_CASE("text values that would be ambiguous are quoted, and control characters are escaped", "[log]") {
    CHECK(text_record("m", {log::kv("s", "two words"), log::kv("e", ""), log::kv("eq", "a=b"), log::kv("q", "say \"hi\""),
                            log::kv("d", 0.5), log::kv("b", true), log::kv("n", nullptr)}) ==
          "2025-03-01T12:00:00.123456Z info  m s=\"two words\" e=\"\" eq=\"a=b\" q=\"say \\\"hi\\\"\" d=0.5 b=true n=null\n");
    CHECK(text_record("first\nsecond", {}) == "2025-03-01T12:00:00.123456Z info  first\\nsecond\n");
    CHECK(text_record("m", {log::kv("msg", "x")}) == "2025-03-01T12:00:00.123456Z info  m _msg=x\n");
}

TEST_CASE("timestamps are RFC 3339 UTC with microseconds", "[log]") {
    CHECK(at(1970, 1, 1, 0, 0, 0, 0) == "1970-01-01T00:00:00.000000Z");
    CHECK(at(2024, 2, 29, 23, 59, 59, 999'999) == "2024-02-29T23:59:59.999999Z");
    CHECK(at(2025, 12, 31, 7, 5, 3, 42) == "2025-12-31T07:05:03.000042Z");
    CHECK(at(1969, 12, 31, 23, 59, 59, 500'000) == "1969-12-31T23:59:59.500000Z");
}

TEST_CASE("level and format names parse back, case-insensitively", "[log]") {
    for (auto level : {log::Level::debug, log::Level::info, log::Level::warn, log::Level::error, log::Level::off}) {
        CHECK(log::parse_level(log::level_name(level)) == level);
    }
    CHECK(log::parse_level("WARNING") == log::Level::warn);
    CHECK(log::parse_level("Error") == log::Level::error);
    CHECK_FALSE(log::parse_level("verbose").has_value());
    CHECK_FALSE(log::parse_level("").has_value());
    CHECK(log::parse_format("JSON") == log::Format::json);
    CHECK(log::parse_format("text") == log::Format::text);
    CHECK_FALSE(log::parse_format("xml").has_value());
    CHECK(log::format_name(log::Format::json) == "json");
}
