#pragma once
/// @file route_table.hpp
/// The compile-time router. A table of routes whose patterns are template arguments:
///
///     constexpr auto api = sweet::routing::routes(
///         sweet::routing::get<"/users/{id:int}">([](sweet::Request&, std::int64_t id) { ... }),
///         sweet::routing::post<"/users">([](sweet::Request&) { ... }));
///
/// Every pattern is checked, and the radix trie built, by the compiler: the trie is a
/// `static constexpr` array in read-only memory, made of the same nodes and matched by the same
/// code as the runtime `Router`. Handlers are called directly, without type erasure.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sweet/core/result.hpp"
#include "sweet/http/method.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"
#include "sweet/routing/fixed_string.hpp"
#include "sweet/routing/handler_binding.hpp"
#include "sweet/routing/route_pattern.hpp"
#include "sweet/routing/trie.hpp"

namespace sweet::routing {

/// One route of a compile-time table: method and pattern in the type, the handler as a value.
/// Make one with `get<"/path">(handler)` (or post, put, patch, del, options, head, route).
template <http::Method M, FixedString Pattern, class F>
struct RouteDef {
    static constexpr http::Method method = M;           ///< the route's method
    static constexpr FixedString route_pattern = Pattern;  ///< the route's pattern
    F handler;                                           ///< called with the converted parameters
};

/// A route for method `M`. Checks the pattern and the handler's signature at compile time.
template <http::Method M, FixedString Pattern, class F>
[[nodiscard]] constexpr RouteDef<M, Pattern, std::decay_t<F>> route(F&& handler) {
    static_cast<void>(&check_route_handler<Pattern, std::decay_t<F>>);  // instantiated for its diagnostics only
    return {std::forward<F>(handler)};
}
/// A GET route (HEAD is answered from it automatically).
template <FixedString P, class F>
[[nodiscard]] constexpr auto get(F&& handler) { return route<http::Method::get, P>(std::forward<F>(handler)); }
/// A POST route.
template <FixedString P, class F>
[[nodiscard]] constexpr auto post(F&& handler) { return route<http::Method::post, P>(std::forward<F>(handler)); }
/// A PUT route.
template <FixedString P, class F>
[[nodiscard]] constexpr auto put(F&& handler) { return route<http::Method::put, P>(std::forward<F>(handler)); }
/// A PATCH route.
template <FixedString P, class F>
[[nodiscard]] constexpr auto patch(F&& handler) { return route<http::Method::patch, P>(std::forward<F>(handler)); }
/// A DELETE route (`delete` is a keyword).
template <FixedString P, class F>
[[nodiscard]] constexpr auto del(F&& handler) { return route<http::Method::del, P>(std::forward<F>(handler)); }
/// An OPTIONS route (without one, the app answers OPTIONS itself from `MatchResult::allowed`).
template <FixedString P, class F>
[[nodiscard]] constexpr auto options(F&& handler) { return route<http::Method::options, P>(std::forward<F>(handler)); }
/// An explicit HEAD route (overrides the automatic HEAD-from-GET for its path).
template <FixedString P, class F>
[[nodiscard]] constexpr auto head(F&& handler) { return route<http::Method::head, P>(std::forward<F>(handler)); }

/// True for `RouteDef` specialisations.
template <class T>
inline constexpr bool is_route_def_v = false;
template <http::Method M, FixedString P, class F>
inline constexpr bool is_route_def_v<RouteDef<M, P, F>> = true;

/// Reports two routes of one table with the same method and equivalent patterns. The
/// instantiation note names the method and both patterns.
template <http::Method M, FixedString FirstPattern, FixedString SecondPattern>
struct RouteTableConflictCheck {
    static_assert(detail::dependent_false_v<RouteTableConflictCheck>,  // fires only when instantiated
                  "two routes in the table have the same method and the same path pattern (parameters at the same "
                  "position match the same paths, whatever their names or types)");
};

namespace detail {

/// What the table knows about each route, in table order (the position is the RouteId).
struct TableRoute {
    http::Method method = http::Method::other;
    std::string_view pattern;
    std::span<const std::string_view> names;
};

/// A vector with fixed capacity: what constant evaluation can return and keep, on both
/// compilers (clang 14 with libstdc++ 12 cannot keep a constexpr std::vector).
template <class T, std::size_t N>
struct FixedVector {
    std::array<T, N> items{};
    std::size_t count = 0;

    [[nodiscard]] constexpr std::size_t size() const noexcept { return count; }
    constexpr void push_back(const T& value) { items[count++] = value; }  // past N: not a constant expression
    constexpr T& operator[](std::size_t i) { return items[i]; }
    constexpr const T& operator[](std::size_t i) const { return items[i]; }
    [[nodiscard]] constexpr std::span<const T> span() const noexcept { return {items.data(), count}; }
};

/// An upper bound on the trie's node count: one root, and per pattern piece at most one new
/// node plus one split.
template <std::size_t N>
constexpr std::size_t trie_node_bound(const std::array<TableRoute, N>& routes) {
    std::size_t bound = 1;
    for (const TableRoute& r : routes) {
        PieceReader reader(r.pattern);
        PatternPiece piece;
        while (reader.next(piece)) bound += 2;
    }
    return bound;
}

/// The exact size of the trie, and the first pair of conflicting routes, if any.
struct TrieShape {
    std::size_t nodes = 1;
    std::size_t leaves = 0;
    bool conflict = false;
    std::size_t conflict_first = 0;
    std::size_t conflict_second = 0;
};

/// Pass 1: builds the trie into generously sized scratch arrays just to learn its size, so pass
/// 2 can build it into exactly sized arrays (the ones that end up in the binary).
template <std::size_t Capacity, std::size_t N>
consteval TrieShape measure_trie(const std::array<TableRoute, N>& routes, bool patterns_valid) {
    TrieShape shape;
    if (!patterns_valid) return shape;  // already reported; build nothing to add no follow-up errors
    FixedVector<TrieNode, Capacity> nodes;
    FixedVector<TrieLeaf, N> leaves;
    trie_init(nodes);
    for (std::size_t i = 0; i < N; ++i) {
        const TrieInsertResult r = trie_insert(nodes, leaves, routes[i].pattern, routes[i].method, static_cast<std::uint32_t>(i));
        if (!r.inserted && !shape.conflict) {
            shape.conflict = true;
            shape.conflict_first = r.existing_slot;
            shape.conflict_second = i;
        }
    }
    shape.nodes = nodes.size();
    shape.leaves = leaves.size();
    return shape;
}

/// Reports what is wrong with a table: invalid patterns (for RouteDefs made by hand rather than
/// by `route()`), a route for Method::other, and the first pair of conflicting routes. Like
/// `check_route_handler`, it is instantiated (by taking its address) and never called.
template <TrieShape Shape, class... Defs>
constexpr void check_route_table() noexcept {
    (static_cast<void>(sizeof(RoutePatternCheck<Defs::route_pattern>)), ...);
    static_assert(((Defs::method != http::Method::other) && ...), "a route needs a standard method, not Method::other");
    if constexpr (Shape.conflict) {
        using First = std::tuple_element_t<Shape.conflict_first, std::tuple<Defs...>>;
        using Second = std::tuple_element_t<Shape.conflict_second, std::tuple<Defs...>>;
        static_cast<void>(sizeof(RouteTableConflictCheck<Second::method, First::route_pattern, Second::route_pattern>));
    }
}

/// The trie as it is stored in the binary.
template <std::size_t Nodes, std::size_t Leaves>
struct StaticTrie {
    FixedVector<TrieNode, Nodes> nodes;
    FixedVector<TrieLeaf, Leaves> leaves;
};

/// Pass 2: the same insertions into arrays of exactly the measured size.
template <std::size_t Nodes, std::size_t Leaves, std::size_t N>
consteval StaticTrie<Nodes, Leaves> build_trie(const std::array<TableRoute, N>& routes, bool patterns_valid) {
    StaticTrie<Nodes, Leaves> trie;
    trie_init(trie.nodes);
    if (!patterns_valid) return trie;
    for (std::size_t i = 0; i < N; ++i) {
        static_cast<void>(trie_insert(trie.nodes, trie.leaves, routes[i].pattern, routes[i].method, static_cast<std::uint32_t>(i)));
    }
    return trie;
}

}  // namespace detail

/// A compile-time route table; build it with `routes(...)`. `RouteId`s are positions in the
/// table. Matching is `constexpr` and `noexcept`; dispatching calls the handler directly.
template <class... Defs>
class RouteTable {
    static_assert((is_route_def_v<Defs> && ...),
                  "routes(...) takes route definitions made with get<\"/path\">(handler), post<...>(...), route<Method, \"/path\">(...), ...");

public:
    /// Number of routes.
    static constexpr std::size_t kRouteCount = sizeof...(Defs);

private:
    template <std::size_t I>
    using DefAt = std::tuple_element_t<I, std::tuple<Defs...>>;

    static constexpr std::array<detail::TableRoute, kRouteCount> kRoutes{
        {detail::TableRoute{Defs::method, Defs::route_pattern.view(), parsed_pattern_v<Defs::route_pattern>.names()}...}};
    // Invalid definitions are reported by check_route_table; the trie is then left empty so
    // that no follow-up errors appear.
    static constexpr bool kPatternsValid =
        (true && ... && (parsed_pattern_v<Defs::route_pattern>.ok() && Defs::method != http::Method::other));
    static constexpr detail::TrieShape kShape =
        detail::measure_trie<kPatternsValid ? detail::trie_node_bound(kRoutes) : 1>(kRoutes, kPatternsValid);


    static constexpr auto kTrie = detail::build_trie<kShape.nodes, kShape.leaves>(kRoutes, kPatternsValid);

public:
    /// Holds the route definitions (and so the handlers, capturing or not).
    constexpr explicit RouteTable(Defs... defs) : defs_(std::move(defs)...) {
        static_cast<void>(&detail::check_route_table<kShape, Defs...>);  // instantiated for its diagnostics only
    }

    /// Matches without an object (usable in constant expressions); see `match`.
    static constexpr MatchResult match_path(http::Method method, std::string_view path, std::string_view* params_out) noexcept {
        return trie_match(kTrie.nodes.span(), kTrie.leaves.span(), method, path, params_out,
                          [](std::uint32_t slot, MatchResult& result) {
                              result.route = slot;
                              result.pattern = kRoutes[slot].pattern;
                              result.param_names = kRoutes[slot].names;
                          });
    }

    /// Finds the route for `method` and `path` (percent-decoded), exactly like `Router::match`:
    /// parameter values go to `params_out[0..param_count)` (kMaxParams views), HEAD falls back
    /// to GET, `allowed` lists the methods for 405 and OPTIONS. `route` is the table position.
    [[nodiscard]] constexpr MatchResult match(http::Method method, std::string_view path,
                                              std::string_view* params_out) const noexcept {
        return match_path(method, path, params_out);
    }

    /// Calls route `id`'s handler. `req` must carry the parameters `match` found
    /// (`req.set_route(...)`); they are converted to the handler's types, or a 422 is returned.
    Result<Response> dispatch(RouteId id, Request& req) {
        using Call = Result<Response> (*)(RouteTable&, Request&);
        static constexpr std::array<Call, kRouteCount> kCalls = []<std::size_t... I>(std::index_sequence<I...>) {
            return std::array<Call, kRouteCount>{{&RouteTable::call_route<I>...}};
        }(std::make_index_sequence<kRouteCount>{});
        if (id >= kRouteCount) return Error::internal("route id " + std::to_string(id) + " is not in this route table");
        return kCalls[id](*this, req);
    }

    /// Calls `fn(http::Method, std::string_view pattern)` for each route, in table order.
    template <class Fn>
    constexpr void for_each_route(Fn&& fn) const {
        for (const detail::TableRoute& r : kRoutes) fn(r.method, r.pattern);
    }

    /// True when some path could match both `pattern` and a route of this table for exactly
    /// `method` (see `Router::overlaps`). False for an invalid pattern.
    [[nodiscard]] static constexpr bool overlaps(http::Method method, std::string_view pattern) noexcept {
        if (!parse_pattern(pattern).ok()) return false;
        for (const detail::TableRoute& r : kRoutes) {
            if (r.method == method && patterns_overlap(r.pattern, pattern)) return true;
        }
        return false;
    }

    /// Number of routes.
    [[nodiscard]] static constexpr std::size_t size() noexcept { return kRouteCount; }
    /// Trie nodes the compiler built (for tests and curiosity).
    [[nodiscard]] static constexpr std::size_t node_count() noexcept { return kTrie.nodes.size(); }

private:
    template <std::size_t I>
    static Result<Response> call_route(RouteTable& self, Request& req) {
        auto& def = std::get<I>(self.defs_);
        return invoke_route_handler<DefAt<I>::route_pattern>(def.handler, req);
    }

    std::tuple<Defs...> defs_;
};

/// Builds a compile-time route table from route definitions. Two routes with the same method
/// and equivalent patterns are a compile error.
template <class... Defs>
[[nodiscard]] constexpr RouteTable<Defs...> routes(Defs... defs) {
    return RouteTable<Defs...>(std::move(defs)...);
}

}  // namespace sweet::routing
