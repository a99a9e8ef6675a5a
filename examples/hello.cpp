// The example app: `./scripts/serve-example.sh` builds and serves it on port 8000.
//
//   curl localhost:8000/
//   curl localhost:8000/users/42
//   curl 'localhost:8000/search?q=sweet+server'
//   curl -N localhost:8000/countdown        (a streamed response)
#include <sweet/sweet.hpp>

#include <cstdlib>

// Writes "n", then again one second later with n-1, until 0.
static void countdown(sweet::net::Reactor* reactor, sweet::ResponseStream stream, int n) {
    if (!stream.is_open()) return;  // the client left
    stream.write(fmt::format("{}\n", n));
    if (n == 0) {
        stream.end();
        return;
    }
    reactor->add_timer(std::chrono::seconds(1), [=] { countdown(reactor, stream, n - 1); });
}

int main(int argc, char** argv) {
    sweet::ServerConfig config{.host = "0.0.0.0", .port = 8000};
    if (argc > 1) config.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
    sweet::App app{config};

    app.get<"/">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        return sweet::Response::text("Hello, Sweet!\n");
    });

    // {id:int} is parsed at compile time: the handler must take an integer, and
    // /users/abc answers 422 with FastAPI-style details.
    app.get<"/users/{id:int}">([](sweet::Request&, std::int64_t id) -> sweet::Result<sweet::Response> {
        if (id <= 0) return sweet::Error::client(404, "no such user");
        return sweet::Response::text(fmt::format("user {}\n", id));
    });

    app.get<"/search">([](sweet::Request& req) -> sweet::Result<sweet::Response> {
        auto q = req.query("q");
        if (!q) return sweet::Error::client(400, "missing query parameter q");
        return sweet::Response::text(fmt::format("you searched for: {}\n", *q));
    });

    app.post<"/echo">([](sweet::Request& req) -> sweet::Result<sweet::Response> {
        return sweet::Response::text(std::string(req.body()));
    });

    // A streamed response: the handler returns at once; the worker's timers write one line per
    // second, then end the response. The connection stays open meanwhile; the worker does not block.
    app.get<"/countdown">([](sweet::Request& req) -> sweet::Result<sweet::Response> {
        sweet::net::Reactor* reactor = &req.reactor();
        return sweet::Response::stream([reactor](sweet::ResponseStream stream) { countdown(reactor, stream, 3); });
    });

    // Middleware returns a Result<Step>: continue, answer early, or fail.
    app.use([](sweet::Request& req) -> sweet::Result<sweet::Step> {
        if (req.header("X-Block")) return sweet::respond(sweet::Response::text("blocked\n", 403));
        return sweet::next();
    });

    return app.run();
}
