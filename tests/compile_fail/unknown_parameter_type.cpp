// A route parameter type that does not exist ("integer" instead of "int").
// expect-error: the route pattern uses an unknown parameter type; the types are str, int, uint, float, uuid, bool and path
// expect-error: /users/{id:integer}
// expect-error-count: 1

#include "sweet/routing/route_table.hpp"

int main() {
    auto table = sweet::routing::routes(
        sweet::routing::get<"/users/{id:integer}">([](sweet::Request&, long) { return sweet::Response(200); }));
    return static_cast<int>(table.size());
}
