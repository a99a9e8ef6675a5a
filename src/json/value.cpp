// json::Value, json::Object: construction, equality, serialization (sweet/json/value.hpp).

#include "sweet/json/value.hpp"

#include <algorithm>

namespace sweet::json {

Object::Object(std::initializer_list<Member> members) {
    members_.reserve(members.size());
    for (const Member& member : members) insert_or_assign(member.first, member.second);
}

bool Object::erase(std::string_view name) {
    const auto it = std::find_if(members_.begin(), members_.end(), [name](const Member& m) { return m.first == name; });
    if (it == members_.end()) return false;
    members_.erase(it);
    return true;
}

bool operator==(const Object& a, const Object& b) {
    if (a.size() != b.size()) return false;
    // Small objects: a linear scan per member. Large ones: binary search over b's names, so that
    // comparing two big objects stays O(n log n).
    constexpr std::size_t linear_limit = 16;
    if (a.size() <= linear_limit) {
        for (const Object::Member& member : a) {
            const Value* other = b.find(member.first);
            if (other == nullptr || !(*other == member.second)) return false;
        }
        return true;
    }
    std::vector<const Object::Member*> sorted;
    sorted.reserve(b.size());
    for (const Object::Member& member : b) sorted.push_back(&member);
    const auto by_name = [](const Object::Member* x, const Object::Member* y) { return x->first < y->first; };
    std::sort(sorted.begin(), sorted.end(), by_name);
    for (const Object::Member& member : a) {
        const auto it = std::lower_bound(sorted.begin(), sorted.end(), &member, by_name);
        if (it == sorted.end() || (*it)->first != member.first || !((*it)->second == member.second)) return false;
    }
    return true;
}

bool operator==(const Value& a, const Value& b) {
    // variant's == compares the index first, then the alternatives with their own ==.
    return a.data_ == b.data_;
}

const Value& Value::null_value() noexcept {
    static const Value null;
    return null;
}

void Serializer<Value>::write(Writer& w, const Value& v) {
    switch (v.kind()) {
        case Value::Kind::null: w.null(); return;
        case Value::Kind::boolean: w.boolean(*v.as_bool()); return;
        case Value::Kind::int64: w.integer(*v.as_int64()); return;
        case Value::Kind::uint64: w.unsigned_integer(*v.as_uint64()); return;
        case Value::Kind::float64: w.number(*v.as_double()); return;
        case Value::Kind::string: w.string(*v.as_string()); return;
        case Value::Kind::array: Serializer<Array>::write(w, *v.as_array()); return;
        case Value::Kind::object: Serializer<Object>::write(w, *v.as_object()); return;
    }
}

void Serializer<Array>::write(Writer& w, const Array& v) {
    w.begin_array();
    for (const Value& element : v) Serializer<Value>::write(w, element);
    w.end_array();
}

void Serializer<Object>::write(Writer& w, const Object& v) {
    w.begin_object();
    for (const auto& [name, value] : v) {
        w.key(name);
        Serializer<Value>::write(w, value);
    }
    w.end_object();
}

}  // namespace sweet::json
