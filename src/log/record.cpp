/// @file record.cpp
/// Laying out one record as a JSON line or a text line, and the names of levels and formats.
/// JSON escaping and number forms come from the JSON layer, so log lines and API responses
/// agree on what valid JSON is.

#include "sweet/log/record.hpp"

#include <array>
#include <cstdio>

#include "sweet/core/ascii.hpp"
#include "sweet/json/writer.hpp"

namespace sweet::log {

std::string_view level_name(Level level) noexcept {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
        case Level::off: return "off";
    }
    return "info";
}

std::optional<Level> parse_level(std::string_view text) noexcept {
    struct Name {
        std::string_view name;
        Level level;
    };
    static constexpr Name names[] = {{"debug", Level::debug}, {"info", Level::info},   {"warn", Level::warn},
                                     {"warning", Level::warn}, {"error", Level::error}, {"off", Level::off}};
    for (const Name& n : names) {
        if (ascii_iequals(text, n.name)) return n.level;
    }
    return std::nullopt;
}

std::string_view format_name(Format format) noexcept { return format == Format::json ? "json" : "text"; }

std::optional<Format> parse_format(std::string_view text) noexcept {
    if (ascii_iequals(text, "json")) return Format::json;
    if (ascii_iequals(text, "text")) return Format::text;
    return std::nullopt;
}

void append_json_string(std::string& out, std::string_view text) { json::append_string(out, text); }

void append_timestamp(std::string& out, std::chrono::system_clock::time_point time) {
    using namespace std::chrono;
    // Calendar arithmetic from <chrono>: no time zone database, no lock (gmtime_r takes one).
    const auto micros = floor<microseconds>(time);
    const auto day = floor<days>(micros);
    const year_month_day date{day};
    const hh_mm_ss clock{micros - day};
    std::array<char, 40> buf{};
    const int n = std::snprintf(buf.data(), buf.size(), "%04d-%02u-%02uT%02d:%02d:%02lld.%06lldZ", static_cast<int>(date.year()),
                                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                                static_cast<long long>(clock.seconds().count()), static_cast<long long>(clock.subseconds().count()));
    if (n > 0) out.append(buf.data(), static_cast<std::size_t>(n));
}

namespace {

// The record's own keys; a field with one of these names gets a leading underscore.
bool is_reserved_key(std::string_view key) noexcept {
    return key == "level" || key == "ts" || key == "msg" || key == "worker";
}

void append_json_value(std::string& out, const Field& f) {
    switch (f.kind) {
        case Field::Kind::null: out += "null"; break;
        case Field::Kind::boolean: out += f.number.boolean ? "true" : "false"; break;
        case Field::Kind::integer: json::append_integer(out, f.number.integer); break;
        case Field::Kind::unsigned_integer: json::append_unsigned(out, f.number.unsigned_integer); break;
        case Field::Kind::floating: json::append_double(out, f.number.floating); break;
        case Field::Kind::string: json::append_string(out, f.text); break;
    }
}

void append_json_fields(std::string& out, std::span<const Field> fields) {
    for (const Field& f : fields) {
        out += ',';
        if (is_reserved_key(f.key)) {
            // Escaping "_" + key in one go would need a temporary; the quote is reopened instead.
            out += "\"_";
            const std::size_t at = out.size();
            json::append_string(out, f.key);
            out.erase(at, 1);  // the opening quote append_string wrote
        } else {
            json::append_string(out, f.key);
        }
        out += ':';
        append_json_value(out, f);
    }
}

// True when text can be written bare in a text line: non-empty, no spaces, quotes, '=',
// backslashes or control characters (so "key=value" pairs split unambiguously).
bool is_bare_text(std::string_view text) noexcept {
    if (text.empty()) return false;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7f || c == '"' || c == '=' || c == '\\') return false;
    }
    return true;
}

bool has_control_characters(std::string_view text) noexcept {
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

// Writes `text` escaped like a JSON string but without the quotes: a message with a newline
// must not break the one-line-per-record promise of the text format either.
void append_escaped_unquoted(std::string& out, std::string_view text) {
    const std::size_t at = out.size();
    json::append_string(out, text);
    out.erase(at, 1);
    out.pop_back();
}

void append_text_value(std::string& out, const Field& f) {
    if (f.kind == Field::Kind::string) {
        if (is_bare_text(f.text)) {
            out += f.text;
        } else {
            json::append_string(out, f.text);
        }
        return;
    }
    append_json_value(out, f);
}

void append_text_fields(std::string& out, std::span<const Field> fields) {
    for (const Field& f : fields) {
        out += ' ';
        if (is_reserved_key(f.key)) out += '_';
        if (has_control_characters(f.key)) {
            append_escaped_unquoted(out, f.key);
        } else {
            out += f.key;
        }
        out += '=';
        append_text_value(out, f);
    }
}

}  // namespace

void append_record(std::string& out, Format format, const RecordHead& head, std::span<const Field> bound,
                   std::span<const Field> fields) {
    if (format == Format::json) {
        out += "{\"level\":\"";
        out += level_name(head.level);
        out += "\",\"ts\":\"";
        out += head.timestamp;  // digits, '-', ':', '.', 'T' and 'Z' only: nothing to escape
        out += "\",\"msg\":";
        json::append_string(out, head.message);
        if (head.worker >= 0) {
            out += ",\"worker\":";
            json::append_integer(out, head.worker);
        }
        append_json_fields(out, bound);
        append_json_fields(out, fields);
        out += "}\n";
        return;
    }
    out += head.timestamp;
    out += ' ';
    const std::string_view name = level_name(head.level);
    out += name;
    out.append(6 - name.size(), ' ');  // levels line up: "info  ", "error "
    if (head.worker >= 0) {
        out += "[w";
        json::append_integer(out, head.worker);
        out += "] ";
    }
    if (has_control_characters(head.message)) {
        append_escaped_unquoted(out, head.message);
    } else {
        out += head.message;
    }
    append_text_fields(out, bound);
    append_text_fields(out, fields);
    out += '\n';
}

}  // namespace sweet::log
