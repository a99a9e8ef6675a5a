// The server bench/run-peers.sh measures; its routes are in bench/micro/bench_routes.hpp:
//   GET /plaintext, GET /json (what every peer serves), POST /validated/{id:int} (Body<Order> ->
//   OrderReceipt), GET /hooks0 (a typed route without hooks).
//
//   sweet_bench_server --port 8080 --workers 1 [--backend io_uring|epoll] [--hooks-group 0|1] [--app-hooks N]
//                      [--static DIR]
//
// --static DIR serves DIR's files at GET /static/... (static_files' defaults: sendfile from 64 KiB)
// and at GET /static-mem/... (always read into memory), for the file scenarios.
//
// --hooks-group 1 adds GET /hooks5: the /hooks0 handler in a group with five no-op hooks, one per
// phase (compile time). --app-hooks N (0-5) installs N no-op app-wide hooks (run time,
// type-erased), the first N of on_request, pre_validation, pre_handler, on_response and
// after_response; with 5, GET /hooks0 measures what five app-wide hooks cost. Neither is on by
// default: with an after_response hook anywhere, the server times every request (see
// bench_routes.hpp), and the other routes should not pay for that.
#include <sweet/sweet.hpp>

#include <cstdlib>
#include <string_view>

#include "../../tests/support/cli.hpp"
#include "../micro/bench_routes.hpp"

namespace {

/// Reads a number from 0 to `max` given to `flag`; exits with a message otherwise.
unsigned small_number(std::string_view flag, const char* text, unsigned max) {
    char* end = nullptr;
    const unsigned long n = std::strtoul(text, &end, 10);
    if (*text < '0' || *text > '9' || *end != '\0' || n > max) {
        fmt::print(stderr, "{} takes a number from 0 to {}, not '{}'\n", flag, max, text);
        std::exit(2);
    }
    return static_cast<unsigned>(n);
}

/// Takes `--hooks-group`, `--app-hooks` and `--static` out of the command line (the rest is left for
/// parse_cli).
sweet_bench::BenchExtras take_extras_flags(int& argc, char** argv) {
    sweet_bench::BenchExtras extras;
    int kept = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag != "--hooks-group" && flag != "--app-hooks" && flag != "--static") {
            argv[kept++] = argv[i];
            continue;
        }
        const char* value = i + 1 < argc ? argv[i + 1] : "";
        if (flag == "--static") {
            extras.static_root = value;
        } else if (flag == "--hooks-group") {
            extras.hooks_group = small_number(flag, value, 1) == 1;
        } else {
            extras.app_hooks = small_number(flag, value, sweet_bench::kMaxAppHooks);
        }
        ++i;
    }
    argc = kept;
    return extras;
}

}  // namespace

int main(int argc, char** argv) {
    const sweet_bench::BenchExtras extras = take_extras_flags(argc, argv);
    sweet::App app{sweet_support::parse_cli(
        argc, argv, sweet_bench::bench_config(sweet::ServerConfig{.host = "127.0.0.1", .port = 8080, .workers = 1}))};
    sweet_bench::add_bench_routes(app, extras);
    return app.run();
}
