#pragma once
/// @file parse_json.hpp
/// Parsing a JSON body straight into a struct with a schema, validating as it goes:
/// @code
///   CreateUser user;
///   schema::ValidationErrors errors;
///   const auto outcome = schema::parse_json(req.body(), /*padded=*/true, user, errors);
///   if (outcome.status == schema::BodyStatus::malformed) return outcome.error.to_error();   // 400
///   if (outcome.status == schema::BodyStatus::invalid) return 422 with std::move(errors).body();
/// @endcode
/// simdjson's On-Demand parser is walked once, fields in document order; keys are matched by
/// length and bytes against the declared names (the next declared field is tried first, since
/// clients usually send fields in order); values go directly into the members. Nothing is
/// allocated besides the members' own storage, and errors are only formatted when they occur.
///
/// Every value is visited, also unknown members that are ignored, so malformed JSON anywhere
/// (and trailing content) is reported as malformed, never accepted. Numbers that do not fit a
/// double (1e400) are malformed, as in `json::parse`.
///
/// What is accepted is exactly what the published JSON Schema (json_schema.hpp) accepts:
/// integers take JSON numbers with an integral value (1.0, 1e2), not 1.5 ("int_from_float"),
/// within the C++ type's range; numbers are never taken from strings or booleans; optional
/// members take null. Errors list every failing value, reported (like pydantic) per object in
/// declaration order, then unknown members in document order; when a name repeats, the last
/// value wins and the earlier one's errors are dropped.

#include <simdjson.h>

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sweet/json/parse.hpp"
#include "sweet/json/parse_error.hpp"
#include "sweet/json/value.hpp"
#include "sweet/schema/declare.hpp"
#include "sweet/schema/errors.hpp"
#include "sweet/schema/json_walk.hpp"
#include "sweet/schema/validate.hpp"

namespace sweet::schema {

namespace json_detail {

namespace ondemand = simdjson::ondemand;

// ---------------------------------------------------------------------------------------------
// Per-object bookkeeping to report errors in declaration order
// ---------------------------------------------------------------------------------------------

/// Which errors each field and each unknown member produced, recorded only once an object has
/// produced an error (so the error-free path allocates nothing).
class ErrorOrder {
public:
    explicit ErrorOrder(const ValidationErrors& errors, std::size_t field_count) noexcept
        : start_(errors.mark()), dropped_before_(errors.dropped()), field_count_(field_count) {}

    /// Records the errors between `before` and `after`, produced by field `index` (or, when it
    /// equals the field count, by an unknown member).
    void record(std::size_t index, ValidationErrors::Mark before, ValidationErrors::Mark after) {
        if (!active_) {
            if (after.offset == before.offset) return;
            active_ = true;
            fields_.resize(field_count_);
        }
        const ValidationErrors::Span span{before, after};
        if (index < field_count_) {
            fields_[index] = span;  // a repeated name: the last value's errors replace the earlier ones
        } else if (after.offset != before.offset) {
            extras_.push_back(span);
        }
    }

    /// Puts the object's errors in declaration order, unknown members last. Once the list is
    /// full nothing is moved or dropped: the errors it could not take may have been the ones
    /// that replace those of an earlier repeated name, and a 422 must never end up empty.
    void apply(ValidationErrors& errors) {
        if (!active_ || errors.dropped() != dropped_before_) return;
        std::vector<ValidationErrors::Span> runs;
        runs.reserve(fields_.size() + extras_.size());
        for (const ValidationErrors::Span& s : fields_) {
            if (s.end.offset != s.begin.offset) runs.push_back(s);
        }
        runs.insert(runs.end(), extras_.begin(), extras_.end());
        errors.rearrange(start_, runs);
    }

private:
    ValidationErrors::Mark start_;
    std::size_t dropped_before_;
    std::size_t field_count_;
    std::vector<ValidationErrors::Span> fields_;
    std::vector<ValidationErrors::Span> extras_;
    bool active_ = false;  // an error has been met in this object
};

// ---------------------------------------------------------------------------------------------
// Values by C++ type
// ---------------------------------------------------------------------------------------------

template <HasSchema T>
bool parse_object(Context& ctx, ondemand::value& v, T& out, const Location& loc, std::size_t depth);

/// Parses `v` (nested `depth` levels deep) into `out`, applying the constraints of `Source`.
/// Returns false only when the document is malformed; validation errors are recorded and
/// parsing goes on.
template <class Source, class M>
bool parse_value(Context& ctx, ondemand::value& v, M& out, const Location& loc, std::size_t depth) {
    ValidationErrors& errors = *ctx.errors;
    if constexpr (detail::is_string_v<M>) {
        std::string_view s;
        const simdjson::error_code e = v.get_string().get(s);
        if (e == simdjson::INCORRECT_TYPE) {
            if constexpr (detail::source_has_one_of_v<Source>) {
                // pydantic checks a Literal's values directly: a non-string breaks the Literal.
                return mismatch(ctx, v, depth, "literal_error", "Input should be " + detail::one_of_expected<Source>(),
                                loc);
            } else {
                return mismatch(ctx, v, depth, "string_type", "Input should be a valid string", loc);
            }
        }
        if (e) return ctx.fail(e, value_start(v));
        out.assign(s.data(), s.size());
        check_string<Source>(s, loc, ErrorInput::string(s), errors);
        return true;
    } else if constexpr (std::is_same_v<M, bool>) {
        const char* const at = value_start(v);
        if (*at != 't' && *at != 'f')
            return mismatch(ctx, v, depth, "bool_type", "Input should be a valid boolean", loc);
        bool b = false;
        if (const simdjson::error_code e = json::read_bool(v, ctx.text, at, b)) return ctx.fail(e, at);
        out = b;
        return true;
    } else if constexpr (detail::is_number_v<M>) {
        const char* const at = value_start(v);
        if (!starts_number(*at)) {
            if constexpr (detail::is_integer_v<M>) {
                return mismatch(ctx, v, depth, "int_type", "Input should be a valid integer", loc);
            } else {
                return mismatch(ctx, v, depth, "float_type", "Input should be a valid number", loc);
            }
        }
        Number n;
        if (!read_number(ctx, v, at, n)) return false;
        // The input as sent (exact for integers beyond 64 bits); only looked at on error.
        store_number<Source>(n, out, loc, ErrorInput::json(json::detail::number_token(ctx.text, at)), errors);
        return true;
    } else if constexpr (std::is_enum_v<M>) {
        std::string_view s;
        const simdjson::error_code e = v.get_string().get(s);
        if (e == simdjson::INCORRECT_TYPE) {
            const std::string expected = detail::expected_list(enum_v<M>.names);
            return mismatch(ctx, v, depth, "enum", "Input should be " + expected, loc);
        }
        if (e) return ctx.fail(e, value_start(v));
        store_enum(s, out, loc, ErrorInput::string(s), errors);
        return true;
    } else if constexpr (detail::is_optional_v<M>) {
        const char* const at = value_start(v);
        if (*at == 'n') {
            if (const simdjson::error_code e = json::read_null(v, ctx.text, at)) return ctx.fail(e, at);
            out.reset();
            return true;
        }
        if (!out.has_value()) out.emplace();
        return parse_value<Source>(ctx, v, *out, loc, depth);
    } else if constexpr (detail::is_vector_v<M>) {
        using Element = typename M::value_type;
        constexpr bool limited = detail::source_has_v<Source, MinItems> || detail::source_has_v<Source, MaxItems>;
        const char* const begin = limited ? value_start(v) : nullptr;
        ondemand::array array;
        const simdjson::error_code e = v.get_array().get(array);
        if (e == simdjson::INCORRECT_TYPE)
            return mismatch(ctx, v, depth, "list_type", "Input should be a valid list", loc);
        if (e) return ctx.fail(e, value_start(v));
        if (depth + 1 > ctx.max_depth) return ctx.fail_depth(begin != nullptr ? begin : ctx.here());
        out.clear();
        std::size_t index = 0;
        for (auto element : array) {
            ondemand::value item;
            if (const simdjson::error_code ee = std::move(element).get(item)) return ctx.fail(ee, ctx.here());
            const Location child(loc, index);
            if constexpr (std::is_same_v<Element, bool>) {  // vector<bool> has no Element&
                bool b = false;
                if (!parse_value<NoConstraints>(ctx, item, b, child, depth + 1)) return false;
                out.push_back(b);
            } else {
                if (!parse_value<NoConstraints>(ctx, item, out.emplace_back(), child, depth + 1)) return false;
            }
            ++index;
        }
        if constexpr (limited)
            check_items<Source>(out.size(), "List", loc, ErrorInput::json(ctx.span_from(begin)), errors);
        return true;
    } else if constexpr (detail::is_string_map_v<M>) {
        constexpr bool limited = detail::source_has_v<Source, MinItems> || detail::source_has_v<Source, MaxItems>;
        const char* const begin = value_start(v);
        ondemand::object object;
        const simdjson::error_code e = v.get_object().get(object);
        if (e == simdjson::INCORRECT_TYPE)
            return mismatch(ctx, v, depth, "dict_type", "Input should be a valid dictionary", loc);
        if (e) return ctx.fail(e, begin);
        if (depth + 1 > ctx.max_depth) return ctx.fail_depth(begin);
        out.clear();
        for (auto member : object) {
            ondemand::field field;
            if (const simdjson::error_code ee = std::move(member).get(field)) return ctx.fail(ee, ctx.here());
            std::string_view key;
            if (!read_key(ctx, field, key)) return false;
            auto& slot = out[std::string(key)];
            slot = typename M::mapped_type{};  // a repeated key: the last value wins whole
            const Location child(loc, key);
            if (!parse_value<NoConstraints>(ctx, field.value(), slot, child, depth + 1)) return false;
        }
        if constexpr (limited)
            check_items<Source>(out.size(), "Dictionary", loc, ErrorInput::json(ctx.span_from(begin)), errors);
        return true;
    } else if constexpr (std::is_same_v<M, json::Value>) {
        return read_json_value(ctx, v, depth, out);
    } else {
        static_assert(HasSchema<M>, "unsupported field type (see FieldTypeCheck)");
        return parse_object(ctx, v, out, loc, depth);
    }
}

/// The index of the field of `T` named `key`, or the field count; `hint` is tried first.
template <HasSchema T>
std::size_t find_field(std::string_view key, std::size_t hint) noexcept {
    static constexpr auto names = []<std::size_t... I>(std::index_sequence<I...>) {
        return std::array<std::string_view, sizeof...(I)>{field_v<T, I>.name...};
    }(std::make_index_sequence<schema_v<T>.size>{});
    if (hint < names.size() && names[hint] == key) return hint;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (names[i] == key) return i;
    }
    return names.size();
}

/// Parses the value of field `index` of `T` into its member.
template <HasSchema T, std::size_t... I>
bool parse_field_at(Context& ctx, std::size_t index, ondemand::value& v, T& out, const Location& loc, std::size_t depth,
                    std::index_sequence<I...>) {
    bool ok = true;
    static_cast<void>(
        ((index == I ? (ok = parse_value<FieldConstraints<T, I>>(ctx, v, out.*(field_v<T, I>.member),
                                                                 Location(loc, field_v<T, I>.name), depth),
                        true)
                     : false) ||
         ...));
    return ok;
}

/// Parses the members of `object` (which started at `begin`, `depth` levels deep) into `out`.
template <HasSchema T>
bool parse_fields(Context& ctx, ondemand::object& object, T& out, const Location& loc, std::size_t depth,
                  const char* begin) {
    constexpr auto& schema = schema_v<T>;
    constexpr std::size_t count = schema.size;
    ValidationErrors& errors = *ctx.errors;
    const UnknownFields unknown = schema.unknown_fields_or(ctx.unknown_fields);
    std::bitset<count> seen;
    ErrorOrder order(errors, count);
    std::size_t next = 0;
    for (auto member : object) {
        ondemand::field field;
        if (const simdjson::error_code e = std::move(member).get(field)) return ctx.fail(e, ctx.here());
        std::string_view key;
        if (!read_key(ctx, field, key)) return false;
        const std::size_t index = find_field<T>(key, next);
        const ValidationErrors::Mark before = errors.mark();
        if (index == count) {
            if (unknown == UnknownFields::forbid) {
                if (!extra_forbidden(ctx, field.value(), depth, Location(loc, key))) return false;
            } else if (!skip_value(ctx, field.value(), depth)) {
                return false;
            }
        } else {
            if constexpr (count > 0) {
                seen.set(index);
                next = index + 1;
                if (!parse_field_at(ctx, index, field.value(), out, loc, depth, std::make_index_sequence<count>{}))
                    return false;
            }
        }
        order.record(index, before, errors.mark());
    }
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                if constexpr (field_t<T, I>::required) {
                    if (!seen.test(I)) {
                        const ValidationErrors::Mark before = errors.mark();
                        missing(ctx, begin, Location(loc, field_v<T, I>.name));
                        order.record(I, before, errors.mark());
                    }
                }
            }(),
            ...);
    }(std::make_index_sequence<count>{});
    order.apply(errors);
    return true;
}

template <HasSchema T>
bool parse_object(Context& ctx, ondemand::value& v, T& out, const Location& loc, std::size_t depth) {
    const char* const begin = value_start(v);
    ondemand::object object;
    const simdjson::error_code e = v.get_object().get(object);
    if (e == simdjson::INCORRECT_TYPE) {
        return mismatch(ctx, v, depth, "model_attributes_type",
                        "Input should be a valid dictionary or object to extract fields from", loc);
    }
    if (e) return ctx.fail(e, begin);
    if (depth + 1 > ctx.max_depth) return ctx.fail_depth(begin);
    return parse_fields(ctx, object, out, loc, depth + 1, begin);
}

}  // namespace json_detail

/// Parses JSON `text` into `out` with simdjson On-Demand, validating as it goes. `padded` says
/// that SIMDJSON_PADDING (json::required_padding) readable bytes follow `text` (then no copy is
/// made). Malformed JSON anywhere in the document (also inside ignored unknown members, and
/// trailing content) gives `malformed` with the offset and reason. Schema violations give
/// `invalid`, all of them in `errors` with locations starting at "body". An empty text is a
/// missing body (`invalid`, as FastAPI says "Field required"). Members absent from the input
/// keep their value in `out` (so default member initializers apply).
template <HasSchema T>
BodyOutcome parse_json(std::string_view text, bool padded, T& out, ValidationErrors& errors,
                       const ParseOptions& options = {}) {
    static_assert(check_fields<T>(), "unsupported field type (see the FieldTypeCheck error above)");
    errors.limit_to(options.max_errors);
    return json_detail::run(
        text, padded, errors, options,
        [](json_detail::Context& ctx, void* target) {
            return json_detail::parse_root_object(
                ctx,
                [](json_detail::Context& c, simdjson::ondemand::object& object, const char* begin, void* t) {
                    static constexpr Location body("body");
                    return json_detail::parse_fields(c, object, *static_cast<T*>(t), body, 1, begin);
                },
                target);
        },
        &out);
}

}  // namespace sweet::schema
