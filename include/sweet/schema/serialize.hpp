#pragma once
/// @file serialize.hpp
/// `json::Serializer` for structs with a schema (an object, fields in declared order; an empty
/// optional is written as null, or left out when the object says `.omit_null()`) and for enums
/// with a `sweet_enum` (their names), so `json::to_string(user)` and nested containers of them
/// just work. Written straight through json::Writer, without temporaries.

#include <cstddef>
#include <utility>

#include "sweet/json/serialize.hpp"
#include "sweet/json/value.hpp"
#include "sweet/json/writer.hpp"
#include "sweet/schema/declare.hpp"

namespace sweet::json {

/// A struct with a schema: one member per field, in declaration order.
template <class T>
    requires schema::HasSchema<T>
struct Serializer<T> {
    /// Writes `v` as an object.
    static void write(Writer& w, const T& v) {
        static_assert(schema::check_fields<T>(), "unsupported field type (see the FieldTypeCheck error above)");
        constexpr const auto& object = schema::schema_v<T>;
        w.begin_object();
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            (write_field(w, v.*(schema::field_v<T, I>.member), schema::field_v<T, I>.name, object.omit_nulls), ...);
        }(std::make_index_sequence<object.size>{});
        w.end_object();
    }

private:
    template <class M>
    static void write_field(Writer& w, const M& member, std::string_view name, bool omit_nulls) {
        if constexpr (schema::detail::is_optional_v<M>) {
            if (omit_nulls && !member.has_value()) return;
        }
        w.key(name);
        Serializer<M>::write(w, member);
    }
};

/// An enum with a `sweet_enum`: its name. A value the enumeration does not list (a cast
/// integer) has no name and is written as null.
template <class E>
    requires schema::HasEnum<E>
struct Serializer<E> {
    /// Writes the name of `v`.
    static void write(Writer& w, E v) {
        const std::string_view name = schema::enum_v<E>.name_of(v);
        if (name.empty()) {
            w.null();
        } else {
            w.string(name);
        }
    }
};

}  // namespace sweet::json
