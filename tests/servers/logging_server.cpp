// The server tests/e2e/test_logging.py drives: structured logging configured from flags, the
// access log, and routes that log through the per-request logger.
//
//   logging_server [--log-format text|json] [--log-level LEVEL] [--sink SPEC]... [--access-log 0|1]
//                  [--tcp-queue BYTES] [the flags of tests/support/cli.hpp]
//
// The request id comes from the X-Request-ID header (set by a middleware here, so the test
// controls it exactly).
#include <sweet/app/logging.hpp>
#include <sweet/sweet.hpp>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "../support/cli.hpp"

namespace {

[[noreturn]] void usage(std::string_view problem) {
    fmt::print(stderr, "logging_server: {}\n", problem);
    std::exit(2);
}

// Takes this server's own flags out of argv; the rest go to sweet_support::parse_cli.
sweet::LogConfig take_log_flags(int& argc, char** argv) {
    sweet::LogConfig config;
    bool sinks_given = false;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        const bool ours = flag == "--log-format" || flag == "--log-level" || flag == "--sink" || flag == "--access-log" ||
                          flag == "--tcp-queue";
        if (!ours) {
            argv[kept++] = argv[i];
            continue;
        }
        if (i + 1 >= argc) usage(fmt::format("{} needs a value", flag));
        const std::string_view value = argv[++i];
        if (flag == "--log-format") {
            auto format = sweet::log::parse_format(value);
            if (!format) usage(fmt::format("bad log format {}", value));
            config.format = *format;
        } else if (flag == "--log-level") {
            auto level = sweet::log::parse_level(value);
            if (!level) usage(fmt::format("bad log level {}", value));
            config.level = *level;
        } else if (flag == "--sink") {
            if (!sinks_given) config.sinks.clear();  // the first --sink replaces the default stderr
            sinks_given = true;
            config.sinks.emplace_back(value);
        } else if (flag == "--access-log") {
            config.access_log = value == "1";
        } else if (flag == "--tcp-queue") {
            config.tcp.max_queue_bytes = std::strtoull(std::string(value).c_str(), nullptr, 10);
        }
    }
    argc = kept;
    return config;
}

}  // namespace

int main(int argc, char** argv) {
    const sweet::LogConfig log_config = take_log_flags(argc, argv);
    if (sweet::Result<void> ok = sweet::configure_logging(log_config); !ok) usage(ok.error().message);

    sweet::App app{sweet_support::parse_cli(argc, argv, sweet::ServerConfig{.host = "127.0.0.1", .port = 0, .workers = 1})};
    app.use([](sweet::Request& req) -> sweet::Result<sweet::Step> {
        if (auto id = req.header("X-Request-ID")) req.set_id(*id);
        return sweet::next();
    });
    if (log_config.access_log) app.after_response(sweet::access_log());

    app.get<"/">([](sweet::Request&) { return sweet::Response::text("Hello, Sweet!"); });
    app.get<"/users/{id:int}">([](sweet::Request& req, std::int64_t id) {
        sweet::request_log(req).info("user looked up", sweet::log::kv("user_id", id), sweet::log::kv("cached", id % 2 == 0));
        return sweet::Response::text(fmt::format("user {}", id));
    });
    // Writes one record at the level named in the path, so tests can see what a threshold lets through.
    app.get<"/log/{level}">([](sweet::Request& req, std::string_view name) -> sweet::Result<sweet::Response> {
        auto level = sweet::log::parse_level(name);
        if (!level || *level == sweet::log::Level::off) return sweet::Error::client(400, "unknown level");
        sweet::request_log(req).log(*level, "probe at {}", name);
        return sweet::Response::text(sweet::log::enabled(*level) ? "enabled" : "disabled");
    });
    // `n` records from one handler: they leave the worker together at the end of its batch.
    app.get<"/burst/{n:int}">([](sweet::Request& req, std::int64_t n) {
        const sweet::log::Logger log = sweet::request_log(req);
        for (std::int64_t i = 0; i < n; ++i) log.info("burst", sweet::log::kv("i", i), sweet::log::kv("text", "line\n\"quoted\"\t\\"));
        return sweet::Response::text(fmt::format("{} records", n));
    });
    app.post<"/echo">([](sweet::Request& req) { return sweet::Response::text(std::string(req.body())); });
    app.get<"/fail">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        return sweet::Error::internal("database \"primary\" unreachable");
    });
    return app.run();
}
