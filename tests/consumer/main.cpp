// A downstream program: includes Sweet's umbrella header, builds an application with one route
// and exits without serving. Compiling, linking and running it proves the package is usable.
#include <sweet/sweet.hpp>

int main() {
    sweet::App app{sweet::ServerConfig{.host = "127.0.0.1", .port = 8000, .workers = 1}};
    app.get<"/">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        return sweet::Response::text("hello from a downstream project\n");
    });
    return 0;
}
