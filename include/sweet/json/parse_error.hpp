#pragma once
/// @file parse_error.hpp
/// `ParseError` (where and why a JSON text is malformed) and `ParseResult<T>` (a parsed value or
/// that error). Free of simdjson: the function making a `ParseError` from a simdjson error code
/// lives in sweet/json/simdjson_error.hpp.

#include <cassert>
#include <cstddef>
#include <string>
#include <utility>
#include <variant>

#include "sweet/core/result.hpp"

namespace sweet::json {

/// Why a JSON text was refused, and where.
struct ParseError {
    std::size_t offset = 0;  ///< Byte offset into the input where the problem was found (may equal its size).
    std::string reason;      ///< Human-readable cause, e.g. "invalid number near '01,'".

    /// "malformed JSON at byte <offset>: <reason>".
    [[nodiscard]] std::string message() const {
        return "malformed JSON at byte " + std::to_string(offset) + ": " + reason;
    }
    /// A 400 Bad Request whose message the client may read (it describes only the client's own input).
    [[nodiscard]] Error to_error() const { return Error::client(400, message()); }

    /// Equal offset and reason.
    friend bool operator==(const ParseError&, const ParseError&) = default;
};

/// Either a parsed `T` or the `ParseError` that prevented it.
template <class T>
class [[nodiscard]] ParseResult {
public:
    /// Success.
    ParseResult(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT: implicit on purpose
    /// Failure.
    ParseResult(ParseError error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit on purpose

    /// True when this holds a value.
    [[nodiscard]] bool ok() const noexcept { return state_.index() == 0; }
    /// Same as `ok()`.
    explicit operator bool() const noexcept { return ok(); }

    /// The value; only valid when `ok()`.
    [[nodiscard]] T& value() & { assert(ok()); return std::get<0>(state_); }
    /// The value; only valid when `ok()`.
    [[nodiscard]] const T& value() const& { assert(ok()); return std::get<0>(state_); }
    /// The value, moved out; only valid when `ok()`.
    [[nodiscard]] T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
    /// The value; only valid when `ok()`.
    [[nodiscard]] T& operator*() & { return value(); }
    /// The value; only valid when `ok()`.
    [[nodiscard]] const T& operator*() const& { return value(); }
    /// The value, moved out; only valid when `ok()`.
    [[nodiscard]] T&& operator*() && { return std::move(*this).value(); }
    /// Member access to the value; only valid when `ok()`.
    [[nodiscard]] T* operator->() { return &value(); }
    /// Member access to the value; only valid when `ok()`.
    [[nodiscard]] const T* operator->() const { return &value(); }

    /// The error; only valid when `!ok()`.
    [[nodiscard]] const ParseError& error() const& { assert(!ok()); return std::get<1>(state_); }
    /// The error, moved out; only valid when `!ok()`.
    [[nodiscard]] ParseError&& error() && { assert(!ok()); return std::get<1>(std::move(state_)); }

    /// As a handler's `Result`: the value, or a 400 error carrying the parse error's message.
    [[nodiscard]] Result<T> to_result() && {
        if (ok()) return std::get<0>(std::move(state_));
        return std::get<1>(state_).to_error();
    }

private:
    std::variant<T, ParseError> state_;
};

}  // namespace sweet::json
