// The logging calls end to end inside the process: threshold, both call styles, loggers with
// context fields, per-worker buffering, flush thresholds, configure() and concurrent writers.
#include <catch2/catch.hpp>

#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "sweet/log/log.hpp"

using namespace sweet;  // `log::` below is sweet::log

namespace {

// Collects what the logger hands over; counts the hand-overs (one per flush).
class CaptureSink final : public log::Sink {
public:
    void write(std::string_view records) override {
        std::lock_guard lock(mutex_);
        text_.append(records);
        ++writes_;
    }
    [[nodiscard]] std::string describe() const override { return "capture"; }

    std::string text() {
        std::lock_guard lock(mutex_);
        return text_;
    }
    int writes() {
        std::lock_guard lock(mutex_);
        return writes_;
    }
    std::vector<std::string> lines() {
        std::vector<std::string> out;
        const std::string all = text();
        std::size_t start = 0;
        while (start < all.size()) {
            const std::size_t end = all.find('\n', start);
            out.push_back(all.substr(start, end - start));
            start = end + 1;
        }
        return out;
    }

private:
    std::mutex mutex_;
    std::string text_;
    int writes_ = 0;
};

// Points the logger at a fresh CaptureSink (JSON, level debug) and restores everything after.
struct CapturedLog {
    std::vector<std::shared_ptr<log::Sink>> saved_sinks = log::sinks();
    log::Format saved_format = log::format();
    log::Level saved_level = log::level();
    std::shared_ptr<CaptureSink> sink = std::make_shared<CaptureSink>();

    CapturedLog() {
        log::set_sinks({sink});
        log::set_format(log::Format::json);
        log::set_level(log::Level::debug);
    }
    ~CapturedLog() {
        log::flush_thread();
        log::set_sinks(saved_sinks);
        log::set_format(saved_format);
        log::set_level(saved_level);
        log::set_flush_bytes(64 * 1024);
    }
};

// The record without its timestamp, which is checked for its shape instead.
std::string without_ts(const std::string& line) {
    static const std::regex ts(R"("ts":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")");
    REQUIRE(std::regex_search(line, ts));
    return std::regex_replace(line, ts, R"("ts":"T")");
}

// Formatting one of these leaves a mark: proves whether a call formatted its arguments.
struct CountsFormatting {
    int* count;
};

}  // namespace

template <>
struct fmt::formatter<CountsFormatting> : fmt::formatter<int> {
    auto format(const CountsFormatting& c, fmt::format_context& ctx) const {
        ++*c.count;
        return fmt::formatter<int>::format(*c.count, ctx);
    }
};

TEST_CASE("fmt-style calls put the formatted text in msg", "[log]") {
    CapturedLog captured;
    log::info("listening on port {} ({} workers)", 8080, 2);
    log::warn("plain");
    log::error("{}:{}", "a", 1);
    const auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 3);
    CHECK(without_ts(lines[0]) == R"~({"level":"info","ts":"T","msg":"listening on port 8080 (2 workers)"})~");
    CHECK(without_ts(lines[1]) == R"({"level":"warn","ts":"T","msg":"plain"})");
    CHECK(without_ts(lines[2]) == R"({"level":"error","ts":"T","msg":"a:1"})");
}

TEST_CASE("message-and-fields calls write typed fields", "[log]") {
    CapturedLog captured;
    const std::string name = "Ann";
    log::info("user created", log::kv("user_id", 42), log::kv("name", name), log::kv("admin", false));
    const std::string dynamic_message = "built at run time";
    log::debug(dynamic_message, log::kv("ratio", 0.5));
    const auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 2);
    CHECK(without_ts(lines[0]) == R"({"level":"info","ts":"T","msg":"user created","user_id":42,"name":"Ann","admin":false})");
    CHECK(without_ts(lines[1]) == R"({"level":"debug","ts":"T","msg":"built at run time","ratio":0.5})");
}

TEST_CASE("records below the threshold are not written at all", "[log]") {
    CapturedLog captured;
    log::set_level(log::Level::warn);
    CHECK_FALSE(log::enabled(log::Level::info));
    CHECK(log::enabled(log::Level::error));
    int formatted = 0;
    log::debug("skipped {}", CountsFormatting{&formatted});
    log::info("skipped", log::kv("x", 1));
    log::warn("kept {}", CountsFormatting{&formatted});
    log::set_level(log::Level::off);
    log::error("also skipped");
    CHECK_FALSE(log::enabled(log::Level::error));
    const auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 1);
    CHECK(without_ts(lines[0]) == R"({"level":"warn","ts":"T","msg":"kept 1"})");
    CHECK(captured.sink->writes() == 1);
    CHECK(formatted == 1);  // only the enabled call formatted its argument
}

TEST_CASE("a Logger adds its context fields to every record", "[log]") {
    CapturedLog captured;
    const log::Logger base;
    const log::Logger db = base.with(log::kv("component", "db"));
    const log::Logger query = db.with(log::kv("table", "users"), log::kv("shard", 3));
    db.warn("slow", log::kv("ms", 250));
    query.info("rows {}", 12);
    base.error("no context");
    CHECK(db.fields().size() == 1);
    CHECK(query.fields().size() == 3);
    const auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 3);
    CHECK(without_ts(lines[0]) == R"({"level":"warn","ts":"T","msg":"slow","component":"db","ms":250})");
    CHECK(without_ts(lines[1]) == R"({"level":"info","ts":"T","msg":"rows 12","component":"db","table":"users","shard":3})");
    CHECK(without_ts(lines[2]) == R"({"level":"error","ts":"T","msg":"no context"})");
}

TEST_CASE("a Logger with too many context fields says how many it dropped", "[log]") {
    CapturedLog captured;
    log::Logger l;
    for (int i = 0; i < 10; ++i) l = l.with(log::kv("f", i));
    CHECK(l.fields().size() == log::Logger::max_fields + 1);
    l.info("full");
    const auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 1);
    CHECK(lines[0].ends_with(R"("f":7,"dropped_context_fields":2})"));
}

TEST_CASE("a worker's records wait for flush_thread (one hand-over per batch)", "[log]") {
    CapturedLog captured;
    std::thread worker([&] {
        log::WorkerScope scope(5);
        CHECK(log::current_worker() == 5);
        log::info("one");
        log::info("two", log::kv("k", 1));
        CHECK(captured.sink->writes() == 0);  // still in the worker's buffer
        log::flush_thread();
        CHECK(captured.sink->writes() == 1);  // both records in one write
        log::info("three");
    });  // the scope's end flushes "three"
    worker.join();
    CHECK(captured.sink->writes() == 2);
    const auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 3);
    CHECK(without_ts(lines[0]) == R"({"level":"info","ts":"T","msg":"one","worker":5})");
    CHECK(without_ts(lines[1]) == R"({"level":"info","ts":"T","msg":"two","worker":5,"k":1})");
    CHECK(without_ts(lines[2]) == R"({"level":"info","ts":"T","msg":"three","worker":5})");
}

TEST_CASE("a worker flushes early when its buffer passes flush_bytes", "[log]") {
    CapturedLog captured;
    log::set_flush_bytes(300);
    std::thread worker([&] {
        log::WorkerScope scope(0);
        log::info("short");
        CHECK(captured.sink->writes() == 0);
        log::info("long", log::kv("padding", std::string(400, 'x')));
        CHECK(captured.sink->writes() == 1);
    });
    worker.join();
    CHECK(captured.sink->lines().size() == 2);
}

TEST_CASE("threads that are not workers hand over every record at once", "[log]") {
    CapturedLog captured;
    CHECK(log::current_worker() == -1);
    log::info("a");
    CHECK(captured.sink->writes() == 1);
    log::info("b");
    CHECK(captured.sink->writes() == 2);
}

TEST_CASE("many threads logging at once produce whole records", "[log]") {
    CapturedLog captured;
    constexpr int kThreads = 4;
    constexpr int kRecords = 2000;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([t] {
            std::unique_ptr<log::WorkerScope> scope;
            if (t % 2 == 0) scope = std::make_unique<log::WorkerScope>(t);  // half buffered, half direct
            for (int i = 0; i < kRecords; ++i) {
                log::info("record", log::kv("thread", t), log::kv("i", i));
                if (scope && i % 100 == 99) log::flush_thread();
            }
        });
    }
    for (auto& th : threads) th.join();
    const auto lines = captured.sink->lines();
    REQUIRE(lines.size() == static_cast<std::size_t>(kThreads * kRecords));
    std::vector<int> next(kThreads, 0);
    const std::regex shape(R"(\{"level":"info","ts":"[^"]+","msg":"record",(?:"worker":\d,)?"thread":(\d),"i":(\d+)\})");
    for (const auto& line : lines) {
        std::smatch m;
        REQUIRE(std::regex_match(line, m, shape));
        const int t = std::stoi(m[1]);
        CHECK(std::stoi(m[2]) == next[static_cast<std::size_t>(t)]++);  // each thread's records stay in order
    }
}

TEST_CASE("configure applies level, format and sinks, or nothing when a sink is bad", "[log]") {
    CapturedLog captured;
    const auto before = log::sinks();
    Result<void> bad = log::configure({.level = log::Level::error, .format = log::Format::text, .sinks = {"stdout", "carrier-pigeon"}});
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains("carrier-pigeon") && Catch::Contains("expected stdout"));
    CHECK(log::sinks() == before);
    CHECK(log::level() == log::Level::debug);
    CHECK(log::format() == log::Format::json);

    Result<void> zero = log::configure({.sinks = {}, .flush_bytes = 0});
    REQUIRE_FALSE(zero);
    CHECK_THAT(zero.error().message, Catch::Contains("flush_bytes"));

    REQUIRE(log::configure({.level = log::Level::warn, .format = log::Format::text, .sinks = {}}));
    CHECK(log::level() == log::Level::warn);
    CHECK(log::format() == log::Format::text);
    CHECK(log::sinks().empty());
    log::error("goes nowhere");  // an empty sink list discards records
    CHECK(captured.sink->writes() == 0);
}

TEST_CASE("text format through the logger", "[log]") {
    CapturedLog captured;
    log::set_format(log::Format::text);
    log::warn("disk {} full", "/var");
    const auto lines = captured.sink->lines();
    REQUIRE(lines.size() == 1);
    CHECK(std::regex_match(lines[0], std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z warn  disk /var full)")));
}
