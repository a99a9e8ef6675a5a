// json::parse: JSON text to json::Value with simdjson On-Demand, visiting every value so that
// nothing malformed goes unnoticed (sweet/json/parse.hpp).

#include "sweet/json/parse.hpp"

#include <simdjson.h>

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "sweet/json/simdjson_error.hpp"
#include "sweet/json/simdjson_scalars.hpp"

namespace sweet::json {

static_assert(required_padding == simdjson::SIMDJSON_PADDING, "json::required_padding must equal SIMDJSON_PADDING");

namespace detail {

/// The parser's access to an object's members, to append without a lookup per member.
struct ObjectAccess {
    static std::vector<Object::Member>& members(Object& object) noexcept { return object.members_; }
};

}  // namespace detail

namespace {

namespace ondemand = simdjson::ondemand;
using simdjson::error_code;

/// Documents up to this size reuse a per-thread parser and buffer; larger ones get their own, so
/// that one big request does not leave megabytes attached to a worker thread forever.
constexpr std::size_t reuse_limit = std::size_t{1} << 20;

/// Appends members to an object, keeping names unique: a repeated name replaces the earlier
/// value in place (last wins). Small objects look names up linearly; from `hash_from` members on,
/// a hash set of member indices takes over so that a hostile object with many members costs
/// O(n), not O(n^2).
class MemberAppender {
public:
    explicit MemberAppender(Object& object) : members_(detail::ObjectAccess::members(object)) {}

    void append(std::string_view name, Value value) {
        if (index_ == nullptr) {
            for (Object::Member& member : members_) {
                if (member.first == name) {
                    member.second = std::move(value);
                    return;
                }
            }
            members_.emplace_back(std::string(name), std::move(value));
            if (members_.size() >= hash_from) build_index();
            return;
        }
        members_.emplace_back(std::string(name), std::move(value));
        const auto [it, inserted] = index_->insert(members_.size() - 1);
        if (!inserted) {
            members_[*it].second = std::move(members_.back().second);
            members_.pop_back();
        }
    }

private:
    static constexpr std::size_t hash_from = 32;

    // Hash and equality of member indices by the member's name. The members vector may
    // reallocate, but indices stay valid and the names are read through the vector each time.
    struct NameHash {
        const std::vector<Object::Member>* members;
        std::size_t operator()(std::size_t i) const noexcept { return std::hash<std::string_view>{}((*members)[i].first); }
    };
    struct NameEqual {
        const std::vector<Object::Member>* members;
        bool operator()(std::size_t a, std::size_t b) const noexcept { return (*members)[a].first == (*members)[b].first; }
    };
    using Index = std::unordered_set<std::size_t, NameHash, NameEqual>;

    void build_index() {
        index_ = std::make_unique<Index>(members_.size() * 2, NameHash{&members_}, NameEqual{&members_});
        for (std::size_t i = 0; i < members_.size(); ++i) index_->insert(i);
    }

    std::vector<Object::Member>& members_;
    std::unique_ptr<Index> index_;
};

/// Walks a document depth-first, building the Value and stopping at the first error.
class DocumentReader {
public:
    DocumentReader(std::string_view text, ondemand::document& doc, std::size_t max_depth) noexcept
        : text_(text), doc_(doc), max_depth_(max_depth) {}

    ParseResult<Value> read() {
        Value root;
        if (!read_root(root)) return take_error();
        // The value is complete; anything but whitespace after it is an error.
        const auto rest = doc_.current_location();
        if (rest.error() == simdjson::SUCCESS) {
            fail(simdjson::TRAILING_CONTENT, rest.value_unsafe());
            return take_error();
        }
        if (rest.error() != simdjson::OUT_OF_BOUNDS) {
            fail(rest.error(), nullptr);
            return take_error();
        }
        return root;
    }

private:
    bool read_root(Value& out) {
        const char* at = text_.data();
        if (const auto start = doc_.raw_json_token(); start.error() == simdjson::SUCCESS) at = start.value_unsafe().data();
        ondemand::json_type type{};
        if (const error_code error = doc_.type().get(type)) return fail(error, at);
        switch (type) {
            case ondemand::json_type::array: {
                if (!enter(1, at)) return false;
                ondemand::array array;
                if (const error_code error = doc_.get_array().get(array)) return fail(error, at);
                return read_array(array, out, 1);
            }
            case ondemand::json_type::object: {
                if (!enter(1, at)) return false;
                ondemand::object object;
                if (const error_code error = doc_.get_object().get(object)) return fail(error, at);
                return read_object(object, out, 1);
            }
            default: return read_scalar(doc_, type, out, at);
        }
    }

    bool read_value(ondemand::value& value, Value& out, std::size_t depth) {
        const char* at = value.raw_json_token().data();
        ondemand::json_type type{};
        if (const error_code error = value.type().get(type)) return fail(error, at);
        switch (type) {
            case ondemand::json_type::array: {
                if (!enter(depth + 1, at)) return false;
                ondemand::array array;
                if (const error_code error = value.get_array().get(array)) return fail(error, at);
                return read_array(array, out, depth + 1);
            }
            case ondemand::json_type::object: {
                if (!enter(depth + 1, at)) return false;
                ondemand::object object;
                if (const error_code error = value.get_object().get(object)) return fail(error, at);
                return read_object(object, out, depth + 1);
            }
            default: return read_scalar(value, type, out, at);
        }
    }

    bool read_array(ondemand::array& array, Value& out, std::size_t depth) {
        Array elements;
        for (auto element : array) {
            ondemand::value value;
            if (const error_code error = std::move(element).get(value)) return fail(error, here());
            Value item;
            if (!read_value(value, item, depth)) return false;
            elements.push_back(std::move(item));
        }
        out = Value(std::move(elements));
        return true;
    }

    bool read_object(ondemand::object& object, Value& out, std::size_t depth) {
        Object members;
        MemberAppender appender(members);
        for (auto member : object) {
            ondemand::field field;
            if (const error_code error = std::move(member).get(field)) return fail(error, here());
            std::string_view name;
            const char* name_at = reinterpret_cast<const char*>(field.key().raw()) - 1;  // raw() is past the quote
            if (const error_code error = field.unescaped_key().get(name)) return fail(error, name_at);
            Value item;
            if (!read_value(field.value(), item, depth)) return false;
            appender.append(name, std::move(item));
        }
        out = Value(std::move(members));
        return true;
    }

    /// Reads a number, string, boolean or null from a value or from a scalar document.
    template <class Source>
    bool read_scalar(Source& source, ondemand::json_type type, Value& out, const char* at) {
        switch (type) {
            case ondemand::json_type::number: {
                JsonNumber number;
                if (const error_code error = read_number(source, text_, at, number)) return fail(error, at);
                switch (number.kind) {
                    case JsonNumber::Kind::int64: out = Value(number.int64); break;
                    case JsonNumber::Kind::uint64: out = Value(number.uint64); break;
                    case JsonNumber::Kind::float64: out = Value(number.float64); break;
                }
                return true;
            }
            case ondemand::json_type::string: {
                std::string_view text;
                if (const error_code error = source.get_string().get(text)) return fail(error, at);
                out = Value(std::string(text));
                return true;
            }
            case ondemand::json_type::boolean: {
                bool flag = false;
                if (const error_code error = read_bool(source, text_, at, flag)) return fail(error, at);
                out = Value(flag);
                return true;
            }
            case ondemand::json_type::null: {
                if (const error_code error = read_null(source, text_, at)) return fail(error, at);
                out = Value();
                return true;
            }
            default: return fail(simdjson::TAPE_ERROR, at);
        }
    }

    /// Checks the depth of a container about to be entered.
    bool enter(std::size_t depth, const char* at) {
        if (depth <= max_depth_) return true;
        fail(simdjson::DEPTH_ERROR, at);
        error_.reason = "arrays and objects nested deeper than " + std::to_string(max_depth_) + " levels";
        return false;
    }

    /// Where the iterator is, for errors met while moving to the next element or member.
    const char* here() {
        const auto location = doc_.current_location();
        return location.error() == simdjson::SUCCESS ? location.value_unsafe() : text_.data() + text_.size();
    }

    bool fail(error_code error, const char* at) {
        error_ = make_parse_error(error, text_, at == nullptr ? text_.data() + text_.size() : at);
        return false;
    }

    ParseError take_error() { return std::move(error_); }

    std::string_view text_;
    ondemand::document& doc_;
    std::size_t max_depth_;
    ParseError error_;
};

/// One parser per thread, reused for documents up to `reuse_limit`.
ondemand::parser& thread_parser() {
    thread_local ondemand::parser parser;
    return parser;
}

ParseResult<Value> parse_with(ondemand::parser& parser, std::string_view text, std::size_t capacity,
                              const ParseOptions& options) {
    // Trailing whitespace is cut off before simdjson sees it: simdjson 3.0.1 counts it as part of
    // a top-level scalar (see sweet/json/simdjson_scalars.hpp).
    const std::string_view trimmed = trim_trailing_whitespace(text);
    if (trimmed.empty()) return make_parse_error(simdjson::EMPTY, text);
    text = trimmed;
    ondemand::document doc;
    if (const error_code error = parser.iterate(text.data(), text.size(), capacity).get(doc)) {
        return make_parse_error(error, text);
    }
    DocumentReader reader(text, doc, std::min(options.max_depth, max_depth_limit));
    return reader.read();
}

ParseResult<Value> parse_in_place(std::string_view text, std::size_t capacity, const ParseOptions& options) {
    if (text.size() > options.max_size) {
        return ParseError{0, "document of " + std::to_string(text.size()) + " bytes exceeds the limit of " +
                                 std::to_string(options.max_size) + " bytes"};
    }
    if (text.size() <= reuse_limit) return parse_with(thread_parser(), text, capacity, options);
    ondemand::parser parser;
    return parse_with(parser, text, capacity, options);
}

}  // namespace

ParseResult<Value> parse_padded(std::string_view text, const ParseOptions& options) {
    return parse_in_place(text, text.size() + required_padding, options);
}

ParseResult<Value> parse(std::string_view text, const ParseOptions& options) {
    if (text.size() > options.max_size) return parse_in_place(text, text.size(), options);  // refuses it
    if (text.size() <= reuse_limit) {
        thread_local std::string buffer;
        buffer.assign(text);
        buffer.resize(text.size() + required_padding, ' ');
        return parse_in_place(std::string_view(buffer.data(), text.size()), buffer.size(), options);
    }
    std::string buffer;
    buffer.reserve(text.size() + required_padding);
    buffer.assign(text);
    buffer.append(required_padding, ' ');
    return parse_in_place(std::string_view(buffer.data(), text.size()), buffer.size(), options);
}

}  // namespace sweet::json
