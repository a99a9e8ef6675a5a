// The server of tests/e2e/test_lifecycle.py: hooks at every level, groups, dependency injection.
// Every hook appends its name to a request-scoped `Trace`, which the app-wide on_response hook
// writes into the X-Trace header, so the test can read the order in which things ran.
#include <sweet/sweet.hpp>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "../support/cli.hpp"

namespace {

std::atomic<int> g_traces_made{0};
std::atomic<int> g_traces_destroyed{0};
std::atomic<int> g_after_response_calls{0};

// Request-scoped: made at first use, destroyed when the response is ready.
struct Trace {
    Trace() { g_traces_made.fetch_add(1); }
    ~Trace() { g_traces_destroyed.fetch_add(1); }
    Trace(const Trace&) = delete;
    Trace& operator=(const Trace&) = delete;
    std::string steps;
    void add(std::string_view step) {
        if (!steps.empty()) steps += ',';
        steps += step;
    }
};

// Shared, read-only after start-up.
struct Settings {
    std::string greeting = "hello";
};

// One per worker thread: no locking needed.
struct WorkerCounter {
    int worker_local_count = 0;
};

// per_use: every parameter gets its own.
struct Ticket {
    static inline std::atomic<int> next{0};
    int number = next.fetch_add(1);
};

// Never provided: asking for it is a start-up error.
struct Unprovided {
    int x = 0;
};

sweet::Result<sweet::Step> trace_step(sweet::Request&, Trace& t, const char* name) {
    t.add(name);
    return sweet::next();
}

}  // namespace

int main(int argc, char** argv) {
    // --missing-provider 1: register a route that needs an unprovided type (start-up must fail).
    // --bad-after-hook 1: an after_response hook asks for a request-scoped dependency (start-up must fail).
    bool missing_provider = false;
    bool bad_after_hook = false;
    std::vector<char*> args{argv[0]};
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--missing-provider") == 0 && i + 1 < argc) {
            missing_provider = std::strcmp(argv[++i], "1") == 0;
        } else if (std::strcmp(argv[i], "--bad-after-hook") == 0 && i + 1 < argc) {
            bad_after_hook = std::strcmp(argv[++i], "1") == 0;
        } else {
            args.push_back(argv[i]);
        }
    }
    sweet::App app{sweet_support::parse_cli(static_cast<int>(args.size()), args.data(),
                                            sweet::ServerConfig{.host = "127.0.0.1", .port = 0, .workers = 1})};

    app.provide<Trace>(sweet::per_request([] { return std::make_unique<Trace>(); }));
    app.provide<Settings>(sweet::shared(std::make_shared<Settings>()));
    app.provide<WorkerCounter>(sweet::per_worker([] { return WorkerCounter{}; }));
    app.provide<Ticket>(sweet::per_use([] { return Ticket{}; }));

    // App-wide hooks, registered at run time.
    app.on_request([](sweet::Request& req, Trace& t) { return trace_step(req, t, "app.on_request"); });
    app.pre_validation([](sweet::Request& req, Trace& t) { return trace_step(req, t, "app.pre_validation"); });
    app.pre_handler([](sweet::Request& req, Trace& t) { return trace_step(req, t, "app.pre_handler"); });
    app.on_response([](sweet::Request&, sweet::Response& res, Trace& t) {
        t.add("app.on_response");
        res.set_header("X-Trace", t.steps);
    });
    app.after_response([](sweet::Request&, const sweet::Response&, const sweet::ResponseInfo& info) {
        if (info.bytes > 0) g_after_response_calls.fetch_add(1);
    });

    app.get<"/plain">([](sweet::Request&, Trace& t) {
        t.add("handler");
        return sweet::Response::text("plain");
    });
    app.get<"/stats">([](sweet::Request&) {
        return sweet::Response::json_text(fmt::format(R"({{"made":{},"destroyed":{},"after_response":{}}})", g_traces_made.load(),
                                                      g_traces_destroyed.load(), g_after_response_calls.load()));
    });
    app.get<"/boom">([](sweet::Request&) -> sweet::Result<sweet::Response> { throw std::runtime_error("secret detail"); });

    // A group with hooks at every request-side phase, an on_response and an error handler.
    auto api = app.group<"/api">(sweet::hooks(
        sweet::on_request([](sweet::Request& req, Trace& t) -> sweet::Result<sweet::Step> {
            t.add("group.on_request");
            if (req.header("X-Block")) return sweet::respond(sweet::Response::text("blocked by the group\n", 403));
            return sweet::next();
        }),
        sweet::pre_validation([](sweet::Request& req, Trace& t) { return trace_step(req, t, "group.pre_validation"); }),
        sweet::pre_handler([](sweet::Request& req, Trace& t) -> sweet::Result<sweet::Step> {
            t.add("group.pre_handler");
            if (req.header("X-Fail")) return sweet::Error::client(409, "the group's pre_handler refused");
            return sweet::next();
        }),
        sweet::on_response([](sweet::Request&, sweet::Response& res, Trace& t) {
            t.add("group.on_response");
            res.set_header("X-Group", "api");
        }),
        sweet::on_error([](sweet::Request&, const sweet::Error& e) {
            return sweet::Response::json_text(fmt::format(R"({{"group_error":{},"message":"{}"}})", e.status, e.message), e.status);
        })));

    api.get<"/items/{id:int}">(
        [](sweet::Request&, std::int64_t id, Trace& t, const Settings& s) {
            t.add("handler");
            return sweet::Response::text(fmt::format("{} item {}", s.greeting, id));
        },
        sweet::hooks(sweet::on_request([](sweet::Request& req, Trace& t) { return trace_step(req, t, "route.on_request"); }),
                     sweet::pre_validation([](sweet::Request& req, Trace& t) { return trace_step(req, t, "route.pre_validation"); }),
                     sweet::pre_handler([](sweet::Request& req, Trace& t) { return trace_step(req, t, "route.pre_handler"); }),
                     sweet::on_response([](sweet::Request&, sweet::Response&, Trace& t) { t.add("route.on_response"); })));

    api.get<"/count">([](sweet::Request&, WorkerCounter& c) {
        ++c.worker_local_count;
        return sweet::Response::text(std::to_string(c.worker_local_count));
    });
    api.get<"/tickets">([](sweet::Request&, Ticket& a, Ticket& b) {
        return sweet::Response::text(fmt::format("{} {}", &a != &b ? "distinct" : "same", b.number - a.number));
    });
    api.get<"/fail-in-handler">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        return sweet::Error::client(418, "the handler failed");
    });
    api.get<"/response-hook-error">(
        [](sweet::Request&) { return sweet::Response::text("never sent"); },
        sweet::hooks(sweet::on_response([](sweet::Request&, sweet::Response&) -> sweet::Result<void> {
            return sweet::Error::client(502, "the route's on_response failed");
        })));

    // A nested group: prefix /api/v2, the outer group's hooks then its own.
    auto v2 = api.group<"/v2">(sweet::hooks(sweet::on_request([](sweet::Request& req, Trace& t) { return trace_step(req, t, "v2.on_request"); })));
    v2.provide<Settings>(sweet::shared([] { return Settings{"bonjour"}; }));  // overrides the app's, for v2 only
    v2.get<"/greet">([](sweet::Request&, const Settings& s, Trace& t) {
        t.add("handler");
        return sweet::Response::text(s.greeting);
    });

    // Path parameters stay readable after the handler: in on_response and after_response.
    api.get<"/echo-param/{id:int}">([](sweet::Request&, std::int64_t) { return sweet::Response::text("ok"); },
                                    sweet::hooks(sweet::on_response([](sweet::Request& req, sweet::Response& res) {
                                        res.set_header("X-Param", std::string(req.param("id").value_or("none")));
                                    })));
    // The route's own on_error answers before the group's.
    api.get<"/own-error">([](sweet::Request&) -> sweet::Result<sweet::Response> { return sweet::Error::client(400, "nope"); },
                          sweet::hooks(sweet::on_error([](sweet::Request&, const sweet::Error& e) {
                              return sweet::Response::text(fmt::format("route error {}\n", e.status), e.status);
                          })));
    // A compile-time route table gets the app-wide hooks too.
    app.mount(sweet::routes(sweet::routing::get<"/table/{n:int}">([](sweet::Request& req, long n) {
        return sweet::Response::text(fmt::format("table {} {}", n, req.header("X-Block") ? "blocked?" : "ok"));
    })));
    if (bad_after_hook) {
        app.after_response([](sweet::Request&, const sweet::Response&, const sweet::ResponseInfo&, Trace& t) { t.add("too late"); });
    }

    if (missing_provider) {
        app.get<"/needs-unprovided">([](sweet::Request&, Unprovided& u) { return sweet::Response::text(std::to_string(u.x)); });
    }
    return app.run();
}
