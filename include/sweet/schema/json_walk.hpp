#pragma once
/// @file json_walk.hpp
/// The non-template half of parse_json.hpp: the parse context, starting the parser, checking
/// values that are skipped or have the wrong type, and error reporting.
///
/// Everything touching simdjson's On-Demand types is inline in headers on purpose: simdjson
/// changes the layout of its parser and iterators with the optimization level (its
/// SIMDJSON_DEVELOPMENT_CHECKS follow __OPTIMIZE__), so an On-Demand object must never pass
/// between the library (built Release) and an application's code built at another level.
/// Keeping the whole walk in the application's translation units keeps each one consistent.

#include <simdjson.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/json/parse.hpp"
#include "sweet/json/parse_error.hpp"
#include "sweet/json/simdjson_error.hpp"
#include "sweet/json/simdjson_scalars.hpp"
#include "sweet/json/value.hpp"
#include "sweet/schema/declare.hpp"
#include "sweet/schema/errors.hpp"
#include "sweet/schema/number.hpp"

namespace sweet::schema {

/// Limits and policies of one parse.
struct ParseOptions {
    /// Unknown members of objects whose schema does not say otherwise.
    UnknownFields unknown_fields = UnknownFields::ignore;
    /// Deepest nesting of objects and arrays (the body object is depth 1); capped at
    /// json::max_depth_limit.
    std::size_t max_depth = 64;
    /// Most errors reported (the ValidationErrors' own cap applies too).
    std::size_t max_errors = ValidationErrors::default_max_errors;
};

/// How a body parse ended.
enum class BodyStatus : std::uint8_t {
    ok,         ///< `out` holds the body
    malformed,  ///< not JSON (HTTP 400): see `BodyOutcome::error`
    invalid,    ///< JSON that breaks the schema (HTTP 422): see the ValidationErrors
};

/// The result of `parse_json`.
struct BodyOutcome {
    BodyStatus status = BodyStatus::ok;
    json::ParseError error;  ///< where and why, when `status` is `malformed`
};

namespace json_detail {

namespace ondemand = simdjson::ondemand;

/// The state of one parse.
struct Context {
    std::string_view text;  ///< the whole document (padded)
    ondemand::document* doc = nullptr;
    ValidationErrors* errors = nullptr;
    UnknownFields unknown_fields = UnknownFields::ignore;
    std::size_t max_depth = 64;
    json::ParseError error;  ///< set by `fail`

    /// Records the document as malformed (`error` at `at`, or at the iterator when null) and
    /// returns false, which every parse function passes up to stop at once.
    bool fail(simdjson::error_code code, const char* at);
    /// Records nesting deeper than `max_depth` at `at`; returns false.
    bool fail_depth(const char* at);
    /// Where the iterator is (the next token), or the end of the text.
    [[nodiscard]] const char* here() const;
    /// The JSON text of the value that started at `begin` and was just consumed.
    [[nodiscard]] std::string_view span_from(const char* begin) const;
};

/// Reads a member name: in place when it has no escapes, else unescaped by simdjson.
inline bool read_key(Context& ctx, ondemand::field& field, std::string_view& key) {
    const char* const raw = reinterpret_cast<const char*>(field.key().raw());  // just past the opening quote
    const char* p = raw;
    while (*p != '"' && *p != '\\')
        ++p;  // stage 1 has checked the string is closed
    if (*p == '"') {
        key = std::string_view(raw, static_cast<std::size_t>(p - raw));
        return true;
    }
    if (const simdjson::error_code e = field.unescaped_key().get(key)) return ctx.fail(e, raw - 1);
    return true;
}

/// Where value `v` starts in the text.
inline const char* value_start(ondemand::value& v) noexcept {
    return v.raw_json_token().data();
}

/// Documents up to this size reuse a per-thread parser and buffer; larger ones get their own, so
/// that one big request does not leave megabytes attached to a worker thread.
inline constexpr std::size_t reuse_limit = std::size_t{1} << 20;

static_assert(json::required_padding == simdjson::SIMDJSON_PADDING);

/// The per-thread parser reused for documents up to `reuse_limit`.
inline ondemand::parser& thread_parser() {
    thread_local ondemand::parser parser;
    return parser;
}

/// JSON's whitespace.
constexpr bool is_json_space(char c) noexcept {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

inline bool Context::fail(simdjson::error_code code, const char* at) {
    error = json::make_parse_error(code, text, at == nullptr ? here() : at);
    return false;
}

inline bool Context::fail_depth(const char* at) {
    fail(simdjson::DEPTH_ERROR, at);
    error.reason = "arrays and objects nested deeper than " + std::to_string(max_depth) + " levels";
    return false;
}

inline const char* Context::here() const {
    const auto location = doc->current_location();
    return location.error() == simdjson::SUCCESS ? location.value_unsafe() : text.data() + text.size();
}

inline std::string_view Context::span_from(const char* begin) const {
    const char* end = here();
    while (end > begin && is_json_space(end[-1]))
        --end;
    return {begin, static_cast<std::size_t>(end - begin)};
}

/// True when a JSON value starting with `c` is a number.
constexpr bool starts_number(char c) noexcept {
    return c == '-' || (c >= '0' && c <= '9');
}

/// Reads the JSON number starting at `at` from `source` (a value, or the document when the
/// number is all of it) exactly as it fits: int64, uint64, else the nearest double. Goes
/// through json::read_number, which steps around simdjson 3.0.1's number bugs. False when the
/// number is malformed (recorded).
template <class Source>
bool read_number(Context& ctx, Source& source, const char* at, Number& out) {
    json::JsonNumber n;
    if (const simdjson::error_code e = json::read_number(source, ctx.text, at, n)) return ctx.fail(e, at);
    switch (n.kind) {
        case json::JsonNumber::Kind::int64:
            out = Number(n.int64);
            break;
        case json::JsonNumber::Kind::uint64:
            out = Number(n.uint64);
            break;
        case json::JsonNumber::Kind::float64: {
            double d = n.float64;
            if (d == -0x1p63 &&
                json::detail::number_token(ctx.text, at).find_first_of(".eE") == std::string_view::npos) {
                // An integer below INT64_MIN that rounds to it: keep it below, so that it stays
                // out of every integer type's range rather than becoming INT64_MIN.
                d = std::nextafter(d, -0x1p64);
            }
            out = Number(d);
            break;
        }
    }
    return true;
}

/// The text of scalar `v`: its token without the whitespace simdjson counts with it. (A scalar
/// may be left unconsumed, as json::read_number leaves numbers simdjson cannot take, so the
/// iterator's position does not say where it ends.)
inline std::string_view scalar_text(ondemand::value& v) noexcept {
    std::string_view token = v.raw_json_token();
    while (!token.empty() && is_json_space(token.back()))
        token.remove_suffix(1);
    return token;
}

/// Consumes `v` (a value at `depth` levels of nesting), checking all of it is well-formed, and
/// sets `*text` (when given) to its JSON text.
inline bool skip_value(Context& ctx, ondemand::value& v, std::size_t depth, std::string_view* text = nullptr) {
    const char* const at = value_start(v);
    ondemand::json_type type{};
    if (const simdjson::error_code e = v.type().get(type)) return ctx.fail(e, at);
    switch (type) {
        case ondemand::json_type::array: {
            if (depth + 1 > ctx.max_depth) return ctx.fail_depth(at);
            ondemand::array array;
            if (const simdjson::error_code e = v.get_array().get(array)) return ctx.fail(e, at);
            for (auto element : array) {
                ondemand::value item;
                if (const simdjson::error_code e = std::move(element).get(item)) return ctx.fail(e, ctx.here());
                if (!skip_value(ctx, item, depth + 1)) return false;
            }
            if (text != nullptr) *text = ctx.span_from(at);  // iterated to its end: the iterator is past it
            return true;
        }
        case ondemand::json_type::object: {
            if (depth + 1 > ctx.max_depth) return ctx.fail_depth(at);
            ondemand::object object;
            if (const simdjson::error_code e = v.get_object().get(object)) return ctx.fail(e, at);
            for (auto member : object) {
                ondemand::field field;
                if (const simdjson::error_code e = std::move(member).get(field)) return ctx.fail(e, ctx.here());
                std::string_view key;
                if (!read_key(ctx, field, key)) return false;
                if (!skip_value(ctx, field.value(), depth + 1)) return false;
            }
            if (text != nullptr) *text = ctx.span_from(at);
            return true;
        }
        case ondemand::json_type::number: {
            Number n;
            if (!read_number(ctx, v, at, n)) return false;
            break;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            if (const simdjson::error_code e = v.get_string().get(s)) return ctx.fail(e, at);
            break;
        }
        case ondemand::json_type::boolean: {
            bool b = false;
            if (const simdjson::error_code e = json::read_bool(v, ctx.text, at, b)) return ctx.fail(e, at);
            break;
        }
        case ondemand::json_type::null: {
            if (const simdjson::error_code e = json::read_null(v, ctx.text, at)) return ctx.fail(e, at);
            break;
        }
        default:
            return ctx.fail(simdjson::TAPE_ERROR, at);
    }
    if (text != nullptr) *text = scalar_text(v);
    return true;
}

/// Consumes `v`, which does not have the expected JSON type, and records error `type`/`msg`
/// with `v` as the input. False when `v` turns out to be malformed.
inline bool mismatch(Context& ctx, ondemand::value& v, std::size_t depth, std::string_view type, std::string_view msg,
                     const Location& loc) {
    std::string_view text;
    if (!skip_value(ctx, v, depth, &text)) return false;
    ctx.errors->add(type, loc, msg, ErrorInput::json(text));
    return true;
}

/// Consumes an unknown member's value and records "extra_forbidden".
inline bool extra_forbidden(Context& ctx, ondemand::value& v, std::size_t depth, const Location& loc) {
    return mismatch(ctx, v, depth, "extra_forbidden", "Extra inputs are not permitted", loc);
}

/// Reads a value of any JSON type into a json::Value.
inline bool read_json_value(Context& ctx, ondemand::value& v, std::size_t depth, json::Value& out) {
    // Checked (and depth-limited) by our walk, then built by json::parse so that a json::Value
    // field holds exactly what json::parse would give (numbers, repeated names); the text lies
    // inside the padded document, so the padding json::parse_padded needs follows it.
    std::string_view text;
    if (!skip_value(ctx, v, depth, &text)) return false;
    const char* const begin = text.data();
    json::ParseOptions options;
    options.max_depth = ctx.max_depth - std::min(depth, ctx.max_depth);
    auto parsed = json::parse_padded(text, options);
    if (!parsed) {
        ctx.error = std::move(parsed).error();
        ctx.error.offset += static_cast<std::size_t>(begin - ctx.text.data());
        return false;
    }
    out = std::move(parsed).value();
    return true;
}

/// Records "missing" at `loc`, a field of the object that started at `begin` (its input).
inline void missing(Context& ctx, const char* begin, const Location& loc) {
    // pydantic's input for a missing field is the enclosing object.
    ctx.errors->add("missing", loc, "Field required", ErrorInput::json(ctx.span_from(begin)));
}

/// Parses the document's root with `fields` when it is an object, else records
/// "model_attributes_type" at the root.
inline bool parse_root_object(Context& ctx, bool (*fields)(Context&, ondemand::object&, const char*, void*),
                              void* state) {
    ondemand::document& doc = *ctx.doc;
    const char* begin = ctx.text.data();
    if (const auto token = doc.raw_json_token(); token.error() == simdjson::SUCCESS)
        begin = token.value_unsafe().data();
    ondemand::json_type type{};
    if (const simdjson::error_code e = doc.type().get(type)) return ctx.fail(e, begin);
    if (type == ondemand::json_type::object) {
        if (ctx.max_depth < 1) return ctx.fail_depth(begin);
        ondemand::object object;
        if (const simdjson::error_code e = doc.get_object().get(object)) return ctx.fail(e, begin);
        return fields(ctx, object, begin, state);
    }
    // Not an object: check it all, then report it as pydantic does for a model.
    simdjson::error_code e = simdjson::SUCCESS;
    switch (type) {
        case ondemand::json_type::array: {
            // Through the document's get_array, which checks the closing bracket up front (a
            // value's does not), so an unclosed array is reported as such.
            if (ctx.max_depth < 1) return ctx.fail_depth(begin);
            ondemand::array array;
            if (const simdjson::error_code ae = doc.get_array().get(array)) return ctx.fail(ae, begin);
            for (auto element : array) {
                ondemand::value item;
                if (const simdjson::error_code ee = std::move(element).get(item)) return ctx.fail(ee, ctx.here());
                if (!skip_value(ctx, item, 1)) return false;
            }
            break;
        }
        case ondemand::json_type::number: {
            Number n;
            if (!read_number(ctx, doc, begin, n)) return false;
            break;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            e = doc.get_string().get(s);
            break;
        }
        case ondemand::json_type::boolean: {
            bool b = false;
            e = json::read_bool(doc, ctx.text, begin, b);
            break;
        }
        case ondemand::json_type::null:
            e = json::read_null(doc, ctx.text, begin);
            break;
        case ondemand::json_type::object:
            break;
    }
    if (e) return ctx.fail(e, begin);
    static constexpr Location body("body");
    ctx.errors->add("model_attributes_type", body,
                    "Input should be a valid dictionary or object to extract fields from",
                    ErrorInput::json(ctx.span_from(begin)));
    return true;
}

/// Runs one parse: pads the text if needed, starts the per-thread parser, calls `root` for the
/// document, checks nothing follows it, and sums up the outcome.
inline BodyOutcome run(std::string_view text, bool padded, ValidationErrors& errors, const ParseOptions& options,
                       bool (*root)(Context&, void*), void* state) {
    if (text.empty()) {
        // No body at all: FastAPI reports the body as a missing field.
        static constexpr Location body("body");
        errors.add("missing", body, "Field required");
        return {BodyStatus::invalid, {}};
    }
    // simdjson counts whitespace after a top-level scalar as part of it (json::read_number and
    // friends expect it gone); after a container it is just not looked at.
    std::string_view document = json::trim_trailing_whitespace(text);
    if (document.empty()) return {BodyStatus::malformed, json::make_parse_error(simdjson::EMPTY, text)};
    std::size_t capacity = text.size() + simdjson::SIMDJSON_PADDING;
    std::string own_buffer;
    if (!padded) {
        thread_local std::string shared_buffer;
        std::string& buffer = text.size() <= reuse_limit ? shared_buffer : own_buffer;
        buffer.assign(document);
        buffer.resize(document.size() + simdjson::SIMDJSON_PADDING, ' ');
        document = std::string_view(buffer.data(), document.size());
        capacity = buffer.size();
    }
    std::optional<ondemand::parser> own_parser;
    if (text.size() > reuse_limit) own_parser.emplace();
    ondemand::parser& parser = own_parser ? *own_parser : thread_parser();
    ondemand::document doc;
    if (const simdjson::error_code e = parser.iterate(document.data(), document.size(), capacity).get(doc)) {
        return {BodyStatus::malformed, json::make_parse_error(e, document)};
    }
    Context ctx;
    ctx.text = document;
    ctx.doc = &doc;
    ctx.errors = &errors;
    ctx.unknown_fields = options.unknown_fields;
    ctx.max_depth = std::min(options.max_depth, json::max_depth_limit);

    const ValidationErrors::Mark start = errors.mark();
    const std::size_t reported_before = errors.size() + errors.dropped();
    bool ok = root(ctx, state);
    if (ok) {
        // The value is complete: anything but whitespace after it is malformed.
        const auto rest = doc.current_location();
        if (rest.error() == simdjson::SUCCESS) {
            ok = ctx.fail(simdjson::TRAILING_CONTENT, rest.value_unsafe());
        } else if (rest.error() != simdjson::OUT_OF_BOUNDS) {
            ok = ctx.fail(rest.error(), nullptr);
        }
    }
    if (!ok) {
        errors.rearrange(start, {});  // errors met before the malformation are moot
        return {BodyStatus::malformed, std::move(ctx.error)};
    }
    if (errors.size() + errors.dropped() != reported_before) return {BodyStatus::invalid, {}};
    return {BodyStatus::ok, {}};
}

}  // namespace json_detail

}  // namespace sweet::schema
