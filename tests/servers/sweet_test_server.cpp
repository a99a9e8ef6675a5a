// The server the end-to-end tests (tests/e2e) drive with real clients. It starts on a free
// port by default and prints "listening on http://HOST:PORT" on stderr.
#include <sweet/sweet.hpp>

#include <memory>
#include <stdexcept>

#include "../support/cli.hpp"

namespace {

// Answers after `ms` milliseconds without blocking the worker: a streamed response whose
// body is written from a timer. The e2e tests use it as an "in-flight" request.
sweet::Response delayed(sweet::Request& req, std::chrono::milliseconds ms, std::string body) {
    sweet::net::Reactor* reactor = &req.reactor();
    return sweet::Response::stream([reactor, ms, body = std::move(body)](sweet::ResponseStream stream) mutable {
        reactor->add_timer(ms, [stream, body = std::move(body)]() mutable {
            stream.write(body);
            stream.end();
        });
    });
}

// Writes `n` chunks, one every `every` milliseconds.
void write_chunks(sweet::net::Reactor* reactor, sweet::ResponseStream stream, int i, int n, std::chrono::milliseconds every) {
    if (!stream.is_open()) return;
    if (i == n) {
        stream.end();
        return;
    }
    stream.write(fmt::format("chunk {}\n", i));
    reactor->add_timer(every, [=] { write_chunks(reactor, stream, i + 1, n, every); });
}

}  // namespace

int main(int argc, char** argv) {
    sweet::App app{sweet_support::parse_cli(argc, argv, sweet::ServerConfig{.host = "127.0.0.1", .port = 0, .workers = 1})};

    app.get<"/">([](sweet::Request&) -> sweet::Result<sweet::Response> { return sweet::Response::text("Hello, Sweet!"); });
    app.get<"/users/{id:int}">([](sweet::Request&, std::int64_t id) -> sweet::Result<sweet::Response> {
        return sweet::Response::text(fmt::format("user {}", id));
    });
    app.get<"/users/me">([](sweet::Request&) { return sweet::Response::text("the current user"); });
    app.get<"/files/{path...}">([](sweet::Request&, std::string_view path) {
        return sweet::Response::text(fmt::format("file [{}]", path));
    });
    app.get<"/items/{name}">([](sweet::Request&, std::string_view name) {
        return sweet::Response::text(fmt::format("item [{}]", name));
    });
    app.post<"/items/{name}">([](sweet::Request& req, std::string_view name) {
        return sweet::Response::text(fmt::format("created [{}] with {} bytes", name, req.body().size()), 201);
    });
    app.post<"/echo">([](sweet::Request& req) -> sweet::Result<sweet::Response> {
        sweet::Response r = sweet::Response::text(std::string(req.body()));
        if (auto ct = req.header("Content-Type")) r.set_content_type(std::string(*ct));
        return r;
    });
    app.put<"/echo">([](sweet::Request& req) { return sweet::Response::text(std::string(req.body())); });
    app.get<"/query">([](sweet::Request& req) {
        return sweet::Response::text(fmt::format("a=[{}] b=[{}] raw=[{}]", req.query("a").value_or("-"),
                                                 req.query("b").value_or("-"), req.query_string()));
    });
    app.get<"/header">([](sweet::Request& req) {
        return sweet::Response::text(fmt::format("{}", req.header("X-Test").value_or("-")));
    });
    app.get<"/info">([](sweet::Request& req) {
        return sweet::Response::text(fmt::format("method={} path={} raw_path={} host={} version=1.{}", req.method_name(),
                                                 req.path(), req.raw_path(), req.host(), req.version_minor()));
    });
    app.get<"/throw">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        throw std::runtime_error("secret internal detail");
    });
    app.get<"/fail">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        return sweet::Error::internal("database password rejected");
    });
    app.get<"/teapot">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        return sweet::Error::client(418, "short and stout");
    });
    app.get<"/delay/{ms:int}">([](sweet::Request& req, std::int64_t ms) {
        return delayed(req, std::chrono::milliseconds(ms), fmt::format("waited {} ms", ms));
    });
    app.get<"/stream/{n:int}">([](sweet::Request& req, std::int64_t n) {
        sweet::net::Reactor* reactor = &req.reactor();
        return sweet::Response::stream([reactor, n](sweet::ResponseStream stream) {
            write_chunks(reactor, stream, 0, static_cast<int>(n), std::chrono::milliseconds(5));
        });
    });
    app.get<"/big/{n:uint}">([](sweet::Request&, std::uint64_t n) {
        std::string body(static_cast<std::size_t>(n), 'x');
        for (std::size_t i = 0; i < body.size(); i += 100) body[i] = static_cast<char>('a' + (i / 100) % 26);
        return sweet::Response::text(std::move(body));
    });
    app.del<"/items/{name}">([](sweet::Request&, std::string_view) { return sweet::Response::empty(204); });
    // A route registered at run time, and a compile-time table.
    app.add_route(sweet::Method::get, "/runtime/{word}", [](sweet::Request& req) -> sweet::Result<sweet::Response> {
        return sweet::Response::text(fmt::format("runtime [{}]", req.param("word").value_or("?")));
    });
    app.mount(sweet::routes(
        sweet::routing::get<"/table/ping">([](sweet::Request&) { return sweet::Response::text("pong"); }),
        sweet::routing::get<"/table/{n:int}">([](sweet::Request&, std::int64_t n) {
            return sweet::Response::text(fmt::format("table {}", n * 2));
        })));

    app.use([](sweet::Request& req) -> sweet::Result<sweet::Step> {
        if (req.header("X-Block")) return sweet::respond(sweet::Response::text("blocked by middleware", 403));
        if (req.header("X-Fail")) return sweet::Error::internal("middleware failure detail");
        return sweet::next();
    });
    return app.run();
}
