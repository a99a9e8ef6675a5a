#pragma once
/// @file value.hpp
/// `json::Value`: a JSON document held in memory (what `json::parse` returns), with `Array` and
/// `Object`, and its `Serializer`.
/// @code
///   json::Value v = json::Object{{"name", "sweet"}, {"tags", json::Array{"fast", 1, nullptr}}};
///   if (auto name = v["name"].as_string()) use(*name);   // missing or wrong type: nullopt
///   v["no"]["such"][3].is_null();                          // lookups never fail, they give null
///   std::string text = json::to_string(v);
/// @endcode
///
/// Numbers keep their kind: integers are int64 (uint64 only above INT64_MAX, so each integer has
/// one representation), other numbers are doubles; `1` and `1.0` are different values (the
/// writer prints the double as "1.0", so a round trip keeps the kind).

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "sweet/json/serialize.hpp"
#include "sweet/json/writer.hpp"

namespace sweet::json {

class Value;

/// A JSON array.
using Array = std::vector<Value>;

namespace detail {
struct ObjectAccess;
}

/// A JSON object: members in insertion order, each name at most once. Lookups are linear scans,
/// which beat hashing for the small objects requests carry. (Member functions are defined after
/// `Value`, which they need complete.)
class Object {
public:
    /// One name/value pair.
    using Member = std::pair<std::string, Value>;
    /// Iterator over members (renaming a member through it breaks the unique-name rule).
    using iterator = std::vector<Member>::iterator;
    /// Read-only iterator over members.
    using const_iterator = std::vector<Member>::const_iterator;

    /// An empty object.
    Object() = default;
    /// Members in order; a repeated name keeps its first position and its last value.
    Object(std::initializer_list<Member> members);

    /// Number of members.
    [[nodiscard]] std::size_t size() const noexcept;
    /// True when there are no members.
    [[nodiscard]] bool empty() const noexcept;
    /// Reserves room for `n` members.
    void reserve(std::size_t n);

    /// The value of member `name`, or nullptr.
    [[nodiscard]] const Value* find(std::string_view name) const noexcept;
    /// The value of member `name`, or nullptr.
    [[nodiscard]] Value* find(std::string_view name) noexcept;
    /// True when a member is called `name`.
    [[nodiscard]] bool contains(std::string_view name) const noexcept;
    /// The value of member `name`, appended as null when absent.
    Value& operator[](std::string_view name);
    /// Sets member `name` to `value` (in place when present, else appended); returns it.
    Value& insert_or_assign(std::string name, Value value);
    /// Removes member `name`, keeping the others' order; false when there was none.
    bool erase(std::string_view name);

    /// Members in order.
    [[nodiscard]] iterator begin() noexcept;
    /// End of the members.
    [[nodiscard]] iterator end() noexcept;
    /// Members in order.
    [[nodiscard]] const_iterator begin() const noexcept;
    /// End of the members.
    [[nodiscard]] const_iterator end() const noexcept;

    /// Equal when both have the same names with equal values, in any order (as JSON objects are
    /// unordered).
    friend bool operator==(const Object& a, const Object& b);

private:
    friend struct detail::ObjectAccess;
    std::vector<Member> members_;
};

/// A JSON value: null, boolean, integer (int64, or uint64 above INT64_MAX), double, string,
/// array or object. Implicitly constructible from the corresponding C++ values.
class Value {
public:
    /// Which alternative a value holds (in the order of the underlying variant).
    enum class Kind : std::uint8_t { null, boolean, int64, uint64, float64, string, array, object };

    /// null.
    Value() noexcept = default;
    /// null.
    Value(std::nullptr_t) noexcept {}  // NOLINT: implicit on purpose, like the rest
    /// true or false.
    Value(bool v) noexcept : data_(v) {}  // NOLINT
    /// An integer; stored as int64 when it fits, else as uint64.
    template <class T>
        requires detail::JsonInteger<T>
    Value(T v) noexcept {  // NOLINT
        if constexpr (std::is_signed_v<T>) {
            data_.template emplace<std::int64_t>(static_cast<std::int64_t>(v));
        } else if (static_cast<std::uint64_t>(v) <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
            data_.template emplace<std::int64_t>(static_cast<std::int64_t>(v));
        } else {
            data_.template emplace<std::uint64_t>(static_cast<std::uint64_t>(v));
        }
    }
    /// A double (float and long double are converted).
    template <std::floating_point T>
    Value(T v) noexcept : data_(static_cast<double>(v)) {}  // NOLINT
    /// A string.
    Value(std::string v) noexcept : data_(std::move(v)) {}  // NOLINT
    /// A string (copied).
    Value(std::string_view v) : data_(std::string(v)) {}  // NOLINT
    /// A string (copied); a null pointer gives null, as the serializer writes it.
    Value(const char* v) {  // NOLINT
        if (v != nullptr) data_.template emplace<std::string>(v);
    }
    /// Characters are not JSON values: write a string or an integer.
    Value(char) = delete;
    /// An array.
    Value(Array v) noexcept : data_(std::move(v)) {}  // NOLINT
    /// An object.
    Value(Object v) noexcept : data_(std::move(v)) {}  // NOLINT

    /// Which alternative this holds.
    [[nodiscard]] Kind kind() const noexcept { return static_cast<Kind>(data_.index()); }
    /// True for null.
    [[nodiscard]] bool is_null() const noexcept { return kind() == Kind::null; }
    /// True for true and false.
    [[nodiscard]] bool is_bool() const noexcept { return kind() == Kind::boolean; }
    /// True for an integer held as int64.
    [[nodiscard]] bool is_int64() const noexcept { return kind() == Kind::int64; }
    /// True for an integer held as uint64 (above INT64_MAX).
    [[nodiscard]] bool is_uint64() const noexcept { return kind() == Kind::uint64; }
    /// True for any integer.
    [[nodiscard]] bool is_integer() const noexcept { return is_int64() || is_uint64(); }
    /// True for a double.
    [[nodiscard]] bool is_double() const noexcept { return kind() == Kind::float64; }
    /// True for any number.
    [[nodiscard]] bool is_number() const noexcept { return is_integer() || is_double(); }
    /// True for a string.
    [[nodiscard]] bool is_string() const noexcept { return kind() == Kind::string; }
    /// True for an array.
    [[nodiscard]] bool is_array() const noexcept { return kind() == Kind::array; }
    /// True for an object.
    [[nodiscard]] bool is_object() const noexcept { return kind() == Kind::object; }

    /// The boolean, or nullopt for any other kind.
    [[nodiscard]] std::optional<bool> as_bool() const noexcept {
        if (const bool* v = std::get_if<bool>(&data_)) return *v;
        return std::nullopt;
    }
    /// The integer when it fits int64, else nullopt (doubles are not converted, even 2.0).
    [[nodiscard]] std::optional<std::int64_t> as_int64() const noexcept {
        if (const std::int64_t* v = std::get_if<std::int64_t>(&data_)) return *v;
        return std::nullopt;  // a uint64 is above INT64_MAX by construction
    }
    /// The integer when it is not negative, else nullopt (doubles are not converted).
    [[nodiscard]] std::optional<std::uint64_t> as_uint64() const noexcept {
        if (const std::uint64_t* v = std::get_if<std::uint64_t>(&data_)) return *v;
        if (const std::int64_t* v = std::get_if<std::int64_t>(&data_); v != nullptr && *v >= 0) {
            return static_cast<std::uint64_t>(*v);
        }
        return std::nullopt;
    }
    /// Any number as a double (integers beyond 2^53 are rounded), else nullopt.
    [[nodiscard]] std::optional<double> as_double() const noexcept {
        switch (kind()) {
            case Kind::float64: return std::get<double>(data_);
            case Kind::int64: return static_cast<double>(std::get<std::int64_t>(data_));
            case Kind::uint64: return static_cast<double>(std::get<std::uint64_t>(data_));
            default: return std::nullopt;
        }
    }
    /// The string (a view into this value), else nullopt.
    [[nodiscard]] std::optional<std::string_view> as_string() const noexcept {
        if (const std::string* v = std::get_if<std::string>(&data_)) return std::string_view(*v);
        return std::nullopt;
    }
    /// The array, or nullptr.
    [[nodiscard]] const Array* as_array() const noexcept { return std::get_if<Array>(&data_); }
    /// The array, or nullptr.
    [[nodiscard]] Array* as_array() noexcept { return std::get_if<Array>(&data_); }
    /// The object, or nullptr.
    [[nodiscard]] const Object* as_object() const noexcept { return std::get_if<Object>(&data_); }
    /// The object, or nullptr.
    [[nodiscard]] Object* as_object() noexcept { return std::get_if<Object>(&data_); }

    /// Member `name` of an object, or nullptr (absent, or this is not an object).
    [[nodiscard]] const Value* find(std::string_view name) const noexcept {
        const Object* object = as_object();
        return object == nullptr ? nullptr : object->find(name);
    }
    /// Member `name` of an object, or nullptr (absent, or this is not an object).
    [[nodiscard]] Value* find(std::string_view name) noexcept {
        Object* object = as_object();
        return object == nullptr ? nullptr : object->find(name);
    }
    /// Member `name`, or a null value when absent or when this is not an object, so that
    /// lookups chain safely: `v["a"]["b"]`.
    [[nodiscard]] const Value& operator[](std::string_view name) const noexcept {
        const Value* member = find(name);
        return member == nullptr ? null_value() : *member;
    }
    /// Element `index` of an array, or a null value when out of range or not an array.
    [[nodiscard]] const Value& operator[](std::size_t index) const noexcept {
        const Array* array = as_array();
        return array == nullptr || index >= array->size() ? null_value() : (*array)[index];
    }

    /// Same kind and equal contents (objects compare without regard to member order; doubles
    /// with ==, so -0.0 == 0.0 and NaN is not equal to itself).
    friend bool operator==(const Value& a, const Value& b);

private:
    /// The shared null that failed lookups refer to.
    static const Value& null_value() noexcept;

    std::variant<std::nullptr_t, bool, std::int64_t, std::uint64_t, double, std::string, Array, Object> data_{nullptr};
};

// Object's members are defined here, where Value is complete (std::pair<std::string, Value>
// needs it; clang instantiates the vector's members at their first use).
inline std::size_t Object::size() const noexcept { return members_.size(); }
inline bool Object::empty() const noexcept { return members_.empty(); }
inline void Object::reserve(std::size_t n) { members_.reserve(n); }
inline bool Object::contains(std::string_view name) const noexcept { return find(name) != nullptr; }
inline Object::iterator Object::begin() noexcept { return members_.begin(); }
inline Object::iterator Object::end() noexcept { return members_.end(); }
inline Object::const_iterator Object::begin() const noexcept { return members_.begin(); }
inline Object::const_iterator Object::end() const noexcept { return members_.end(); }

inline const Value* Object::find(std::string_view name) const noexcept {
    for (const Member& member : members_) {
        if (member.first == name) return &member.second;
    }
    return nullptr;
}

inline Value* Object::find(std::string_view name) noexcept {
    for (Member& member : members_) {
        if (member.first == name) return &member.second;
    }
    return nullptr;
}

inline Value& Object::operator[](std::string_view name) {
    if (Value* existing = find(name)) return *existing;
    return members_.emplace_back(std::string(name), Value()).second;
}

inline Value& Object::insert_or_assign(std::string name, Value value) {
    if (Value* existing = find(name)) {
        *existing = std::move(value);
        return *existing;
    }
    return members_.emplace_back(std::move(name), std::move(value)).second;
}

/// Writes a `Value` as JSON.
template <>
struct Serializer<Value> {
    /// Writes `v` and everything it contains.
    static void write(Writer& w, const Value& v);
};

/// Writes an `Array` as JSON.
template <>
struct Serializer<Array> {
    /// Writes the elements in order.
    static void write(Writer& w, const Array& v);
};

/// Writes an `Object` as JSON, members in order.
template <>
struct Serializer<Object> {
    /// Writes the members in order.
    static void write(Writer& w, const Object& v);
};

}  // namespace sweet::json
