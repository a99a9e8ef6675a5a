// The server bench/run-peers.sh measures; its routes are in bench/micro/bench_routes.hpp:
//   GET /plaintext, GET /json (what every peer serves), POST /validated/{id:int} (Body<Order> ->
//   OrderReceipt), GET /hooks0 (no hooks) and GET /hooks5 (a group with five no-op hooks).
//
//   sweet_bench_server --port 8080 --workers 1 [--backend io_uring|epoll] [--app-hooks N]
//
// --app-hooks N (0-5) also installs N no-op app-wide hooks (run time, type-erased), the first N of
// on_request, pre_validation, pre_handler, on_response, after_response: with 5, GET /hooks0
// measures what five app-wide hooks cost, to set against the group's compile-time ones.
#include <sweet/sweet.hpp>

#include <cstdlib>
#include <string_view>

#include "../../tests/support/cli.hpp"
#include "../micro/bench_routes.hpp"

namespace {

/// Takes `--app-hooks N` out of the command line (the rest is left for parse_cli); exits with a
/// message when N is missing or not a number from 0 to kMaxAppHooks.
unsigned take_app_hooks_flag(int& argc, char** argv) {
    unsigned count = 0;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::string_view(argv[i]) != "--app-hooks") {
            argv[kept++] = argv[i];
            continue;
        }
        const char* text = i + 1 < argc ? argv[i + 1] : "";
        char* end = nullptr;
        const unsigned long n = std::strtoul(text, &end, 10);
        if (*text < '0' || *text > '9' || *end != '\0' || n > sweet_bench::kMaxAppHooks) {
            fmt::print(stderr, "--app-hooks takes a number from 0 to {}, not '{}'\n", sweet_bench::kMaxAppHooks, text);
            std::exit(2);
        }
        count = static_cast<unsigned>(n);
        ++i;
    }
    argc = kept;
    return count;
}

}  // namespace

int main(int argc, char** argv) {
    const unsigned app_hooks = take_app_hooks_flag(argc, argv);
    sweet::App app{sweet_support::parse_cli(
        argc, argv, sweet_bench::bench_config(sweet::ServerConfig{.host = "127.0.0.1", .port = 8080, .workers = 1}))};
    sweet_bench::add_bench_routes(app, app_hooks);
    return app.run();
}
