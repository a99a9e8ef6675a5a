// A handler parameter after the path parameters that the app cannot fill (a plain int is not a
// path parameter here, nor Body/Query/Headers, nor a dependency taken by reference).
// expect-error: after its path parameters, a handler takes only sweet::Body<T>, sweet::Query<T>, sweet::Headers<T> or dependencies by reference (T&)
// expect-error: /users/{id:int}
// expect-error-count: 1

#include <sweet/sweet.hpp>

int main() {
    sweet::App app;
    app.get<"/users/{id:int}">([](sweet::Request&, long id, int page) { return sweet::Response(200 + static_cast<int>(id + page)); });
    return 0;
}
