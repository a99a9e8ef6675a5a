// A handler that returns something other than a Response.
// expect-error: a handler must return sweet::Result<sweet::Response> or sweet::Response
// expect-error: /health
// expect-error-count: 1

#include <string>

#include "sweet/routing/route_table.hpp"

int main() {
    auto table = sweet::routing::routes(
        sweet::routing::get<"/health">([](sweet::Request&) { return std::string("ok"); }));
    return static_cast<int>(table.size());
}
