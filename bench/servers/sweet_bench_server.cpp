// The server bench/run-peers.sh measures: the same two endpoints every peer serves.
//   sweet_bench_server --port 8080 --workers 1 [--backend io_uring|epoll]
#include <sweet/sweet.hpp>

#include "../../tests/support/cli.hpp"

int main(int argc, char** argv) {
    sweet::App app{sweet_support::parse_cli(argc, argv, sweet::ServerConfig{.host = "127.0.0.1", .port = 8080, .workers = 1})};
    // A compile-time route table: the trie is built by the compiler.
    app.mount(sweet::routes(
        sweet::routing::get<"/plaintext">([](sweet::Request&) { return sweet::Response::text("Hello, World!"); }),
        sweet::routing::get<"/json">([](sweet::Request&) { return sweet::Response::json_text(R"({"message":"Hello, World!"})"); })));
    return app.run();
}
