// json::parse: JSON text to json::Value with simdjson On-Demand, visiting every value so that
// nothing malformed goes unnoticed (sweet/json/parse.hpp).

#include "sweet/json/parse.hpp"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <system_error>
#include <type_traits>
#include <functional>
#include <memory>
#include <string>
#include <unordered_set>

#include "sweet/json/simdjson_error.hpp"

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
        if (root_read_by_hand_) return root;  // its token was checked to end the document
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
            case ondemand::json_type::number: return read_number(source, out, at);
            case ondemand::json_type::string: {
                std::string_view text;
                if (const error_code error = source.get_string().get(text)) return fail(error, at);
                out = Value(std::string(text));
                return true;
            }
            case ondemand::json_type::boolean: {
                // simdjson 3.0.1 takes a root "falsey" for false and says INCORRECT_TYPE for
                // "tru": the token is checked here and the error names the literal.
                const bool expect_true = *at == 't';
                const simdjson::error_code literal_error = expect_true ? simdjson::T_ATOM_ERROR : simdjson::F_ATOM_ERROR;
                if (!is_exact_literal(at, expect_true ? "true" : "false")) return fail(literal_error, at);
                bool flag = false;
                // An exact literal fails only at the top level, when more follows it (simdjson
                // then says INCORRECT_TYPE, having copied the literal and what follows into 6 bytes).
                if (source.get_bool().get(flag) != simdjson::SUCCESS) return fail(simdjson::TRAILING_CONTENT, at);
                out = Value(flag);
                return true;
            }
            case ondemand::json_type::null: {
                // simdjson 3.0.1 accepts a root "nulll" (it checks the byte after the next one).
                if (!is_exact_literal(at, "null")) return fail(simdjson::N_ATOM_ERROR, at);
                bool is_null = false;
                // As for booleans: an exact literal fails only when more follows it.
                if (source.is_null().get(is_null) != simdjson::SUCCESS || !is_null) {
                    return fail(simdjson::TRAILING_CONTENT, at);
                }
                out = Value();
                return true;
            }
            default: return fail(simdjson::TAPE_ERROR, at);
        }
    }

    /// Reads a number. simdjson 3.0.1's get_number() loses numbers with more than 19
    /// significant digits (its slow path writes the double into a copy and yields 0.0), so the
    /// type is looked up first and the value read with the getter for that type; what those
    /// getters get wrong or refuse is converted here.
    template <class Source>
    bool read_number(Source& source, Value& out, const char* at) {
        ondemand::number_type type{};
        error_code error = source.get_number_type().get(type);
        switch (error == simdjson::SUCCESS ? type : ondemand::number_type{}) {  // no case: to the fallback
            case ondemand::number_type::signed_integer: {
                std::int64_t integer = 0;
                if ((error = source.get_int64().get(integer)) == simdjson::SUCCESS) {
                    out = Value(integer);
                    return true;
                }
                break;
            }
            case ondemand::number_type::unsigned_integer: {
                std::uint64_t integer = 0;
                if ((error = source.get_uint64().get(integer)) == simdjson::SUCCESS) {
                    out = Value(integer);
                    return true;
                }
                break;
            }
            case ondemand::number_type::floating_point_number: {
                double number = 0;
                if ((error = source.get_double().get(number)) != simdjson::SUCCESS) break;
                // get_double validated the number and moved past it, but its value is wrong for
                // some numbers of more than 19 significant digits ("0.1000000000000000055511151231257827"
                // gives 4.1e-16: simdjson 3.0.1 counts only the leading zeros when checking for
                // overflow). Such numbers are converted again, exactly.
                const std::string_view token = number_token(at);
                if (count_digits(token) > 19 && !convert_exactly(token, number)) return fail(simdjson::NUMBER_ERROR, at);
                out = Value(number);
                return true;
            }
        }
        // simdjson refuses some valid JSON numbers: integers outside [INT64_MIN, UINT64_MAX],
        // exponents of 20 digits or more ("1e000000000000000000001"), top-level numbers longer
        // than 1082 characters (even to tell their type). Those are converted here, to the nearest double. The getters
        // that failed left the iterator in place; simdjson skips an unread value by itself.
        const std::string_view token = number_token(at);
        if (!is_json_number(token)) return fail(error == simdjson::NUMBER_OUT_OF_RANGE ? simdjson::NUMBER_ERROR : error, at);
        double rounded = 0;
        if (!convert_exactly(token, rounded)) return fail(simdjson::NUMBER_ERROR, at);  // beyond DBL_MAX
        const std::size_t after = static_cast<std::size_t>(at - text_.data()) + token.size();
        if (after < text_.size() && !is_delimiter(text_[after])) return fail(simdjson::NUMBER_ERROR, at);
        if constexpr (std::is_same_v<Source, ondemand::document>) {
            // Top level: the number must be all there is (trailing whitespace is already cut).
            if (after != text_.size()) return fail(simdjson::TRAILING_CONTENT, at);
            root_read_by_hand_ = true;
        }
        out = Value(rounded);
        return true;
    }

    /// True when `token` follows RFC 8259's number grammar:
    /// -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    static bool is_json_number(std::string_view token) noexcept {
        std::size_t i = 0;
        const std::size_t n = token.size();
        const auto digits = [&] {
            const std::size_t start = i;
            while (i < n && token[i] >= '0' && token[i] <= '9') ++i;
            return i - start;
        };
        if (i < n && token[i] == '-') ++i;
        if (i < n && token[i] == '0') {
            ++i;
        } else if (digits() == 0) {
            return false;
        }
        if (i < n && token[i] == '.') {
            ++i;
            if (digits() == 0) return false;
        }
        if (i < n && (token[i] == 'e' || token[i] == 'E')) {
            ++i;
            if (i < n && (token[i] == '+' || token[i] == '-')) ++i;
            if (digits() == 0) return false;
        }
        return i == n;
    }

    /// The characters of the number starting at `at` (not validated).
    std::string_view number_token(const char* at) const noexcept {
        const std::string_view rest = text_.substr(static_cast<std::size_t>(at - text_.data()));
        const std::size_t end = rest.find_first_not_of("0123456789+-.eE");
        return rest.substr(0, end);
    }

    /// Digits of the integer and fraction parts of a number.
    static std::size_t count_digits(std::string_view token) noexcept {
        std::size_t digits = 0;
        for (const char c : token) {
            if (c == 'e' || c == 'E') break;
            if (c >= '0' && c <= '9') ++digits;
        }
        return digits;
    }

    /// Converts a valid JSON number with std::from_chars (correctly rounded, locale-free).
    /// Returns false when it overflows a double; an underflow becomes a zero of the right sign.
    static bool convert_exactly(std::string_view token, double& number) noexcept {
        double value = 0;
        const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
        if (ec == std::errc() && end == token.data() + token.size()) {
            number = value;
            return true;
        }
        if (ec != std::errc::result_out_of_range) return false;
        // Out of range: too large or too small? The decimal exponent of the first significant
        // digit tells (from_chars leaves `value` untouched either way).
        const bool negative = token.front() == '-';
        const std::size_t exponent_at = token.find_first_of("eE");
        const std::string_view mantissa = token.substr(negative ? 1 : 0, exponent_at == std::string_view::npos
                                                                             ? std::string_view::npos
                                                                             : exponent_at - (negative ? 1 : 0));
        long long magnitude = 0;
        if (exponent_at != std::string_view::npos) {
            std::string_view exponent = token.substr(exponent_at + 1);
            if (!exponent.empty() && exponent.front() == '+') exponent.remove_prefix(1);
            long long parsed = 0;
            const auto result = std::from_chars(exponent.data(), exponent.data() + exponent.size(), parsed);
            // An exponent too long for long long is certainly out of range, in its direction.
            if (result.ec == std::errc::result_out_of_range) parsed = exponent.front() == '-' ? -100000 : 100000;
            magnitude = parsed;
        }
        const std::size_t point = mantissa.find('.');
        const std::size_t integer_digits = point == std::string_view::npos ? mantissa.size() : point;
        const std::size_t first_significant = mantissa.find_first_not_of("0.");
        if (first_significant == std::string_view::npos) {  // zero, however written
            number = negative ? -0.0 : 0.0;
            return true;
        }
        magnitude += first_significant < integer_digits ? static_cast<long long>(integer_digits - first_significant)
                                                        : -static_cast<long long>(first_significant - integer_digits);
        if (magnitude > 0) return false;  // beyond DBL_MAX
        number = negative ? -0.0 : 0.0;
        return true;
    }

    /// True when the token at `at` is exactly `literal`: followed by the end or a delimiter.
    bool is_exact_literal(const char* at, std::string_view literal) const noexcept {
        const std::string_view rest = text_.substr(static_cast<std::size_t>(at - text_.data()));
        return rest.substr(0, literal.size()) == literal && (rest.size() == literal.size() || is_delimiter(rest[literal.size()]));
    }

    /// JSON whitespace or a structural character: what may end a number or a literal (whether
    /// it may follow there is simdjson's business). Not a quote: simdjson takes `1"a"` for one
    /// token and counts on the scalar parsers to refuse it.
    static bool is_delimiter(char c) noexcept {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ']' || c == '}' || c == ':' || c == '[' ||
               c == '{';
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
    bool root_read_by_hand_ = false;  // a top-level number simdjson refused, converted here
    ParseError error_;
};

/// The four whitespace characters of RFC 8259.
constexpr bool is_json_whitespace(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// One parser per thread, reused for documents up to `reuse_limit`.
ondemand::parser& thread_parser() {
    thread_local ondemand::parser parser;
    return parser;
}

ParseResult<Value> parse_with(ondemand::parser& parser, std::string_view text, std::size_t capacity,
                              const ParseOptions& options) {
    // Trailing whitespace is cut off before simdjson sees it: simdjson 3.0.1 counts it as part of
    // a top-level scalar and then refuses " true \n  " (its literal buffer is 6 bytes).
    std::size_t end = text.size();
    while (end > 0 && is_json_whitespace(text[end - 1])) --end;
    if (end == 0) return make_parse_error(simdjson::EMPTY, text);
    text = text.substr(0, end);
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
