// Micro-benchmarks of one request inside the app, in process, without sockets: App::handle (routing,
// hooks, typed parameters, handler, on_response hooks) plus App::after_response when the app has
// after_response hooks, on the benchmark server's own routes (bench_routes.hpp). What the server
// adds around it (parsing the head, writing the response, the system calls) is the same for every
// route and is left out, so differences between routes show here undiluted.
//
//   app/plaintext                 GET /plaintext (compile-time route table)
//   app/json                      GET /json, the plain JSON hello route (compile-time table)
//   app/validated                 POST /validated/42 with the 191-byte order: Body<Order> -> receipt
//   app/hooks0                    GET /hooks0, a typed route without hooks
//   app/hooks5                    GET /hooks5, the same in a group with five no-op hooks (the app
//                                 of the server's --hooks-group 1)
//   app/hooks0+app_hooks5         GET /hooks0 on an app with five no-op app-wide hooks (the app of
//                                 the server's --app-hooks 5)
//   app/hooks0+app_hooks4         the same without the after_response hook: no clock reads, so
//                                 the difference to app_hooks5 is mostly the server's timing
//
//   build/bench-release/bench/sweet_micro_bench --benchmark_filter='^app/'
//
// Each iteration builds the Request the way the connection does (on a head parsed once), calls
// handle, and releases the request's arena. When after_response hooks exist, the server reads the
// clock before and after each request; so does the benchmark.
#include <benchmark/benchmark.h>

#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "bench_routes.hpp"
#include "sweet/core/arena.hpp"
#include "sweet/http/parser.hpp"
#include "sweet/net/reactor.hpp"

namespace {

/// An app with the benchmark server's routes and `extras`, validated (ready to handle requests)
/// once.
class PreparedApp {
public:
    explicit PreparedApp(sweet_bench::BenchExtras extras) : app_(sweet_bench::bench_config(sweet::ServerConfig{.workers = 1})) {
        sweet_bench::add_bench_routes(app_, extras);
        if (auto ok = app_.validate(); !ok) {
            std::fprintf(stderr, "app_handle_bench: the app does not validate: %s\n", ok.error().message.c_str());
            std::abort();
        }
    }
    sweet::App& operator*() noexcept { return app_; }

private:
    sweet::App app_;
};

/// A request head parsed once, its body (padded as the server pads bodies), and what a Request
/// needs to point into.
class ParsedRequest {
public:
    ParsedRequest(std::string head_text, std::string_view body)
        : raw_(std::move(head_text)), body_(body.data(), body.size()), storage_(sweet::http::ParserLimits{}.max_headers) {
        const sweet::http::ParseOutcome outcome = sweet::http::parse_request_head(raw_, head_, storage_.data(), sweet::http::ParserLimits{});
        ok_ = outcome.state == sweet::http::ParseState::complete;
    }
    ParsedRequest(const ParsedRequest&) = delete;
    ParsedRequest& operator=(const ParsedRequest&) = delete;

    [[nodiscard]] bool ok() const noexcept { return ok_; }
    [[nodiscard]] const sweet::http::RequestHead& head() const noexcept { return head_; }
    [[nodiscard]] std::string_view body() const noexcept { return {body_.data(), body_.size()}; }

private:
    std::string raw_;
    simdjson::padded_string body_;
    std::vector<sweet::http::Header> storage_;
    sweet::http::RequestHead head_;
    bool ok_ = false;
};

/// The reactor every Request points to (the routes never use it).
sweet::net::Reactor& reactor() {
    static const std::unique_ptr<sweet::net::Reactor> r = sweet::net::Reactor::create(sweet::net::Backend::epoll);
    return *r;
}

std::string get_head(std::string_view path) {
    return fmt::format("GET {} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n", path);
}

/// Serves `parsed` on `app` once per iteration; stops with an error unless the status is `expected`.
void serve(benchmark::State& state, sweet::App& app, const ParsedRequest& parsed, int expected) {
    if (!parsed.ok()) {
        state.SkipWithError("the request head did not parse");
        return;
    }
    sweet::Arena arena;
    const bool timed = app.wants_after_response();
    for (auto _ : state) {
        const auto started = timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point{};
        sweet::Request req(parsed.head(), parsed.body(), arena, reactor());
        if (!req.decode_path()) {
            state.SkipWithError("the request path did not decode");
            break;
        }
        sweet::Response res = app.handle(req);
        if (res.status() != expected) {
            state.SkipWithError(fmt::format("status {} instead of {}", res.status(), expected).c_str());
            break;
        }
        if (timed) {
            app.after_response(req, res, sweet::ResponseInfo{res.body().size(), std::chrono::steady_clock::now() - started});
        }
        benchmark::DoNotOptimize(res);
        arena.reset();
    }
}

void plaintext(benchmark::State& state) {
    PreparedApp app({});
    const ParsedRequest parsed(get_head("/plaintext"), {});
    serve(state, *app, parsed, 200);
}
BENCHMARK(plaintext)->Name("app/plaintext");

void json_hello(benchmark::State& state) {
    PreparedApp app({});
    const ParsedRequest parsed(get_head("/json"), {});
    serve(state, *app, parsed, 200);
}
BENCHMARK(json_hello)->Name("app/json");

void validated(benchmark::State& state) {
    PreparedApp app({});
    const ParsedRequest parsed(fmt::format("POST /validated/42 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n"
                                           "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                                           sweet_bench::kOrderJson.size()),
                               sweet_bench::kOrderJson);
    serve(state, *app, parsed, 200);
}
BENCHMARK(validated)->Name("app/validated");

void hooks0(benchmark::State& state) {
    PreparedApp app({});
    const ParsedRequest parsed(get_head("/hooks0"), {});
    serve(state, *app, parsed, 200);
}
BENCHMARK(hooks0)->Name("app/hooks0");

void hooks5(benchmark::State& state) {
    PreparedApp app({.hooks_group = true, .app_hooks = 0});
    const ParsedRequest parsed(get_head("/hooks5"), {});
    serve(state, *app, parsed, 200);
}
BENCHMARK(hooks5)->Name("app/hooks5");

void app_hooks5(benchmark::State& state) {
    PreparedApp app({.hooks_group = false, .app_hooks = sweet_bench::kMaxAppHooks});
    const ParsedRequest parsed(get_head("/hooks0"), {});
    serve(state, *app, parsed, 200);
}
BENCHMARK(app_hooks5)->Name("app/hooks0+app_hooks5");

void app_hooks4(benchmark::State& state) {
    PreparedApp app({.hooks_group = false, .app_hooks = sweet_bench::kMaxAppHooks - 1});
    const ParsedRequest parsed(get_head("/hooks0"), {});
    serve(state, *app, parsed, 200);
}
BENCHMARK(app_hooks4)->Name("app/hooks0+app_hooks4");

}  // namespace
