#pragma once
/// @file errors.hpp
/// Validation errors in FastAPI's (pydantic v2's) shape, shared by body, query, header and path
/// parameters:
/// `{"detail":[{"type":"string_too_short","loc":["body","name"],"msg":"String should have at
/// least 1 character","input":"","ctx":{"min_length":1}}, ...]}`.
///
/// `Location` is the path to the offending value, built on the stack as parsing descends (each
/// level refers to its parent), so tracking it costs nothing until an error is written.

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

#include "sweet/json/writer.hpp"
#include "sweet/schema/number.hpp"

namespace sweet::schema {

/// Where a value sits: a root ("body", "query", "header", "path") followed by member names and
/// array indices. Each segment refers to its parent, which must outlive it (segments live on
/// the stack of the code descending into the value).
class Location {
public:
    /// The root segment.
    explicit constexpr Location(std::string_view root) noexcept : key_(root) {}
    /// A member named `key` inside `parent`.
    constexpr Location(const Location& parent, std::string_view key) noexcept : parent_(&parent), key_(key) {}
    /// Element `index` of the array `parent`.
    constexpr Location(const Location& parent, std::size_t index) noexcept
        : parent_(&parent), index_(index), is_index_(true) {}

    /// The enclosing segment, or nullptr for the root.
    [[nodiscard]] constexpr const Location* parent() const noexcept { return parent_; }
    /// True for an array index segment.
    [[nodiscard]] constexpr bool is_index() const noexcept { return is_index_; }
    /// The member name (or root) of a name segment.
    [[nodiscard]] constexpr std::string_view key() const noexcept { return key_; }
    /// The index of an index segment.
    [[nodiscard]] constexpr std::size_t index() const noexcept { return index_; }
    /// Number of segments from the root to this one, inclusive.
    [[nodiscard]] constexpr std::size_t depth() const noexcept { return parent_ == nullptr ? 1 : parent_->depth() + 1; }

    /// Writes the path as a JSON array, root first: ["body","items",0,"price"].
    void write(json::Writer& w) const;

private:
    /// Writes the segments root first (recursion as deep as the location, which the parsers'
    /// depth limit bounds).
    void write_segments(json::Writer& w) const;

    const Location* parent_ = nullptr;
    std::string_view key_;
    std::size_t index_ = 0;
    bool is_index_ = false;
};

/// The offending input of an error: already-serialized JSON (from a body), a plain string (from
/// a query, header or path parameter), or none (written as null).
class ErrorInput {
public:
    /// No input: `null` (a missing query parameter).
    constexpr ErrorInput() noexcept = default;
    /// JSON text taken from the request body; whitespace outside strings is removed.
    [[nodiscard]] static constexpr ErrorInput json(std::string_view text) noexcept {
        return ErrorInput(text, Kind::json);
    }
    /// A string value, written as a JSON string.
    [[nodiscard]] static constexpr ErrorInput string(std::string_view text) noexcept {
        return ErrorInput(text, Kind::string);
    }

    /// A number read from the body.
    [[nodiscard]] static constexpr ErrorInput number(const Number& n) noexcept {
        ErrorInput input({}, Kind::number);
        input.number_ = n;
        return input;
    }

    /// Appends the input as JSON.
    void write(json::Writer& w) const;

private:
    enum class Kind : std::uint8_t { none, json, string, number };
    constexpr ErrorInput(std::string_view text, Kind kind) noexcept : text_(text), kind_(kind) {}
    std::string_view text_;
    Number number_;
    Kind kind_ = Kind::none;
};

/// One value of an error's "ctx" object.
class ContextValue {
public:
    /// A number (bounds, lengths).
    ContextValue(Number n) noexcept : number_(n) {}  // NOLINT: implicit, for brace lists
    /// A length or count.
    ContextValue(std::size_t n) noexcept : number_(Number(n)) {}  // NOLINT
    /// A string ("pattern", "expected", "error").
    ContextValue(std::string_view s) noexcept : text_(s), is_string_(true) {}  // NOLINT
    /// A string literal.
    ContextValue(const char* s) noexcept : text_(s), is_string_(true) {}  // NOLINT

    /// Appends the value as JSON.
    void write(json::Writer& w) const;

private:
    Number number_;
    std::string_view text_;
    bool is_string_ = false;
};

/// One "ctx" member.
struct ContextEntry {
    std::string_view key;
    ContextValue value;
};

/// Collects validation errors and produces the 422 body. Allocates nothing until the first
/// error; records at most `max_errors()` (further ones are counted in `dropped()` only).
class ValidationErrors {
public:
    /// The cap used when none is given.
    static constexpr std::size_t default_max_errors = 100;

    /// An empty list that keeps at most `max_errors` errors (at least one, so that a refused
    /// input always says why).
    explicit ValidationErrors(std::size_t max_errors = default_max_errors) noexcept
        : max_errors_(max_errors == 0 ? 1 : max_errors) {}

    /// Records one error: pydantic's `type`, the location, the message, the offending input and
    /// the context (e.g. {"min_length": 1}). Ignored, apart from counting, once full.
    void add(std::string_view type, const Location& loc, std::string_view msg, const ErrorInput& input = {},
             std::initializer_list<ContextEntry> ctx = {});

    /// True when nothing was recorded.
    [[nodiscard]] bool empty() const noexcept { return count_ == 0; }
    /// Number of errors recorded.
    [[nodiscard]] std::size_t size() const noexcept { return count_; }
    /// The cap on recorded errors.
    [[nodiscard]] std::size_t max_errors() const noexcept { return max_errors_; }
    /// Lowers the cap to `limit` (at least one) if it is below the current one.
    void limit_to(std::size_t limit) noexcept {
        if (limit == 0) limit = 1;
        if (limit < max_errors_) max_errors_ = limit;
    }
    /// True when no more errors will be recorded.
    [[nodiscard]] bool full() const noexcept { return count_ >= max_errors_; }
    /// Errors not recorded because the list was full.
    [[nodiscard]] std::size_t dropped() const noexcept { return dropped_; }

    /// The response body, {"detail":[...]}; the list is left empty.
    [[nodiscard]] std::string body() &&;
    /// The recorded errors as a JSON array text, "[...]" (for tests and logs).
    [[nodiscard]] std::string detail() const;

    // -- Reordering, for parsers that meet errors in document order but report them in
    //    declaration order (as pydantic does). Positions are opaque marks into the list. --

    /// A position in the list of recorded errors.
    struct Mark {
        std::size_t offset = 0;
        std::size_t count = 0;
    };
    /// The current end of the list.
    [[nodiscard]] Mark mark() const noexcept { return {entries_.size(), count_}; }
    /// A run of errors recorded between two marks.
    struct Span {
        Mark begin;
        Mark end;
    };
    /// Replaces everything recorded since `since` by the given runs (each inside that range,
    /// not overlapping), in the given order; errors in no run are dropped.
    void rearrange(Mark since, std::span<const Span> runs);

private:
    std::string entries_;  // ",{...},{...}": each error preceded by a comma
    std::size_t count_ = 0;
    std::size_t dropped_ = 0;
    std::size_t max_errors_;
};

}  // namespace sweet::schema
