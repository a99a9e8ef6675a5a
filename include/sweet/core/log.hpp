#pragma once
/// @file log.hpp
/// Minimal leveled logging to stderr, on fmt. One line per call, written with a single
/// write(2) so lines from different workers never interleave.

#include <unistd.h>

#include <string_view>

#include <fmt/format.h>

namespace sweet::log {

/// Severity of a log line.
enum class Level { debug, info, warn, error };

namespace detail {
inline std::string_view level_name(Level l) {
    switch (l) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
    }
    return "info";
}
}  // namespace detail

/// Writes "sweet: <level>: <message>\n" to stderr.
template <class... Args>
void write(Level level, fmt::format_string<Args...> format, Args&&... args) {
    fmt::memory_buffer buf;
    fmt::format_to(std::back_inserter(buf), "sweet: {}: ", detail::level_name(level));
    fmt::format_to(std::back_inserter(buf), format, std::forward<Args>(args)...);
    buf.push_back('\n');
    [[maybe_unused]] const auto n = ::write(STDERR_FILENO, buf.data(), buf.size());
}

/// Logs an error.
template <class... Args>
void error(fmt::format_string<Args...> format, Args&&... args) { write(Level::error, format, std::forward<Args>(args)...); }
/// Logs a warning.
template <class... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) { write(Level::warn, format, std::forward<Args>(args)...); }
/// Logs an informational line.
template <class... Args>
void info(fmt::format_string<Args...> format, Args&&... args) { write(Level::info, format, std::forward<Args>(args)...); }

}  // namespace sweet::log
