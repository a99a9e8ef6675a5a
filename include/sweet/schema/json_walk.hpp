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
#include <string>
#include <string_view>
#include <vector>

#include "sweet/json/parse.hpp"
#include "sweet/json/parse_error.hpp"
#include "sweet/json/simdjson_error.hpp"
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
    while (*p != '"' && *p != '\\') ++p;  // stage 1 has checked the string is closed
    if (*p == '"') {
        key = std::string_view(raw, static_cast<std::size_t>(p - raw));
        return true;
    }
    if (const simdjson::error_code e = field.unescaped_key().get(key)) return ctx.fail(e, raw - 1);
    return true;
}

/// Where value `v` starts in the text.
inline const char* value_start(ondemand::value& v) noexcept { return v.raw_json_token().data(); }

/// How a number was read.
enum class NumberRead : std::uint8_t { ok, not_a_number, malformed };

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
constexpr bool is_json_space(char c) noexcept { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

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
    while (end > begin && is_json_space(end[-1])) --end;
    return {begin, static_cast<std::size_t>(end - begin)};
}

/// The error to report for a scalar starting with `first` that simdjson would not read: it
/// says "incorrect type" for a misspelled literal or a lone '-', which reads oddly in a 400.
constexpr simdjson::error_code malformed_scalar(simdjson::error_code e, char first) noexcept {
    if (e != simdjson::INCORRECT_TYPE) return e;
    switch (first) {
        case 't': return simdjson::T_ATOM_ERROR;
        case 'f': return simdjson::F_ATOM_ERROR;
        case 'n': return simdjson::N_ATOM_ERROR;
        default: return simdjson::NUMBER_ERROR;
    }
}

/// Consumes `v` (a value at `depth` levels of nesting), checking all of it is well-formed.
inline bool skip_value(Context& ctx, ondemand::value& v, std::size_t depth) {
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
            return true;
        }
        case ondemand::json_type::number: {
            double d = 0;
            if (const simdjson::error_code e = v.get_double().get(d)) return ctx.fail(malformed_scalar(e, *at), at);
            return true;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            if (const simdjson::error_code e = v.get_string().get(s)) return ctx.fail(e, at);
            return true;
        }
        case ondemand::json_type::boolean: {
            bool b = false;
            if (const simdjson::error_code e = v.get_bool().get(b)) return ctx.fail(malformed_scalar(e, *at), at);
            return true;
        }
        case ondemand::json_type::null: {
            bool is_null = false;
            if (const simdjson::error_code e = v.is_null().get(is_null)) return ctx.fail(malformed_scalar(e, *at), at);
            if (!is_null) return ctx.fail(simdjson::N_ATOM_ERROR, at);
            return true;
        }
    }
    return ctx.fail(simdjson::TAPE_ERROR, at);
}

/// Consumes `v`, which does not have the expected JSON type, and records error `type`/`msg`
/// with `v` as the input. False when `v` turns out to be malformed.
inline bool mismatch(Context& ctx, ondemand::value& v, std::size_t depth, std::string_view type, std::string_view msg,
              const Location& loc) {
    const char* const begin = value_start(v);
    if (!skip_value(ctx, v, depth)) return false;
    ctx.errors->add(type, loc, msg, ErrorInput::json(ctx.span_from(begin)));
    return true;
}

/// Consumes an unknown member's value and records "extra_forbidden".
inline bool extra_forbidden(Context& ctx, ondemand::value& v, std::size_t depth, const Location& loc) {
    return mismatch(ctx, v, depth, "extra_forbidden", "Extra inputs are not permitted", loc);
}

/// Reads a JSON number as exactly as it fits (int64, uint64, else double); `not_a_number` for
/// other JSON types (left unconsumed), `malformed` (error recorded) for a bad number.
inline NumberRead read_number(Context& ctx, ondemand::value& v, Number& out) {
    ondemand::json_type type{};
    if (const simdjson::error_code e = v.type().get(type)) {
        ctx.fail(e, value_start(v));
        return NumberRead::malformed;
    }
    if (type != ondemand::json_type::number) return NumberRead::not_a_number;
    std::uint64_t u = 0;
    if (v.get_uint64().get(u) == simdjson::SUCCESS) {
        out = Number(u);
        return NumberRead::ok;
    }
    // A fraction or exponent, or an integer beyond 64 bits: the nearest double.
    double d = 0;
    if (const simdjson::error_code e = v.get_double().get(d)) {
        ctx.fail(malformed_scalar(e, *value_start(v)), value_start(v));
        return NumberRead::malformed;
    }
    const std::string_view token = v.raw_json_token();
    if (d == -0x1p63 && token.find_first_of(".eE") == std::string_view::npos) {
        // An integer below INT64_MIN that rounds to it: keep it below, so that it stays out of
        // every integer type's range rather than becoming INT64_MIN.
        d = std::nextafter(d, -0x1p64);
    }
    out = Number(d);
    return NumberRead::ok;
}

/// The JSON text of the number `v` just read (without the whitespace after it).
inline std::string_view number_text(ondemand::value& v) noexcept {
    std::string_view token = v.raw_json_token();
    while (!token.empty() && is_json_space(token.back())) token.remove_suffix(1);
    return token;
}

/// Reads a value of any JSON type into a json::Value.
inline bool read_json_value(Context& ctx, ondemand::value& v, std::size_t depth, json::Value& out) {
    // Checked (and depth-limited) by our walk, then built by json::parse so that a json::Value
    // field holds exactly what json::parse would give (numbers, repeated names); the text lies
    // inside the padded document, so the padding json::parse_padded needs follows it.
    const char* const begin = value_start(v);
    if (!skip_value(ctx, v, depth)) return false;
    const std::string_view text = ctx.span_from(begin);
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

/// Records "missing" for field `name` of the object that started at `begin` (its input).
inline void missing(Context& ctx, const char* begin, std::string_view /*name*/, const Location& loc) {
    // pydantic's input for a missing field is the enclosing object.
    ctx.errors->add("missing", loc, "Field required", ErrorInput::json(ctx.span_from(begin)));
}

/// Parses the document's root with `fields` when it is an object, else records
/// "model_attributes_type" at the root.
inline bool parse_root_object(Context& ctx, bool (*fields)(Context&, ondemand::object&, const char*, void*), void* state) {
    ondemand::document& doc = *ctx.doc;
    const char* begin = ctx.text.data();
    if (const auto token = doc.raw_json_token(); token.error() == simdjson::SUCCESS) begin = token.value_unsafe().data();
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
            ondemand::value root;
            e = doc.get_value().get(root);
            if (!e) {
                if (!skip_value(ctx, root, 0)) return false;
            }
            break;
        }
        case ondemand::json_type::number: {
            double d = 0;
            e = doc.get_double().get(d);
            break;
        }
        case ondemand::json_type::string: {
            std::string_view s;
            e = doc.get_string().get(s);
            break;
        }
        case ondemand::json_type::boolean: {
            bool b = false;
            e = doc.get_bool().get(b);
            break;
        }
        case ondemand::json_type::null: {
            bool is_null = false;
            e = doc.is_null().get(is_null);
            if (!e && !is_null) e = simdjson::N_ATOM_ERROR;
            break;
        }
        case ondemand::json_type::object: break;
    }
    if (e) return ctx.fail(malformed_scalar(e, *begin), begin);
    static constexpr Location body("body");
    ctx.errors->add("model_attributes_type", body, "Input should be a valid dictionary or object to extract fields from",
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
    std::string_view document = text;
    std::size_t capacity = text.size() + simdjson::SIMDJSON_PADDING;
    std::string own_buffer;
    if (!padded) {
        thread_local std::string shared_buffer;
        std::string& buffer = text.size() <= reuse_limit ? shared_buffer : own_buffer;
        buffer.assign(text);
        buffer.resize(text.size() + simdjson::SIMDJSON_PADDING, ' ');
        document = std::string_view(buffer.data(), text.size());
        capacity = buffer.size();
    }
    ondemand::parser own_parser;
    ondemand::parser& parser = text.size() <= reuse_limit ? thread_parser() : own_parser;
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
