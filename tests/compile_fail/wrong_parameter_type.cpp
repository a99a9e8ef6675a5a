// A handler parameter whose type does not fit the route parameter: {id:int} needs an integer,
// the handler takes a string. Must not compile, and must say so in a sentence naming the route.
// expect-error: route parameter {name:int} needs an integer handler parameter (std::int64_t, int, long, short, ...)
// expect-error: /users/{id:int}
// expect-error-count: 1

#include <string>
#include <string_view>

#include "sweet/routing/handler_binding.hpp"

int main() {
    auto handler = sweet::routing::bind_handler<"/users/{id:int}">(
        [](sweet::Request&, std::string_view id) { return sweet::Response::text(std::string(id)); });
    return handler ? 0 : 1;
}
