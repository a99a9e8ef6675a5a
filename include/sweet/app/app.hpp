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
///   1. routing: the route is found (404 / 405 / automatic OPTIONS and HEAD otherwise);
///   2. app-wide on_request hooks (`use()` adds one), for every request, also unmatched ones;
///   3. the route's chain (endpoint.hpp): group and route on_request, body checks,
///      pre_validation, validation of path/query/header/body parameters (one 422 listing every
///      failure), pre_handler, the handler with its dependencies;
///   4. any Error from 2-3 goes to the innermost on_error (route, group, else the app's);
///      exceptions are logged and become a 500 that reveals nothing;
///   5. on_response hooks, inside-out (route, group, app), on every response;
///   6. the response is written; after_response hooks run, inside-out.
///   Request-scoped dependencies are destroyed after step 5.

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/app/config.hpp"
#include "sweet/app/dependencies.hpp"
#include "sweet/app/endpoint.hpp"
#include "sweet/app/hooks.hpp"
#include "sweet/app/middleware.hpp"
#include "sweet/app/route_options.hpp"
#include "sweet/app/typed_params.hpp"
#include "sweet/http/server.hpp"
#include "sweet/routing/handler_binding.hpp"
#include "sweet/routing/route_table.hpp"
#include "sweet/routing/router.hpp"

namespace sweet {

/// A handler registered at run time: it reads path parameters with `req.param("name")`.
using Handler = routing::BoundHandler;

template <routing::FixedString Prefix, class GroupHooks>
class Group;

/// A Sweet application: register routes and middleware, then `run()`.
/// Handlers and middleware are shared by all worker threads and may run concurrently: keep
/// them free of unsynchronised shared state (per-worker state belongs in thread_local or DI).
class App final : public http::RequestHandler, private detail::ErrorRenderer {
public:
    /// An app that will serve with `config`.
    explicit App(ServerConfig config = {});
    ~App() override;
    App(const App&) = delete;
    App& operator=(const App&) = delete;

    // ---- routes ----------------------------------------------------------------------------
    /// Registers `handler` for `Method` and the compile-time pattern `Pattern`. The handler
    /// takes `Request&`, then one argument per path parameter in order, of the declared type,
    /// then any of `Body<T>`, `Query<T>`, `Headers<T>` and dependencies (`T&`). A mismatch
    /// does not compile. `extras` are any of `RouteOptions`, `sweet::hooks(...)` and
    /// `sweet::responds<T>(status)`.
    template <http::Method Method, routing::FixedString Pattern, class F, class... Extras>
    App& route(F&& handler, Extras&&... extras) {
        return add_typed_route<Method, Pattern>(NoHooks{}, registry_, std::forward<F>(handler), std::forward<Extras>(extras)...);
    }
    /// GET route (HEAD is answered automatically from it).
    template <routing::FixedString Pattern, class F, class... Extras>
    App& get(F&& handler, Extras&&... extras) { return route<http::Method::get, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// POST route.
    template <routing::FixedString Pattern, class F, class... Extras>
    App& post(F&& handler, Extras&&... extras) { return route<http::Method::post, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// PUT route.
    template <routing::FixedString Pattern, class F, class... Extras>
    App& put(F&& handler, Extras&&... extras) { return route<http::Method::put, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// PATCH route.
    template <routing::FixedString Pattern, class F, class... Extras>
    App& patch(F&& handler, Extras&&... extras) { return route<http::Method::patch, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// DELETE route.
    template <routing::FixedString Pattern, class F, class... Extras>
    App& del(F&& handler, Extras&&... extras) { return route<http::Method::del, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// OPTIONS route (without one, OPTIONS is answered with 204 and Allow).
    template <routing::FixedString Pattern, class F, class... Extras>
    App& options(F&& handler, Extras&&... extras) { return route<http::Method::options, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }

    /// A route group: routes under `Prefix` that share `hooks` (composed at compile time into
    /// each route) and can have their own providers. Groups nest: `api.group<"/v1">(...)`.
    template <routing::FixedString Prefix, class... H>
    Group<Prefix, Hooks<H...>> group(Hooks<H...> hooks = {});

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

    // ---- hooks, middleware and errors --------------------------------------------------------
    /// Appends an app-wide on_request hook (a middleware); they run in the order added.
    App& use(Middleware middleware);
    /// Adds an app-wide hook for each phase; `f` takes the phase's parameters, then dependencies.
    template <class F>
    App& on_request(F&& f) { return add_hooks(hooks(sweet::on_request(std::forward<F>(f)))); }
    /// App-wide pre_validation hook (runs inside every route's chain).
    template <class F>
    App& pre_validation(F&& f) { return add_hooks(hooks(sweet::pre_validation(std::forward<F>(f)))); }
    /// App-wide pre_handler hook (runs inside every route's chain).
    template <class F>
    App& pre_handler(F&& f) { return add_hooks(hooks(sweet::pre_handler(std::forward<F>(f)))); }
    /// App-wide on_response hook: runs last on every response, errors included.
    template <class F>
    App& on_response(F&& f) { return add_hooks(hooks(sweet::on_response(std::forward<F>(f)))); }
    /// App-wide after_response hook: runs once every response is written.
    template <class F>
    App& after_response(F&& f) { return add_hooks(hooks(sweet::after_response(std::forward<F>(f)))); }
    /// Installs every hook of a bundle app-wide (an on_error in it replaces the error handler).
    template <class... H>
    App& add_hooks(Hooks<H...> bundle) {
        std::apply([&](auto&... h) { (install(std::move(h)), ...); }, bundle.list);
        return *this;
    }
    /// Replaces the error handler (turns an Error into a response).
    App& on_error(ErrorHandler handler);

    // ---- dependencies --------------------------------------------------------------------------
    /// Registers how to make a `T` for handlers and hooks that ask for one (see dependencies.hpp):
    /// `app.provide<Db>(sweet::per_worker([] { return Db(); }))`.
    template <class T, class F>
    App& provide(ProviderSpec<F> spec) {
        registry_.add(di::key_of<T>(), di::make_provider<T>(std::move(spec)));
        return *this;
    }

    // ---- documentation -------------------------------------------------------------------------
    /// The OpenAPI 3.1 document of every route (what /openapi.json serves).
    [[nodiscard]] std::string openapi_json();

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

    /// http::RequestHandler: the lifecycle (see the file comment).
    Response handle(Request& request) override;
    /// http::RequestHandler: true when any after_response hook exists.
    [[nodiscard]] bool wants_after_response() const noexcept override { return wants_after_response_; }
    /// http::RequestHandler: true when a route takes its body as it arrives (`sweet::Upload`).
    [[nodiscard]] bool streams_bodies() const noexcept override { return streams_bodies_; }
    /// http::RequestHandler: the body sink of the route `request` goes to, if it streams its body.
    std::unique_ptr<http::BodySink> stream_body(Request& request) override;
    /// http::RequestHandler: runs the after_response hooks, inside-out.
    void after_response(Request& request, const Response& response, const ResponseInfo& info) override;

    /// Registers a typed route with group hooks `group_hooks` and providers from `registry`
    /// (what `route` and groups use).
    template <http::Method Method, routing::FixedString Pattern, class GroupHooks, class F, class... Extras>
    App& add_typed_route(const GroupHooks& group_hooks, di::Registry& registry, F&& handler, Extras&&... extras) {
        using Fn = std::decay_t<F>;
        static_cast<void>(&routing::check_route_handler<Pattern, Fn, true>);  // instantiated for its diagnostics
        if constexpr (routing::handler_fits_route_v<Pattern, Fn, true>) {
            static_assert(((is_hooks_v<std::decay_t<Extras>> || std::is_same_v<std::decay_t<Extras>, RouteOptions> ||
                            is_responds_v<std::decay_t<Extras>>) && ...),
                          "after the handler, a route takes sweet::RouteOptions{...}, sweet::hooks(...) and sweet::responds<T>(status)");
            RouteOptions options;
            std::vector<UniqueFunction<void(OperationDoc&, schema::Components&)>> docs;
            (take_extra(options, docs, extras), ...);
            auto all_hooks = group_hooks + (NoHooks{} + ... + as_hooks(extras));
            auto endpoint = make_endpoint<Pattern>(Fn(std::forward<F>(handler)), std::move(all_hooks), std::move(options));
            endpoint->registry = &registry;
            endpoint->docs = std::move(docs);
            add_endpoint(Method, Pattern.view(), std::move(endpoint));
        }
        return *this;
    }
    /// A new providers registry that falls back to `parent` (for a group), owned by the app.
    di::Registry& new_registry(const di::Registry& parent) { return registries_.emplace_back(&parent); }
    /// The app's own providers.
    [[nodiscard]] di::Registry& registry() noexcept { return registry_; }

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

    template <routing::FixedString Pattern, class Fn, class... H>
    static std::unique_ptr<Endpoint> make_endpoint(Fn fn, Hooks<H...> hooks, RouteOptions options) {
        return std::make_unique<detail::RouteEndpoint<Pattern, Fn, H...>>(std::move(fn), std::move(hooks), std::move(options));
    }
    template <class E>
    static auto as_hooks(const E& extra) {
        if constexpr (is_hooks_v<E>) {
            return extra;
        } else {
            return NoHooks{};
        }
    }
    template <class E>
    static void take_extra(RouteOptions& options, std::vector<UniqueFunction<void(OperationDoc&, schema::Components&)>>& docs, E& extra) {
        using T = std::decay_t<E>;
        if constexpr (std::is_same_v<T, RouteOptions>) {
            options = extra;
        } else if constexpr (is_responds_v<T>) {
            docs.emplace_back([status = extra.status, description = extra.description](OperationDoc& doc, schema::Components& c) {
                ResponseDoc r{status, description, {}, "application/json"};
                json::Writer w(r.schema_json);
                schema::write_json_schema<typename T::type>(w, c);
                doc.options.responses.push_back(std::move(r));
            });
        }
    }
    template <class H>
    void install(H hook);

    void add_endpoint(http::Method method, std::string_view pattern, std::unique_ptr<Endpoint> endpoint);
    void add_bound_route(http::Method method, std::string_view pattern, Handler handler);
    Response render_error(Request& req, const Error& error) override;
    Response render_error_for(Request& req, const Error& error, Endpoint* endpoint);
    Response run_chain(Request& req, Endpoint*& matched);
    void finish_response(Request& req, Response& res, Endpoint* endpoint);
    void add_builtin_routes();
    Response answer_unmatched(Request& req, const routing::MatchResult& m);
    static std::string allow_header(http::MethodSet methods);

    ServerConfig config_;
    routing::Router router_;
    std::vector<std::unique_ptr<Endpoint>> endpoints_;
    std::vector<std::unique_ptr<TableBase>> tables_;
    std::vector<std::pair<http::Method, std::string>> routes_;  // for overlap checks and docs
    detail::AppHooks hooks_;
    std::vector<UniqueFunction<std::string(const di::Registry&)>> hook_binders_;  // app-wide hooks' dependencies
    di::Registry registry_;
    std::deque<di::Registry> registries_;  // groups' (stable addresses)
    ErrorHandler error_handler_;
    bool wants_after_response_ = false;
    bool streams_bodies_ = false;  // a route takes a sweet::Upload
    bool builtin_routes_added_ = false;
    bool access_log_installed_ = false;
    std::string openapi_cache_;
    std::once_flag openapi_once_;
    std::string setup_error_;
    http::MethodSet all_methods_;
    std::atomic<bool> stop_requested_{false};
    std::atomic<std::uint16_t> bound_port_{0};
};

template <class H>
void App::install(H hook) {
    auto bound = std::make_shared<detail::BoundHook<H>>(detail::BoundHook<H>{std::move(hook), {}});
    hook_binders_.emplace_back([bound](const di::Registry& r) { return bound->bind(r, "an app-wide hook"); });
    if constexpr (H::phase == HookPhase::on_request || H::phase == HookPhase::pre_validation || H::phase == HookPhase::pre_handler) {
        detail::RequestHook fn = [bound](Request& req) { return detail::call_request_hook(*bound, req); };
        if constexpr (H::phase == HookPhase::on_request) hooks_.on_request.push_back(std::move(fn));
        if constexpr (H::phase == HookPhase::pre_validation) hooks_.pre_validation.push_back(std::move(fn));
        if constexpr (H::phase == HookPhase::pre_handler) hooks_.pre_handler.push_back(std::move(fn));
    } else if constexpr (H::phase == HookPhase::on_response) {
        hooks_.on_response.push_back([bound](Request& req, Response& res) -> Result<void> {
            if constexpr (std::is_void_v<decltype((*bound)(req, res))>) {
                (*bound)(req, res);
                return {};
            } else {
                return (*bound)(req, res);
            }
        });
    } else if constexpr (H::phase == HookPhase::after_response) {
        hooks_.after_response.push_back([bound](Request& req, const Response& res, const ResponseInfo& info) { (*bound)(req, res, info); });
    } else {
        error_handler_ = [bound](Request& req, const Error& e) { return (*bound)(req, e); };
    }
}

}  // namespace sweet

#include "sweet/app/group.hpp"
