// Routing: the runtime Router and the compile-time RouteTable share one trie and one matcher, so
// every behaviour below runs against both, built from the same route list (the runtime router is
// filled from the table's for_each_route, so route ids are table positions). A randomized test
// then compares both with a naive reference matcher written from the documented rules.
//
// Documented behaviours tested here:
//   - precedence: static segment > parameter > catch-all, with backtracking;
//   - parameter types do not take part in matching ("/users/abc" matches {id:int}; the handler
//     answers 422);
//   - a trailing slash is significant: "/users" and "/users/" are different paths;
//   - the method takes part in backtracking: a lower-precedence pattern with a route for the
//     method wins over a higher-precedence one without;
//   - 405 lists every method of every pattern that matches the path, plus HEAD (with GET) and
//     OPTIONS; HEAD uses the GET route when there is no HEAD route;
//   - parameter values are views into the (already percent-decoded) path given to match.

#include <catch2/catch.hpp>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/core/arena.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/request_head.hpp"
#include "sweet/http/response.hpp"
#include "sweet/net/reactor.hpp"
#include "sweet/routing/route_table.hpp"
#include "sweet/routing/router.hpp"

using sweet::Request;
using sweet::Response;
using sweet::Result;
using sweet::http::Method;
using sweet::http::MethodSet;
using sweet::routing::kMaxParams;
using sweet::routing::MatchResult;
using sweet::routing::Router;
using sweet::routing::RouteId;
namespace routing = sweet::routing;

namespace {

constexpr auto h0 = [](Request&) { return Response(200); };
constexpr auto h1 = [](Request&, std::string_view) { return Response(200); };
constexpr auto h2 = [](Request&, std::string_view, std::string_view) { return Response(200); };
constexpr auto h3 = [](Request&, std::string_view, std::string_view, std::string_view) { return Response(200); };

// The shared route list. Comments give the RouteId (the position).
constexpr auto kTable = routing::routes(
    routing::get<"/users/me">([](Request&) { return Response::text("me"); }),                          // 0
    routing::get<"/users/{id:int}">([](Request&, std::int64_t id) {                                       // 1
        return Response::text("user " + std::to_string(id));
    }),
    routing::get<"/users/{id}/posts/{post}">([](Request&, std::string_view id, std::string_view post) {   // 2
        return Response::text(std::string(id) + "/" + std::string(post));
    }),
    routing::get<"/files/{path...}">(h1),                                                                 // 3
    routing::post<"/users">([](Request&) -> Result<Response> { return Response(201); }),                  // 4
    routing::get<"/a/b/x">(h0),                                                                           // 5
    routing::get<"/{x}/b/c">(h1),                                                                         // 6
    routing::del<"/users/{id:int}">([](Request&, int) { return Response(204); }),                         // 7
    routing::get<"/users/">(h0),                                                                          // 8
    routing::get<"/">(h0),                                                                                // 9
    routing::put<"/users/me">(h0),                                                                        // 10
    routing::options<"/opt">(h0),                                                                         // 11
    routing::head<"/explicit-head">(h0),                                                                  // 12
    routing::get<"/explicit-head">(h0),                                                                   // 13
    routing::get<"/static/{name:path}">(h1),                                                              // 14
    routing::get<"/users/{id}/settings">(h1),                                                             // 15
    routing::get<"/mix/{a}/x/{b}/y/{c}">(h3),                                                             // 16
    routing::patch<"/users/{id:int}/posts/{post:uint}">([](Request&, long, unsigned long) {               // 17
        return Response(200);
    }),
    routing::get<"/{x}/{y}">(h2),                                                                         // 18
    routing::get<"/user">(h0),                                                                            // 19
    routing::get<"/usersX/{a}">(h1));                                                                     // 20

using Table = std::remove_cvref_t<decltype(kTable)>;

// ---- compile time: the table's trie exists in constant evaluation -----------------------------
constexpr bool table_matches(Method m, std::string_view path, RouteId expected, std::string_view first_param) {
    std::string_view params[kMaxParams];
    const MatchResult r = kTable.match(m, path, params);
    return r.kind == MatchResult::Kind::found && r.route == expected &&
           (r.param_count == 0 || params[0] == first_param);
}
static_assert(table_matches(Method::get, "/users/me", 0, ""));
static_assert(table_matches(Method::get, "/users/42", 1, "42"));
static_assert(table_matches(Method::get, "/users/me/posts/9", 2, "me"));
static_assert(table_matches(Method::get, "/a/b/c", 6, "a"));
static_assert(table_matches(Method::head, "/users/42", 1, "42"));
static_assert([] {
    std::string_view params[kMaxParams];
    return Table::match_path(Method::get, "/nowhere", params).kind == MatchResult::Kind::not_found;
}());
static_assert(Table::size() == 21);
static_assert(Table::overlaps(Method::get, "/users/{name}"));
static_assert(!Table::overlaps(Method::post, "/users/{name}"));

Router router_from_table() {
    Router router;
    RouteId id = 0;
    kTable.for_each_route([&](Method m, std::string_view pattern) {
        auto added = router.add(m, pattern, id++);
        REQUIRE(added.ok());
    });
    return router;
}

/// One match, with its parameters copied out.
struct Outcome {
    MatchResult result;
    std::vector<std::string_view> params;
};

/// Runs the same match through both routers and checks that they agree, then returns it.
Outcome match_both(const Router& router, Method m, std::string_view path) {
    std::string_view rt[kMaxParams];
    std::string_view ct[kMaxParams];
    const MatchResult a = router.match(m, path, rt);
    const MatchResult b = kTable.match(m, path, ct);
    INFO("path " << path << " method " << sweet::http::method_name(m));
    REQUIRE(a.kind == b.kind);
    CHECK(a.allowed.bits() == b.allowed.bits());
    Outcome out{a, {}};
    if (a.kind == MatchResult::Kind::found) {
        REQUIRE(a.route == b.route);
        REQUIRE(a.param_count == b.param_count);
        CHECK(a.pattern == b.pattern);
        REQUIRE(a.param_names.size() == b.param_names.size());
        for (std::size_t i = 0; i < a.param_count; ++i) {
            CHECK(rt[i] == ct[i]);
            CHECK(a.param_names[i] == b.param_names[i]);
            out.params.push_back(rt[i]);
        }
    }
    return out;
}

MethodSet methods(std::initializer_list<Method> list) {
    MethodSet s;
    for (Method m : list) s.add(m);
    return s;
}

std::string allow_text(MethodSet s) {
    std::string out;
    for (int i = 0; i < sweet::http::kMethodCount; ++i) {
        if (s.contains(static_cast<Method>(i))) out += std::string(sweet::http::method_name(static_cast<Method>(i))) + " ";
    }
    return out;
}

void require_found(const Router& router, Method m, std::string_view path, RouteId id,
                   std::vector<std::string_view> params = {}) {
    const Outcome o = match_both(router, m, path);
    INFO("path " << path);
    REQUIRE(o.result.kind == MatchResult::Kind::found);
    CHECK(o.result.route == id);
    CHECK(o.params == params);
}

void require_not_found(const Router& router, Method m, std::string_view path) {
    INFO("path " << path);
    CHECK(match_both(router, m, path).result.kind == MatchResult::Kind::not_found);
}

}  // namespace

TEST_CASE("routing: both routers build the same trie", "[routing][router]") {
    const Router router = router_from_table();
    CHECK(router.size() == Table::size());
    CHECK(router.node_count() == Table::node_count());
}

TEST_CASE("routing: static segments win over parameters, parameters over catch-alls", "[routing][router]") {
    const Router router = router_from_table();
    require_found(router, Method::get, "/users/me", 0);
    require_found(router, Method::get, "/users/42", 1, {"42"});
    require_found(router, Method::get, "/a/b/x", 5);
    require_found(router, Method::get, "/user", 19);
    require_found(router, Method::get, "/usersX/1", 20, {"1"});
    require_found(router, Method::get, "/files/x", 3, {"x"});

    const Outcome o = match_both(router, Method::get, "/users/42");
    CHECK(o.result.pattern == "/users/{id:int}");
    REQUIRE(o.result.param_names.size() == 1);
    CHECK(o.result.param_names[0] == "id");
}

TEST_CASE("routing: parameters", "[routing][router]") {
    const Router router = router_from_table();
    // Types do not take part in matching: the handler's conversion answers 422 instead.
    require_found(router, Method::get, "/users/abc", 1, {"abc"});
    require_found(router, Method::get, "/users/7/posts/9", 2, {"7", "9"});
    require_found(router, Method::get, "/users/7/settings", 15, {"7"});
    require_found(router, Method::get, "/mix/1/x/2/y/3", 16, {"1", "2", "3"});
    require_found(router, Method::patch, "/users/7/posts/9", 17, {"7", "9"});
    require_found(router, Method::get, "/foo/bar", 18, {"foo", "bar"});
    // A parameter never matches an empty segment.
    require_not_found(router, Method::get, "/mix/1/x//y/3");
    require_not_found(router, Method::get, "//b/c");
}

TEST_CASE("routing: catch-all", "[routing][router]") {
    const Router router = router_from_table();
    require_found(router, Method::get, "/files/a/b/c.txt", 3, {"a/b/c.txt"});
    require_found(router, Method::get, "/files/", 3, {""});
    require_found(router, Method::get, "/files//x/", 3, {"/x/"});
    require_found(router, Method::get, "/static/css/site.css", 14, {"css/site.css"});
    // "/files" has no segment for the catch-all; it is the two-segment route's business or nobody's.
    require_not_found(router, Method::get, "/files");
}

TEST_CASE("routing: backtracking", "[routing][router]") {
    const Router router = router_from_table();
    // The static "/a/b/x" branch has no "c": back up and take "/{x}/b/c".
    require_found(router, Method::get, "/a/b/c", 6, {"a"});
    // The static "/users/me" leaf has no "/posts/...": back up to "/users/{id}/posts/{post}".
    require_found(router, Method::get, "/users/me/posts/9", 2, {"me", "9"});
    // A static edge that matches a prefix of the segment only ("/user" vs "/users/..."): the
    // parameter route takes the whole segment.
    require_found(router, Method::get, "/userZ/b/c", 6, {"userZ"});
    // "/users/x" matches both "/users/{id:int}" and "/{x}/{y}": the static first segment wins.
    require_found(router, Method::get, "/users/x", 1, {"x"});
}

TEST_CASE("routing: 404", "[routing][router]") {
    const Router router = router_from_table();
    for (std::string_view path : {"/nope", "/users/1/2/3/4", "", "users", "*", "/mix/1/x/2/y", "/a/b/c/d", "/opt/x/y"}) {
        require_not_found(router, Method::get, path);
    }
}

TEST_CASE("routing: a trailing slash is a different path", "[routing][router]") {
    const Router router = router_from_table();
    require_found(router, Method::get, "/users/", 8);
    require_found(router, Method::get, "/", 9);
    require_not_found(router, Method::get, "/users/me/");
    require_not_found(router, Method::get, "/a/b/x/");
    // "/users" exists for POST only, so GET there is a 405, not the "/users/" route.
    CHECK(match_both(router, Method::get, "/users").result.kind == MatchResult::Kind::method_not_allowed);
}

TEST_CASE("routing: 405 and the allowed set", "[routing][router]") {
    const Router router = router_from_table();
    SECTION("the set lists every pattern matching the path") {
        // "/users/me" has GET and PUT; "/users/{id:int}" (which also matches) has GET and DELETE.
        const Outcome o = match_both(router, Method::post, "/users/me");
        REQUIRE(o.result.kind == MatchResult::Kind::method_not_allowed);
        CHECK(allow_text(o.result.allowed) ==
              allow_text(methods({Method::get, Method::head, Method::put, Method::del, Method::options})));
    }
    SECTION("GET-less paths get no HEAD") {
        const Outcome o = match_both(router, Method::get, "/users");
        REQUIRE(o.result.kind == MatchResult::Kind::method_not_allowed);
        CHECK(allow_text(o.result.allowed) == allow_text(methods({Method::post, Method::options})));
    }
    SECTION("the method takes part in backtracking") {
        // No DELETE on "/users/me", but "/users/{id:int}" has one: that route answers.
        require_found(router, Method::del, "/users/me", 7, {"me"});
    }
    SECTION("found routes report their own pattern's methods") {
        const Outcome o = match_both(router, Method::get, "/users/me");
        REQUIRE(o.result.kind == MatchResult::Kind::found);
        CHECK(allow_text(o.result.allowed) == allow_text(methods({Method::get, Method::head, Method::put, Method::options})));
    }
    SECTION("unknown methods") {
        CHECK(match_both(router, Method::other, "/users/me").result.kind == MatchResult::Kind::method_not_allowed);
        CHECK(match_both(router, Method::trace, "/nope").result.kind == MatchResult::Kind::not_found);
    }
}

TEST_CASE("routing: HEAD and OPTIONS", "[routing][router]") {
    const Router router = router_from_table();
    // HEAD without a HEAD route uses the GET route.
    require_found(router, Method::head, "/users/42", 1, {"42"});
    require_found(router, Method::head, "/files/a", 3, {"a"});
    // An explicit HEAD route wins over its GET.
    require_found(router, Method::head, "/explicit-head", 12);
    require_found(router, Method::get, "/explicit-head", 13);
    // HEAD where there is no GET: 405.
    CHECK(match_both(router, Method::head, "/users").result.kind == MatchResult::Kind::method_not_allowed);
    // OPTIONS without a route: 405 with the allowed set, which the app answers itself.
    const Outcome o = match_both(router, Method::options, "/users/42");
    REQUIRE(o.result.kind == MatchResult::Kind::method_not_allowed);
    CHECK(o.result.allowed.contains(Method::options));
    CHECK(o.result.allowed.contains(Method::get));
    CHECK(o.result.allowed.contains(Method::head));
    // An explicit OPTIONS route answers.
    require_found(router, Method::options, "/opt", 11);
    const Outcome opt = match_both(router, Method::get, "/opt");
    REQUIRE(opt.result.kind == MatchResult::Kind::method_not_allowed);
    CHECK(allow_text(opt.result.allowed) == allow_text(methods({Method::options})));
}

TEST_CASE("routing: parameter values are views into the decoded path", "[routing][router]") {
    const Router router = router_from_table();
    // What "/users/J%C3%BCrgen%20K/posts/a%3Fb" decodes to. The router never decodes.
    const std::string path = "/users/J\xC3\xBCrgen K/posts/a?b";
    std::string_view params[kMaxParams];
    const MatchResult r = router.match(Method::get, path, params);
    REQUIRE(r.kind == MatchResult::Kind::found);
    CHECK(r.route == 2);
    CHECK(params[0] == "J\xC3\xBCrgen K");
    CHECK(params[1] == "a?b");
    CHECK(params[0].data() == path.data() + 7);  // a view, not a copy
    // A decoded "%2F" is a '/' like any other: "/users/a%2Fb" arrives as "/users/a/b", which has
    // three segments and so matches no route here (not /users/{id:int}).
    require_not_found(router, Method::get, "/users/a/b");
}

TEST_CASE("routing: runtime conflicts and invalid patterns are errors", "[routing][router]") {
    Router router;
    REQUIRE(router.add(Method::get, "/users/{id}", 1).ok());
    REQUIRE(router.add(Method::post, "/users/{name:int}", 2).ok());  // other method: fine
    REQUIRE(router.add(Method::get, "/users/{id}/posts", 3).ok());   // longer: fine
    REQUIRE(router.add(Method::get, "/users/{rest...}", 4).ok());    // catch-all is a different position kind
    REQUIRE(router.add(Method::get, "/users/", 5).ok());             // trailing slash: a different path

    SECTION("same method, same pattern") {
        auto r = router.add(Method::get, "/users/{id}", 9);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("route conflict: GET \"/users/{id}\"") == 0);
    }
    SECTION("same method, parameters at the same position, other names and types") {
        auto r = router.add(Method::get, "/users/{name:int}", 9);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message ==
              "route conflict: GET \"/users/{name:int}\" cannot be told apart from GET \"/users/{id}\", which is "
              "already registered (parameters at the same position match the same paths, whatever their names or types)");
    }
    SECTION("both catch-all spellings") {
        CHECK_FALSE(router.add(Method::get, "/users/{other:path}", 9).ok());
    }
    SECTION("invalid patterns") {
        auto r = router.add(Method::get, "/users/{id", 9);
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().message.find("invalid route pattern \"/users/{id\" at offset 7") == 0);
        CHECK_FALSE(router.add(Method::get, "users", 9).ok());
    }
    SECTION("Method::other cannot be routed") {
        CHECK_FALSE(router.add(Method::other, "/x", 9).ok());
    }
    // After any failure, the router is unchanged.
    CHECK(router.size() == 5);
    std::string_view params[kMaxParams];
    CHECK(router.match(Method::get, "/users/7", params).route == 1);
    CHECK(router.match(Method::post, "/users/7", params).route == 2);
    CHECK(router.match(Method::get, "/users/7/posts", params).route == 3);
    CHECK(router.match(Method::get, "/users/7/x", params).route == 4);
    CHECK(router.match(Method::get, "/users/", params).route == 5);
}

TEST_CASE("routing: overlap checks", "[routing][router]") {
    const Router router = router_from_table();
    CHECK(router.overlaps(Method::get, "/users/{name}"));        // same shape as /users/{id:int}
    CHECK(router.overlaps(Method::get, "/users/you"));           // /users/{id:int} and /{x}/{y}
    CHECK(router.overlaps(Method::get, "/files/readme"));        // the catch-all
    CHECK(router.overlaps(Method::get, "/{anything...}"));       // everything
    CHECK(router.overlaps(Method::options, "/{p}"));             // /opt
    CHECK_FALSE(router.overlaps(Method::post, "/users/{name}"));  // POST has only /users
    CHECK_FALSE(router.overlaps(Method::get, "/brand/new/path/here/x"));
    CHECK_FALSE(router.overlaps(Method::get, "/users/{id"));     // invalid: false
    // The compile-time table answers the same.
    kTable.for_each_route([&](Method m, std::string_view pattern) {
        CHECK(router.overlaps(m, pattern));
        CHECK(Table::overlaps(m, pattern));
    });
    CHECK(Table::overlaps(Method::get, "/users/you"));
    CHECK_FALSE(Table::overlaps(Method::get, "/brand/new/path/here/x"));
}

TEST_CASE("routing: many routes", "[routing][router]") {
    Router router;
    constexpr int kCount = 400;
    std::vector<std::string> patterns;
    for (int i = 0; i < kCount; ++i) {
        patterns.push_back("/svc" + std::to_string(i) + "/items/{id}");
        patterns.push_back("/svc" + std::to_string(i) + "/items/{id}/tags/{tag:int}");
        patterns.push_back("/static/" + std::to_string(i));
    }
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        REQUIRE(router.add(Method::get, patterns[i], static_cast<RouteId>(i)).ok());
    }
    std::string_view params[kMaxParams];
    for (int i = 0; i < kCount; ++i) {
        const std::string a = "/svc" + std::to_string(i) + "/items/x" + std::to_string(i);
        MatchResult r = router.match(Method::get, a, params);
        REQUIRE(r.kind == MatchResult::Kind::found);
        CHECK(r.route == static_cast<RouteId>(3 * i));
        CHECK(params[0] == "x" + std::to_string(i));

        const std::string b = a + "/tags/" + std::to_string(i);
        r = router.match(Method::get, b, params);
        REQUIRE(r.kind == MatchResult::Kind::found);
        CHECK(r.route == static_cast<RouteId>(3 * i + 1));
        CHECK(params[1] == std::to_string(i));

        r = router.match(Method::get, "/static/" + std::to_string(i), params);
        CHECK(r.route == static_cast<RouteId>(3 * i + 2));
    }
    CHECK(router.match(Method::get, "/svc400/items/1", params).kind == MatchResult::Kind::not_found);
    CHECK(router.match(Method::get, "/static/400", params).kind == MatchResult::Kind::not_found);
    CHECK(router.match(Method::get, "/static/", params).kind == MatchResult::Kind::not_found);
}

// ---- randomized comparison with a naive reference ---------------------------------------------

namespace {

struct RefRoute {
    Method method;
    std::vector<std::string_view> segments;  // pattern segments
};

std::vector<std::string_view> split_segments(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t pos = 1;
    for (;;) {
        const std::size_t end = s.find('/', pos);
        out.push_back(s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos));
        if (end == std::string_view::npos) return out;
        pos = end + 1;
    }
}

/// The documented rules, matched per route: rank is the per-segment kind (static 0, parameter 1,
/// catch-all 2); the match with the smallest rank sequence wins.
bool ref_match(const RefRoute& r, std::string_view path, std::vector<int>& rank, std::vector<std::string_view>& params) {
    if (path.empty() || path[0] != '/') return false;
    const std::vector<std::string_view> segs = split_segments(path);
    rank.clear();
    params.clear();
    for (std::size_t i = 0; i < r.segments.size(); ++i) {
        const std::string_view p = r.segments[i];
        if (i >= segs.size()) return false;
        if (p.starts_with('{') && (p.ends_with("...}") || p.ends_with(":path}"))) {
            rank.push_back(2);
            params.push_back(path.substr(static_cast<std::size_t>(segs[i].data() - path.data())));
            return true;
        }
        if (p.starts_with('{')) {
            if (segs[i].empty()) return false;
            rank.push_back(1);
            params.push_back(segs[i]);
        } else {
            if (p != segs[i]) return false;
            rank.push_back(0);
        }
    }
    return r.segments.size() == segs.size();
}

}  // namespace

TEST_CASE("routing: randomized comparison with a reference matcher", "[routing][router]") {
    const Router router = router_from_table();
    std::vector<RefRoute> refs;
    kTable.for_each_route([&](Method m, std::string_view pattern) { refs.push_back({m, split_segments(pattern)}); });

    const std::string_view pool[] = {"users", "me", "42", "x", "", "a", "b", "c", "files", "static", "mix",
                                     "y", "posts", "settings", "opt", "explicit-head", "user", "usersX"};
    const Method method_pool[] = {Method::get, Method::head, Method::post, Method::put, Method::del,
                                  Method::patch, Method::options};
    std::mt19937 rng(12345);
    for (int iteration = 0; iteration < 20000; ++iteration) {
        std::string path;
        const int depth = 1 + static_cast<int>(rng() % 7);
        for (int i = 0; i < depth; ++i) path += "/" + std::string(pool[rng() % std::size(pool)]);
        const Method m = method_pool[rng() % std::size(method_pool)];

        // Reference: the best-ranked route that accepts the method (HEAD: a HEAD route, else GET
        // at the same pattern), and the union of methods of all matching routes.
        int best = -1;
        std::vector<int> best_rank;
        std::vector<std::string_view> best_params;
        bool best_is_exact = false;
        MethodSet all;
        std::vector<int> rank;
        std::vector<std::string_view> params;
        for (std::size_t i = 0; i < refs.size(); ++i) {
            if (!ref_match(refs[i], path, rank, params)) continue;
            all.add(refs[i].method);
            const bool exact = refs[i].method == m;
            const bool fallback = m == Method::head && refs[i].method == Method::get;
            if (!exact && !fallback) continue;
            if (best < 0 || rank < best_rank || (rank == best_rank && exact && !best_is_exact)) {
                best = static_cast<int>(i);
                best_rank = rank;
                best_params = params;
                best_is_exact = exact;
            }
        }
        const Outcome o = match_both(router, m, path);
        INFO("path " << path << " method " << sweet::http::method_name(m));
        if (best >= 0) {
            REQUIRE(o.result.kind == MatchResult::Kind::found);
            CHECK(o.result.route == static_cast<RouteId>(best));
            CHECK(o.params == best_params);
        } else if (!all.empty()) {
            REQUIRE(o.result.kind == MatchResult::Kind::method_not_allowed);
            if (all.contains(Method::get)) all.add(Method::head);
            all.add(Method::options);
            CHECK(allow_text(o.result.allowed) == allow_text(all));
        } else {
            CHECK(o.result.kind == MatchResult::Kind::not_found);
        }
    }
}

// ---- the compile-time table: dispatch ---------------------------------------------------------

namespace {

/// A Request needs a head, an arena and a reactor; the handlers under test use none of them.
struct RequestFixture {
    sweet::http::RequestHead head;
    sweet::Arena arena;
    std::unique_ptr<sweet::net::Reactor> reactor = sweet::net::Reactor::create(sweet::net::Backend::epoll);
    Request req{head, {}, arena, *reactor};
    std::string_view params[kMaxParams];

    /// Routes `path` through `table` like the app does, then dispatches.
    template <class T>
    Result<Response> serve(T& table, Method m, std::string_view path) {
        head.method = m;
        const MatchResult r = table.match(m, path, params);
        REQUIRE(r.kind == MatchResult::Kind::found);
        req.set_route(r.pattern, r.param_names, {params, r.param_count});
        return table.dispatch(r.route, req);
    }
};

}  // namespace

TEST_CASE("route table: dispatch calls the right handler with converted parameters", "[routing][table]") {
    RequestFixture f;
    auto table = kTable;  // dispatch may mutate handlers, so it needs a non-const table
    Result<Response> me = f.serve(table, Method::get, "/users/me");
    REQUIRE(me.ok());
    CHECK(me.value().body() == "me");
    CHECK(f.req.route_pattern() == "/users/me");

    Result<Response> user = f.serve(table, Method::get, "/users/-12");
    REQUIRE(user.ok());
    CHECK(user.value().body() == "user -12");
    CHECK(f.req.param("id") == "-12");

    Result<Response> bad = f.serve(table, Method::get, "/users/abc");
    REQUIRE(bad.ok());
    CHECK(bad.value().status() == 422);

    Result<Response> post = f.serve(table, Method::get, "/users/x/posts/y");
    REQUIRE(post.ok());
    CHECK(post.value().body() == "x/y");

    CHECK(f.serve(table, Method::post, "/users").value().status() == 201);
    CHECK(f.serve(table, Method::del, "/users/5").value().status() == 204);

    Result<Response> out_of_table = table.dispatch(999, f.req);
    CHECK_FALSE(out_of_table.ok());
}

TEST_CASE("route table: capturing and mutable handlers", "[routing][table]") {
    int hits = 0;
    auto counter = std::make_shared<int>(0);
    auto table = routing::routes(
        routing::get<"/hit">([&hits](Request&) {
            ++hits;
            return Response(200);
        }),
        routing::get<"/count/{n:uint}">([counter](Request&, std::uint64_t n) mutable {
            *counter += static_cast<int>(n);
            return Response::text(std::to_string(*counter));
        }),
        routing::route<Method::put, "/put">([](const Request&) -> Result<Response> {
            return sweet::Error::client(409, "taken");
        }));
    RequestFixture f;
    CHECK(f.serve(table, Method::get, "/hit").value().status() == 200);
    CHECK(f.serve(table, Method::head, "/hit").value().status() == 200);
    CHECK(hits == 2);
    CHECK(f.serve(table, Method::get, "/count/5").value().body() == "5");
    CHECK(f.serve(table, Method::get, "/count/6").value().body() == "11");
    Result<Response> err = f.serve(table, Method::put, "/put");
    REQUIRE_FALSE(err.ok());
    CHECK(err.error().status == 409);

    std::vector<std::string> listed;
    table.for_each_route([&](Method m, std::string_view p) {
        listed.push_back(std::string(sweet::http::method_name(m)) + " " + std::string(p));
    });
    CHECK(listed == std::vector<std::string>{"GET /hit", "GET /count/{n:uint}", "PUT /put"});
}

TEST_CASE("route table: a function pointer handler and a one-route table", "[routing][table]") {
    static constexpr Response (*fn)(Request&, bool) = [](Request&, bool flag) { return Response::text(flag ? "yes" : "no"); };
    constexpr auto table = routing::routes(routing::get<"/flag/{on:bool}">(fn));
    static_assert(decltype(table)::node_count() >= 2);
    auto mutable_table = table;
    RequestFixture f;
    CHECK(f.serve(mutable_table, Method::get, "/flag/true").value().body() == "yes");
    CHECK(f.serve(mutable_table, Method::get, "/flag/0").value().body() == "no");
}
