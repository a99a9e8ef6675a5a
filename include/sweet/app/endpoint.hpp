#pragma once
/// @file endpoint.hpp
/// A route's whole chain -- its group's and its own hooks, validation, dependencies and the
/// handler -- composed by the compiler into one object. The app calls it through one virtual
/// call per phase; the hooks inside are inlined, in order, with no allocation.
///
/// Inside `Endpoint::run`, for a matched request (app-wide hooks run around it, see app.hpp):
///   1. on_request hooks of the group(s), then of the route
///   2. body checks: per-route size limit (413), JSON content type for `Body<T>` (415)
///   3. pre_validation: app-wide, then group, then route
///   4. validation: path, query, header and body parameters; every failure in one 422
///   5. pre_handler: app-wide, then group, then route
///   6. the handler, with its parameters and dependencies
/// Response-side hooks run inside-out: route, then group (then app-wide, in app.hpp).

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "sweet/app/dependencies.hpp"
#include "sweet/app/hooks.hpp"
#include "sweet/app/middleware.hpp"
#include "sweet/app/route_options.hpp"
#include "sweet/app/typed_params.hpp"
#include "sweet/core/unique_function.hpp"
#include "sweet/routing/handler_binding.hpp"

namespace sweet {

namespace detail {

/// A request-side hook registered at run time.
using RequestHook = UniqueFunction<Result<Step>(Request&)>;
/// A response-side hook registered at run time.
using ResponseHook = UniqueFunction<Result<void>(Request&, Response&)>;
/// An after-response hook registered at run time.
using AfterHook = UniqueFunction<void(Request&, const Response&, const ResponseInfo&)>;

/// The app-wide hooks (registered at run time; one indirect call each).
struct AppHooks {
    std::vector<RequestHook> on_request;       ///< run before routing's result is used, for every request
    std::vector<RequestHook> pre_validation;   ///< run inside each route's chain
    std::vector<RequestHook> pre_handler;      ///< run inside each route's chain
    std::vector<ResponseHook> on_response;     ///< run last on every response
    std::vector<AfterHook> after_response;     ///< run once every response is written
    schema::ParseOptions parse;                ///< this app's JSON and validation options (from ServerConfig)

    /// Runs `list` in order. When a hook answers or fails, that is the route's result; nullopt
    /// when every hook let the request go on (or there are none).
    static std::optional<Result<Response>> stop_at(std::vector<RequestHook>& list, Request& req) {
        for (auto& hook : list) {
            Result<Step> step = hook(req);
            if (!step) return Result<Response>(std::move(step).error());
            if (step->responded()) return Result<Response>(std::move(step->response()));
        }
        return std::nullopt;
    }
};

/// The chain of a route that has no hooks or typed parameters of its own (run-time routes,
/// mounted tables): the app-wide pre_validation and pre_handler hooks, then `handler(req)`.
template <class Handler>
Result<Response> run_plain_chain(Request& req, AppHooks& app, Handler&& handler) {
    for (auto* list : {&app.pre_validation, &app.pre_handler}) {
        if (auto stopped = AppHooks::stop_at(*list, req)) return std::move(*stopped);
    }
    return handler(req);
}

/// Turns an Error into a response with the app's error handler.
class ErrorRenderer {
public:
    /// The app's response for `error`.
    virtual Response render_error(Request& req, const Error& error) = 0;

protected:
    ~ErrorRenderer() = default;
};

/// How many leading parameters each phase passes a hook (the rest are dependencies).
constexpr std::size_t fixed_hook_args(HookPhase p) noexcept {
    switch (p) {
        case HookPhase::on_request:
        case HookPhase::pre_validation:
        case HookPhase::pre_handler: return 1;
        case HookPhase::on_response:
        case HookPhase::on_error: return 2;
        case HookPhase::after_response: return 3;
    }
    return 1;
}

/// A hook with its dependencies bound.
template <class H>
struct BoundHook {
    static constexpr HookPhase phase = H::phase;
    using Args = typename di::CallableArgs<std::decay_t<decltype(H::fn)>>::args;
    static_assert(std::tuple_size_v<Args> >= fixed_hook_args(H::phase),
                  "a hook takes the phase's parameters first (sweet::Request&, then sweet::Response& for on_response, "
                  "const sweet::Error& for on_error, the response and sweet::ResponseInfo for after_response), "
                  "then any dependencies");
    using Deps = typename di::DependenciesFrom<fixed_hook_args(H::phase), Args>::type;

    H hook;
    Deps deps;

    /// Binds the hook's dependencies; an after_response hook may not take request-scoped ones
    /// (the request's scope has ended when it runs).
    std::string bind(const di::Registry& registry, const std::string& who) {
        std::string problem = deps.bind(registry, who + " (a hook)");
        if (!problem.empty() || H::phase != HookPhase::after_response) return problem;
        for (std::size_t i = 0; i < Deps::size(); ++i) {
            const di::ProviderBase* p = deps.provider(i);
            if (p->lifetime == Lifetime::per_request || p->lifetime == Lifetime::per_use) {
                return who + ": an after_response hook needs " + std::string(p->type) + ", a " + di::lifetime_name(p->lifetime) +
                       " dependency, but the request's dependencies are gone when after_response runs";
            }
        }
        return problem;
    }

    /// Calls the hook with the phase's arguments and its dependencies.
    template <class... A>
    decltype(auto) operator()(Request& req, A&&... a) {
        return di::call_with<fixed_hook_args(H::phase)>(hook.fn, deps, &req, req, std::forward<A>(a)...);
    }
};

/// Calls a request-side hook and normalises its result.
template <class B>
Result<Step> call_request_hook(B& bound, Request& req) {
    using R = decltype(bound(req));
    if constexpr (std::is_void_v<R>) {
        bound(req);
        return Step::next();
    } else {
        return to_step(bound(req));
    }
}

/// Runs the hooks of phase `P` in `hooks` in order until one answers or fails.
template <HookPhase P, class Tuple>
Result<Step> run_request_phase(Tuple& hooks, Request& req) {
    Result<Step> out = Step::next();
    bool done = false;
    std::apply(
        [&](auto&... bound) {
            [[maybe_unused]] const auto one = [&](auto& b) {
                if constexpr (std::remove_reference_t<decltype(b)>::phase == P) {
                    if (done) return;
                    Result<Step> step = call_request_hook(b, req);
                    if (!step || step->responded()) {
                        out = std::move(step);
                        done = true;
                    }
                }
            };
            (one(bound), ...);
        },
        hooks);
    return out;
}

/// Result<Step> that stopped the chain -> the route's result.
inline Result<Response> stopped(Result<Step>&& step) {
    if (!step) return std::move(step).error();
    return std::move(step->response());
}

/// Wraps `hooks` so each carries its bound dependencies.
template <class... H>
std::tuple<BoundHook<H>...> bind_hooks(Hooks<H...> hooks) {
    return std::apply([](auto&... h) { return std::tuple<BoundHook<H>...>{BoundHook<H>{std::move(h), {}}...}; }, hooks.list);
}

}  // namespace detail

/// One route as the app sees it: type-erased once, called once per phase.
class Endpoint {
public:
    virtual ~Endpoint() = default;
    /// on_request hooks ... handler (see the file comment). `app` holds the app-wide hooks.
    virtual Result<Response> run(Request& req, detail::AppHooks& app) = 0;
    /// Lets the route's or group's on_error answer `error`; false when it has none.
    virtual bool on_error(Request& req, const Error& error, Response& out) = 0;
    /// Route, then group on_response hooks. An Error from one becomes the error response.
    virtual void on_response(Request& req, Response& res, detail::ErrorRenderer& errors) = 0;
    /// Route, then group after_response hooks.
    virtual void after_response(Request& req, const Response& res, const ResponseInfo& info) = 0;
    /// Binds the dependencies of the handler and hooks; the first problem as text, or "".
    virtual std::string bind(const di::Registry& registry) = 0;
    /// Fills the route's OpenAPI operation (parameters, body, responses).
    virtual void describe(OperationDoc& doc, schema::Components& components) = 0;
    /// The sink that takes the request's body as it arrives, for routes that stream their body
    /// (`streams_body`); nullptr otherwise.
    virtual std::unique_ptr<http::BodySink> body_sink(Request& req) {
        static_cast<void>(req);
        return nullptr;
    }

    bool has_on_error = false;        ///< skip `on_error` when false
    bool has_on_response = false;     ///< skip `on_response` when false
    bool has_after_response = false;  ///< skip `after_response` when false
    bool streams_body = false;        ///< takes its body as it arrives (a `sweet::Upload` parameter)
    const di::Registry* registry = nullptr;  ///< where its dependencies come from (app or group)
    RouteOptions options;                    ///< docs and per-route limits
    /// Documentation added at registration (`responds<T>`), applied by `describe`'s caller.
    std::vector<UniqueFunction<void(OperationDoc&, schema::Components&)>> docs;
};

/// An endpoint around a handler registered at run time (no typed parameters, no hooks).
class PlainEndpoint final : public Endpoint {
public:
    /// Wraps `handler`.
    explicit PlainEndpoint(routing::BoundHandler handler) : handler_(std::move(handler)) {}
    Result<Response> run(Request& req, detail::AppHooks& app) override { return detail::run_plain_chain(req, app, handler_); }
    bool on_error(Request&, const Error&, Response&) override { return false; }
    void on_response(Request&, Response&, detail::ErrorRenderer&) override {}
    void after_response(Request&, const Response&, const ResponseInfo&) override {}
    std::string bind(const di::Registry&) override { return {}; }
    void describe(OperationDoc&, schema::Components&) override {}

private:
    routing::BoundHandler handler_;
};

namespace detail {

/// The endpoint of handler `F` on pattern `Route` with hooks `H...` (group's, then route's).
template <routing::FixedString Route, class F, class... H>
class RouteEndpoint final : public Endpoint {
    using Sig = routing::HandlerSignature<F>;
    static constexpr std::size_t kPathCount = routing::parsed_pattern_v<Route>.param_count;
    static constexpr std::size_t kArgCount = Sig::arity - 1;  // after Request&

    template <std::size_t I>
    using Param = typename Sig::template arg<I + 1>;
    template <std::size_t I>
    static constexpr bool kIsPath = I < kPathCount;
    template <std::size_t I>
    static constexpr bool kIsExtra = !kIsPath<I> && is_typed_param_v<std::remove_cvref_t<Param<I>>>;
    template <std::size_t I>
    static constexpr bool kIsDependency = !kIsPath<I> && !kIsExtra<I>;
    /// A `sweet::Upload` parameter: the body is parsed as it arrives.
    static constexpr bool kStreamsBody = []<std::size_t... I>(std::index_sequence<I...>) {
        return (std::is_same_v<std::remove_cvref_t<Param<I>>, Upload> || ... || false);
    }(std::make_index_sequence<kArgCount>{});

    /// Storage for parameter I while the request is validated: the converted value, or a
    /// pointer to the dependency.
    template <std::size_t I>
    using Slot = std::conditional_t<kIsDependency<I>, std::remove_reference_t<Param<I>>*, std::remove_cvref_t<Param<I>>>;

    template <std::size_t... I>
    static auto slots_type(std::index_sequence<I...>) -> std::tuple<Slot<I>...>;
    using Slots = decltype(slots_type(std::make_index_sequence<kArgCount>{}));

    template <std::size_t... I>
    static auto deps_type(std::index_sequence<I...>)
        -> decltype(std::tuple_cat(std::declval<std::conditional_t<kIsDependency<I>, std::tuple<std::remove_cvref_t<Param<I>>>, std::tuple<>>>()...));
    template <class Tuple>
    struct ToList;
    template <class... D>
    struct ToList<std::tuple<D...>> {
        using type = di::DependencyList<D...>;
    };
    using Deps = typename ToList<decltype(deps_type(std::make_index_sequence<kArgCount>{}))>::type;

    /// Index of parameter I among the dependencies.
    template <std::size_t I>
    static constexpr std::size_t dependency_index() {
        return []<std::size_t... J>(std::index_sequence<J...>) { return ((kIsDependency<J> ? 1 : 0) + ... + 0); }(std::make_index_sequence<I>{});
    }

public:
    RouteEndpoint(F handler, Hooks<H...> hooks, RouteOptions opts)
        : handler_(std::move(handler)), hooks_(bind_hooks(std::move(hooks))) {
        options = std::move(opts);
        has_on_error = Hooks<H...>::template count<HookPhase::on_error> > 0;
        has_on_response = Hooks<H...>::template count<HookPhase::on_response> > 0;
        has_after_response = Hooks<H...>::template count<HookPhase::after_response> > 0;
        streams_body = kStreamsBody;
    }

    std::unique_ptr<http::BodySink> body_sink(Request& req) override {
        if constexpr (kStreamsBody) {
            std::optional<std::uint64_t> length;
            if (req.head().framing == http::BodyFraming::content_length) length = req.head().content_length;
            return std::make_unique<http::MultipartBodySink>(req.header("Content-Type").value_or(std::string_view{}), length,
                                                             options.upload);
        } else {
            static_cast<void>(req);
            return nullptr;
        }
    }

    Result<Response> run(Request& req, AppHooks& app) override {
        if (Result<Step> s = run_request_phase<HookPhase::on_request>(hooks_, req); !s || s->responded()) return stopped(std::move(s));
        if (options.max_body_bytes != 0 && req.body().size() > options.max_body_bytes) {
            return Error::client(413, "request body too large for this route");
        }
        if (Result<void> checked = check_bodies(req); !checked) return std::move(checked).error();
        if (auto s = AppHooks::stop_at(app.pre_validation, req)) return std::move(*s);
        if (Result<Step> s = run_request_phase<HookPhase::pre_validation>(hooks_, req); !s || s->responded()) return stopped(std::move(s));

        const std::span<const std::string_view> values = req.params();
        if (values.size() != kPathCount) {
            return Error::internal("route \"" + std::string(Route.view()) + "\" was called with " + std::to_string(values.size()) +
                                   " path parameters instead of " + std::to_string(kPathCount));
        }
        Slots slots{};
        ValidationErrors errors(app.parse.max_errors);
        Error failure;
        bool failed = false;
        fill_slots(req, values, slots, errors, app.parse, failure, failed, std::make_index_sequence<kArgCount>{});
        if (failed) return failure;
        if (!errors.empty()) return Response::json_text(std::move(errors).body(), 422);

        if (auto s = AppHooks::stop_at(app.pre_handler, req)) return std::move(*s);
        if (Result<Step> s = run_request_phase<HookPhase::pre_handler>(hooks_, req); !s || s->responded()) return stopped(std::move(s));
        return call_handler(req, slots, std::make_index_sequence<kArgCount>{});
    }

    bool on_error(Request& req, const Error& error, Response& out) override {
        // The innermost on_error hook (the route's, else the inner group's...) answers alone.
        bool answered = false;
        reverse_each(hooks_, [&](auto& b) {
            if constexpr (std::remove_reference_t<decltype(b)>::phase == HookPhase::on_error) {
                if (answered) return;
                out = b(req, error);
                answered = true;
            }
        });
        return answered;
    }

    void on_response(Request& req, Response& res, ErrorRenderer& errors) override {
        // Inside-out: the route's hooks (given last) first.
        reverse_each(hooks_, [&](auto& b) {
            if constexpr (std::remove_reference_t<decltype(b)>::phase == HookPhase::on_response) {
                using R = decltype(b(req, res));
                if constexpr (std::is_void_v<R>) {
                    b(req, res);
                } else {
                    static_assert(std::is_same_v<R, Result<void>>,
                                  "an on_response hook must return sweet::Result<void> or void");
                    Result<void> r = b(req, res);
                    if (!r) res = errors.render_error(req, r.error());
                }
            }
        });
    }

    void after_response(Request& req, const Response& res, const ResponseInfo& info) override {
        reverse_each(hooks_, [&](auto& b) {
            if constexpr (std::remove_reference_t<decltype(b)>::phase == HookPhase::after_response) b(req, res, info);
        });
    }

    std::string bind(const di::Registry& reg) override {
        const std::string who = "route " + std::string(Route.view());
        std::string problem = deps_.bind(reg, who);
        std::apply([&](auto&... b) { ((problem.empty() ? void(problem = b.bind(reg, who)) : void()), ...); }, hooks_);
        return problem;
    }

    void describe(OperationDoc& doc, schema::Components& components) override {
        describe_params(doc, components, std::make_index_sequence<kArgCount>{});
    }

private:
    template <class Fn, class Tuple>
    static void reverse_each(Tuple& t, Fn&& fn) {
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            constexpr std::size_t n = sizeof...(I);
            (fn(std::get<n - 1 - I>(t)), ...);
        }(std::make_index_sequence<std::tuple_size_v<Tuple>>{});
    }

    Result<void> check_bodies(Request& req) {
        Result<void> out;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            [[maybe_unused]] const auto one = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
                if constexpr (kIsExtra<J>) {
                    if (out) out = TypedParam<std::remove_cvref_t<Param<J>>>::check(req);
                }
            };
            (one(std::integral_constant<std::size_t, I>{}), ...);
        }(std::make_index_sequence<kArgCount>{});
        return out;
    }

    template <std::size_t... I>
    void fill_slots(Request& req, std::span<const std::string_view> values, Slots& slots, ValidationErrors& errors,
                    const schema::ParseOptions& parse, Error& failure, bool& failed, std::index_sequence<I...>) {
        [[maybe_unused]] const auto one = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
            if (failed) return;
            if constexpr (kIsPath<J>) {
                constexpr auto& p = routing::parsed_pattern_v<Route>.params[J];
                routing::PathErrors path_errors{errors};
                routing::detail::convert_param<p.type>(p.name, values[J], std::get<J>(slots), path_errors);
            } else if constexpr (kIsExtra<J>) {
                if (Result<void> r = TypedParam<std::remove_cvref_t<Param<J>>>::extract(req, std::get<J>(slots), errors, parse); !r) {
                    failure = std::move(r).error();
                    failed = true;
                }
            } else {
                std::get<J>(slots) = &deps_.template get<dependency_index<J>()>(&req);
            }
        };
        (one(std::integral_constant<std::size_t, I>{}), ...);
    }

    template <std::size_t... I>
    Result<Response> call_handler(Request& req, Slots& slots, std::index_sequence<I...>) {
        return std::invoke(handler_, req, arg<I>(slots)...);
    }

    template <std::size_t I>
    decltype(auto) arg(Slots& slots) {
        if constexpr (kIsDependency<I>) {
            return static_cast<Param<I>>(*std::get<I>(slots));
        } else {
            // By-value parameters get the converted value moved in; const& ones bind in place.
            return std::forward<Param<I>>(std::get<I>(slots));
        }
    }

    template <std::size_t... I>
    void describe_params(OperationDoc& doc, schema::Components& components, std::index_sequence<I...>) {
        [[maybe_unused]] const auto one = [&]<std::size_t J>(std::integral_constant<std::size_t, J>) {
            if constexpr (kIsPath<J>) {
                constexpr auto& p = routing::parsed_pattern_v<Route>.params[J];
                doc.parameters.push_back(ParameterDoc{std::string(p.name), "path", path_param_schema<std::remove_cvref_t<Param<J>>>(p.type), {}, true});
            } else if constexpr (kIsExtra<J>) {
                TypedParam<std::remove_cvref_t<Param<J>>>::describe(doc, components);
            }
        };
        (one(std::integral_constant<std::size_t, I>{}), ...);
        // Only path and typed parameters can fail validation (dependencies cannot).
        doc.validates = []<std::size_t... J>(std::index_sequence<J...>) {
            return ((kIsPath<J> || kIsExtra<J>) || ... || false);
        }(std::make_index_sequence<kArgCount>{});
    }

    F handler_;
    std::tuple<BoundHook<H>...> hooks_;
    Deps deps_;
};

}  // namespace detail

}  // namespace sweet
