#pragma once
/// @file simdjson_error.hpp
/// Turning a simdjson error into a `ParseError`, for every parser built on simdjson (the
/// `Value` parser and the struct-schema parsers), so that clients get the same 400 message
/// whichever parsed their body.
/// @code
///   simdjson::ondemand::document doc;
///   if (auto error = parser.iterate(padded).get(doc)) return json::make_parse_error(error, text);
///   ...
///   if (error) return json::make_parse_error(error, text, doc.current_location().value_unsafe());
/// @endcode

#include <simdjson.h>

#include <string_view>

#include "sweet/json/parse_error.hpp"

namespace sweet::json {

/// A `ParseError` for `error`, met while parsing `document`, at `location` (a pointer into
/// `document`, e.g. what `current_location()` or `raw_json_token().data()` gave). Pointers
/// outside `document` are clamped to it. Without a location (nullptr), which is the case for
/// the errors `ondemand::parser::iterate` reports (invalid UTF-8, an unclosed string, a control
/// character in a string, an empty document), the document is scanned to find where the problem
/// is. The reason is a short human phrase plus the text near the offset, e.g.
/// `invalid number near '01, 2]'` or `unexpected end of input`.
[[nodiscard]] ParseError make_parse_error(simdjson::error_code error, std::string_view document,
                                          const char* location = nullptr);

}  // namespace sweet::json
