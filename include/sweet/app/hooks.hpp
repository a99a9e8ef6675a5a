#pragma once
/// @file hooks.hpp
/// Lifecycle hooks: functions that run at fixed points of every request (docs/lifecycle.md has
/// the one-page picture). Each returns a `Result`: go on, answer early, or fail with an `Error`
/// that flows to `on_error` -- no exceptions are needed anywhere in the chain.
///
///     auto timing = sweet::hooks(
///         sweet::on_request([](sweet::Request& req) { req.set_id("..."); }),
///         sweet::on_response([](sweet::Request&, sweet::Response& res) { res.set_header("X-Served-By", "sweet"); }));
///     app.add_hooks(timing);                       // app-wide, installed at run time
///     auto api = app.group<"/api">(timing);        // per group: composed at compile time
///     api.get<"/ping">(handler, sweet::hooks(sweet::pre_handler(check_token)));  // per route
///
/// What each phase may do:
///   on_request, pre_validation, pre_handler -> `Result<Step>(Request&)`: `next()`, `respond(r)`
///       or an Error. Also accepted: `Step(Request&)`, `Result<void>(Request&)`, `void(Request&)`.
///   on_response    -> `Result<void>(Request&, Response&)` or `void(...)`: may change the
///       response (error responses included) before it is written.
///   after_response -> `void(Request&, const Response&, const ResponseInfo&)`: after the
///       response is written to the connection (metrics, access logs).
///   on_error       -> `Response(Request&, const Error&)`: turns an Error into the response.
/// Any hook may take dependencies (see dependencies.hpp) as extra `T&` parameters at the end.
///
/// Hooks given as a `Hooks<...>` bundle to a group or route are part of the route's type: the
/// compiler inlines them in order, so they cost no virtual call and no allocation per request.

#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sweet/app/middleware.hpp"
#include "sweet/core/result.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"
#include "sweet/http/server.hpp"

namespace sweet {

/// Written-response figures given to `after_response` hooks.
using ResponseInfo = http::ResponseInfo;

/// The points of the lifecycle a hook can attach to, in the order they run.
enum class HookPhase : std::uint8_t {
    on_request,      ///< after routing, before the body is looked at
    pre_validation,  ///< after the body checks (size, content type), before parameters are converted
    pre_handler,     ///< after validation, right before the handler
    on_response,     ///< the response exists (from the handler, a hook, or on_error); may change it
    after_response,  ///< the response is written to the connection
    on_error,        ///< turns an Error into a response
};

/// One hook: a callable `fn` bound to phase `P`.
template <HookPhase P, class F>
struct Hook {
    static constexpr HookPhase phase = P;  ///< where it runs
    F fn;                                  ///< what runs
};

/// A hook that runs after routing, for every request (app-wide ones also for 404s).
template <class F>
constexpr Hook<HookPhase::on_request, std::decay_t<F>> on_request(F&& f) { return {std::forward<F>(f)}; }
/// A hook that runs once the body passed its size and content-type checks, before validation.
template <class F>
constexpr Hook<HookPhase::pre_validation, std::decay_t<F>> pre_validation(F&& f) { return {std::forward<F>(f)}; }
/// A hook that runs after validation, right before the handler.
template <class F>
constexpr Hook<HookPhase::pre_handler, std::decay_t<F>> pre_handler(F&& f) { return {std::forward<F>(f)}; }
/// A hook that may change the response before it is written (error responses included).
template <class F>
constexpr Hook<HookPhase::on_response, std::decay_t<F>> on_response(F&& f) { return {std::forward<F>(f)}; }
/// A hook that runs once the response is written to the connection.
template <class F>
constexpr Hook<HookPhase::after_response, std::decay_t<F>> after_response(F&& f) { return {std::forward<F>(f)}; }
/// An error handler for a group or route (the innermost one answers).
template <class F>
constexpr Hook<HookPhase::on_error, std::decay_t<F>> on_error(F&& f) { return {std::forward<F>(f)}; }

template <class T>
inline constexpr bool is_hook_v = false;
template <HookPhase P, class F>
inline constexpr bool is_hook_v<Hook<P, F>> = true;

/// An ordered bundle of hooks; part of a group's or route's type.
template <class... H>
struct Hooks {
    static_assert((is_hook_v<H> && ...), "sweet::hooks(...) takes hooks made by sweet::on_request, pre_validation, "
                                         "pre_handler, on_response, after_response or on_error");
    std::tuple<H...> list;  ///< the hooks, in the order given

    /// How many hooks of phase `P` the bundle holds.
    template <HookPhase P>
    static constexpr std::size_t count = ((H::phase == P ? 1 : 0) + ... + 0);
};

/// Bundles hooks: `sweet::hooks(sweet::on_request(a), sweet::on_response(b))`.
template <class... H>
constexpr Hooks<std::decay_t<H>...> hooks(H&&... h) { return {{std::forward<H>(h)...}}; }

/// `a + b`: the hooks of `a`, then those of `b` (a group's hooks, then a route's).
template <class... A, class... B>
constexpr Hooks<A..., B...> operator+(const Hooks<A...>& a, const Hooks<B...>& b) {
    return {std::tuple_cat(a.list, b.list)};
}

template <class T>
inline constexpr bool is_hooks_v = false;
template <class... H>
inline constexpr bool is_hooks_v<Hooks<H...>> = true;

/// A bundle with no hooks.
using NoHooks = Hooks<>;

namespace detail {

/// Normalises what a request-side hook returned into `Result<Step>`.
template <class R>
Result<Step> to_step(R&& r) {
    using T = std::remove_cvref_t<R>;
    if constexpr (std::is_same_v<T, Result<Step>>) {
        return std::forward<R>(r);
    } else if constexpr (std::is_same_v<T, Step>) {
        return Result<Step>(std::forward<R>(r));
    } else if constexpr (std::is_same_v<T, Result<void>>) {
        if (!r) return std::move(r).error();
        return Step::next();
    } else {
        static_assert(std::is_same_v<T, Result<Step>>,
                      "an on_request, pre_validation or pre_handler hook must return sweet::Result<sweet::Step>, "
                      "sweet::Step, sweet::Result<void> or void");
        return Step::next();
    }
}

}  // namespace detail

}  // namespace sweet
