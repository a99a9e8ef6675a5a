#pragma once
/// @file fixed_string.hpp
/// `FixedString<N>`: a string literal that can be a template argument, so a route pattern is part
/// of the handler's type (`app.get<"/users/{id:int}">(handler)`) and is parsed at compile time.

#include <cstddef>
#include <string_view>

namespace sweet::routing {

/// A string literal held by value in a structural type, which makes it usable as a class-type
/// non-type template parameter (C++20). `N` counts the terminating NUL, like the literal's array.
/// The member is public and there are no other members because structural types require it.
template <std::size_t N>
struct FixedString {
    static_assert(N > 0, "FixedString is built from a string literal, which always has a terminating NUL");

    /// The characters, NUL-terminated (compilers print this member when they name a template
    /// argument, which is how a pattern shows up in compile errors).
    char value[N]{};

    /// Copies a string literal. Implicit so `get<"/users">` works without naming the type.
    constexpr FixedString(const char (&literal)[N]) noexcept {  // NOLINT: implicit on purpose
        for (std::size_t i = 0; i < N; ++i) value[i] = literal[i];
    }

    /// Length without the terminating NUL.
    [[nodiscard]] static constexpr std::size_t size() noexcept { return N - 1; }
    /// The text as a view. Views into a template argument object stay valid for the whole program
    /// (template parameter objects have static storage duration), so they may be kept anywhere.
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {value, N - 1}; }
    /// Same as `view()`.
    constexpr operator std::string_view() const noexcept { return view(); }  // NOLINT: implicit on purpose

    /// Equality with any other fixed string (different lengths are never equal).
    template <std::size_t M>
    [[nodiscard]] constexpr bool operator==(const FixedString<M>& other) const noexcept {
        return view() == other.view();
    }
};

/// Deduces `N` from the literal: `FixedString s = "/users";` is `FixedString<7>`.
template <std::size_t N>
FixedString(const char (&)[N]) -> FixedString<N>;

/// `A` followed by `B`, as one fixed string (a group's prefix and a route's pattern).
template <FixedString A, FixedString B>
consteval auto concat() {
    char buffer[A.size() + B.size() + 1] = {};
    for (std::size_t i = 0; i < A.size(); ++i) buffer[i] = A.value[i];
    for (std::size_t i = 0; i < B.size(); ++i) buffer[A.size() + i] = B.value[i];
    return FixedString<A.size() + B.size() + 1>(buffer);
}

}  // namespace sweet::routing
