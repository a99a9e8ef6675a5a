// A handler that forgets the Request& parameter.
// expect-error: the first handler parameter must be sweet::Request&
// expect-error: /items/{id:int}
// expect-error-count: 1

#include "sweet/routing/handler_binding.hpp"

int main() {
    auto handler = sweet::routing::bind_handler<"/items/{id:int}">([](long id) { return sweet::Response(static_cast<int>(id)); });
    return handler ? 0 : 1;
}
