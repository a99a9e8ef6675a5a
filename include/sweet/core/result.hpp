#pragma once
/// @file result.hpp
/// `Result<T>`: the value every handler, middleware and hook returns. It holds either a `T`
/// or an `Error`; errors flow down the chain to the error handler instead of being thrown.

#include <cassert>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace sweet {

/// A failure that travels through the request chain. `status` and `message` are what the client
/// sees; `detail` is for the log only and is never sent (so internals never leak).
struct Error {
    int status = 500;     ///< HTTP status the error maps to.
    std::string message;  ///< Short, client-safe text ("Not Found"). Empty: the status' reason phrase.
    std::string detail;   ///< Internal description for the log; never sent to the client.

    /// A 500 whose cause is logged but hidden from the client.
    static Error internal(std::string detail) { return Error{500, {}, std::move(detail)}; }
    /// A client error with a status and a message the client may read.
    static Error client(int status, std::string message) { return Error{status, std::move(message), {}}; }
};

/// Either a value of type `T` or an `Error`. Construct it implicitly from either.
template <class T>
class [[nodiscard]] Result {
public:
    using value_type = T;

    /// Success.
    template <class U = T>
        requires std::is_constructible_v<T, U&&> && (!std::is_same_v<std::remove_cvref_t<U>, Error>) &&
                 (!std::is_same_v<std::remove_cvref_t<U>, Result>)
    Result(U&& value) : state_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT: implicit on purpose
    /// Failure.
    Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit on purpose

    /// True when this holds a value.
    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    /// The value; only valid when `ok()`.
    T& value() & { assert(ok()); return std::get<0>(state_); }
    const T& value() const& { assert(ok()); return std::get<0>(state_); }
    T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
    T& operator*() & { return value(); }
    T&& operator*() && { return std::move(*this).value(); }
    T* operator->() { return &value(); }

    /// The error; only valid when `!ok()`.
    Error& error() & { assert(!ok()); return std::get<1>(state_); }
    const Error& error() const& { assert(!ok()); return std::get<1>(state_); }
    Error&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

private:
    std::variant<T, Error> state_;
};

/// Result without a value: success, or an `Error`.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}  // NOLINT: implicit on purpose

    [[nodiscard]] bool ok() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return ok(); }
    Error& error() & { assert(failed_); return error_; }
    const Error& error() const& { assert(failed_); return error_; }
    Error&& error() && { assert(failed_); return std::move(error_); }

private:
    Error error_;
    bool failed_ = false;
};

/// Tells whether a type is some `Result<T>`.
template <class T>
inline constexpr bool is_result_v = false;
template <class T>
inline constexpr bool is_result_v<Result<T>> = true;

}  // namespace sweet
