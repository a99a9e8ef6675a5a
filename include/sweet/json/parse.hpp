#pragma once
/// @file parse.hpp
/// Parsing JSON text into a `json::Value` with simdjson's On-Demand API, strictly (RFC 8259).
/// @code
///   auto parsed = json::parse_padded(request.body());   // the server pads bodies: no copy
///   if (!parsed) return parsed.error().to_error();       // 400 "malformed JSON at byte 12: ..."
///   const json::Value& v = *parsed;
/// @endcode
///
/// What is accepted: exactly one JSON value, optionally surrounded by JSON whitespace (space,
/// tab, CR, LF), in valid UTF-8. Everything is checked, not only what the caller later reads:
/// the whole document is visited. Refused, each with the byte offset of the problem:
///  - empty or whitespace-only input; trailing content after the value;
///  - trailing commas, comments, single quotes, unquoted names, NaN/Infinity, leading '+', leading
///    zeros, "1.", ".5", control characters inside strings, invalid escapes;
///  - invalid UTF-8 anywhere, and \u escapes forming lone (unpaired) surrogates;
///  - a leading byte order mark: RFC 8259 §8.1 forbids senders to add one and allows parsers to
///    ignore it; Sweet refuses it with a reason saying so (as Python's json does for text), since a
///    BOM on an API request points at a misconfigured client;
///  - nesting deeper than `ParseOptions::max_depth`, input longer than `ParseOptions::max_size`;
///  - numbers that do not fit a double (1e400): there is no JSON text to write them back.
///
/// Numbers: integers in [INT64_MIN, UINT64_MAX] are exact (int64, or uint64 above INT64_MAX);
/// integers beyond that range become the nearest double, as in JavaScript; numbers with a
/// fraction or an exponent are doubles, rounded correctly, so the writer's shortest form reads
/// back to the same double.
///
/// Duplicate names in an object: the last value wins, at the first name's position (what
/// Python's json and JavaScript's JSON.parse do).

#include <cstddef>
#include <string_view>

#include "sweet/json/parse_error.hpp"
#include "sweet/json/value.hpp"

namespace sweet::json {

/// Readable bytes that must follow the text given to `parse_padded` (simdjson's SIMDJSON_PADDING;
/// a static_assert in the implementation keeps them equal). Their values do not matter.
inline constexpr std::size_t required_padding = 64;

/// The deepest nesting `ParseOptions::max_depth` may ask for: parsing recurses once per level,
/// and this bound keeps the stack use small (a few hundred kilobytes at most).
inline constexpr std::size_t max_depth_limit = 1024;

/// Limits applied while parsing.
struct ParseOptions {
    /// Deepest nesting of arrays and objects allowed: `[]` is depth 1, `[[]]` depth 2, a lone
    /// scalar depth 0. Values above `max_depth_limit` are lowered to it.
    std::size_t max_depth = 64;
    /// Longest input, in bytes, allowed.
    std::size_t max_size = std::size_t{64} * 1024 * 1024;
};

/// Parses `text`, copying it first into a padded buffer (kept per thread for small documents).
/// Use `parse_padded` when `required_padding` readable bytes follow `text`.
[[nodiscard]] ParseResult<Value> parse(std::string_view text, const ParseOptions& options = {});

/// Parses `text` in place. `required_padding` readable bytes must follow `text.data() +
/// text.size()` (`Request::body()` guarantees it); they are read but never interpreted.
[[nodiscard]] ParseResult<Value> parse_padded(std::string_view text, const ParseOptions& options = {});

}  // namespace sweet::json
