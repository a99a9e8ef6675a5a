#pragma once
/// @file record.hpp
/// How one record is laid out, in either output format. The logger calls these to append a
/// record to its per-thread buffer; they are public so tests and custom sinks can produce the
/// exact same lines.
///
/// JSON lines (one object per line, keys in this order):
///
///     {"level":"info","ts":"2025-03-01T12:00:00.123456Z","msg":"user created","worker":0,"user_id":42,"name":"Ann"}
///
/// Text (for people at a terminal):
///
///     2025-03-01T12:00:00.123456Z info  [w0] user created user_id=42 name=Ann
///
/// `worker` is present only on records written by a worker thread. A field whose key is one of
/// the record's own keys (level, ts, msg, worker) is written with a leading underscore
/// ("_msg") so every key stays unique.

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sweet/log/field.hpp"
#include "sweet/log/level.hpp"

namespace sweet::log {

/// Output format of every record.
enum class Format : std::uint8_t {
    text,  ///< human-readable lines (the default)
    json,  ///< JSON lines: one object per line, for log collectors
};

/// "text" or "json".
[[nodiscard]] std::string_view format_name(Format format) noexcept;
/// Parses "text" or "json" (case-insensitive); nullopt for anything else.
[[nodiscard]] std::optional<Format> parse_format(std::string_view text) noexcept;

/// What a record says apart from its fields.
struct RecordHead {
    Level level = Level::info;  ///< severity
    std::string_view timestamp; ///< RFC 3339 UTC time (see `append_timestamp`)
    std::string_view message;   ///< the "msg" value
    int worker = -1;            ///< worker index, or -1 for threads that are not workers (no "worker" key)
};

/// Appends one complete record (ending in '\n') to `out`: the head, then `bound` fields (a
/// logger's context, such as request_id), then `fields`. Strings are escaped; invalid UTF-8 is
/// replaced by U+FFFD so every line is valid JSON (and valid UTF-8) whatever the input was.
void append_record(std::string& out, Format format, const RecordHead& head, std::span<const Field> bound,
                   std::span<const Field> fields);

/// Appends `time` as RFC 3339 UTC with microseconds: "2025-03-01T12:00:00.123456Z".
void append_timestamp(std::string& out, std::chrono::system_clock::time_point time);

/// Appends `text` as a JSON string literal (quotes included): '"', '\\' and control characters
/// escaped, invalid UTF-8 replaced by "\ufffd".
void append_json_string(std::string& out, std::string_view text);

}  // namespace sweet::log
