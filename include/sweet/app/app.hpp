#pragma once
/// @file app.hpp
/// `App`: routes, middleware and the server, in one object.
///
///     sweet::App app{sweet::ServerConfig{.port = 8000}};
///     app.get<"/users/{id:int}">([](sweet::Request&, std::int64_t id) -> sweet::Result<sweet::Response> {
///         return sweet::Response::text(fmt::format("user {}", id));
///     });
///     return app.run();
///
/// What runs when, for each request (docs/lifecycle.md has the full page):
///   1. middleware, in `use()` order: each may continue, answer early, or fail with an Error;
///   2. routing: 404 / 405 (with Allow) / automatic OPTIONS and HEAD, else the route's handler
///      with its path parameters converted to the declared types (422 when they do not convert);
///   3. any Error or exception from 1-2 goes to the error handler (`on_error`), which makes the
///      response; exceptions are logged and become a 500 that reveals nothing.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/app/config.hpp"
#include "sweet/app/middleware.hpp"
#include "sweet/http/server.hpp"
#include "sweet/routing/handler_binding.hpp"
#include "sweet/routing/route_table.hpp"
#include "sweet/routing/router.hpp"

namespace sweet {

/// A handler registered at run time: it reads path parameters with `req.param("name")`.
using Handler = routing::BoundHandler;

/// A Sweet application: register routes and middleware, then `run()`.
/// Handlers and middleware are shared by all worker threads and may run concurrently: keep
/// them free of unsynchronised shared state (per-worker state belongs in thread_local or DI).
class App final : public http::RequestHandler {
public:
    /// An app that will serve with `config`.
    explicit App(ServerConfig config = {});
    ~App() override;
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // ---- routes ---------------------------------------------------------------------------
    /// Registers `handler` for `Method` and the compile-time pattern `Pattern`. The handler
    /// takes `Request&` then one argument per path parameter, in order, of the declared type;
    /// a mismatch does not compile.
    template <http::Method Method, routing::FixedString Pattern, class F>
    App& route(F&& handler) {
        add_bound_route(Method, Pattern.view(), routing::bind_handler<Pattern>(std::forward<F>(handler)));
        return *this;
    }
    /// GET route (HEAD is answered automatically from it).
    template <routing::FixedString Pattern, class F>
    App& get(F&& handler) { return route<http::Method::get, Pattern>(std::forward<F>(handler)); }
    /// POST route.
    template <routing::FixedString Pattern, class F>
    App& post(F&& handler) { return route<http::Method::post, Pattern>(std::forward<F>(handler)); }
    /// PUT route.
    template <routing::FixedString Pattern, class F>
    App& put(F&& handler) { return route<http::Method::put, Pattern>(std::forward<F>(handler)); }
    /// PATCH route.
    template <routing::FixedString Pattern, class F>
    App& patch(F&& handler) { return route<http::Method::patch, Pattern>(std::forward<F>(handler)); }
    /// DELETE route.
    template <routing::FixedString Pattern, class F>
    App& del(F&& handler) { return route<http::Method::del, Pattern>(std::forward<F>(handler)); }
    /// OPTIONS route (without one, OPTIONS is answered with 204 and Allow).
    template <routing::FixedString Pattern, class F>
    App& options(F&& handler) { return route<http::Method::options, Pattern>(std::forward<F>(handler)); }

    /// Registers a route whose pattern is known only at run time. An invalid or conflicting
    /// pattern is reported by `validate()` and makes `run()` fail at start-up.
    App& add_route(http::Method method, std::string pattern, Handler handler);

    /// Mounts a compile-time route table (`sweet::routing::routes(...)`): its trie is built by
    /// the compiler. Its routes must not overlap routes registered on the app.
    template <class Table>
    App& mount(Table table) {
        tables_.push_back(std::make_unique<MountedTable<Table>>(std::move(table)));
        return *this;
    }

    // ---- middleware and errors ------------------------------------------------------------
    /// Appends a middleware; they run in the order added, before routing.
    App& use(Middleware middleware);
    /// Replaces the error handler (turns an Error into a response).
    App& on_error(ErrorHandler handler);

    // ---- running --------------------------------------------------------------------------
    /// Checks the route set: the first problem (invalid pattern, conflict, overlap between a
    /// table and the app's routes) as a readable Error.
    Result<void> validate();
    /// Listens, starts the workers and serves until SIGTERM/SIGINT or `stop()`, then drains.
    /// Returns the process exit code: 0 after a clean shutdown, 1 when start-up failed.
    int run();
    /// Asks a running app to drain and return from `run()`. Thread-safe.
    void stop() noexcept { stop_requested_.store(true, std::memory_order_release); }
    /// The bound port once `run()` is listening (useful with port 0), else 0.
    [[nodiscard]] std::uint16_t port() const noexcept { return bound_port_.load(std::memory_order_acquire); }
    /// The configuration in force.
    [[nodiscard]] const ServerConfig& config() const noexcept { return config_; }

    /// http::RequestHandler: middleware, routing, handler, errors (see the file comment).
    Response handle(Request& request) override;

private:
    struct TableBase {
        virtual ~TableBase() = default;
        virtual routing::MatchResult match(http::Method m, std::string_view path, std::string_view* params) const noexcept = 0;
        virtual Result<Response> dispatch(routing::RouteId id, Request& req) = 0;
        virtual void for_each_route(UniqueFunction<void(http::Method, std::string_view)> fn) const = 0;
    };
    template <class Table>
    struct MountedTable final : TableBase {
        explicit MountedTable(Table t) : table(std::move(t)) {}
        routing::MatchResult match(http::Method m, std::string_view path, std::string_view* params) const noexcept override {
            return table.match(m, path, params);
        }
        Result<Response> dispatch(routing::RouteId id, Request& req) override { return table.dispatch(id, req); }
        void for_each_route(UniqueFunction<void(http::Method, std::string_view)> fn) const override {
            table.for_each_route([&fn](http::Method m, std::string_view p) { fn(m, p); });
        }
        Table table;
    };

    void add_bound_route(http::Method method, std::string_view pattern, Handler handler);
    Response finish(Request& req, Result<Response> result);
    Response render_error(Request& req, const Error& error);
    Response answer_unmatched(Request& req, const routing::MatchResult& m);
    static std::string allow_header(http::MethodSet methods);

    ServerConfig config_;
    routing::Router router_;
    std::vector<Handler> handlers_;
    std::vector<std::unique_ptr<TableBase>> tables_;
    std::vector<std::pair<http::Method, std::string>> routes_;  // for overlap checks and docs
    std::vector<Middleware> middleware_;
    ErrorHandler error_handler_;
    std::string setup_error_;
    http::MethodSet all_methods_;
    std::atomic<bool> stop_requested_{false};
    std::atomic<std::uint16_t> bound_port_{0};
};

}  // namespace sweet
