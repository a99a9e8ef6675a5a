// A route pattern with an unclosed brace, in a compile-time table.
// expect-error: a '{' in the route pattern is not closed by '}' before the segment ends
// expect-error: /users/{id
// expect-error-count: 1

#include "sweet/routing/route_table.hpp"

int main() {
    auto table = sweet::routing::routes(
        sweet::routing::get<"/users/{id">([](sweet::Request&) { return sweet::Response(200); }));
    return static_cast<int>(table.size());
}
