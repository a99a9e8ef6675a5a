// Router micro-benchmarks: nanoseconds per match among 55 GitHub-API-like routes, for the runtime
// Router and the compile-time RouteTable (same trie code; the table's trie is in read-only
// memory and its size is known to the compiler). Cases: a static route, a route with one
// parameter, one with three, and a 404. The runtime router is filled from the table's route
// list, so both hold exactly the same routes.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <string_view>

#include "sweet/routing/route_table.hpp"
#include "sweet/routing/router.hpp"

namespace {

using sweet::Request;
using sweet::Response;
using sweet::http::Method;
namespace routing = sweet::routing;

// Handlers are never called here; they only need the right signatures.
constexpr auto p0 = [](Request&) { return Response(200); };
constexpr auto p1 = [](Request&, std::string_view) { return Response(200); };
constexpr auto p2 = [](Request&, std::string_view, std::string_view) { return Response(200); };
constexpr auto p3 = [](Request&, std::string_view, std::string_view, std::string_view) { return Response(200); };
constexpr auto p2n = [](Request&, std::string_view, std::string_view, std::int64_t) { return Response(200); };

constexpr auto kGitHub = routing::routes(
    routing::get<"/">(p0),
    routing::get<"/emojis">(p0),
    routing::get<"/events">(p0),
    routing::get<"/feeds">(p0),
    routing::get<"/gists">(p0),
    routing::post<"/gists">(p0),
    routing::get<"/gists/public">(p0),
    routing::get<"/gists/starred">(p0),
    routing::get<"/gists/{gist_id}">(p1),
    routing::del<"/gists/{gist_id}">(p1),
    routing::get<"/gists/{gist_id}/comments">(p1),
    routing::get<"/gists/{gist_id}/star">(p1),
    routing::get<"/issues">(p0),
    routing::get<"/notifications">(p0),
    routing::get<"/orgs/{org}">(p1),
    routing::get<"/orgs/{org}/repos">(p1),
    routing::get<"/orgs/{org}/members">(p1),
    routing::get<"/orgs/{org}/members/{username}">(p2),
    routing::get<"/rate_limit">(p0),
    routing::get<"/repos/{owner}/{repo}">(p2),
    routing::get<"/repos/{owner}/{repo}/branches">(p2),
    routing::get<"/repos/{owner}/{repo}/branches/{branch}">(p3),
    routing::get<"/repos/{owner}/{repo}/commits">(p2),
    routing::get<"/repos/{owner}/{repo}/commits/{sha}">(p3),
    routing::get<"/repos/{owner}/{repo}/contents/{path...}">(p3),
    routing::get<"/repos/{owner}/{repo}/contributors">(p2),
    routing::get<"/repos/{owner}/{repo}/issues">(p2),
    routing::post<"/repos/{owner}/{repo}/issues">(p2),
    routing::get<"/repos/{owner}/{repo}/issues/{number:int}">(p2n),
    routing::patch<"/repos/{owner}/{repo}/issues/{number:int}">(p2n),
    routing::get<"/repos/{owner}/{repo}/issues/{number:int}/comments">(p2n),
    routing::get<"/repos/{owner}/{repo}/pulls">(p2),
    routing::get<"/repos/{owner}/{repo}/pulls/{number:int}">(p2n),
    routing::get<"/repos/{owner}/{repo}/pulls/{number:int}/files">(p2n),
    routing::get<"/repos/{owner}/{repo}/releases">(p2),
    routing::get<"/repos/{owner}/{repo}/releases/latest">(p2),
    routing::get<"/repos/{owner}/{repo}/releases/{id:int}">(p2n),
    routing::get<"/repos/{owner}/{repo}/tags">(p2),
    routing::get<"/search/code">(p0),
    routing::get<"/search/issues">(p0),
    routing::get<"/search/repositories">(p0),
    routing::get<"/search/users">(p0),
    routing::get<"/user">(p0),
    routing::get<"/user/emails">(p0),
    routing::get<"/user/followers">(p0),
    routing::get<"/user/following">(p0),
    routing::get<"/user/keys">(p0),
    routing::get<"/user/orgs">(p0),
    routing::get<"/user/repos">(p0),
    routing::get<"/user/starred">(p0),
    routing::put<"/user/starred/{owner}/{repo}">(p2),
    routing::get<"/users/{username}">(p1),
    routing::get<"/users/{username}/followers">(p1),
    routing::get<"/users/{username}/gists">(p1),
    routing::get<"/users/{username}/repos">(p1));

const routing::Router& runtime_router() {
    static const routing::Router router = [] {
        routing::Router r;
        routing::RouteId id = 0;
        kGitHub.for_each_route([&](Method m, std::string_view pattern) {
            if (!r.add(m, pattern, id++).ok()) std::abort();
        });
        return r;
    }();
    return router;
}

constexpr std::string_view kStaticPath = "/user/repos";
constexpr std::string_view kOneParamPath = "/users/octocat";
constexpr std::string_view kThreeParamPath = "/repos/octocat/hello-world/issues/1347";
constexpr std::string_view kNotFoundPath = "/repos/octocat/hello-world/wiki/Home";

template <class Matcher>
void run(benchmark::State& state, const Matcher& matcher, std::string_view path,
         routing::MatchResult::Kind expected) {
    std::string_view params[routing::kMaxParams];
    if (matcher.match(Method::get, path, params).kind != expected) {
        state.SkipWithError("unexpected match result");
        return;
    }
    for (auto _ : state) {
        std::string_view p = path;
        benchmark::DoNotOptimize(p);  // the path is not a compile-time constant to the optimizer
        routing::MatchResult r = matcher.match(Method::get, p, params);
        benchmark::DoNotOptimize(r);
        benchmark::DoNotOptimize(params);
    }
}

using Kind = routing::MatchResult::Kind;

void BM_Router_Runtime_Static(benchmark::State& s) { run(s, runtime_router(), kStaticPath, Kind::found); }
void BM_Router_Runtime_OneParam(benchmark::State& s) { run(s, runtime_router(), kOneParamPath, Kind::found); }
void BM_Router_Runtime_ThreeParams(benchmark::State& s) { run(s, runtime_router(), kThreeParamPath, Kind::found); }
void BM_Router_Runtime_NotFound(benchmark::State& s) { run(s, runtime_router(), kNotFoundPath, Kind::not_found); }
void BM_Router_Table_Static(benchmark::State& s) { run(s, kGitHub, kStaticPath, Kind::found); }
void BM_Router_Table_OneParam(benchmark::State& s) { run(s, kGitHub, kOneParamPath, Kind::found); }
void BM_Router_Table_ThreeParams(benchmark::State& s) { run(s, kGitHub, kThreeParamPath, Kind::found); }
void BM_Router_Table_NotFound(benchmark::State& s) { run(s, kGitHub, kNotFoundPath, Kind::not_found); }

}  // namespace

BENCHMARK(BM_Router_Runtime_Static);
BENCHMARK(BM_Router_Runtime_OneParam);
BENCHMARK(BM_Router_Runtime_ThreeParams);
BENCHMARK(BM_Router_Runtime_NotFound);
BENCHMARK(BM_Router_Table_Static);
BENCHMARK(BM_Router_Table_OneParam);
BENCHMARK(BM_Router_Table_ThreeParams);
BENCHMARK(BM_Router_Table_NotFound);
