#pragma once
/// @file json_schema.hpp
/// The JSON Schema (OpenAPI 3.1 dialect, pydantic v2's style) of a C++ type with a schema,
/// written so that it accepts exactly what parse_json accepts:
///  - integers: {"type":"integer"} with "minimum"/"maximum" of the C++ type, intersected with
///    ge/le (and "exclusiveMinimum"/"exclusiveMaximum" for gt/lt, "multipleOf");
///  - float: {"type":"number"} within ±FLT_MAX; double: {"type":"number"};
///  - strings: {"type":"string"} with minLength/maxLength, pattern, format, and "enum" for one_of;
///  - std::optional<T>: {"anyOf":[T, {"type":"null"}]}, not in "required", "default": null;
///  - std::vector<T>: "array" with "items"; maps: "object" with "additionalProperties";
///  - json::Value: {} (any JSON);
///  - structs and enums: {"$ref":"#/components/schemas/<Name>"}, their definitions added to a
///    `Components` table (objects list "properties", "required", and "additionalProperties":
///    false when unknown members are forbidden; enums are {"type":"string","enum":[...]}).
/// Field documentation (description, examples, deprecated, default) sits next to the type.

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sweet/json/serialize.hpp"
#include "sweet/json/value.hpp"
#include "sweet/json/writer.hpp"
#include "sweet/schema/constraints.hpp"
#include "sweet/schema/declare.hpp"
#include "sweet/schema/number.hpp"
#include "sweet/schema/serialize.hpp"
#include "sweet/schema/validate.hpp"

namespace sweet::schema {

/// The named schemas a document refers to (OpenAPI's components.schemas): name -> schema JSON
/// text, in insertion order, each once. Two different types claiming the same name is a
/// conflict, reported in `conflicts()` (the first type keeps the name).
class Components {
public:
    /// One named schema.
    struct Entry {
        std::string name;
        std::string schema;  ///< JSON text (empty while being written)
        const void* type;    ///< identifies the C++ type
    };

    /// An empty table; objects that do not say otherwise document `unknown_fields` (the
    /// application's parse option: forbid adds "additionalProperties": false).
    explicit Components(UnknownFields unknown_fields = UnknownFields::ignore) noexcept
        : unknown_fields_(unknown_fields) {}

    /// The policy for objects that do not set their own.
    [[nodiscard]] UnknownFields unknown_fields() const noexcept { return unknown_fields_; }

    /// Claims `name` for the type identified by `type`. True when the caller must now write its
    /// schema (first claim); false when it is already there (or being written: recursion) or
    /// when another type has the name (a conflict is recorded).
    bool claim(std::string_view name, const void* type);
    /// Stores the schema text of a claimed name.
    void fill(std::string_view name, std::string schema);

    /// The schemas in insertion order.
    [[nodiscard]] const std::vector<Entry>& entries() const noexcept { return entries_; }
    /// The schema text of `name`, or nullptr.
    [[nodiscard]] const std::string* find(std::string_view name) const noexcept;
    /// Descriptions of name conflicts ("two types are named 'Item': ...").
    [[nodiscard]] const std::vector<std::string>& conflicts() const noexcept { return conflicts_; }

    /// Writes {"Name": schema, ...}.
    void write(json::Writer& w) const;
    /// The table as JSON text.
    [[nodiscard]] std::string to_json() const;

private:
    std::vector<Entry> entries_;
    std::vector<std::string> conflicts_;
    UnknownFields unknown_fields_;
};

namespace schema_detail {

/// An address unique to each type, to tell types apart by name.
template <class T>
inline constexpr char type_tag = 0;

/// Adds the definition of struct or enum `T` (and of what it holds) to `components`, once.
template <class T>
void define_component(Components& components);

/// The component name of struct or enum `T`.
template <class T>
constexpr std::string_view component_name() noexcept {
    if constexpr (std::is_enum_v<T>) {
        return enum_v<T>.name;
    } else {
        return schema_v<T>.name;
    }
}

/// Writes {"$ref":"#/components/schemas/<Name>"}'s member.
inline void write_ref(json::Writer& w, std::string_view name) {
    std::string ref = "#/components/schemas/";
    ref.append(name);
    w.key("$ref");
    w.string(ref);
}

/// The effective lower or upper bound of a number field: the type's bound intersected with the
/// inclusive constraints, and the tightest exclusive one.
struct Bounds {
    bool has_minimum = false;
    Number minimum;
    bool has_maximum = false;
    Number maximum;
    bool has_exclusive_minimum = false;
    Number exclusive_minimum;
    bool has_exclusive_maximum = false;
    Number exclusive_maximum;
};

template <class Source, class T>
constexpr Bounds bounds_of() {
    Bounds b;
    if constexpr (detail::is_integer_v<T> || std::is_same_v<T, float>) {
        b.has_minimum = b.has_maximum = true;
        b.minimum = lowest_of<T>();
        b.maximum = highest_of<T>();
    }
    std::apply(
        [&](const auto&... c) {
            (
                [&] {
                    using C = std::remove_cvref_t<decltype(c)>;
                    if constexpr (std::is_same_v<C, Ge>) {
                        if (!b.has_minimum || compare(c.bound, b.minimum) > 0) b.minimum = c.bound;
                        b.has_minimum = true;
                    } else if constexpr (std::is_same_v<C, Le>) {
                        if (!b.has_maximum || compare(c.bound, b.maximum) < 0) b.maximum = c.bound;
                        b.has_maximum = true;
                    } else if constexpr (std::is_same_v<C, Gt>) {
                        if (!b.has_exclusive_minimum || compare(c.bound, b.exclusive_minimum) > 0)
                            b.exclusive_minimum = c.bound;
                        b.has_exclusive_minimum = true;
                    } else if constexpr (std::is_same_v<C, Lt>) {
                        if (!b.has_exclusive_maximum || compare(c.bound, b.exclusive_maximum) < 0)
                            b.exclusive_maximum = c.bound;
                        b.has_exclusive_maximum = true;
                    }
                }(),
                ...);
        },
        Source::constraints());
    // An exclusive bound at or beyond the inclusive one makes it redundant: gt(0) on an int
    // reads {"exclusiveMinimum":0,"maximum":2147483647}, not also "minimum":-2147483648.
    if (b.has_exclusive_minimum && b.has_minimum && compare(b.exclusive_minimum, b.minimum) >= 0) b.has_minimum = false;
    if (b.has_exclusive_maximum && b.has_maximum && compare(b.exclusive_maximum, b.maximum) <= 0) b.has_maximum = false;
    return b;
}

template <class Source>
void write_number_constraints(json::Writer& w, const Bounds& b) {
    if (b.has_minimum) {
        w.key("minimum");
        b.minimum.write(w);
    }
    if (b.has_exclusive_minimum) {
        w.key("exclusiveMinimum");
        b.exclusive_minimum.write(w);
    }
    if (b.has_maximum) {
        w.key("maximum");
        b.maximum.write(w);
    }
    if (b.has_exclusive_maximum) {
        w.key("exclusiveMaximum");
        b.exclusive_maximum.write(w);
    }
    std::apply(
        [&](const auto&... c) {
            (
                [&] {
                    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(c)>, MultipleOf>) {
                        w.key("multipleOf");
                        c.factor.write(w);
                    }
                }(),
                ...);
        },
        Source::constraints());
}

/// The tightest of the `C` limits of `Source` (largest for minimums, smallest for maximums).
template <class Source, class C, bool Largest>
constexpr std::pair<bool, std::size_t> limit_of() {
    std::pair<bool, std::size_t> out{false, 0};
    std::apply(
        [&](const auto&... c) {
            (
                [&] {
                    if constexpr (std::is_same_v<std::remove_cvref_t<decltype(c)>, C>) {
                        if (!out.first || (Largest ? c.value > out.second : c.value < out.second)) out.second = c.value;
                        out.first = true;
                    }
                }(),
                ...);
        },
        Source::constraints());
    return out;
}

template <class Source, class Min, class Max>
void write_limits(json::Writer& w, std::string_view min_key, std::string_view max_key) {
    constexpr auto min = limit_of<Source, Min, true>();
    constexpr auto max = limit_of<Source, Max, false>();
    if constexpr (min.first) {
        w.key(min_key);
        w.unsigned_integer(min.second);
    }
    if constexpr (max.first) {
        w.key(max_key);
        w.unsigned_integer(max.second);
    }
}

template <class Source>
void write_string_constraints(json::Writer& w) {
    write_limits<Source, MinLength, MaxLength>(w, "minLength", "maxLength");
    std::apply(
        [&](const auto&... c) {
            (
                [&] {
                    using C = std::remove_cvref_t<decltype(c)>;
                    if constexpr (std::is_same_v<C, Pattern>) {
                        w.key("pattern");
                        w.string(c.regex);
                    } else if constexpr (std::is_same_v<C, FormatConstraint>) {
                        w.key("format");
                        w.string(format_name(c.format));
                    } else if constexpr (detail::is_one_of_constraint<C>::value) {
                        w.key("enum");
                        w.begin_array();
                        for (const std::string_view v : c.values)
                            w.string(v);
                        w.end_array();
                    }
                }(),
                ...);
        },
        Source::constraints());
}

/// Writes the members describing type `M` under the constraints of `Source` into the object
/// being written (the caller adds documentation and closes it).
template <class Source, class M>
void write_type_members(json::Writer& w, Components& components) {
    if constexpr (detail::is_string_v<M>) {
        w.key("type");
        w.string("string");
        write_string_constraints<Source>(w);
    } else if constexpr (std::is_same_v<M, bool>) {
        w.key("type");
        w.string("boolean");
    } else if constexpr (detail::is_number_v<M>) {
        w.key("type");
        w.string(detail::is_integer_v<M> ? "integer" : "number");
        constexpr Bounds bounds = bounds_of<Source, M>();
        write_number_constraints<Source>(w, bounds);
    } else if constexpr (detail::is_optional_v<M>) {
        w.key("anyOf");
        w.begin_array();
        w.begin_object();
        write_type_members<Source, typename M::value_type>(w, components);
        w.end_object();
        w.begin_object();
        w.key("type");
        w.string("null");
        w.end_object();
        w.end_array();
    } else if constexpr (detail::is_vector_v<M>) {
        w.key("type");
        w.string("array");
        w.key("items");
        w.begin_object();
        write_type_members<NoConstraints, typename M::value_type>(w, components);
        w.end_object();
        write_limits<Source, MinItems, MaxItems>(w, "minItems", "maxItems");
    } else if constexpr (detail::is_string_map_v<M>) {
        w.key("type");
        w.string("object");
        w.key("additionalProperties");
        w.begin_object();
        write_type_members<NoConstraints, typename M::mapped_type>(w, components);
        w.end_object();
        write_limits<Source, MinItems, MaxItems>(w, "minProperties", "maxProperties");
    } else if constexpr (std::is_same_v<M, json::Value>) {
        // Any JSON: the empty schema.
    } else {
        static_assert(std::is_enum_v<M> || HasSchema<M>, "unsupported field type (see FieldTypeCheck)");
        define_component<M>(components);
        write_ref(w, component_name<M>());
    }
}

/// Writes the documentation of field `I` of `T`: description (unless `with_description` is
/// false), examples, deprecated, default.
template <class T, std::size_t I>
void write_field_docs(json::Writer& w, bool with_description) {
    constexpr const auto& f = field_v<T, I>;
    using F = field_t<T, I>;
    bool has_examples = false;
    std::apply(
        [&](const auto&... c) {
            (
                [&] {
                    using C = std::remove_cvref_t<decltype(c)>;
                    if constexpr (std::is_same_v<C, Description>) {
                        if (with_description) {
                            w.key("description");
                            w.string(c.text);
                        }
                    } else if constexpr (detail::is_example_constraint<C>::value) {
                        has_examples = true;
                    }
                }(),
                ...);
        },
        f.constraints);
    if (has_examples) {
        w.key("examples");
        w.begin_array();
        std::apply(
            [&](const auto&... c) {
                (
                    [&] {
                        if constexpr (detail::is_example_constraint<std::remove_cvref_t<decltype(c)>>::value)
                            json::write(w, c.value);
                    }(),
                    ...);
            },
            f.constraints);
        w.end_array();
    }
    if constexpr (F::template has<Deprecated>) {
        w.key("deprecated");
        w.boolean(true);
    }
    if constexpr (!F::required && std::is_default_constructible_v<T>) {
        // The value an absent member keeps: its initializer.
        const T defaults{};
        w.key("default");
        json::write(w, defaults.*(f.member));
    }
}

/// Writes the schema of field `I` of `T` as one object.
template <class T, std::size_t I>
void write_field_schema(json::Writer& w, Components& components, bool with_description) {
    w.begin_object();
    write_type_members<FieldConstraints<T, I>, typename field_t<T, I>::member_type>(w, components);
    write_field_docs<T, I>(w, with_description);
    w.end_object();
}

/// The component schema of struct `T`.
template <HasSchema T>
std::string object_schema(Components& components) {
    constexpr const auto& object = schema_v<T>;
    std::string out;
    json::Writer w(out);
    w.begin_object();
    w.key("type");
    w.string("object");
    w.key("title");
    w.string(object.name);
    if (!object.description_text.empty()) {
        w.key("description");
        w.string(object.description_text);
    }
    w.key("properties");
    w.begin_object();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((w.key(field_v<T, I>.name), write_field_schema<T, I>(w, components, true)), ...);
    }(std::make_index_sequence<object.size>{});
    w.end_object();
    constexpr bool any_required = []<std::size_t... I>(std::index_sequence<I...>) {
        return (false || ... || field_t<T, I>::required);
    }(std::make_index_sequence<object.size>{});
    if constexpr (any_required) {
        w.key("required");
        w.begin_array();
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (
                [&] {
                    if constexpr (field_t<T, I>::required) w.string(field_v<T, I>.name);
                }(),
                ...);
        }(std::make_index_sequence<object.size>{});
        w.end_array();
    }
    if (object.unknown_fields_or(components.unknown_fields()) == UnknownFields::forbid) {
        w.key("additionalProperties");
        w.boolean(false);
    }
    w.end_object();
    return out;
}

/// The component schema of enum `E`.
template <HasEnum E>
std::string enum_schema() {
    constexpr const auto& e = enum_v<E>;
    std::string out;
    json::Writer w(out);
    w.begin_object();
    w.key("type");
    w.string("string");
    w.key("title");
    w.string(e.name);
    if (!e.description_text.empty()) {
        w.key("description");
        w.string(e.description_text);
    }
    w.key("enum");
    w.begin_array();
    for (const std::string_view name : e.names)
        w.string(name);
    w.end_array();
    w.end_object();
    return out;
}

template <class T>
void define_component(Components& components) {
    if (!components.claim(component_name<T>(), &type_tag<T>)) return;
    if constexpr (std::is_enum_v<T>) {
        components.fill(component_name<T>(), enum_schema<T>());
    } else {
        static_assert(check_fields<T>(), "unsupported field type (see the FieldTypeCheck error above)");
        components.fill(component_name<T>(), object_schema<T>(components));
    }
}

}  // namespace schema_detail

/// Writes the JSON Schema of `T` as the next value of `w`. Structs and enums are written as
/// {"$ref":"#/components/schemas/<Name>"}, and their definitions (and those of the types
/// they hold) are added to `components`.
template <class T>
void write_json_schema(json::Writer& w, Components& components) {
    if constexpr (HasSchema<T> || HasEnum<T>) {
        schema_detail::define_component<T>(components);
        w.begin_object();
        schema_detail::write_ref(w, schema_detail::component_name<T>());
        w.end_object();
    } else {
        static_assert(detail::is_supported_field_type<T>(),
                      "write_json_schema<T>: T must be a type a schema field can have");
        w.begin_object();
        schema_detail::write_type_members<NoConstraints, T>(w, components);
        w.end_object();
    }
}

/// The JSON Schema of `T` as text (see `write_json_schema`).
template <class T>
[[nodiscard]] std::string json_schema(Components& components) {
    std::string out;
    json::Writer w(out);
    write_json_schema<T>(w, components);
    return out;
}

/// For documenting `Query<T>` / `Headers<T>` parameters: calls
/// `fn(std::string_view name, bool required, std::string_view schema_json, std::string_view description)`
/// for each field of `T`, in order (the schema without the description, which OpenAPI puts on
/// the parameter itself).
template <HasSchema T, class Fn>
void for_each_parameter(Components& components, Fn&& fn) {
    static_assert(check_fields<T>(), "unsupported field type (see the FieldTypeCheck error above)");
    [&]<std::size_t... I>(std::index_sequence<I...>) {
        (
            [&] {
                constexpr const auto& f = field_v<T, I>;
                std::string schema;
                json::Writer w(schema);
                schema_detail::write_field_schema<T, I>(w, components, false);
                std::string_view text;
                std::apply(
                    [&](const auto&... c) {
                        (
                            [&] {
                                if constexpr (std::is_same_v<std::remove_cvref_t<decltype(c)>, Description>)
                                    text = c.text;
                            }(),
                            ...);
                    },
                    f.constraints);
                fn(f.name, field_t<T, I>::required, std::string_view(schema), text);
            }(),
            ...);
    }(std::make_index_sequence<schema_v<T>.size>{});
}

}  // namespace sweet::schema
