#pragma once
/// @file method.hpp
/// HTTP request methods (RFC 9110 section 9) as a small enum, plus a bit set for `Allow`.

#include <cstdint>
#include <string_view>

namespace sweet::http {

/// The request methods Sweet routes on. Anything else parses as `other` (and gets 501).
enum class Method : std::uint8_t { get, head, post, put, del, patch, options, trace, connect, other };

/// Number of routable methods (all but `other`).
inline constexpr int kMethodCount = 9;

/// The method's name as it appears on the wire ("GET").
constexpr std::string_view method_name(Method m) noexcept {
    switch (m) {
        case Method::get: return "GET";
        case Method::head: return "HEAD";
        case Method::post: return "POST";
        case Method::put: return "PUT";
        case Method::del: return "DELETE";
        case Method::patch: return "PATCH";
        case Method::options: return "OPTIONS";
        case Method::trace: return "TRACE";
        case Method::connect: return "CONNECT";
        case Method::other: return "";
    }
    return "";
}

/// Maps a method token to `Method` (case-sensitive, as RFC 9110 requires).
constexpr Method method_from_name(std::string_view name) noexcept {
    switch (name.size()) {
        case 3:
            if (name == "GET") return Method::get;
            if (name == "PUT") return Method::put;
            break;
        case 4:
            if (name == "POST") return Method::post;
            if (name == "HEAD") return Method::head;
            break;
        case 5:
            if (name == "PATCH") return Method::patch;
            if (name == "TRACE") return Method::trace;
            break;
        case 6:
            if (name == "DELETE") return Method::del;
            break;
        case 7:
            if (name == "OPTIONS") return Method::options;
            if (name == "CONNECT") return Method::connect;
            break;
        default: break;
    }
    return Method::other;
}

/// A set of methods (one bit each), used for route tables and the `Allow` header.
class MethodSet {
public:
    /// The empty set.
    constexpr MethodSet() = default;
    /// Adds `m`.
    constexpr void add(Method m) noexcept { bits_ |= bit(m); }
    /// True when `m` is in the set.
    [[nodiscard]] constexpr bool contains(Method m) const noexcept { return (bits_ & bit(m)) != 0; }
    /// True when no method is in the set.
    [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
    /// The raw bits, one per `Method` value.
    [[nodiscard]] constexpr std::uint16_t bits() const noexcept { return bits_; }

private:
    static constexpr std::uint16_t bit(Method m) noexcept { return static_cast<std::uint16_t>(1u << static_cast<unsigned>(m)); }
    std::uint16_t bits_ = 0;
};

}  // namespace sweet::http
