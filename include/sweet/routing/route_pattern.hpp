#pragma once
/// @file route_pattern.hpp
/// Route pattern syntax and its parser. The parser is `constexpr`, so the very same code checks a
/// pattern given as a template argument (errors become compile errors) and one registered at run
/// time (errors become a `Result`).
///
/// Syntax: a pattern starts with '/' and is a list of segments separated by '/'. A segment is
/// either static text or exactly one parameter:
///   - `{name}` or `{name:type}`: one non-empty path segment. Types: `str` (default), `int`,
///     `uint`, `float`, `uuid`, `bool`. Types choose the handler's parameter type and how the
///     value is converted; they do not take part in matching (a bad value gets a 422, not a 404).
///   - `{name...}` or `{name:path}`: a catch-all, only as the last segment. It matches the rest
///     of the path including slashes, possibly empty (`/files/{p...}` matches `/files/` and
///     `/files/a/b`, but not `/files`).
/// A trailing slash is significant: `/users` and `/users/` are different patterns and paths.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "sweet/core/result.hpp"
#include "sweet/routing/fixed_string.hpp"

namespace sweet::routing {

/// Most parameters one pattern may declare. Matching writes parameter values into a caller array
/// of this size, so it never allocates.
inline constexpr std::size_t kMaxParams = 16;

/// How a parameter's text is converted for the handler.
enum class ParamType : std::uint8_t {
    string,            ///< `str` (default): std::string_view or std::string
    integer,           ///< `int`: a signed integer type, range-checked
    unsigned_integer,  ///< `uint`: an unsigned integer type, range-checked
    floating,          ///< `float`: float, double or long double
    uuid,              ///< `uuid`: 8-4-4-4-12 hex digits, as std::string_view or std::string
    boolean,           ///< `bool`: true/false/1/0 (letters in any case)
    path,              ///< `path` or `...`: the rest of the path, as std::string_view or std::string
};

/// The type's spelling in a pattern ("int").
constexpr std::string_view param_type_name(ParamType type) noexcept {
    switch (type) {
        case ParamType::string: return "str";
        case ParamType::integer: return "int";
        case ParamType::unsigned_integer: return "uint";
        case ParamType::floating: return "float";
        case ParamType::uuid: return "uuid";
        case ParamType::boolean: return "bool";
        case ParamType::path: return "path";
    }
    return "";
}

/// What is wrong with a pattern (`none` when nothing is).
enum class PatternError : std::uint8_t {
    none,
    missing_leading_slash,
    unclosed_brace,
    empty_parameter_name,
    invalid_parameter_name,
    unknown_parameter_type,
    typed_catch_all,
    duplicate_parameter_name,
    catch_all_not_last,
    brace_in_static_text,
    parameter_not_whole_segment,
    too_many_parameters,
};

/// A sentence describing `error`; the compile-time checks use the same wording.
constexpr std::string_view pattern_error_message(PatternError error) noexcept {
    switch (error) {
        case PatternError::none: return "the route pattern is valid";
        case PatternError::missing_leading_slash: return "a route pattern must start with '/'";
        case PatternError::unclosed_brace: return "a '{' in the route pattern is not closed by '}' before the segment ends";
        case PatternError::empty_parameter_name: return "a route parameter needs a name: write {name} or {name:type}";
        case PatternError::invalid_parameter_name: return "a route parameter name may only use letters, digits and '_'";
        case PatternError::unknown_parameter_type:
            return "the route pattern uses an unknown parameter type; the types are str, int, uint, float, uuid, bool and path";
        case PatternError::typed_catch_all: return "a catch-all parameter {name...} matches a path and cannot have another type";
        case PatternError::duplicate_parameter_name: return "two parameters in the route pattern have the same name";
        case PatternError::catch_all_not_last:
            return "a catch-all parameter ({name...} or {name:path}) must be the last segment of the route pattern";
        case PatternError::brace_in_static_text:
            return "a '{' or '}' appears inside static text; a parameter must be a whole segment, like /users/{id}";
        case PatternError::parameter_not_whole_segment:
            return "text follows a parameter inside its segment; a parameter must be a whole segment, like /users/{id}";
        case PatternError::too_many_parameters: return "a route pattern may declare at most 16 parameters";
    }
    return "";
}

/// One declared parameter.
struct PatternParam {
    std::string_view name;                  ///< "id"
    std::string_view text;                  ///< the whole token as written, "{id:int}" (for messages)
    ParamType type = ParamType::string;
};

/// The result of parsing a pattern. Every view points into the parsed text, so the text must
/// outlive this object.
struct ParsedPattern {
    std::string_view text;                      ///< the pattern as given
    PatternError error = PatternError::none;    ///< first problem found
    std::size_t error_offset = 0;               ///< where in `text` the problem is
    std::size_t param_count = 0;                ///< parameters declared, in order
    std::array<PatternParam, kMaxParams> params{};
    /// Parameter names again, contiguous, because `MatchResult` and `Request` want a span of names.
    std::array<std::string_view, kMaxParams> param_names{};
    bool has_catch_all = false;                 ///< the last segment is a catch-all

    /// True when the pattern is valid.
    [[nodiscard]] constexpr bool ok() const noexcept { return error == PatternError::none; }
    /// Parameter names in pattern order.
    [[nodiscard]] constexpr std::span<const std::string_view> names() const noexcept {
        return {param_names.data(), param_count};
    }
};

namespace detail {

/// `s.find(c, from)`. In constant evaluation it walks indices instead: g++ built with
/// -fsanitize=undefined (which disables -fdelete-null-pointer-checks) cannot fold the null test
/// std::string_view::find makes on a pointer into a template parameter object, so patterns given
/// as template arguments would stop being constant expressions. At run time it is memchr.
constexpr std::size_t find_char(std::string_view s, char c, std::size_t from = 0) noexcept {
    if (std::is_constant_evaluated()) {
        for (std::size_t i = from; i < s.size(); ++i) {
            if (s[i] == c) return i;
        }
        return std::string_view::npos;
    }
    return s.find(c, from);
}

constexpr bool is_name_char(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/// Maps a type spelling to `ParamType`; false for an unknown spelling.
constexpr bool param_type_from_name(std::string_view name, ParamType& out) noexcept {
    for (ParamType t : {ParamType::string, ParamType::integer, ParamType::unsigned_integer, ParamType::floating,
                        ParamType::uuid, ParamType::boolean, ParamType::path}) {
        if (param_type_name(t) == name) {
            out = t;
            return true;
        }
    }
    return false;
}

constexpr ParsedPattern fail(ParsedPattern p, PatternError error, std::size_t offset) noexcept {
    p.error = error;
    p.error_offset = offset;
    return p;
}

}  // namespace detail

/// Parses and validates `pattern`. Works at compile time and at run time; never allocates.
constexpr ParsedPattern parse_pattern(std::string_view pattern) noexcept {
    using detail::fail;
    ParsedPattern out;
    out.text = pattern;
    if (pattern.empty() || pattern[0] != '/') return fail(out, PatternError::missing_leading_slash, 0);

    std::size_t pos = 1;  // always the start of a segment
    for (;;) {
        const std::size_t segment_start = pos;
        bool segment_is_catch_all = false;
        if (pos < pattern.size() && pattern[pos] == '{') {
            // A parameter: it must close before the segment ends, and fill the segment.
            std::size_t close = pos + 1;
            while (close < pattern.size() && pattern[close] != '}' && pattern[close] != '{' && pattern[close] != '/') ++close;
            if (close == pattern.size() || pattern[close] != '}') return fail(out, PatternError::unclosed_brace, pos);

            const std::string_view inner = pattern.substr(pos + 1, close - pos - 1);
            const std::size_t colon = detail::find_char(inner, ':');
            std::string_view name = inner.substr(0, colon);
            ParamType type = ParamType::string;
            bool dots = false;
            if (name.size() >= 3 && name.substr(name.size() - 3) == "...") {
                name.remove_suffix(3);
                dots = true;
            }
            if (name.empty()) return fail(out, PatternError::empty_parameter_name, pos);
            for (char c : name) {
                if (!detail::is_name_char(c)) return fail(out, PatternError::invalid_parameter_name, pos);
            }
            if (colon != std::string_view::npos) {
                if (!detail::param_type_from_name(inner.substr(colon + 1), type)) {
                    return fail(out, PatternError::unknown_parameter_type, pos);
                }
                if (dots && type != ParamType::path) return fail(out, PatternError::typed_catch_all, pos);
            }
            if (dots) type = ParamType::path;
            for (std::size_t i = 0; i < out.param_count; ++i) {
                if (out.params[i].name == name) return fail(out, PatternError::duplicate_parameter_name, pos);
            }
            if (out.param_count == kMaxParams) return fail(out, PatternError::too_many_parameters, pos);

            out.params[out.param_count] = PatternParam{name, pattern.substr(pos, close + 1 - pos), type};
            out.param_names[out.param_count] = name;
            ++out.param_count;
            segment_is_catch_all = type == ParamType::path;
            pos = close + 1;
            if (pos < pattern.size() && pattern[pos] != '/') return fail(out, PatternError::parameter_not_whole_segment, pos);
        } else {
            // Static text runs to the next '/'; braces in it are almost certainly a typo.
            while (pos < pattern.size() && pattern[pos] != '/') {
                if (pattern[pos] == '{' || pattern[pos] == '}') return fail(out, PatternError::brace_in_static_text, pos);
                ++pos;
            }
        }
        if (pos == pattern.size()) {
            out.has_catch_all = segment_is_catch_all;
            return out;
        }
        if (segment_is_catch_all) return fail(out, PatternError::catch_all_not_last, segment_start);
        ++pos;  // the '/' before the next segment
    }
}

/// Parses `pattern` at run time; the error's `message` reads like a sentence and names the pattern and the
/// offset ("invalid route pattern \"/a/{id:num}\" at offset 3: the route pattern uses an unknown
/// parameter type; ..."). The returned views point into `pattern`.
inline Result<ParsedPattern> parse_route_pattern(std::string_view pattern) {
    ParsedPattern parsed = parse_pattern(pattern);
    if (parsed.ok()) return parsed;
    std::string message = "invalid route pattern \"";
    message.append(pattern);
    message.append("\" at offset ");
    message.append(std::to_string(parsed.error_offset));
    message.append(": ");
    message.append(pattern_error_message(parsed.error));
    return Error{500, std::move(message), {}};  // a programming error, never sent to a client
}

/// What a piece of a valid pattern is.
enum class PieceKind : std::uint8_t {
    literal,    ///< static text (for pieces: possibly several segments with their slashes)
    param,      ///< one parameter segment
    catch_all,  ///< the catch-all segment
};

/// A piece of a valid pattern: a run of static text, or one parameter token ("{id:int}").
struct PatternPiece {
    PieceKind kind = PieceKind::literal;
    std::string_view text;
};

/// True when a parameter token of a valid pattern ("{p...}", "{p:path}") is a catch-all.
constexpr bool is_catch_all_token(std::string_view token) noexcept {
    return token.ends_with("...}") || token.ends_with(":path}");
}

/// Splits a valid pattern into the pieces a radix trie stores: maximal static runs (slashes
/// included, so "/users/" is one piece) and parameters. For invalid patterns the pieces are
/// meaningless (but reading them terminates); parse patterns first.
class PieceReader {
public:
    /// Reads `pattern`, which must be valid.
    constexpr explicit PieceReader(std::string_view pattern) noexcept : pattern_(pattern) {}

    /// Stores the next piece in `out`; false at the end.
    constexpr bool next(PatternPiece& out) noexcept {
        if (pos_ >= pattern_.size()) return false;
        if (pattern_[pos_] == '{') {
            // For an invalid pattern without '}' the token runs to the end: always advance.
            const std::size_t close = detail::find_char(pattern_, '}', pos_);
            const std::size_t end = close == std::string_view::npos ? pattern_.size() : close + 1;
            out.text = pattern_.substr(pos_, end - pos_);
            out.kind = is_catch_all_token(out.text) ? PieceKind::catch_all : PieceKind::param;
            pos_ = end;
        } else {
            const std::size_t end = detail::find_char(pattern_, '{', pos_);
            out.text = pattern_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
            out.kind = PieceKind::literal;
            pos_ += out.text.size();
        }
        return true;
    }

private:
    std::string_view pattern_;
    std::size_t pos_ = 0;
};

/// Splits a valid pattern into its segments (the text between slashes; a parameter segment is
/// its token). "/" has one empty segment; "/users/" has "users" and "".
class SegmentReader {
public:
    /// Reads `pattern`, which must be valid.
    constexpr explicit SegmentReader(std::string_view pattern) noexcept : pattern_(pattern) {}

    /// Stores the next segment in `out`; false at the end.
    constexpr bool next(PatternPiece& out) noexcept {
        if (pos_ > pattern_.size()) return false;
        const std::size_t start = pos_ + 1;  // skip the '/'
        std::size_t end = detail::find_char(pattern_, '/', start);
        if (end == std::string_view::npos) end = pattern_.size();
        out.text = pattern_.substr(start, end - start);
        out.kind = !out.text.starts_with('{') ? PieceKind::literal
                   : is_catch_all_token(out.text) ? PieceKind::catch_all
                                                  : PieceKind::param;
        pos_ = end == pattern_.size() ? pattern_.size() + 1 : end;
        return true;
    }

private:
    std::string_view pattern_;
    std::size_t pos_ = 0;  // index of the '/' before the next segment; size()+1 once done
};

/// True when some path matches both valid patterns `a` and `b` (ignoring methods). Segments line
/// up one to one until a catch-all, which swallows any remainder (but needs a segment slot, so
/// "/files/{p...}" does not overlap "/files"). A parameter never matches an empty segment.
constexpr bool patterns_overlap(std::string_view a, std::string_view b) noexcept {
    SegmentReader ra(a);
    SegmentReader rb(b);
    for (;;) {
        PatternPiece sa;
        PatternPiece sb;
        const bool more_a = ra.next(sa);
        const bool more_b = rb.next(sb);
        if (!more_a || !more_b) return more_a == more_b;
        if (sa.kind == PieceKind::catch_all || sb.kind == PieceKind::catch_all) return true;
        if (sa.kind == PieceKind::literal && sb.kind == PieceKind::literal) {
            if (sa.text != sb.text) return false;
        } else if (sa.kind == PieceKind::literal || sb.kind == PieceKind::literal) {
            const PatternPiece& literal = sa.kind == PieceKind::literal ? sa : sb;
            if (literal.text.empty()) return false;
        }
    }
}

/// The parsed form of a compile-time pattern, computed once per pattern.
template <FixedString Pattern>
inline constexpr ParsedPattern parsed_pattern_v = parse_pattern(Pattern.view());

/// Instantiating this reports what is wrong with a compile-time pattern: each mistake fails
/// exactly one `static_assert`, whose message is a sentence, and the instantiation note shows the
/// pattern. Decide with `parsed_pattern_v<Pattern>.ok()`, not with a member of this class: clang
/// treats a class whose assertion failed as unusable, which would add follow-up errors.
template <FixedString Pattern>
struct RoutePatternCheck {
    /// The first error in the pattern (parsing stops there, so at most one assertion fails).
    static constexpr PatternError error = parsed_pattern_v<Pattern>.error;

    // One named condition per mistake, so the failing line reads as a sentence.
    static constexpr bool starts_with_a_slash = error != PatternError::missing_leading_slash;
    static constexpr bool every_brace_is_closed = error != PatternError::unclosed_brace;
    static constexpr bool every_parameter_has_a_name = error != PatternError::empty_parameter_name;
    static constexpr bool parameter_names_are_identifiers = error != PatternError::invalid_parameter_name;
    static constexpr bool parameter_types_are_known = error != PatternError::unknown_parameter_type;
    static constexpr bool catch_all_has_no_other_type = error != PatternError::typed_catch_all;
    static constexpr bool parameter_names_are_unique = error != PatternError::duplicate_parameter_name;
    static constexpr bool catch_all_is_last = error != PatternError::catch_all_not_last;
    static constexpr bool static_text_has_no_braces = error != PatternError::brace_in_static_text;
    static constexpr bool parameters_are_whole_segments = error != PatternError::parameter_not_whole_segment;
    static constexpr bool at_most_16_parameters = error != PatternError::too_many_parameters;

    static_assert(starts_with_a_slash, "a route pattern must start with '/'");
    static_assert(every_brace_is_closed, "a '{' in the route pattern is not closed by '}' before the segment ends");
    static_assert(every_parameter_has_a_name, "a route parameter needs a name: write {name} or {name:type}");
    static_assert(parameter_names_are_identifiers, "a route parameter name may only use letters, digits and '_'");
    static_assert(parameter_types_are_known,
                  "the route pattern uses an unknown parameter type; the types are str, int, uint, float, uuid, bool and path");
    static_assert(catch_all_has_no_other_type, "a catch-all parameter {name...} matches a path and cannot have another type");
    static_assert(parameter_names_are_unique, "two parameters in the route pattern have the same name");
    static_assert(catch_all_is_last,
                  "a catch-all parameter ({name...} or {name:path}) must be the last segment of the route pattern");
    static_assert(static_text_has_no_braces,
                  "a '{' or '}' appears inside static text; a parameter must be a whole segment, like /users/{id}");
    static_assert(parameters_are_whole_segments,
                  "text follows a parameter inside its segment; a parameter must be a whole segment, like /users/{id}");
    static_assert(at_most_16_parameters, "a route pattern may declare at most 16 parameters");
};

}  // namespace sweet::routing
