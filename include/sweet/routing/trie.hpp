#pragma once
/// @file trie.hpp
/// The radix trie both routers use: one node layout, one insertion algorithm and one matching
/// algorithm, all `constexpr`. The compile-time table runs them in constant evaluation over
/// fixed-size arrays; the runtime router runs them over `std::vector`s of the same node type.
///
/// Layout. Edges carry static text (slashes included, so "/users/" may be a single edge), split
/// wherever two patterns diverge, even inside a segment. Parameters are not edges: a node has at
/// most one parameter child and one catch-all child, shared by every pattern with a parameter at
/// that position whatever its name or type (names live with the route, not in the trie). Hence
/// "/users/{id}" and "/users/{name:int}" end at the same node: they cannot be told apart.
///
/// Precedence while matching: static edge, then parameter, then catch-all, with backtracking, so
/// "/a/b/c" matches "/{x}/b/c" even when a static "/a/..." branch exists but has no "b/c".

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sweet/http/method.hpp"
#include "sweet/routing/route_pattern.hpp"

namespace sweet::routing {

/// Identifies a route to its owner: the runtime router returns what `add` was given; the
/// compile-time table returns the route's position in the table.
using RouteId = std::uint32_t;

/// "No node / no leaf / no route" in the trie's index fields.
inline constexpr std::uint32_t kNoIndex = 0xFFFF'FFFFu;

/// One trie node. Children are linked by index (first child, next sibling) so the same layout can
/// grow in a `std::vector` and sit in a `static constexpr` array.
struct TrieNode {
    std::string_view label;               ///< static text consumed on entering; empty for the root and parameters
    std::uint32_t first_child = kNoIndex;     ///< first static child; siblings start with distinct bytes
    std::uint32_t next_sibling = kNoIndex;    ///< next static child of this node's parent
    std::uint32_t param_child = kNoIndex;     ///< the `{name}` child (matches one non-empty segment)
    std::uint32_t catch_all_child = kNoIndex; ///< the `{name...}` child (matches the rest, maybe empty)
    std::uint32_t leaf = kNoIndex;            ///< index of the routes ending here, if any
};

/// The routes that end at one node: one route slot per method. A slot is an index into the
/// owner's route list (the runtime router maps it to the user's `RouteId`).
struct TrieLeaf {
    http::MethodSet methods;                            ///< methods with a route here
    std::uint32_t slots[http::kMethodCount] = {};       ///< slot per method, valid where `methods` says
};

/// What `match` found.
struct MatchResult {
    /// found: `route` and the parameters are set. method_not_allowed: the path matches but not for
    /// this method; `allowed` says which methods would. not_found: no route matches the path.
    enum class Kind : std::uint8_t { found, method_not_allowed, not_found };

    Kind kind = Kind::not_found;
    RouteId route = 0;                               ///< the matched route (when found)
    std::size_t param_count = 0;                     ///< values written to the caller's array
    /// When found: the methods of the matched route's pattern. When method_not_allowed: the
    /// methods of every pattern that matches the path. Plus HEAD when GET is there (automatic
    /// HEAD) and OPTIONS (answered automatically). Empty when not_found. This is the `Allow` header.
    http::MethodSet allowed;
    std::string_view pattern;                        ///< the matched route's pattern (when found)
    std::span<const std::string_view> param_names;   ///< its parameter names, in order (when found)
};

/// Result of inserting a pattern into a trie.
struct TrieInsertResult {
    bool inserted = true;                    ///< false when the method already has an equivalent pattern
    std::uint32_t existing_slot = kNoIndex;  ///< the route it conflicts with (kNoIndex for Method::other)
};

namespace detail {

/// Sets every bit of `from` in `into`: MethodSet has no union, and this only runs on the slow
/// (405) path.
constexpr void merge_methods(http::MethodSet& into, http::MethodSet from) noexcept {
    for (int m = 0; m < http::kMethodCount; ++m) {
        if (from.contains(static_cast<http::Method>(m))) into.add(static_cast<http::Method>(m));
    }
}

/// Adds what the server answers on its own: HEAD where GET exists, OPTIONS everywhere.
constexpr http::MethodSet with_automatic_methods(http::MethodSet set) noexcept {
    if (set.contains(http::Method::get)) set.add(http::Method::head);
    set.add(http::Method::options);
    return set;
}

constexpr std::size_t common_prefix(std::string_view a, std::string_view b) noexcept {
    std::size_t n = 0;
    while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
    return n;
}

/// The depth-first search behind `trie_match`. It stops at the first leaf that has a route for
/// the method; leaves that match the path but not the method only feed `allowed`.
struct TrieSearch {
    constexpr TrieSearch(std::span<const TrieNode> n, std::span<const TrieLeaf> l, http::Method m, std::string_view* p) noexcept
        : nodes(n), leaves(l), method(m), params(p) {}

    std::span<const TrieNode> nodes;
    std::span<const TrieLeaf> leaves;
    http::Method method;
    std::string_view* params;  // caller's array of kMaxParams

    bool path_matched = false;
    http::MethodSet allowed;  // union over leaves that matched the path but not the method
    std::uint32_t leaf = kNoIndex;
    std::uint32_t slot = kNoIndex;
    std::size_t param_count = 0;

    constexpr bool accept(std::uint32_t leaf_index, std::size_t count) noexcept {
        const TrieLeaf& l = leaves[leaf_index];
        path_matched = true;
        auto take = [&](http::Method m) {
            leaf = leaf_index;
            slot = l.slots[static_cast<int>(m)];
            param_count = count;
            return true;
        };
        if (l.methods.contains(method)) return take(method);
        // Automatic HEAD: answered by the GET route (the connection drops the body).
        if (method == http::Method::head && l.methods.contains(http::Method::get)) return take(http::Method::get);
        merge_methods(allowed, l.methods);
        return false;
    }

    // `rest` is the path left after entering node `index`; `count` parameters are bound so far.
    // The recursion depth is bounded by the longest pattern, and `count` never exceeds kMaxParams
    // because every root-to-node walk follows the parameters of some valid pattern.
    constexpr bool visit(std::uint32_t index, std::string_view rest, std::size_t count) noexcept {
        const TrieNode& node = nodes[index];
        if (rest.empty()) {
            if (node.leaf != kNoIndex && accept(node.leaf, count)) return true;
        } else {
            // Static first: at most one child can start with rest[0] (radix invariant).
            for (std::uint32_t c = node.first_child; c != kNoIndex; c = nodes[c].next_sibling) {
                const std::string_view label = nodes[c].label;
                if (label[0] != rest[0]) continue;
                if (rest.starts_with(label) && visit(c, rest.substr(label.size()), count)) return true;
                break;
            }
            if (node.param_child != kNoIndex) {
                const std::string_view segment = rest.substr(0, find_char(rest, '/'));
                if (!segment.empty()) {
                    params[count] = segment;
                    if (visit(node.param_child, rest.substr(segment.size()), count + 1)) return true;
                }
            }
        }
        if (node.catch_all_child != kNoIndex) {
            params[count] = rest;
            const std::uint32_t l = nodes[node.catch_all_child].leaf;
            if (l != kNoIndex && accept(l, count + 1)) return true;
        }
        return false;
    }
};

}  // namespace detail

/// Makes an empty trie: just the root. `Nodes` is `std::vector<TrieNode>` or a fixed array with
/// the same `size`/`push_back`/`operator[]`.
template <class Nodes>
constexpr void trie_init(Nodes& nodes) {
    nodes.push_back(TrieNode{});
}

/// Inserts a valid `pattern` for `method` with route `slot`. When the method already has a route
/// whose pattern is equivalent (same static text, parameters at the same positions), nothing is
/// inserted and the conflicting slot is returned. Such a conflict never modifies the trie: the
/// existing route's path consists of whole edges, so walking it splits nothing and adds nothing.
template <class Nodes, class Leaves>
constexpr TrieInsertResult trie_insert(Nodes& nodes, Leaves& leaves, std::string_view pattern, http::Method method,
                                       std::uint32_t slot) {
    // Method::other has no slot in a leaf; callers reject it first, this keeps the trie sound.
    if (static_cast<int>(method) >= http::kMethodCount) return TrieInsertResult{false, kNoIndex};
    std::uint32_t cur = 0;
    PieceReader reader(pattern);
    PatternPiece piece;
    while (reader.next(piece)) {
        if (piece.kind == PieceKind::param || piece.kind == PieceKind::catch_all) {
            const bool catch_all = piece.kind == PieceKind::catch_all;
            std::uint32_t child = catch_all ? nodes[cur].catch_all_child : nodes[cur].param_child;
            if (child == kNoIndex) {
                child = static_cast<std::uint32_t>(nodes.size());
                nodes.push_back(TrieNode{});
                (catch_all ? nodes[cur].catch_all_child : nodes[cur].param_child) = child;
            }
            cur = child;
            continue;
        }
        std::string_view text = piece.text;
        while (!text.empty()) {
            std::uint32_t c = nodes[cur].first_child;
            while (c != kNoIndex && nodes[c].label[0] != text[0]) c = nodes[c].next_sibling;
            if (c == kNoIndex) {
                // No edge starts with this byte: a new edge takes the whole remaining text.
                TrieNode fresh;
                fresh.label = text;
                fresh.next_sibling = nodes[cur].first_child;
                const auto index = static_cast<std::uint32_t>(nodes.size());
                nodes.push_back(fresh);
                nodes[cur].first_child = index;
                cur = index;
                break;
            }
            const std::string_view label = nodes[c].label;
            const std::size_t common = detail::common_prefix(label, text);
            if (common < label.size()) {
                // Split the edge: `c` keeps the shared prefix, a new node takes the rest of the
                // label and everything that hung below `c`. Copy before push_back (which may
                // reallocate a vector and invalidate references).
                TrieNode tail = nodes[c];
                tail.label = label.substr(common);
                tail.next_sibling = kNoIndex;
                const auto tail_index = static_cast<std::uint32_t>(nodes.size());
                nodes.push_back(tail);
                TrieNode& head = nodes[c];
                head.label = label.substr(0, common);
                head.first_child = tail_index;
                head.param_child = kNoIndex;
                head.catch_all_child = kNoIndex;
                head.leaf = kNoIndex;
            }
            cur = c;
            text.remove_prefix(common);
        }
    }
    if (nodes[cur].leaf == kNoIndex) {
        nodes[cur].leaf = static_cast<std::uint32_t>(leaves.size());
        leaves.push_back(TrieLeaf{});
    }
    TrieLeaf& leaf = leaves[nodes[cur].leaf];
    const auto m = static_cast<int>(method);
    if (leaf.methods.contains(method)) return TrieInsertResult{false, leaf.slots[m]};
    leaf.methods.add(method);
    leaf.slots[m] = slot;
    return TrieInsertResult{};
}

/// Matches `path` against the trie. Parameter values (views into `path`) go to
/// `params_out[0..param_count)`; `params_out` must hold kMaxParams views. Allocates nothing.
/// `describe(slot, result)` fills in `route`, `pattern` and `param_names` of a found route.
template <class Describe>
constexpr MatchResult trie_match(std::span<const TrieNode> nodes, std::span<const TrieLeaf> leaves, http::Method method,
                                 std::string_view path, std::string_view* params_out, Describe&& describe) noexcept {
    MatchResult result;
    if (nodes.empty()) return result;
    detail::TrieSearch search(nodes, leaves, method, params_out);
    if (search.visit(0, path, 0)) {
        result.kind = MatchResult::Kind::found;
        result.param_count = search.param_count;
        result.allowed = detail::with_automatic_methods(leaves[search.leaf].methods);
        describe(search.slot, result);
    } else if (search.path_matched) {
        result.kind = MatchResult::Kind::method_not_allowed;
        result.allowed = detail::with_automatic_methods(search.allowed);
    }
    return result;
}

}  // namespace sweet::routing
