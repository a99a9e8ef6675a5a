#pragma once
/// @file handler_binding.hpp
/// Calls a typed handler such as `Response(Request&, std::int64_t id, std::string_view name)`
/// for a route like "/users/{id:int}/{name}": converts each path parameter to the handler's
/// parameter type, answers 422 (FastAPI's error shape) when a value does not convert, and makes
/// a handler that does not fit its pattern a compile error that says why.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sweet/core/ascii.hpp"
#include "sweet/core/result.hpp"
#include "sweet/core/type_traits.hpp"
#include "sweet/core/unique_function.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"
#include "sweet/routing/fixed_string.hpp"
#include "sweet/routing/route_pattern.hpp"
#include "sweet/schema/errors.hpp"

namespace sweet::routing {

/// A handler with its parameter conversion baked in, callable without knowing its signature.
using BoundHandler = UniqueFunction<Result<Response>(Request&)>;

// ---------------------------------------------------------------------------------------------
// Handler signatures
// ---------------------------------------------------------------------------------------------

/// The return and parameter types of a handler. `known` is false for callables whose signature
/// cannot be read (generic lambdas, overloaded function objects).
template <class F>
struct HandlerSignature {
    static constexpr bool known = false;
};

/// A plain function type; the other specialisations reduce to this one.
template <class R, class... Args>
struct HandlerSignature<R(Args...)> {
    static constexpr bool known = true;
    using result = R;
    using args = std::tuple<Args...>;  // only used to name types, never constructed
    static constexpr std::size_t arity = sizeof...(Args);
    /// The type of parameter `I`.
    template <std::size_t I>
    using arg = std::tuple_element_t<I, args>;
};
template <class R, class... Args>
struct HandlerSignature<R(Args...) noexcept> : HandlerSignature<R(Args...)> {};
template <class R, class... Args>
struct HandlerSignature<R (*)(Args...)> : HandlerSignature<R(Args...)> {};
template <class R, class... Args>
struct HandlerSignature<R (*)(Args...) noexcept> : HandlerSignature<R(Args...)> {};
template <class C, class R, class... Args>
struct HandlerSignature<R (C::*)(Args...)> : HandlerSignature<R(Args...)> {};
template <class C, class R, class... Args>
struct HandlerSignature<R (C::*)(Args...) const> : HandlerSignature<R(Args...)> {};
template <class C, class R, class... Args>
struct HandlerSignature<R (C::*)(Args...) noexcept> : HandlerSignature<R(Args...)> {};
template <class C, class R, class... Args>
struct HandlerSignature<R (C::*)(Args...) const noexcept> : HandlerSignature<R(Args...)> {};
/// Lambdas and function objects with a single, non-template call operator.
template <class F>
    requires requires { &F::operator(); }
struct HandlerSignature<F> : HandlerSignature<decltype(&F::operator())> {};

// ---------------------------------------------------------------------------------------------
// Which handler parameter types each route parameter type accepts
// ---------------------------------------------------------------------------------------------

namespace detail {

using sweet::is_character_v;

template <class T>
inline constexpr bool is_string_param_v = std::is_same_v<T, std::string_view> || std::is_same_v<T, std::string>;

template <class T>
inline constexpr bool is_signed_param_v =
    std::is_integral_v<T> && std::is_signed_v<T> && !is_character_v<T>;  // signed char is std::int8_t: allowed

template <class T>
inline constexpr bool is_unsigned_param_v =
    std::is_integral_v<T> && std::is_unsigned_v<T> && !std::is_same_v<T, bool> && !is_character_v<T>;

/// True when a route parameter of `Type` converts to a handler parameter of (cv-ref-free) type `T`.
template <ParamType Type, class T>
inline constexpr bool accepts_v = [] {
    switch (Type) {
        case ParamType::string:
        case ParamType::uuid:
        case ParamType::path: return is_string_param_v<T>;
        case ParamType::integer: return is_signed_param_v<T>;
        case ParamType::unsigned_integer: return is_unsigned_param_v<T>;
        case ParamType::floating: return std::is_floating_point_v<T>;
        case ParamType::boolean: return std::is_same_v<T, bool>;
    }
    return false;
}();

template <class>
inline constexpr bool dependent_false_v = false;

/// The token of parameter `I` ("{id:int}") as a template argument, so it shows in diagnostics.
template <FixedString Route, std::size_t I>
consteval auto param_token() {
    constexpr std::string_view text = parsed_pattern_v<Route>.params[I].text;
    char buffer[text.size() + 1] = {};
    for (std::size_t i = 0; i < text.size(); ++i) buffer[i] = text[i];
    return FixedString<text.size() + 1>(buffer);
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Compile-time checks, in two halves. `find_handler_mismatch` decides, using only traits, so its
// answer stays usable after an error (clang stops evaluating anything that touched a failed
// static_assert, which would add follow-up errors). `check_route_handler` reports: it holds the
// static_asserts and is only ever instantiated, never called. The names of the templates below
// and their arguments (the route pattern, the parameter's position and token, the handler's
// parameter type) appear in the compiler's "in instantiation of" notes, so message plus note
// say which route is wrong and why.
// ---------------------------------------------------------------------------------------------

/// Reports a handler that declares a different number of path parameters than its pattern.
template <FixedString Route, std::size_t HandlerTakes, std::size_t PatternDeclares>
struct HandlerParameterCountCheck {
    static constexpr std::size_t the_handler_takes = HandlerTakes;
    static constexpr std::size_t the_route_pattern_declares = PatternDeclares;
    static_assert(the_handler_takes >= the_route_pattern_declares,
                  "the handler takes fewer path parameters than the route pattern declares "
                  "(after sweet::Request&, a handler takes one parameter per route parameter, in order)");
    static_assert(the_handler_takes <= the_route_pattern_declares,
                  "the handler takes more path parameters than the route pattern declares "
                  "(after sweet::Request&, a handler takes one parameter per route parameter, in order)");
};

namespace detail {

/// True when handler parameter type `P` (as declared, maybe a reference) can receive a route
/// parameter of type `Type`: an accepted type, by value or by const reference.
template <ParamType Type, class P>
inline constexpr bool parameter_fits_v =
    accepts_v<Type, std::remove_cvref_t<P>> &&
    !(std::is_lvalue_reference_v<P> && !std::is_const_v<std::remove_reference_t<P>>);

}  // namespace detail

/// Reports handler parameter `Position` (0 = the first after `Request&`) when it cannot receive
/// route parameter `Token` of pattern `Route`. Exactly one assertion fails for a wrong parameter.
template <FixedString Route, std::size_t Position, FixedString Token, class HandlerParameter>
struct RouteParameterTypeCheck {
    /// The declared route parameter type.
    static constexpr ParamType type = parsed_pattern_v<Route>.params[Position].type;
    using T = std::remove_cvref_t<HandlerParameter>;
    static constexpr bool is_accepted_type = detail::accepts_v<type, T>;

    // One named condition per route parameter type, so the failing line reads as a sentence.
    static constexpr bool str_parameter_gets_a_string = type != ParamType::string || is_accepted_type;
    static constexpr bool int_parameter_gets_a_signed_integer = type != ParamType::integer || is_accepted_type;
    static constexpr bool uint_parameter_gets_an_unsigned_integer = type != ParamType::unsigned_integer || is_accepted_type;
    static constexpr bool float_parameter_gets_a_floating_point_number = type != ParamType::floating || is_accepted_type;
    static constexpr bool uuid_parameter_gets_a_string = type != ParamType::uuid || is_accepted_type;
    static constexpr bool bool_parameter_gets_a_bool = type != ParamType::boolean || is_accepted_type;
    static constexpr bool catch_all_parameter_gets_a_string = type != ParamType::path || is_accepted_type;
    static constexpr bool passed_by_value_or_const_reference = !is_accepted_type || detail::parameter_fits_v<type, HandlerParameter>;

    static_assert(str_parameter_gets_a_string,
                  "route parameter {name} (str) needs a std::string_view or std::string handler parameter; "
                  "declare {name:int}, {name:uint}, {name:float}, {name:bool} or {name:uuid} for other types");
    static_assert(int_parameter_gets_a_signed_integer,
                  "route parameter {name:int} needs an integer handler parameter (std::int64_t, int, long, short, ...)");
    static_assert(uint_parameter_gets_an_unsigned_integer,
                  "route parameter {name:uint} needs an unsigned integer handler parameter (std::uint64_t, unsigned, std::size_t, ...)");
    static_assert(float_parameter_gets_a_floating_point_number,
                  "route parameter {name:float} needs a floating-point handler parameter (double, float)");
    static_assert(uuid_parameter_gets_a_string,
                  "route parameter {name:uuid} needs a std::string_view or std::string handler parameter");
    static_assert(bool_parameter_gets_a_bool, "route parameter {name:bool} needs a bool handler parameter");
    static_assert(catch_all_parameter_gets_a_string,
                  "catch-all route parameter {name...} needs a std::string_view or std::string handler parameter");
    static_assert(passed_by_value_or_const_reference,
                  "a handler receives path parameters by value or by const reference, not by non-const reference");
};

/// The first way a handler does not fit its route, or `none`.
enum class HandlerMismatch : std::uint8_t {
    none,
    invalid_pattern,
    unreadable_signature,
    return_type,
    first_parameter,
    parameter_count,
    parameter_type,
    extra_parameter,
};

/// Customization point of the app layer: true for parameter types it fills after the path
/// parameters (`Body<T>`, `Query<T>`, `Headers<T>`).
template <class T>
struct IsExtraHandlerParam : std::false_type {};

/// True when handler parameter `P`, after the path parameters, can be filled by the app: a
/// typed parameter (by value or const reference) or a dependency (a reference to a class).
template <class P>
inline constexpr bool is_extra_handler_param_v =
    IsExtraHandlerParam<std::remove_cvref_t<P>>::value ||
    (std::is_lvalue_reference_v<P> && std::is_class_v<std::remove_cvref_t<P>> &&
     !std::is_same_v<std::remove_cvref_t<P>, Request> && !detail::is_string_param_v<std::remove_cvref_t<P>>);

/// Reports handler parameter `Position` (0 = the first after `Request&`), which comes after the
/// path parameters of `Route` but is nothing the app can fill.
template <FixedString Route, std::size_t Position, class HandlerParameter>
struct ExtraHandlerParameterCheck {
    static constexpr bool is_body_query_headers_or_dependency = is_extra_handler_param_v<HandlerParameter>;
    static_assert(is_body_query_headers_or_dependency,
                  "after its path parameters, a handler takes only sweet::Body<T>, sweet::Query<T>, sweet::Headers<T> "
                  "or dependencies by reference (T&); this parameter is none of them (or the route pattern declares "
                  "fewer path parameters than the handler takes)");
};

namespace detail {

/// Decides, from traits alone, whether handler type `F` fits `Route` (checks in order: the
/// pattern, then the signature's shape, then each parameter).
template <FixedString Route, class F, bool AllowExtras = false>
consteval HandlerMismatch find_handler_mismatch() {
    constexpr const ParsedPattern& pattern = parsed_pattern_v<Route>;
    if constexpr (!pattern.ok()) {
        return HandlerMismatch::invalid_pattern;
    } else if constexpr (!HandlerSignature<F>::known) {
        return HandlerMismatch::unreadable_signature;
    } else {
        using Sig = HandlerSignature<F>;
        using R = typename Sig::result;
        if constexpr (!std::is_same_v<R, Result<Response>> && !std::is_same_v<R, Response>) {
            return HandlerMismatch::return_type;
        } else if constexpr (Sig::arity == 0) {
            return HandlerMismatch::first_parameter;
        } else if constexpr (!std::is_same_v<typename Sig::template arg<0>, Request&> &&
                             !std::is_same_v<typename Sig::template arg<0>, const Request&>) {
            return HandlerMismatch::first_parameter;
        } else if constexpr (Sig::arity - 1 < pattern.param_count || (!AllowExtras && Sig::arity - 1 != pattern.param_count)) {
            return HandlerMismatch::parameter_count;
        } else {
            const bool fits = []<std::size_t... I>(std::index_sequence<I...>) {
                return (true && ... && parameter_fits_v<parsed_pattern_v<Route>.params[I].type, typename Sig::template arg<I + 1>>);
            }(std::make_index_sequence<parsed_pattern_v<Route>.param_count>{});
            if (!fits) return HandlerMismatch::parameter_type;
            constexpr std::size_t kPath = parsed_pattern_v<Route>.param_count;
            const bool extras_fit = []<std::size_t... I>(std::index_sequence<I...>) {
                return (true && ... && is_extra_handler_param_v<typename Sig::template arg<kPath + I + 1>>);
            }(std::make_index_sequence<Sig::arity - 1 - kPath>{});
            return extras_fit ? HandlerMismatch::none : HandlerMismatch::extra_parameter;
        }
    }
}

}  // namespace detail

/// True when handler type `F` fits `Route`. Pure: it reports nothing (see `check_route_handler`).
/// With `AllowExtras`, parameters after the path parameters may be typed parameters and
/// dependencies (the app's routes); without, there must be none (route tables, `bind_handler`).
template <FixedString Route, class F, bool AllowExtras = false>
inline constexpr bool handler_fits_route_v =
    detail::find_handler_mismatch<Route, std::remove_cvref_t<F>, AllowExtras>() == HandlerMismatch::none;

/// Reports, as compile errors that read like sentences, the first way handler type `F` does not
/// fit `Route` (each parameter with a wrong type is reported). Instantiate it by taking its
/// address, `static_cast<void>(&check_route_handler<Route, F>)`; never call it: its body is
/// invalid exactly when there is something to report.
template <FixedString Route, class F, bool AllowExtras = false>
constexpr void check_route_handler() noexcept {
    constexpr HandlerMismatch mismatch = detail::find_handler_mismatch<Route, F, AllowExtras>();
    if constexpr (mismatch == HandlerMismatch::invalid_pattern) {
        static_cast<void>(sizeof(RoutePatternCheck<Route>));
    } else if constexpr (mismatch == HandlerMismatch::unreadable_signature) {
        static_assert(detail::dependent_false_v<F>,
                      "a handler must be a function or a lambda with concrete parameter types: sweet::Request& followed "
                      "by one parameter per route parameter (generic lambdas with auto parameters cannot be checked)");
    } else if constexpr (mismatch == HandlerMismatch::return_type) {
        static_assert(detail::dependent_false_v<F>, "a handler must return sweet::Result<sweet::Response> or sweet::Response");
    } else if constexpr (mismatch == HandlerMismatch::first_parameter) {
        static_assert(detail::dependent_false_v<F>, "the first handler parameter must be sweet::Request&");
    } else if constexpr (mismatch == HandlerMismatch::parameter_count) {
        static_cast<void>(sizeof(HandlerParameterCountCheck<Route, HandlerSignature<F>::arity - 1, parsed_pattern_v<Route>.param_count>));
    } else if constexpr (mismatch == HandlerMismatch::parameter_type) {
        using Sig = HandlerSignature<F>;
        []<std::size_t... I>(std::index_sequence<I...>) {
            (static_cast<void>(sizeof(RouteParameterTypeCheck<Route, I, detail::param_token<Route, I>(), typename Sig::template arg<I + 1>>)), ...);
        }(std::make_index_sequence<parsed_pattern_v<Route>.param_count>{});
    } else if constexpr (mismatch == HandlerMismatch::extra_parameter) {
        using Sig = HandlerSignature<F>;
        constexpr std::size_t kPath = parsed_pattern_v<Route>.param_count;
        []<std::size_t... I>(std::index_sequence<I...>) {
            ((is_extra_handler_param_v<typename Sig::template arg<kPath + I + 1>>
                  ? void()
                  : static_cast<void>(sizeof(ExtraHandlerParameterCheck<Route, kPath + I, typename Sig::template arg<kPath + I + 1>>))),
             ...);
        }(std::make_index_sequence<Sig::arity - 1 - kPath>{});
    }
}

// ---------------------------------------------------------------------------------------------
// Parameter conversion and the 422 body
// ---------------------------------------------------------------------------------------------

/// Records path parameter conversion errors in the shared 422 collector (body, query and
/// header errors land in the same one), with loc ["path", name].
struct PathErrors {
    schema::ValidationErrors& errors;  ///< where the errors go
    /// Records one error; `ctx_value` is a decimal bound when `ctx_key` is set.
    void add(std::string_view type, std::string_view name, std::string_view msg, std::string_view input,
             std::string_view ctx_key = {}, std::string_view ctx_value = {}) {
        const schema::Location root("path");
        const schema::Location loc(root, name);
        if (ctx_key.empty()) {
            errors.add(type, loc, msg, schema::ErrorInput::string(input));
            return;
        }
        schema::Number bound;
        if (!ctx_value.empty() && ctx_value[0] == '-') {
            long long v = 0;
            std::from_chars(ctx_value.data(), ctx_value.data() + ctx_value.size(), v);
            bound = schema::Number(v);
        } else {
            unsigned long long v = 0;
            std::from_chars(ctx_value.data(), ctx_value.data() + ctx_value.size(), v);
            bound = schema::Number(v);
        }
        errors.add(type, loc, msg, schema::ErrorInput::string(input), {{ctx_key, schema::ContextValue(bound)}});
    }
};

namespace detail {

/// An optionally signed decimal integer: its sign and magnitude (saturating, with a flag).
struct DecimalInteger {
    bool valid = false;
    bool negative = false;
    bool overflow = false;  // magnitude does not fit in 64 bits
    std::uint64_t magnitude = 0;
};

constexpr DecimalInteger parse_decimal_integer(std::string_view s) noexcept {
    DecimalInteger out;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        out.negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.empty()) return out;
    for (char c : s) {
        if (c < '0' || c > '9') return out;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (out.magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
            out.overflow = true;
        } else {
            out.magnitude = out.magnitude * 10 + digit;
        }
    }
    out.valid = true;
    return out;
}

/// For a decimal that from_chars reported out of range: true when it is too large (overflow),
/// false when it is too close to zero (underflow, which Python and FastAPI read as 0.0).
/// The position of the first significant digit plus the exponent gives the order of magnitude.
constexpr bool decimal_is_huge(std::string_view s) noexcept {
    std::size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    long long order = 0;
    bool significant = false;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
        if (significant) ++order;
        if (s[i] != '0') significant = true;
    }
    if (i < s.size() && s[i] == '.') {
        for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
            if (!significant) --order;
            if (s[i] != '0') significant = true;
        }
    }
    if (!significant) return false;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        const bool negative = i < s.size() && s[i] == '-';
        if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
        long long exponent = 0;
        for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
            if (exponent < 1'000'000'000) exponent = exponent * 10 + (s[i] - '0');  // clamp: any larger is just "huge"
        }
        order += negative ? -exponent : exponent;
    }
    return order >= 0;
}

inline bool is_uuid(std::string_view s) noexcept {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (c != '-') return false;
        } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return false;
        }
    }
    return true;
}

/// Converts `text` (route parameter `name` of type `Type`) into `out`; on failure records the
/// error in FastAPI's words and returns false.
template <ParamType Type, class T>
bool convert_param(std::string_view name, std::string_view text, T& out, PathErrors& errors) {
    if constexpr (Type == ParamType::string || Type == ParamType::path) {
        out = T(text);
        return true;
    } else if constexpr (Type == ParamType::uuid) {
        if (!is_uuid(text)) {
            errors.add("uuid_parsing", name, "Input should be a valid UUID, expected 8-4-4-4-12 hexadecimal digits", text);
            return false;
        }
        out = T(text);
        return true;
    } else if constexpr (Type == ParamType::boolean) {
        if (text == "1" || ascii_iequals(text, "true")) {
            out = true;
        } else if (text == "0" || ascii_iequals(text, "false")) {
            out = false;
        } else {
            errors.add("bool_parsing", name, "Input should be a valid boolean, unable to interpret input", text);
            return false;
        }
        return true;
    } else if constexpr (Type == ParamType::integer || Type == ParamType::unsigned_integer) {
        const DecimalInteger d = parse_decimal_integer(text);
        if (!d.valid) {
            errors.add("int_parsing", name, "Input should be a valid integer, unable to parse string as an integer", text);
            return false;
        }
        using Limits = std::numeric_limits<T>;
        // Magnitudes are compared as uint64: |min| of a signed type is max + 1.
        const auto max_magnitude = static_cast<std::uint64_t>(Limits::max());
        const std::uint64_t min_magnitude = std::is_signed_v<T> ? max_magnitude + 1 : 0;
        if (d.negative && (d.overflow || d.magnitude > min_magnitude)) {
            const std::string bound = std::to_string(static_cast<long long>(Limits::min()));
            errors.add("greater_than_equal", name, "Input should be greater than or equal to " + bound, text, "ge", bound);
            return false;
        }
        if (!d.negative && (d.overflow || d.magnitude > max_magnitude)) {
            const std::string bound = std::to_string(static_cast<unsigned long long>(Limits::max()));
            errors.add("less_than_equal", name, "Input should be less than or equal to " + bound, text, "le", bound);
            return false;
        }
        if constexpr (std::is_signed_v<T>) {
            // -(2^63) has no positive counterpart, so the most negative value is set directly.
            out = d.negative ? (d.magnitude == min_magnitude ? Limits::min() : static_cast<T>(-static_cast<std::int64_t>(d.magnitude)))
                             : static_cast<T>(d.magnitude);
        } else {
            out = static_cast<T>(d.magnitude);  // "-0" is 0
        }
        return true;
    } else {
        static_assert(Type == ParamType::floating);
        // from_chars takes no leading '+', unlike Python's float(); skip one ourselves.
        std::string_view digits = text;
        if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-' && digits[1] != '+') digits.remove_prefix(1);
        T value{};
        const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (digits.empty() || end != digits.data() + digits.size() || ec == std::errc::invalid_argument) {
            errors.add("float_parsing", name, "Input should be a valid number, unable to parse string as a number", text);
            return false;
        }
        if (ec == std::errc::result_out_of_range) {
            if (decimal_is_huge(digits)) {
                errors.add("finite_number", name, "Input should be a finite number", text);
                return false;
            }
            value = digits[0] == '-' ? -T(0) : T(0);
        } else if (!std::isfinite(value)) {  // "inf", "nan": never a sensible path value
            errors.add("finite_number", name, "Input should be a finite number", text);
            return false;
        }
        out = value;
        return true;
    }
}

}  // namespace detail

/// Converts the request's path parameters for `Route` and calls `handler`. Answers 422 when a
/// value does not convert (listing every bad parameter), and returns an internal error if the
/// request carries a different number of parameters than the pattern (the router was not run).
/// `F` must fit `Route` (see `handler_fits_route_v`); otherwise this returns an internal error,
/// after the compile error has already been reported.
template <FixedString Route, class F>
Result<Response> invoke_route_handler(F& handler, Request& req) {
    if constexpr (!handler_fits_route_v<Route, F>) {
        return Error::internal("handler does not fit its route");  // unreachable: it did not compile
    } else {
        using Sig = HandlerSignature<std::remove_cvref_t<F>>;
        constexpr std::size_t kCount = parsed_pattern_v<Route>.param_count;
        const std::span<const std::string_view> values = req.params();
        if (values.size() != kCount) {
            return Error::internal("route \"" + std::string(Route.view()) + "\" was called with " +
                                   std::to_string(values.size()) + " path parameters instead of " + std::to_string(kCount));
        }
        return [&]<std::size_t... I>(std::index_sequence<I...>) -> Result<Response> {
            // Default-constructed holders (all accepted types are cheap to default-construct).
            std::tuple<std::remove_cvref_t<typename Sig::template arg<I + 1>>...> converted{};
            schema::ValidationErrors errors;
            [[maybe_unused]] PathErrors path_errors{errors};
            // Every parameter is converted (no short-circuit) so the 422 lists all bad values.
            (detail::convert_param<parsed_pattern_v<Route>.params[I].type>(parsed_pattern_v<Route>.params[I].name,
                                                                            values[I], std::get<I>(converted), path_errors),
             ...);
            if (!errors.empty()) return Response::json_text(std::move(errors).body(), 422);
            // forward<Arg>: by-value parameters get moved-in values, const& parameters bind in place.
            return std::invoke(handler, req, std::forward<typename Sig::template arg<I + 1>>(std::get<I>(converted))...);
        }(std::make_index_sequence<kCount>{});
    }
}

/// Type-erases `f` for `Route`. `f`'s signature must be `R(Request&, P1, ..., Pn)` with `R`
/// `Result<Response>` or `Response` and one `Pi` per route parameter, in pattern order, of a
/// type the parameter converts to. A mismatch is a compile error naming the route.
template <FixedString Route, class F>
[[nodiscard]] BoundHandler bind_handler(F&& f) {
    using Fn = std::decay_t<F>;
    static_cast<void>(&check_route_handler<Route, Fn>);  // instantiated for its diagnostics only
    if constexpr (!handler_fits_route_v<Route, Fn>) {
        return BoundHandler{};  // the compile error has been reported; add no follow-up errors
    } else {
        return BoundHandler([fn = Fn(std::forward<F>(f))](Request& req) mutable -> Result<Response> {
            return invoke_route_handler<Route>(fn, req);
        });
    }
}

}  // namespace sweet::routing
