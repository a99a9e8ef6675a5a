// The server tests/e2e/test_middleware.py drives: every built-in middleware installed app-wide,
// and routes that make bodies of chosen sizes and types. Prints "listening on http://HOST:PORT"
// on stderr. Own flags (before the common ones of tests/support/cli.hpp):
//   --rate R --burst B   the rate limit of /limited/* (default 2 per second, burst 3)
#include <sweet/features/compression.hpp>
#include <sweet/features/cors.hpp>
#include <sweet/features/metrics.hpp>
#include <sweet/features/rate_limit.hpp>
#include <sweet/features/request_id.hpp>
#include <sweet/features/security_headers.hpp>
#include <sweet/sweet.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "../support/cli.hpp"

namespace {

// A compressible text body of exactly `n` bytes: numbered lines.
std::string text_body(std::size_t n) {
    std::string body;
    body.reserve(n + 32);
    for (std::size_t line = 0; body.size() < n; ++line) body += fmt::format("line {} of the text body\n", line);
    body.resize(n);
    return body;
}

struct MiddlewareFlags {
    double rate = 2;
    double burst = 3;
    std::vector<char*> rest;  // everything else, for sweet_support::parse_cli
};

// Takes this server's own flags out of argv.
MiddlewareFlags take_flags(int argc, char** argv) {
    MiddlewareFlags flags;
    flags.rest.push_back(argv[0]);
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if ((flag == "--rate" || flag == "--burst") && i + 1 < argc) {
            (flag == "--rate" ? flags.rate : flags.burst) = std::strtod(argv[++i], nullptr);
        } else {
            flags.rest.push_back(argv[i]);
        }
    }
    return flags;
}

}  // namespace

int main(int argc, char** argv) {
    MiddlewareFlags flags = take_flags(argc, argv);
    sweet::App app{sweet_support::parse_cli(static_cast<int>(flags.rest.size()), flags.rest.data(),
                                            sweet::ServerConfig{.host = "127.0.0.1", .port = 0, .workers = 1})};

    // Order matters only among on_response hooks: headers first, compression of the final body last.
    app.add_hooks(sweet::request_id());
    app.add_hooks(sweet::metrics());
    app.add_hooks(sweet::cors({
        .allow_origins = {"https://app.example.com", "https://*.example.org"},
        .allow_headers = {"Content-Type", "X-Token"},
        .expose_headers = {"X-Request-ID", "RateLimit-Remaining"},
        .allow_credentials = true,
        .max_age = std::chrono::seconds(600),
    }));
    app.add_hooks(sweet::security_headers({.content_security_policy = "default-src 'none'; frame-ancestors 'none'"}));
    app.add_hooks(sweet::rate_limit({
        .rate = flags.rate,
        .burst = flags.burst,
        // Only /limited/* is limited; the X-Client header keeps the tests' buckets apart.
        .key = [](sweet::Request& req) -> std::string_view {
            if (!req.path().starts_with("/limited/")) return {};
            return req.header("X-Client").value_or(req.client_ip());
        },
    }));
    app.add_hooks(sweet::compression({.min_size = 1024}));

    app.get<"/">([](sweet::Request&) { return sweet::Response::text("Hello, middleware!"); });
    app.get<"/text/{n:uint}">([](sweet::Request&, std::uint64_t n) -> sweet::Result<sweet::Response> {
        if (n > 50'000'000) return sweet::Error::client(400, "at most 50 MB");
        return sweet::Response::text(text_body(static_cast<std::size_t>(n)));
    });
    app.get<"/json/{n:uint}">([](sweet::Request&, std::uint64_t n) -> sweet::Result<sweet::Response> {
        if (n > 50'000'000) return sweet::Error::client(400, "at most 50 MB");
        std::string json = "[";
        for (std::size_t i = 0; json.size() < n; ++i) json += fmt::format("{{\"id\":{},\"ok\":true}},", i);
        json.back() = ']';
        return sweet::Response::json_text(std::move(json));
    });
    app.get<"/png/{n:uint}">([](sweet::Request&, std::uint64_t n) -> sweet::Result<sweet::Response> {
        if (n > 50'000'000) return sweet::Error::client(400, "at most 50 MB");
        return sweet::Response::text(std::string(static_cast<std::size_t>(n), 'P')).set_content_type("image/png");
    });
    app.get<"/encoded">([](sweet::Request&) {
        return sweet::Response::text(text_body(4096)).set_header("Content-Encoding", "identity-test");
    });
    app.get<"/stream">([](sweet::Request&) {
        return sweet::Response::stream([](sweet::ResponseStream stream) {
            stream.write(text_body(4096));
            stream.end();
        });
    });
    app.get<"/users/{id:int}">([](sweet::Request&, std::int64_t id) { return sweet::Response::text(fmt::format("user {}", id)); });
    app.del<"/users/{id:int}">([](sweet::Request&, std::int64_t) { return sweet::Response::empty(204); });
    app.post<"/users">([](sweet::Request&) { return sweet::Response::text("created", 201); });
    app.get<"/id">([](sweet::Request& req) { return sweet::Response::text(std::string(req.id())); });
    app.get<"/fail">([](sweet::Request&) -> sweet::Result<sweet::Response> { return sweet::Error::internal("hidden detail"); });
    app.get<"/framable">([](sweet::Request&) { return sweet::Response::text("frame me").set_header("X-Frame-Options", "SAMEORIGIN"); });
    app.get<"/limited/ping">([](sweet::Request&) { return sweet::Response::text("pong"); });

    // The same bundles composed at compile time on a group: a stricter limit (burst 1) and
    // compression from 16 bytes, for the group's routes only.
    auto grouped = app.group<"/grouped">(
        sweet::rate_limit({.rate = 0.01, .burst = 1, .key = sweet::rate_limit_keys::header("X-Client")}) +
        sweet::compression({.min_size = 16}));
    grouped.get<"/ping">([](sweet::Request&) { return sweet::Response::text("grouped pong"); });
    grouped.get<"/text/{n:uint}">([](sweet::Request&, std::uint64_t n) -> sweet::Result<sweet::Response> {
        if (n > 1'000'000) return sweet::Error::client(400, "at most 1 MB");
        return sweet::Response::text(text_body(static_cast<std::size_t>(n)));
    });
    return app.run();
}
