#pragma once
/// @file level.hpp
/// Log levels and the process-wide threshold. Checking the threshold is one relaxed atomic
/// load and one compare, done inline before anything is formatted, so a disabled level costs a
/// branch.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sweet::log {

/// Severity of a record, lowest first. `off` is only a threshold: nothing is written at it.
enum class Level : std::uint8_t { debug, info, warn, error, off };

/// "debug", "info", "warn", "error" or "off".
[[nodiscard]] std::string_view level_name(Level level) noexcept;

/// Parses a level name for configuration files, flags and environment variables: "debug",
/// "info", "warn" (or "warning"), "error", "off"; case-insensitive. nullopt for anything else.
[[nodiscard]] std::optional<Level> parse_level(std::string_view text) noexcept;

namespace detail {
/// The threshold: records below it are skipped. Relaxed ordering suffices: a thread that sees
/// a new threshold a little late writes (or skips) a few records, nothing worse.
inline std::atomic<std::uint8_t> threshold{static_cast<std::uint8_t>(Level::info)};
}  // namespace detail

/// True when records at `level` are written. The check every logging call makes first.
[[nodiscard]] inline bool enabled(Level level) noexcept {
    return static_cast<std::uint8_t>(level) >= detail::threshold.load(std::memory_order_relaxed) && level != Level::off;
}

/// Sets the threshold: records below `level` are skipped (`Level::off` silences everything).
inline void set_level(Level level) noexcept {
    detail::threshold.store(static_cast<std::uint8_t>(level), std::memory_order_relaxed);
}

/// The current threshold.
[[nodiscard]] inline Level level() noexcept { return static_cast<Level>(detail::threshold.load(std::memory_order_relaxed)); }

}  // namespace sweet::log
