// The positive control for app routes: path parameters, dependencies, groups and hooks compile.
// expect-success

#include <sweet/sweet.hpp>

struct Db {
    int value = 1;
};

int main() {
    sweet::App app;
    app.provide<Db>(sweet::per_worker([] { return Db{}; }));
    app.get<"/users/{id:int}">([](sweet::Request&, long id, Db& db) { return sweet::Response(200 + static_cast<int>(id) + db.value); });
    auto api = app.group<"/api">(sweet::hooks(sweet::on_request([](sweet::Request&) {})));
    api.get<"/x/{name}">([](sweet::Request&, std::string_view, const Db&) { return sweet::Response(200); },
                         sweet::RouteOptions{.summary = "x"}, sweet::hooks(sweet::pre_handler([](sweet::Request&, Db&) {})));
    return 0;
}
