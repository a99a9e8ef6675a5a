/// @file components.cpp
/// The table of named schemas (sweet/schema/json_schema.hpp).

#include "sweet/schema/json_schema.hpp"

namespace sweet::schema {

bool Components::claim(std::string_view name, const void* type) {
    for (const Entry& entry : entries_) {
        if (entry.name != name) continue;
        if (entry.type != type) {
            std::string conflict = "two different types are both named '";
            conflict.append(name).append(
                "' in the OpenAPI components; give one of them another name in its "
                "object(...) or enumeration(...) declaration");
            for (const std::string& known : conflicts_) {
                if (known == conflict) return false;
            }
            conflicts_.push_back(std::move(conflict));
        }
        return false;
    }
    entries_.push_back(Entry{std::string(name), std::string(), type});
    return true;
}

void Components::fill(std::string_view name, std::string schema) {
    for (Entry& entry : entries_) {
        if (entry.name == name) {
            entry.schema = std::move(schema);
            return;
        }
    }
}

const std::string* Components::find(std::string_view name) const noexcept {
    for (const Entry& entry : entries_) {
        if (entry.name == name) return &entry.schema;
    }
    return nullptr;
}

void Components::write(json::Writer& w) const {
    w.begin_object();
    for (const Entry& entry : entries_) {
        w.key(entry.name);
        w.raw(entry.schema.empty() ? std::string_view("{}") : std::string_view(entry.schema));
    }
    w.end_object();
}

std::string Components::to_json() const {
    std::string out;
    json::Writer w(out);
    write(w);
    return out;
}

}  // namespace sweet::schema
