#pragma once
/// @file declare.hpp
/// Declaring a struct's schema once, next to the struct, as a constexpr function found by
/// argument-dependent lookup:
/// @code
///   struct Item { std::string name; double price; };
///   constexpr auto sweet_schema(sweet::schema::of<Item>) {
///       using namespace sweet::schema;
///       return object("Item", field("name", &Item::name, min_length(1)),
///                             field("price", &Item::price, gt(0)));
///   }
///   enum class Color { red, green };
///   constexpr auto sweet_enum(sweet::schema::of<Color>) {
///       return sweet::schema::enumeration(std::pair{Color::red, "red"}, std::pair{Color::green, "green"});
///   }
/// @endcode
/// `field`, `object` and `enumeration` run at compile time (consteval): a bad field name, a
/// repeated name or an invalid regular expression does not compile, and a constraint that does
/// not fit its member's type (`min_length` on an int) fails a static_assert that says so.
///
/// Field types: std::string, bool, every integer type but the character types, float, double,
/// enums with `sweet_enum`, std::optional<T>, std::vector<T>, std::map / std::unordered_map
/// <std::string, T>, structs with `sweet_schema`, and json::Value (any JSON). A field is
/// required unless it is a std::optional or is declared `defaulted`.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sweet/schema/constraints.hpp"
#include "sweet/core/type_traits.hpp"

namespace sweet::json {
class Value;
}

namespace sweet::schema {

/// The tag whose type names the struct or enum a `sweet_schema` / `sweet_enum` declaration is
/// for (and brings the struct's namespace into argument-dependent lookup).
template <class T>
struct of {
    explicit of() = default;
};

/// What to do with object members the schema does not declare.
enum class UnknownFields : std::uint8_t {
    ignore,  ///< skip them (still checked to be well-formed JSON), like pydantic's default
    forbid,  ///< report each as "extra_forbidden"
};

// ---------------------------------------------------------------------------------------------
// Type classification
// ---------------------------------------------------------------------------------------------

namespace detail {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
inline constexpr bool is_optional_v = is_optional<T>::value;

/// `T` without one level of std::optional.
template <class T>
struct unwrap_optional {
    using type = T;
};
template <class T>
struct unwrap_optional<std::optional<T>> {
    using type = T;
};
template <class T>
using unwrap_optional_t = typename unwrap_optional<T>::type;

template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
inline constexpr bool is_vector_v = is_vector<T>::value;

/// std::map or std::unordered_map keyed by std::string.
template <class T>
struct is_string_map : std::false_type {};
template <class T, class C, class A>
struct is_string_map<std::map<std::string, T, C, A>> : std::true_type {};
template <class T, class H, class E, class A>
struct is_string_map<std::unordered_map<std::string, T, H, E, A>> : std::true_type {};
template <class T>
inline constexpr bool is_string_map_v = is_string_map<T>::value;

using sweet::is_character_v;

/// Integers that are numbers: not bool, not the character types.
template <class T>
inline constexpr bool is_integer_v = std::is_integral_v<T> && !std::is_same_v<T, bool> && !is_character_v<T>;

/// float and double (long double has no exact JSON counterpart and is not accepted).
template <class T>
inline constexpr bool is_float_v = std::is_same_v<T, float> || std::is_same_v<T, double>;

template <class T>
inline constexpr bool is_number_v = is_integer_v<T> || is_float_v<T>;

template <class T>
inline constexpr bool is_string_v = std::is_same_v<T, std::string>;

template <class>
inline constexpr bool dependent_false_v = false;

/// True when `name` can be written inside a JSON string without escaping and compared byte
/// for byte with an unescaped key: no quote, backslash or control character.
constexpr bool is_plain_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    for (const char c : name) {
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return false;
    }
    return true;
}

/// True when `name` may name an OpenAPI component (^[a-zA-Z0-9._-]+$).
constexpr bool is_component_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

/// The unqualified name of type `T` as the compiler spells it ("Color" for ns::Color), read
/// from the function signature the compiler prints.
template <class T>
consteval std::string_view short_type_name() {
    const std::string_view signature = __PRETTY_FUNCTION__;
    // GCC: "... [with T = ns::Color; ...]"; Clang: "... [T = ns::Color]".
    const std::size_t start = signature.find("T = ") + 4;
    std::size_t end = signature.find_first_of(";]", start);
    std::string_view name = signature.substr(start, end - start);
    const std::size_t angle = name.find('<');
    const std::string_view head = name.substr(0, angle);
    const std::size_t colon = head.rfind("::");
    if (colon != std::string_view::npos) name.remove_prefix(colon + 2);
    return name;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Fields and objects
// ---------------------------------------------------------------------------------------------

/// One declared member: its JSON name, the pointer to the member and its constraints.
template <class Owner, class Member, class... Constraints>
struct Field {
    using owner_type = Owner;
    using member_type = Member;
    /// The member's type without std::optional: what constraints apply to.
    using value_type = detail::unwrap_optional_t<Member>;

    std::string_view name;
    Member Owner::*member;
    std::tuple<Constraints...> constraints;

    /// True when the constraints include a `C`.
    template <class C>
    static constexpr bool has = (std::is_same_v<C, Constraints> || ...);

    /// Absent input is an error unless the member is optional or declared `defaulted`.
    static constexpr bool required = !detail::is_optional_v<Member> && !has<Defaulted>;
};

namespace detail {

template <class C>
struct is_one_of_constraint : std::false_type {};
template <std::size_t N>
struct is_one_of_constraint<OneOf<N>> : std::true_type {};
template <class C>
struct is_example_constraint : std::false_type {};
template <class V>
struct is_example_constraint<Example<V>> : std::true_type {};

}  // namespace detail

/// Reports a constraint given to a field whose type it does not fit; every check below is a
/// named condition so the failing line reads as a sentence (with `Member` and `Constraint`
/// in the compiler's "in instantiation of" note).
template <class Member, class Constraint>
struct ConstraintFitsField {
    using Value = detail::unwrap_optional_t<Member>;
    static constexpr bool is_string = detail::is_string_v<Value>;
    static constexpr bool is_number = detail::is_number_v<Value>;
    static constexpr bool is_collection = detail::is_vector_v<Value> || detail::is_string_map_v<Value>;

    static constexpr bool is_length = std::is_same_v<Constraint, MinLength> || std::is_same_v<Constraint, MaxLength>;
    static constexpr bool is_items = std::is_same_v<Constraint, MinItems> || std::is_same_v<Constraint, MaxItems>;
    static constexpr bool is_bound = std::is_same_v<Constraint, Ge> || std::is_same_v<Constraint, Gt> ||
                                     std::is_same_v<Constraint, Le> || std::is_same_v<Constraint, Lt> ||
                                     std::is_same_v<Constraint, MultipleOf>;
    static constexpr bool is_pattern = std::is_same_v<Constraint, Pattern>;
    static constexpr bool is_one_of = detail::is_one_of_constraint<Constraint>::value;
    static constexpr bool is_format = std::is_same_v<Constraint, FormatConstraint>;
    static constexpr bool is_documentation =
        std::is_same_v<Constraint, Description> || detail::is_example_constraint<Constraint>::value ||
        std::is_same_v<Constraint, Deprecated> || std::is_same_v<Constraint, Defaulted>;

    static constexpr bool is_a_schema_constraint =
        is_length || is_items || is_bound || is_pattern || is_one_of || is_format || is_documentation;
    static constexpr bool min_length_and_max_length_limit_string_fields = !is_length || is_string;
    static constexpr bool min_items_and_max_items_limit_list_and_map_fields = !is_items || is_collection;
    static constexpr bool bounds_and_multiple_of_apply_to_number_fields = !is_bound || is_number;
    static constexpr bool pattern_checks_string_fields = !is_pattern || is_string;
    static constexpr bool one_of_restricts_string_fields = !is_one_of || is_string;
    static constexpr bool formats_check_string_fields = !is_format || is_string;

    static_assert(
        is_a_schema_constraint,
        "field(...) takes constraints (min_length, max_length, min_items, max_items, ge, gt, le, lt, "
        "multiple_of, pattern, one_of, format_*) and documentation (description, example, deprecated, defaulted)");
    static_assert(min_length_and_max_length_limit_string_fields,
                  "min_length/max_length limit std::string fields (in code points); "
                  "for lists and maps use min_items/max_items, for numbers ge/le");
    static_assert(min_items_and_max_items_limit_list_and_map_fields,
                  "min_items/max_items limit std::vector and std::map/std::unordered_map<std::string, T> fields; "
                  "for strings use min_length/max_length");
    static_assert(bounds_and_multiple_of_apply_to_number_fields,
                  "ge/gt/le/lt/multiple_of bound number fields (integers, float, double); "
                  "for strings use min_length/max_length, for lists min_items/max_items");
    static_assert(pattern_checks_string_fields, "pattern(...) checks std::string fields");
    static_assert(
        one_of_restricts_string_fields,
        "one_of(...) restricts std::string fields; for a fixed set of values of an enum, declare its sweet_enum");
    static_assert(formats_check_string_fields,
                  "format_email, format_uuid, format_date_time, format_date and format_uri check std::string fields");
};

/// Declares member `member` under the JSON name `name`, with `constraints`. The name must be
/// plain text (no quote, backslash or control character): it is matched byte for byte.
template <class Owner, class Member, class... Constraints>
consteval Field<Owner, Member, Constraints...> field(std::string_view name, Member Owner::*member,
                                                     Constraints... constraints) {
    static_assert(!std::is_function_v<Member>, "field(...) takes a pointer to a data member, not to a member function");
    (static_cast<void>(sizeof(ConstraintFitsField<Member, Constraints>)), ...);
    static_assert((0 + ... + std::is_same_v<Constraints, Pattern>) <= 1, "a field takes at most one pattern(...)");
    static_assert((0 + ... + detail::is_one_of_constraint<Constraints>::value) <= 1,
                  "a field takes at most one one_of(...)");
    static_assert((0 + ... + std::is_same_v<Constraints, FormatConstraint>) <= 1, "a field takes at most one format");
    static_assert((0 + ... + std::is_same_v<Constraints, Description>) <= 1,
                  "a field takes at most one description(...)");
    if (!detail::is_plain_name(name))
        throw "a field name must be non-empty, without quotes, backslashes or control characters";
    if (member == nullptr) throw "field(...) needs a pointer to a member";
    return {name, member, std::tuple<Constraints...>(constraints...)};
}

/// What an object says about members it does not declare: follow the parse options (the
/// application's default), or override them.
enum class UnknownFieldsRule : std::uint8_t { inherit, ignore, forbid };

/// A struct's schema: its component name, its fields in order, and object-level options.
template <class Owner, class... Fields>
struct Object {
    using owner_type = Owner;
    using fields_type = std::tuple<Fields...>;
    /// Number of fields.
    static constexpr std::size_t size = sizeof...(Fields);

    std::string_view name;
    std::tuple<Fields...> fields;
    UnknownFieldsRule unknown_fields = UnknownFieldsRule::inherit;
    bool omit_nulls = false;
    std::string_view description_text;

    /// Unknown members of this object are errors ("extra_forbidden"), whatever the options say.
    [[nodiscard]] constexpr Object forbid_unknown() const {
        Object copy = *this;
        copy.unknown_fields = UnknownFieldsRule::forbid;
        return copy;
    }
    /// Unknown members of this object are skipped, whatever the options say.
    [[nodiscard]] constexpr Object ignore_unknown() const {
        Object copy = *this;
        copy.unknown_fields = UnknownFieldsRule::ignore;
        return copy;
    }
    /// Serialization leaves out optional members that are empty (instead of writing null).
    [[nodiscard]] constexpr Object omit_null() const {
        Object copy = *this;
        copy.omit_nulls = true;
        return copy;
    }
    /// Documentation for the whole object (JSON Schema "description").
    [[nodiscard]] constexpr Object description(std::string_view text) const {
        Object copy = *this;
        copy.description_text = text;
        return copy;
    }

    /// The policy in force for this object when the caller's default is `fallback`.
    [[nodiscard]] constexpr UnknownFields unknown_fields_or(UnknownFields fallback) const noexcept {
        switch (unknown_fields) {
            case UnknownFieldsRule::ignore:
                return UnknownFields::ignore;
            case UnknownFieldsRule::forbid:
                return UnknownFields::forbid;
            case UnknownFieldsRule::inherit:
                break;
        }
        return fallback;
    }
};

namespace detail {

template <class Owner, class... Fields>
constexpr bool fields_belong_to() {
    return (std::is_base_of_v<typename Fields::owner_type, Owner> && ...);
}

}  // namespace detail

/// The schema of struct `Owner` (deduced from the first field when not given), named `name`
/// in the OpenAPI components. Field names must be unique.
template <class Owner = void, class... Fields>
consteval auto object(std::string_view name, Fields... fields) {
    if constexpr (std::is_void_v<Owner>) {
        static_assert(sizeof...(Fields) > 0,
                      "an object without fields must name its struct: object<MyStruct>(\"MyStruct\")");
        using First = std::tuple_element_t<0, std::tuple<Fields...>>;
        return object<typename First::owner_type>(name, fields...);
    } else {
        static_assert(std::is_class_v<Owner>, "object<T>(...) describes a struct or class T");
        static_assert(detail::fields_belong_to<Owner, Fields...>(),
                      "every field of an object must point to a member of that struct (or of one of its bases)");
        if (!detail::is_component_name(name))
            throw "an object's name must be non-empty and use only letters, digits, '.', '_' and '-'";
        const std::array<std::string_view, sizeof...(Fields)> names{fields.name...};
        for (std::size_t i = 0; i < names.size(); ++i) {
            for (std::size_t j = i + 1; j < names.size(); ++j) {
                if (names[i] == names[j]) throw "two fields of an object have the same name";
            }
        }
        return Object<Owner, Fields...>{name, std::tuple<Fields...>(fields...), UnknownFieldsRule::inherit, false, {}};
    }
}

// ---------------------------------------------------------------------------------------------
// Enumerations
// ---------------------------------------------------------------------------------------------

/// An enum's values and their JSON names.
template <class E, std::size_t N>
struct Enumeration {
    using enum_type = E;
    /// Number of values.
    static constexpr std::size_t size = N;

    std::string_view name;
    std::array<E, N> values;
    std::array<std::string_view, N> names;
    std::string_view description_text;

    /// Documentation for the enum (JSON Schema "description").
    [[nodiscard]] constexpr Enumeration description(std::string_view text) const {
        Enumeration copy = *this;
        copy.description_text = text;
        return copy;
    }

    /// The JSON name of `value`, or an empty view for a value not listed.
    [[nodiscard]] constexpr std::string_view name_of(E value) const noexcept {
        for (std::size_t i = 0; i < N; ++i) {
            if (values[i] == value) return names[i];
        }
        return {};
    }
};

/// Lists an enum's values with their JSON names, under component name `name`.
template <class E, class... S>
consteval auto enumeration(std::string_view name, std::pair<E, S>... values) {
    static_assert(std::is_enum_v<E>, "enumeration(...) lists the values of an enum");
    static_assert(sizeof...(S) > 0, "enumeration(...) needs at least one value");
    static_assert((std::is_convertible_v<S, std::string_view> && ...),
                  "each enumeration value needs a name: std::pair{E::value, \"name\"}");
    Enumeration<E, sizeof...(S)> out{name, {values.first...}, {std::string_view(values.second)...}, {}};
    if (!detail::is_component_name(name)) {
        throw "an enumeration's name must use only letters, digits, '.', '_' and '-'; name it: enumeration(\"Name\", ...)";
    }
    for (std::size_t i = 0; i < out.size; ++i) {
        if (out.names[i].empty()) throw "an enumeration value's name must not be empty";
        for (std::size_t j = i + 1; j < out.size; ++j) {
            if (out.names[i] == out.names[j]) throw "two enumeration values have the same name";
            if (out.values[i] == out.values[j]) throw "an enumeration lists the same value twice";
        }
    }
    return out;
}

/// Lists an enum's values with their JSON names; the component name is the enum's own name.
template <class E, class... S>
consteval auto enumeration(std::pair<E, S>... values) {
    return enumeration(detail::short_type_name<E>(), values...);
}

// ---------------------------------------------------------------------------------------------
// Concepts and the declared values
// ---------------------------------------------------------------------------------------------

namespace detail {

template <class X, class T>
struct is_object_for : std::false_type {};
template <class T, class... Fields>
struct is_object_for<Object<T, Fields...>, T> : std::true_type {};

template <class X, class E>
struct is_enumeration_for : std::false_type {};
template <class E, std::size_t N>
struct is_enumeration_for<Enumeration<E, N>, E> : std::true_type {};

}  // namespace detail

/// `T` is a struct with a `sweet_schema(of<T>)` declaration returning its `object(...)`.
template <class T>
concept HasSchema = std::is_class_v<T> && requires {
    requires detail::is_object_for<std::remove_cvref_t<decltype(sweet_schema(of<T>{}))>, T>::value;
};

/// `E` is an enum with a `sweet_enum(of<E>)` declaration returning its `enumeration(...)`.
template <class E>
concept HasEnum = std::is_enum_v<E> && requires {
    requires detail::is_enumeration_for<std::remove_cvref_t<decltype(sweet_enum(of<E>{}))>, E>::value;
};

/// The schema of `T`, evaluated once at compile time.
template <HasSchema T>
inline constexpr auto schema_v = sweet_schema(of<T>{});

/// The values and names of `E`, evaluated once at compile time.
template <HasEnum E>
inline constexpr auto enum_v = sweet_enum(of<E>{});

/// The type of field `I` of `T`'s schema.
template <HasSchema T, std::size_t I>
using field_t = std::remove_cvref_t<decltype(std::get<I>(schema_v<T>.fields))>;

/// Field `I` of `T`'s schema.
template <HasSchema T, std::size_t I>
constexpr const field_t<T, I>& field_v = std::get<I>(schema_v<T>.fields);

// ---------------------------------------------------------------------------------------------
// Supported field types, checked where a schema is used (parsing, serializing, documenting), not
// in field(...): a struct may hold a list of itself, and its schema is not known while declared.
// ---------------------------------------------------------------------------------------------

namespace detail {

/// The element type of a list or the value type of a map.
template <class T>
struct element {
    using type = void;
};
template <class T, class A>
struct element<std::vector<T, A>> {
    using type = T;
};
template <class T, class C, class A>
struct element<std::map<std::string, T, C, A>> {
    using type = T;
};
template <class T, class H, class E, class A>
struct element<std::unordered_map<std::string, T, H, E, A>> {
    using type = T;
};
template <class T>
using element_t = typename element<T>::type;

template <class T>
constexpr bool is_supported_field_type() {
    if constexpr (is_string_v<T> || std::is_same_v<T, bool> || is_number_v<T> || std::is_same_v<T, json::Value>) {
        return true;
    } else if constexpr (std::is_enum_v<T>) {
        return HasEnum<T>;
    } else if constexpr (is_optional_v<T>) {
        return is_supported_field_type<typename T::value_type>();
    } else if constexpr (is_vector_v<T> || is_string_map_v<T>) {
        return is_supported_field_type<element_t<T>>();
    } else {
        return HasSchema<T>;
    }
}

}  // namespace detail

/// Reports a member type a schema cannot handle, with the reason as the failing condition.
template <class Owner, class Member>
struct FieldTypeCheck {
    static constexpr bool is_supported = detail::is_supported_field_type<Member>();
    static constexpr bool a_char_is_not_a_number_or_text = !detail::is_character_v<Member>;
    static constexpr bool a_string_view_field_would_dangle = !std::is_same_v<Member, std::string_view>;
    static constexpr bool long_double_has_no_exact_json_counterpart = !std::is_same_v<Member, long double>;
    static constexpr bool an_enum_needs_its_sweet_enum_declaration = !std::is_enum_v<Member> || HasEnum<Member>;

    static_assert(
        a_char_is_not_a_number_or_text,
        "a char field is neither text nor a number: use std::string, or std::int8_t/std::uint8_t for small numbers");
    static_assert(a_string_view_field_would_dangle,
                  "a std::string_view field would point into the request buffer after it is gone: use std::string");
    static_assert(long_double_has_no_exact_json_counterpart, "long double fields are not supported: use double");
    static_assert(an_enum_needs_its_sweet_enum_declaration,
                  "an enum field needs `constexpr auto sweet_enum(sweet::schema::of<E>)` returning enumeration(...), "
                  "declared before the schema is used");
    static_assert(is_supported || !a_char_is_not_a_number_or_text || !a_string_view_field_would_dangle ||
                      !long_double_has_no_exact_json_counterpart || !an_enum_needs_its_sweet_enum_declaration,
                  "a field type must be std::string, bool, an integer, float, double, an enum with sweet_enum, "
                  "json::Value, a struct with sweet_schema, or std::optional / std::vector / "
                  "std::map<std::string, T> / std::unordered_map<std::string, T> of those");
};

/// True when every field of `T` (and, recursively, of the structs it holds) has a supported
/// type; instantiating `check_fields<T>` reports the ones that do not.
template <HasSchema T>
constexpr bool check_fields() {
    return []<std::size_t... I>(std::index_sequence<I...>) {
        (static_cast<void>(sizeof(FieldTypeCheck<T, typename field_t<T, I>::member_type>)), ...);
        return (detail::is_supported_field_type<typename field_t<T, I>::member_type>() && ...);
    }(std::make_index_sequence<schema_v<T>.size>{});
}

}  // namespace sweet::schema
