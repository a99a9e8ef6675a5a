// The positive control: correct routes compile with the same command line as the compile-fail
// cases, so those fail because of their mistake, not because of the include path or the headers.
// expect-success

#include <cstdint>
#include <string>
#include <string_view>

#include "sweet/routing/handler_binding.hpp"
#include "sweet/routing/route_table.hpp"
#include "sweet/routing/router.hpp"

namespace {

constexpr auto table = sweet::routing::routes(
    sweet::routing::get<"/users/{id:int}">([](sweet::Request&, std::int64_t id) {
        return sweet::Response::text(std::to_string(id));
    }),
    sweet::routing::get<"/users/{id}/files/{path...}">(
        [](sweet::Request&, std::string_view, std::string_view) -> sweet::Result<sweet::Response> {
            return sweet::Response(200);
        }),
    sweet::routing::post<"/users/{id:int}">([](sweet::Request&, long) { return sweet::Response(201); }));

constexpr bool matches_at_compile_time() {
    std::string_view params[sweet::routing::kMaxParams];
    return table.match(sweet::http::Method::get, "/users/7", params).route == 0;
}
static_assert(matches_at_compile_time());

}  // namespace

int main() {
    auto handler = sweet::routing::bind_handler<"/items/{id:uint}/{flag:bool}">(
        [](sweet::Request&, unsigned id, bool flag) { return sweet::Response(flag ? static_cast<int>(id) : 0); });
    sweet::routing::Router router;
    return handler && router.add(sweet::http::Method::get, "/x", 1).ok() ? 0 : 1;
}
