#pragma once
/// @file bench_routes.hpp
/// The routes of Sweet's benchmark server, shared by the server bench/run-peers.sh measures
/// (bench/servers/sweet_bench_server.cpp) and the in-process micro-benchmarks of the same routes
/// (bench/micro/app_handle_bench.cpp):
///
///     GET  /plaintext            "Hello, World!" (text/plain), as every peer serves it
///     GET  /json                 {"message":"Hello, World!"}, the plain JSON hello route
///     POST /validated/{id:int}   the validated route: Body<Order> -> OrderReceipt (bench_order.hpp)
///     GET  /hooks0               "Hello, World!" through a typed route without hooks
///     GET  /hooks5               the same inside a group with five no-op hooks, one per phase
///                                (only when asked for: `--hooks-group 1` of the server)
///
/// plus, when asked for, N no-op app-wide hooks (`--app-hooks N` of the server).
///
/// Why /hooks5 is optional: once any route has an after_response hook, the server reads the clock
/// before and after every request, on every route (ResponseInfo's duration), so its mere presence
/// would make the other routes, /hooks0 included, pay for it.

#include <sweet/sweet.hpp>

#include <cstdint>
#include <string>
#include <utility>

#include "bench_order.hpp"

namespace sweet_bench {

/// Keeps the compiler from deleting a hook that does nothing: an empty asm statement that claims
/// to read `p` and touch memory. It costs no instruction, but the hook's call stays in the route's
/// code, so the benchmarks measure the hook machinery rather than nothing.
inline void opaque_use(const void* p) { asm volatile("" : : "r"(p) : "memory"); }

/// Five no-op hooks, one for each phase a request goes through.
inline auto five_noop_hooks() {
    return sweet::hooks(sweet::on_request([](sweet::Request& req) { opaque_use(&req); }),
                        sweet::pre_validation([](sweet::Request& req) { opaque_use(&req); }),
                        sweet::pre_handler([](sweet::Request& req) { opaque_use(&req); }),
                        sweet::on_response([](sweet::Request&, sweet::Response& res) { opaque_use(&res); }),
                        sweet::after_response(
                            [](sweet::Request&, const sweet::Response& res, const sweet::ResponseInfo&) { opaque_use(&res); }));
}

/// The most app-wide no-op hooks `add_app_hooks` installs (one per phase).
inline constexpr unsigned kMaxAppHooks = 5;

/// Installs the first `count` (at most kMaxAppHooks) of on_request, pre_validation, pre_handler,
/// on_response and after_response as no-op app-wide hooks (stored type-erased, run time).
inline void add_app_hooks(sweet::App& app, unsigned count) {
    if (count >= 1) app.on_request([](sweet::Request& req) { opaque_use(&req); });
    if (count >= 2) app.pre_validation([](sweet::Request& req) { opaque_use(&req); });
    if (count >= 3) app.pre_handler([](sweet::Request& req) { opaque_use(&req); });
    if (count >= 4) app.on_response([](sweet::Request&, sweet::Response& res) { opaque_use(&res); });
    if (count >= 5) {
        app.after_response([](sweet::Request&, const sweet::Response& res, const sweet::ResponseInfo&) { opaque_use(&res); });
    }
}

/// What `add_bench_routes` adds besides the routes every benchmark server has.
struct BenchExtras {
    bool hooks_group = false;  ///< GET /hooks5, in a group with five no-op hooks
    unsigned app_hooks = 0;    ///< how many no-op app-wide hooks (at most kMaxAppHooks)
    std::string static_root{};  ///< "": no files; else GET /static/... (sendfile from 64 KiB) and /static-mem/... (always read into memory)
};

/// Registers the benchmark server's routes on `app`, and the `extras` asked for.
inline void add_bench_routes(sweet::App& app, BenchExtras extras) {
    // A compile-time route table: the trie is built by the compiler.
    app.mount(sweet::routes(
        sweet::routing::get<"/plaintext">([](sweet::Request&) { return sweet::Response::text("Hello, World!"); }),
        sweet::routing::get<"/json">([](sweet::Request&) { return sweet::Response::json_text(R"({"message":"Hello, World!"})"); })));

    app.post<"/validated/{id:int}">([](sweet::Request&, std::int64_t id, sweet::Body<Order> order) {
        return sweet::Response::json(receipt_for(id, std::move(*order)));
    });

    app.get<"/hooks0">([](sweet::Request&) { return sweet::Response::text("Hello, World!"); });
    if (extras.hooks_group) {
        app.group<"">(five_noop_hooks()).get<"/hooks5">([](sweet::Request&) { return sweet::Response::text("Hello, World!"); });
    }
    add_app_hooks(app, extras.app_hooks);
    if (!extras.static_root.empty()) {
        app.get<"/static/{path...}">(sweet::static_files(extras.static_root));
        app.get<"/static-mem/{path...}">(sweet::static_files(extras.static_root, {.sendfile_min_bytes = UINT64_MAX}));
    }
}

/// `config` without the OpenAPI document and the docs page: the benchmarks measure serving, not
/// documentation (the server's --openapi-path and --docs-path flags can still turn them on).
inline sweet::ServerConfig bench_config(sweet::ServerConfig config) {
    config.openapi_path.clear();
    config.docs_path.clear();
    return config;
}

}  // namespace sweet_bench
