// make_parse_error: simdjson error codes to ParseError, with the offset and a human reason
// (sweet/json/simdjson_error.hpp).

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "sweet/json/simdjson_error.hpp"
#include "sweet/json/utf8.hpp"

namespace sweet::json {

namespace {

constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

/// A short phrase for each error simdjson reports while parsing.
std::string_view describe(simdjson::error_code error) {
    switch (error) {
        case simdjson::CAPACITY: return "document too large";
        case simdjson::MEMALLOC: return "out of memory while parsing";
        case simdjson::TAPE_ERROR: return "unexpected character (a missing or extra comma, colon, bracket or brace)";
        case simdjson::DEPTH_ERROR: return "arrays and objects nested too deeply";
        case simdjson::STRING_ERROR: return "invalid string (bad escape or unpaired surrogate)";
        case simdjson::T_ATOM_ERROR: return "invalid literal (expected true)";
        case simdjson::F_ATOM_ERROR: return "invalid literal (expected false)";
        case simdjson::N_ATOM_ERROR: return "invalid literal (expected null)";
        case simdjson::NUMBER_ERROR: return "invalid number";
        case simdjson::NUMBER_OUT_OF_RANGE: return "number out of range";
        case simdjson::UTF8_ERROR: return "invalid UTF-8";
        case simdjson::EMPTY: return "no JSON value (empty or whitespace-only input)";
        case simdjson::UNESCAPED_CHARS: return "control character in a string (it must be escaped)";
        case simdjson::UNCLOSED_STRING: return "unterminated string";
        case simdjson::INCORRECT_TYPE: return "unexpected value";
        case simdjson::INCOMPLETE_ARRAY_OR_OBJECT: return "unclosed array or object";
        case simdjson::TRAILING_CONTENT: return "unexpected content after the JSON value";
        case simdjson::INSUFFICIENT_PADDING: return "internal error: input buffer lacks padding";
        default: return simdjson::error_message(error);
    }
}

/// Where, scanning `document` alone, the errors `iterate` reports without a position are.
std::size_t locate(simdjson::error_code error, std::string_view document) {
    switch (error) {
        case simdjson::UTF8_ERROR: return find_invalid_utf8(document);
        case simdjson::UNESCAPED_CHARS:
        case simdjson::UNCLOSED_STRING: {
            // Follow strings: report the first raw control character inside one, or the opening
            // quote of a string that never closes.
            bool in_string = false;
            std::size_t string_start = 0;
            for (std::size_t i = 0; i < document.size(); ++i) {
                const auto c = static_cast<unsigned char>(document[i]);
                if (!in_string) {
                    if (c == '"') {
                        in_string = true;
                        string_start = i;
                    }
                } else if (c == '\\') {
                    ++i;
                } else if (c == '"') {
                    in_string = false;
                } else if (c < 0x20 && error == simdjson::UNESCAPED_CHARS) {
                    return i;
                }
            }
            return in_string ? string_start : document.size();
        }
        case simdjson::EMPTY: return document.size();
        default: return 0;
    }
}

bool is_whitespace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// What a scan of the brackets and strings of a document finds wrong with its shape.
struct ShapeProblem {
    std::size_t offset;
    std::string_view reason;
};

/// Scans `document`'s brackets, strings and top-level tokens for the first problem of shape:
/// a closing bracket that does not match, content after the top-level value, or input ending
/// inside a string, array or object. simdjson reports these from where the top-level value
/// starts (it checks the first and last brackets before walking), so the scan finds the place.
std::optional<ShapeProblem> find_shape_problem(std::string_view document) {
    std::string open;  // the brackets still open, innermost last
    bool root_done = false;
    std::size_t i = 0;
    const std::size_t n = document.size();
    while (i < n) {
        const char c = document[i];
        if (is_whitespace(c)) {
            ++i;
            continue;
        }
        if (root_done) return ShapeProblem{i, "unexpected content after the JSON value"};
        if (c == '"') {
            const std::size_t start = i++;
            while (i < n && document[i] != '"') i += document[i] == '\\' ? 2 : 1;
            if (i >= n) return ShapeProblem{start, "unterminated string"};
            ++i;
        } else if (c == '[' || c == '{') {
            open.push_back(c);
            ++i;
        } else if (c == ']' || c == '}') {
            if (open.empty() || open.back() != (c == ']' ? '[' : '{')) {
                return ShapeProblem{i, c == ']' ? "unexpected ']'" : "unexpected '}'"};
            }
            open.pop_back();
            ++i;
        } else if (c == ',' || c == ':') {
            if (open.empty()) return ShapeProblem{i, "unexpected content after the JSON value"};
            ++i;
        } else {
            // A number or literal: up to the next delimiter.
            while (i < n && !is_whitespace(document[i]) && std::string_view("[]{},:\"").find(document[i]) == std::string_view::npos) ++i;
        }
        if (open.empty()) root_done = true;
    }
    if (!open.empty()) return ShapeProblem{n, "unclosed array or object"};
    return std::nullopt;
}

/// Up to 16 bytes of `document` from `offset`, printable: other bytes as \xNN.
std::string excerpt(std::string_view document, std::size_t offset) {
    constexpr std::size_t max_bytes = 16;
    const std::string_view piece = document.substr(offset, max_bytes);
    std::string out;
    for (const char ch : piece) {
        const auto c = static_cast<unsigned char>(ch);
        if (c >= 0x20 && c < 0x7f) {
            out.push_back(ch);
        } else {
            fmt::format_to(std::back_inserter(out), "\\x{:02x}", c);
        }
    }
    if (document.size() - offset > max_bytes) out += "...";
    return out;
}

}  // namespace

ParseError make_parse_error(simdjson::error_code error, std::string_view document, const char* location) {
    ParseError result;
    if (document.substr(0, utf8_bom.size()) == utf8_bom) {
        // simdjson would see garbage; say what it is.
        result.reason = "byte order mark (U+FEFF) before the JSON text: send JSON without a BOM (RFC 8259 section 8.1)";
        return result;
    }
    result.reason = describe(error);
    if (location == nullptr) {
        result.offset = locate(error, document);
    } else {
        // Compared as integers: `location` may (wrongly) point outside the document.
        const auto begin = reinterpret_cast<std::uintptr_t>(document.data());
        const auto at = std::clamp(reinterpret_cast<std::uintptr_t>(location), begin, begin + document.size());
        result.offset = static_cast<std::size_t>(at - begin);
    }
    if (error == simdjson::INCOMPLETE_ARRAY_OR_OBJECT || error == simdjson::TRAILING_CONTENT) {
        if (const auto problem = find_shape_problem(document)) {
            result.offset = problem->offset;
            result.reason = problem->reason;
        }
    }
    if (result.offset >= document.size()) {
        if (error != simdjson::EMPTY) result.reason += " at end of input";
    } else {
        result.reason += " near '" + excerpt(document, result.offset) + "'";
    }
    return result;
}

}  // namespace sweet::json
