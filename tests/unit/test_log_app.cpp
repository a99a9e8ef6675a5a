// App-level logging glue on real parsed requests: the access record's fields (present, null,
// skipped), the per-request logger's request_id, and configure_logging.
#include <catch2/catch.hpp>

#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "sweet/app/logging.hpp"
#include "sweet/http/parser.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"
#include "sweet/http/server.hpp"
#include "sweet/net/reactor.hpp"

using namespace sweet;  // `log::` below is sweet::log
using namespace std::chrono_literals;

namespace {

class CaptureSink final : public log::Sink {
public:
    void write(std::string_view records) override {
        std::lock_guard lock(mutex_);
        text_.append(records);
    }
    [[nodiscard]] std::string describe() const override { return "capture"; }
    std::string text() {
        std::lock_guard lock(mutex_);
        return text_;
    }

private:
    std::mutex mutex_;
    std::string text_;
};

struct CapturedLog {
    std::vector<std::shared_ptr<log::Sink>> saved_sinks = log::sinks();
    log::Format saved_format = log::format();
    log::Level saved_level = log::level();
    std::shared_ptr<CaptureSink> sink = std::make_shared<CaptureSink>();

    CapturedLog() {
        log::set_sinks({sink});
        log::set_format(log::Format::json);
        log::set_level(log::Level::info);
    }
    ~CapturedLog() {
        log::set_sinks(saved_sinks);
        log::set_format(saved_format);
        log::set_level(saved_level);
    }
    // The record without its timestamp (checked for its shape).
    std::string record() {
        static const std::regex ts(R"("ts":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")");
        const std::string all = sink->text();
        REQUIRE(std::regex_search(all, ts));
        return std::regex_replace(all, ts, R"("ts":"T")");
    }
};

// A request parsed from raw text, as the server would build it.
struct ParsedRequest {
    std::string raw;
    http::RequestHead head;
    std::vector<http::Header> storage = std::vector<http::Header>(101);
    Arena arena;
    std::unique_ptr<net::Reactor> reactor = net::Reactor::create(net::Backend::epoll);
    std::optional<Request> request;

    explicit ParsedRequest(std::string text) : raw(std::move(text)) {
        const http::ParseOutcome out = http::parse_request_head(raw, head, storage.data(), http::ParserLimits{});
        REQUIRE(out.state == http::ParseState::complete);
        request.emplace(head, std::string_view{}, arena, *reactor);
    }
};

}  // namespace

TEST_CASE("the access record carries method, path, route, status, bytes, duration, id and remote", "[log]") {
    CapturedLog captured;
    ParsedRequest p("GET /users/7?token=secret HTTP/1.1\r\nHost: x\r\n\r\n");
    static constexpr std::string_view names[] = {"id"};
    static const std::string_view values[] = {"7"};
    p.request->set_route("/users/{id:int}", names, values);
    p.request->set_id("req-\"42\"");
    p.request->set_client_ip("127.0.0.1");
    const Response response = Response::text("user 7");
    access_log()(*p.request, response, http::ResponseInfo{.bytes = 131, .duration = 42'900ns});
    CHECK(captured.record() ==
          R"({"level":"info","ts":"T","msg":"access","method":"GET","path":"/users/7","route":"/users/{id:int}",)"
          R"("status":200,"bytes":131,"duration_us":42,"request_id":"req-\"42\"","remote":"127.0.0.1"})"
          "\n");
}

TEST_CASE("absent route and id are null, an unknown client address is left out", "[log]") {
    CapturedLog captured;
    ParsedRequest p("DELETE /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
    access_log()(*p.request, Response::text("no", 404), http::ResponseInfo{.bytes = 90, .duration = 3us});
    CHECK(captured.record() ==
          R"({"level":"info","ts":"T","msg":"access","method":"DELETE","path":"/nowhere","route":null,)"
          R"("status":404,"bytes":90,"duration_us":3,"request_id":null})"
          "\n");
}

TEST_CASE("the access log's options: query string and level", "[log]") {
    CapturedLog captured;
    ParsedRequest p("GET /search?q=caf%C3%A9&page=2 HTTP/1.1\r\nHost: x\r\n\r\n");
    access_log({.level = log::Level::warn, .query = true})(*p.request, Response::text("r"), http::ResponseInfo{.bytes = 1, .duration = 0ns});
    CHECK(captured.record() ==
          R"({"level":"warn","ts":"T","msg":"access","method":"GET","path":"/search","query":"q=caf%C3%A9&page=2",)"
          R"("route":null,"status":200,"bytes":1,"duration_us":0,"request_id":null})"
          "\n");
}

TEST_CASE("a disabled access log writes nothing", "[log]") {
    CapturedLog captured;
    log::set_level(log::Level::warn);
    ParsedRequest p("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    access_log()(*p.request, Response::text("r"), http::ResponseInfo{.bytes = 1, .duration = 1us});
    CHECK(captured.sink->text().empty());
}

TEST_CASE("request_log adds the request id to every record", "[log]") {
    CapturedLog captured;
    ParsedRequest p("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(request_log(*p.request).fields().empty());  // no id yet: no field
    p.request->set_id("abc-123");
    const log::Logger l = request_log(*p.request);
    l.info("user looked up", log::kv("user_id", 7));
    CHECK(captured.record() == R"({"level":"info","ts":"T","msg":"user looked up","request_id":"abc-123","user_id":7})"
                               "\n");
}

TEST_CASE("Logger::log_fields and log::write_fields take fields gathered at run time", "[log]") {
    CapturedLog captured;
    std::vector<log::Field> fields{log::kv("a", 1), log::kv("b", "two")};
    log::write_fields(log::Level::warn, "gathered", fields);
    log::write_fields(log::Level::debug, "below the threshold", fields);
    CHECK(captured.record() == R"({"level":"warn","ts":"T","msg":"gathered","a":1,"b":"two"})"
                               "\n");
}

TEST_CASE("configure_logging applies the logger part of LogConfig", "[log]") {
    CapturedLog captured;
    REQUIRE(configure_logging({.level = log::Level::error, .format = log::Format::text, .sinks = {}}));
    CHECK(log::level() == log::Level::error);
    CHECK(log::format() == log::Format::text);
    CHECK(log::sinks().empty());
    Result<void> bad = configure_logging({.sinks = {"udp://nowhere"}});
    REQUIRE_FALSE(bad);
    CHECK_THAT(bad.error().message, Catch::Contains("udp://nowhere"));
    CHECK(log::level() == log::Level::error);  // unchanged
}
