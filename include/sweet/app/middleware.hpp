#pragma once
/// @file middleware.hpp
/// Middleware: functions that run before the handler and return a `Result<Step>`: continue to
/// the next one, answer early with a response, or fail with an `Error` that goes to the error
/// handler. No exceptions are needed anywhere in the chain.

#include <optional>
#include <utility>

#include "sweet/core/result.hpp"
#include "sweet/core/unique_function.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet {

/// What a middleware decided: go on (`next()`), or answer now (`respond(response)`).
class Step {
public:
    /// Continue with the next middleware, then the handler.
    static Step next() { return Step{}; }
    /// Stop here and send `response`.
    static Step respond(Response response) {
        Step s;
        s.response_ = std::move(response);
        return s;
    }
    /// True when the middleware answered.
    [[nodiscard]] bool responded() const noexcept { return response_.has_value(); }
    /// The early response (only when `responded()`).
    Response& response() { return *response_; }

private:
    std::optional<Response> response_;
};

/// Shorthand for `Step::next()`: `return sweet::next();`.
inline Step next() { return Step::next(); }
/// Shorthand for `Step::respond(r)`.
inline Step respond(Response r) { return Step::respond(std::move(r)); }

/// A middleware: runs for every request before routing's handler.
using Middleware = UniqueFunction<Result<Step>(Request&)>;

/// Turns an `Error` into the response the client sees. The default writes
/// "<status> <reason>: <message>" as text and never includes `Error::detail`.
using ErrorHandler = UniqueFunction<Response(Request&, const Error&)>;

}  // namespace sweet
