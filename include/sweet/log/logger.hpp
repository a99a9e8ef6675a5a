#pragma once
/// @file logger.hpp
/// The logging calls. Two styles, both checked at compile time:
///
///     log::info("listening on port {}", port);                                  // fmt style -> "msg"
///     log::info("user created", log::kv("user_id", 42), log::kv("name", name)); // message + typed fields
///
/// and a `Logger` value that adds its own fields to every record it writes (a per-request
/// logger adds request_id):
///
///     log::Logger db = log::Logger{}.with(log::kv("component", "db"));
///     db.warn("slow query", log::kv("ms", 250));
///
/// Every call first compares the level with the threshold (`log::enabled`) and returns at once
/// when it is below: nothing is formatted. Otherwise the record is formatted straight into the
/// calling thread's buffer (no lock, no allocation once the buffer has grown). Worker threads
/// hand that buffer to the sinks once per event-loop batch; other threads after each record.

#include <array>
#include <cstddef>
#include <span>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "sweet/log/field.hpp"
#include "sweet/log/level.hpp"

namespace sweet::log {

namespace detail {
/// Writes a record whose message is already text.
void emit(Level level, std::span<const Field> bound, std::string_view message, std::span<const Field> fields) noexcept;
/// Writes a record whose message is `format` with `args` (formatted into a per-thread buffer).
void emit_formatted(Level level, std::span<const Field> bound, fmt::string_view format, fmt::format_args args) noexcept;

/// True when any of `Args` is a `Field`: such calls take the message + fields overload.
template <class... Args>
inline constexpr bool has_field = (FieldArgument<Args> || ...);

template <class...>
inline constexpr bool always_false = false;

/// Gathers a call's fields into an array on the stack and writes the record. A call that
/// mixes format arguments and fields stops here with one readable compile error.
template <class... F>
void emit_fields(Level level, std::span<const Field> bound, std::string_view message, const F&... fields) noexcept {
    if constexpr ((FieldArgument<F> && ...)) {
        const Field list[] = {fields...};
        emit(level, bound, message, list);
    } else {
        static_assert(always_false<F...>,
                      "sweet::log: a call takes either format arguments (\"user {} created\", name) or fields "
                      "(\"user created\", log::kv(\"name\", name)), not both: pass the values as fields, or format "
                      "the message first with fmt::format");
    }
}
}  // namespace detail

/// Writes records with a fixed set of context fields in front of each call's own fields.
/// Cheap to copy (the fields are stored inline); string fields are views, so a logger must not
/// outlive the strings it was given (a request's logger lives as long as the request).
class Logger {
public:
    /// How many context fields a logger holds; `with` ignores fields beyond this and the
    /// records then carry "dropped_context_fields" with the number ignored.
    static constexpr std::size_t max_fields = 8;

    /// A logger without context fields (the same records as the free functions).
    Logger() noexcept = default;

    /// A copy of this logger that also writes `fields` on every record.
    template <FieldArgument... F>
    [[nodiscard]] Logger with(const F&... fields) const noexcept {
        Logger copy = *this;
        (copy.add(fields), ...);
        return copy;
    }

    /// This logger's context fields.
    [[nodiscard]] std::span<const Field> fields() const noexcept { return {fields_.data(), count_}; }

    /// Writes a record at `level` whose message is `format` formatted with `args` (fmt syntax).
    template <class... Args>
        requires(!detail::has_field<Args...>)
    void log(Level level, fmt::format_string<Args...> format, Args&&... args) const noexcept {
        if (!enabled(level)) return;
        detail::emit_formatted(level, fields(), format, fmt::make_format_args(args...));
    }
    /// Writes a record at `level` with `message` and typed `fields` (`log::kv`).
    template <class... F>
        requires(detail::has_field<F...>)
    void log(Level level, std::string_view message, const F&... fields) const noexcept {
        if (!enabled(level)) return;
        detail::emit_fields(level, this->fields(), message, fields...);
    }

    /// Writes a record at `level` whose fields were gathered at run time (a span, not arguments).
    void log_fields(Level level, std::string_view message, std::span<const Field> fields) const noexcept {
        if (!enabled(level)) return;
        detail::emit(level, this->fields(), message, fields);
    }

    /// Debug record (fmt style).
    template <class... Args>
        requires(!detail::has_field<Args...>)
    void debug(fmt::format_string<Args...> format, Args&&... args) const noexcept { log(Level::debug, format, std::forward<Args>(args)...); }
    /// Debug record (message + fields).
    template <class... F>
        requires(detail::has_field<F...>)
    void debug(std::string_view message, const F&... fields) const noexcept { log(Level::debug, message, fields...); }
    /// Info record (fmt style).
    template <class... Args>
        requires(!detail::has_field<Args...>)
    void info(fmt::format_string<Args...> format, Args&&... args) const noexcept { log(Level::info, format, std::forward<Args>(args)...); }
    /// Info record (message + fields).
    template <class... F>
        requires(detail::has_field<F...>)
    void info(std::string_view message, const F&... fields) const noexcept { log(Level::info, message, fields...); }
    /// Warning record (fmt style).
    template <class... Args>
        requires(!detail::has_field<Args...>)
    void warn(fmt::format_string<Args...> format, Args&&... args) const noexcept { log(Level::warn, format, std::forward<Args>(args)...); }
    /// Warning record (message + fields).
    template <class... F>
        requires(detail::has_field<F...>)
    void warn(std::string_view message, const F&... fields) const noexcept { log(Level::warn, message, fields...); }
    /// Error record (fmt style).
    template <class... Args>
        requires(!detail::has_field<Args...>)
    void error(fmt::format_string<Args...> format, Args&&... args) const noexcept { log(Level::error, format, std::forward<Args>(args)...); }
    /// Error record (message + fields).
    template <class... F>
        requires(detail::has_field<F...>)
    void error(std::string_view message, const F&... fields) const noexcept { log(Level::error, message, fields...); }

private:
    void add(const Field& field) noexcept {
        if (count_ < max_fields) {
            fields_[count_++] = field;
            return;
        }
        // Full: the spare slot says how many were ignored, so the loss shows in every record.
        ++dropped_;
        fields_[max_fields] = kv("dropped_context_fields", dropped_);
        count_ = max_fields + 1;
    }

    std::array<Field, max_fields + 1> fields_{};
    std::size_t count_ = 0;
    std::size_t dropped_ = 0;
};

/// Debug record (fmt style): `log::debug("cache miss for {}", key)`.
template <class... Args>
    requires(!detail::has_field<Args...>)
void debug(fmt::format_string<Args...> format, Args&&... args) noexcept {
    if (!enabled(Level::debug)) return;
    detail::emit_formatted(Level::debug, {}, format, fmt::make_format_args(args...));
}
/// Debug record (message + fields): `log::debug("cache miss", log::kv("key", key))`.
template <class... F>
    requires(detail::has_field<F...>)
void debug(std::string_view message, const F&... fields) noexcept {
    if (!enabled(Level::debug)) return;
    detail::emit_fields(Level::debug, {}, message, fields...);
}
/// Info record (fmt style).
template <class... Args>
    requires(!detail::has_field<Args...>)
void info(fmt::format_string<Args...> format, Args&&... args) noexcept {
    if (!enabled(Level::info)) return;
    detail::emit_formatted(Level::info, {}, format, fmt::make_format_args(args...));
}
/// Info record (message + fields).
template <class... F>
    requires(detail::has_field<F...>)
void info(std::string_view message, const F&... fields) noexcept {
    if (!enabled(Level::info)) return;
    detail::emit_fields(Level::info, {}, message, fields...);
}
/// Warning record (fmt style).
template <class... Args>
    requires(!detail::has_field<Args...>)
void warn(fmt::format_string<Args...> format, Args&&... args) noexcept {
    if (!enabled(Level::warn)) return;
    detail::emit_formatted(Level::warn, {}, format, fmt::make_format_args(args...));
}
/// Warning record (message + fields).
template <class... F>
    requires(detail::has_field<F...>)
void warn(std::string_view message, const F&... fields) noexcept {
    if (!enabled(Level::warn)) return;
    detail::emit_fields(Level::warn, {}, message, fields...);
}
/// Error record (fmt style).
template <class... Args>
    requires(!detail::has_field<Args...>)
void error(fmt::format_string<Args...> format, Args&&... args) noexcept {
    if (!enabled(Level::error)) return;
    detail::emit_formatted(Level::error, {}, format, fmt::make_format_args(args...));
}
/// Error record (message + fields).
template <class... F>
    requires(detail::has_field<F...>)
void error(std::string_view message, const F&... fields) noexcept {
    if (!enabled(Level::error)) return;
    detail::emit_fields(Level::error, {}, message, fields...);
}

/// A record whose fields were gathered at run time: `log::write_fields(Level::info, "access", {fields, n})`.
inline void write_fields(Level level, std::string_view message, std::span<const Field> fields) noexcept {
    if (!enabled(level)) return;
    detail::emit(level, {}, message, fields);
}

/// A record at a level chosen at run time (fmt style); kept for the original `log::write` API.
template <class... Args>
    requires(!detail::has_field<Args...>)
void write(Level level, fmt::format_string<Args...> format, Args&&... args) noexcept {
    if (!enabled(level)) return;
    detail::emit_formatted(level, {}, format, fmt::make_format_args(args...));
}

}  // namespace sweet::log
