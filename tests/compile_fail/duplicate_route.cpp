// Two routes of one table with the same method and equivalent patterns (parameters at the same
// position cannot be told apart, whatever their names and types).
// expect-error: two routes in the table have the same method and the same path pattern
// expect-error-count: 1

#include <string_view>

#include "sweet/routing/route_table.hpp"

int main() {
    constexpr auto table = sweet::routing::routes(
        sweet::routing::get<"/users/{id:int}">([](sweet::Request&, long) { return sweet::Response(200); }),
        sweet::routing::post<"/users/{id:int}">([](sweet::Request&, long) { return sweet::Response(201); }),
        sweet::routing::get<"/users/{name}">([](sweet::Request&, std::string_view) { return sweet::Response(200); }));
    return static_cast<int>(table.size());
}
