#pragma once
/// @file router.hpp
/// `Router`: routes registered at run time (patterns given as strings). It uses the same trie
/// and matching code as the compile-time `RouteTable`, over `std::vector`s.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/core/result.hpp"
#include "sweet/http/method.hpp"
#include "sweet/routing/route_pattern.hpp"
#include "sweet/routing/trie.hpp"

namespace sweet::routing {

/// A runtime router: `add` patterns with a route id per method, then `match` paths. Matching is
/// `noexcept`, allocates nothing and may run concurrently on many threads once registration is
/// over (registration itself is not thread-safe).
class Router {
public:
    /// An empty router.
    Router() { trie_init(nodes_); }

    /// Registers `pattern` for `method` as route `id`. Fails, with a sentence in `error().message`,
    /// when the pattern is invalid, when `method` is `Method::other`, or when the method already
    /// has an equivalent pattern: same static text and parameters at the same positions, whatever
    /// their names or types ("/users/{id}" and "/users/{name:int}" match the same paths, so they
    /// conflict). On failure the router is unchanged.
    Result<void> add(http::Method method, std::string_view pattern, RouteId id) {
        if (method == http::Method::other) {
            return Error{500, "cannot add route \"" + std::string(pattern) + "\": routes need a standard method, not Method::other", {}};
        }
        // Keep our own copy of the text: trie labels, the pattern and the parameter names are
        // views into it. It lives on the heap, so moving the Route (or the Router) keeps it put.
        Route route;
        route.id = id;
        route.method = method;
        route.size = pattern.size();
        route.text = std::make_unique<char[]>(pattern.size() + 1);
        if (!pattern.empty()) std::memcpy(route.text.get(), pattern.data(), pattern.size());

        Result<ParsedPattern> checked = parse_route_pattern(route.pattern());
        if (!checked) return std::move(checked).error();
        const ParsedPattern& parsed = checked.value();
        route.name_count = parsed.param_count;
        route.names = std::make_unique<std::string_view[]>(parsed.param_count + 1);
        for (std::size_t i = 0; i < parsed.param_count; ++i) route.names[i] = parsed.param_names[i];

        routes_.reserve(routes_.size() + 1);  // so the push_back below cannot fail after the trie changed
        const auto slot = static_cast<std::uint32_t>(routes_.size());
        const TrieInsertResult inserted = trie_insert(nodes_, leaves_, route.pattern(), method, slot);
        if (!inserted.inserted) {
            const Route& existing = routes_[inserted.existing_slot];
            std::string message = "route conflict: ";
            message.append(http::method_name(method)).append(" \"").append(pattern).append("\" cannot be told apart from ");
            message.append(http::method_name(method)).append(" \"").append(existing.pattern());
            message.append("\", which is already registered (parameters at the same position match the same paths, "
                           "whatever their names or types)");
            return Error{500, std::move(message), {}};
        }
        routes_.push_back(std::move(route));
        return {};
    }

    /// Finds the route for `method` and `path` (already percent-decoded; a decoded "%2F" is a
    /// segment separator like any '/'). Parameter values are views into `path`, written to
    /// `params_out[0..param_count)`, which must hold kMaxParams views. The returned pattern and
    /// names stay valid as long as the router. HEAD falls back to the GET route.
    [[nodiscard]] MatchResult match(http::Method method, std::string_view path, std::string_view* params_out) const noexcept {
        return trie_match(nodes_, leaves_, method, path, params_out, [this](std::uint32_t slot, MatchResult& result) {
            const Route& route = routes_[slot];
            result.route = route.id;
            result.pattern = route.pattern();
            result.param_names = {route.names.get(), route.name_count};
        });
    }

    /// True when some path could match both `pattern` and a route registered for exactly `method`
    /// (precedence aside), e.g. "/users/me" overlaps "/users/{id}". Used to refuse runtime routes
    /// that a compile-time table would shadow, or vice versa. False for an invalid pattern.
    [[nodiscard]] bool overlaps(http::Method method, std::string_view pattern) const {
        if (!parse_pattern(pattern).ok()) return false;
        for (const Route& route : routes_) {
            if (route.method == method && patterns_overlap(route.pattern(), pattern)) return true;
        }
        return false;
    }

    /// Calls `fn(Method, std::string_view pattern, RouteId)` for every route, in registration order.
    template <class Fn>
    void for_each_route(Fn&& fn) const {
        for (const Route& route : routes_) fn(route.method, route.pattern(), route.id);
    }

    /// Number of registered routes (one per method and pattern).
    [[nodiscard]] std::size_t size() const noexcept { return routes_.size(); }
    /// Trie nodes (equal to a RouteTable's `node_count()` for the same routes in the same order:
    /// both run the same insertion code).
    [[nodiscard]] std::size_t node_count() const noexcept { return nodes_.size(); }

private:
    struct Route {
        RouteId id = 0;
        http::Method method = http::Method::other;
        std::size_t size = 0;
        std::unique_ptr<char[]> text;
        std::size_t name_count = 0;
        std::unique_ptr<std::string_view[]> names;

        [[nodiscard]] std::string_view pattern() const noexcept { return {text.get(), size}; }
    };

    std::vector<TrieNode> nodes_;
    std::vector<TrieLeaf> leaves_;
    std::vector<Route> routes_;  // indexed by trie slot
};

}  // namespace sweet::routing
