#pragma once
/// @file typed_params.hpp
/// Handler parameters that the app fills from the request and validates against a schema:
///
///     app.post<"/users/{org:int}/members">(
///         [](sweet::Request&, std::int64_t org,                 // path parameter
///            sweet::Body<NewMember> body,                       // JSON body -> struct
///            sweet::Query<Paging> paging,                       // ?limit=10&offset=0 -> struct
///            sweet::Headers<Auth> auth) { ... });               // headers -> struct
///
/// Each struct is described once with `sweet_schema` (see sweet/schema/schema.hpp). Every
/// failure of every parameter is listed in one 422 response in FastAPI's shape; malformed JSON
/// is a 400 with the position and reason; a body that is not declared as JSON is a 415.
/// A route that declares none of these pays nothing for them.

#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "sweet/core/ascii.hpp"
#include "sweet/core/result.hpp"
#include "sweet/http/percent.hpp"
#include "sweet/http/request.hpp"
#include "sweet/routing/handler_binding.hpp"

namespace sweet {


namespace detail {
/// Holds the converted value of a typed parameter; `*p` and `p->` reach it.
template <class T>
struct TypedValue {
    T value{};  ///< the converted, validated value
    T& operator*() noexcept { return value; }
    const T& operator*() const noexcept { return value; }
    T* operator->() noexcept { return &value; }
    const T* operator->() const noexcept { return &value; }
};
}  // namespace detail

/// The request's JSON body, parsed and validated into a `T` (a struct with a schema, or
/// `sweet::json::Value` for any JSON).
template <class T>
struct Body : detail::TypedValue<T> {};
/// The query string's parameters, converted and validated into the fields of struct `T`.
template <class T>
struct Query : detail::TypedValue<T> {};
/// Request headers, converted and validated into the fields of struct `T` (field names are
/// header names, compared case-insensitively).
template <class T>
struct Headers : detail::TypedValue<T> {};

/// How the app fills typed parameter `P` (specialized below for Body, Query and Headers).
template <class P>
struct TypedParam;

template <class P>
inline constexpr bool is_typed_param_v = false;
template <class T>
inline constexpr bool is_typed_param_v<Body<T>> = true;
template <class T>
inline constexpr bool is_typed_param_v<Query<T>> = true;
template <class T>
inline constexpr bool is_typed_param_v<Headers<T>> = true;

}  // namespace sweet

namespace sweet::routing {
template <class T>
struct IsExtraHandlerParam<Body<T>> : std::true_type {};
template <class T>
struct IsExtraHandlerParam<Query<T>> : std::true_type {};
template <class T>
struct IsExtraHandlerParam<Headers<T>> : std::true_type {};
}  // namespace sweet::routing

namespace sweet {

}  // namespace sweet
