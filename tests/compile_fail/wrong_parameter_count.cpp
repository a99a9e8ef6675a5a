// A handler with fewer path parameters than its route pattern declares.
// expect-error: the handler takes fewer path parameters than the route pattern declares
// expect-error: /users/{id:int}/posts/{post:int}
// expect-error-count: 1

#include "sweet/routing/handler_binding.hpp"

int main() {
    auto handler = sweet::routing::bind_handler<"/users/{id:int}/posts/{post:int}">(
        [](sweet::Request&, long id) { return sweet::Response(200 + static_cast<int>(id)); });
    return handler ? 0 : 1;
}
