// Route pattern parsing: the syntax, every error with its offset and sentence, the pieces and
// segments the trie and the overlap check read, and overlap itself. The parser is constexpr, so
// some checks are static_asserts: the compile-time and runtime paths are the same code.

#include <catch2/catch.hpp>

#include <string>
#include <string_view>

#include "sweet/routing/fixed_string.hpp"
#include "sweet/routing/route_pattern.hpp"

using sweet::routing::FixedString;
using sweet::routing::kMaxParams;
using sweet::routing::ParamType;
using sweet::routing::parse_pattern;
using sweet::routing::parse_route_pattern;
using sweet::routing::ParsedPattern;
using sweet::routing::PatternError;
using sweet::routing::PatternPiece;
using sweet::routing::patterns_overlap;
using sweet::routing::PieceKind;
using sweet::routing::PieceReader;
using sweet::routing::SegmentReader;

// ---- compile time: the same parser in constant evaluation -----------------------------------
static_assert(parse_pattern("/users/{id:int}").ok());
static_assert(parse_pattern("/users/{id:int}").params[0].type == ParamType::integer);
static_assert(parse_pattern("/users/{id:int}").params[0].name == "id");
static_assert(parse_pattern("users").error == PatternError::missing_leading_slash);
static_assert(sweet::routing::parsed_pattern_v<"/files/{rest...}">.has_catch_all);
static_assert(FixedString("/abc").size() == 4 && FixedString("/abc").view() == "/abc");
static_assert(FixedString("/a") == FixedString("/a") && !(FixedString("/a") == FixedString("/ab")));
static_assert(patterns_overlap("/users/me", "/users/{id}"));

namespace {

PatternError error_of(std::string_view pattern) { return parse_pattern(pattern).error; }

}  // namespace

TEST_CASE("route pattern: valid patterns and what they declare", "[routing][pattern]") {
    SECTION("static patterns") {
        for (std::string_view p : {"/", "/users", "/users/", "/a/b/c", "//", "/with-dash.and_underscore~"}) {
            INFO(p);
            const ParsedPattern parsed = parse_pattern(p);
            CHECK(parsed.ok());
            CHECK(parsed.param_count == 0);
            CHECK_FALSE(parsed.has_catch_all);
        }
    }
    SECTION("parameters with every type") {
        const ParsedPattern p =
            parse_pattern("/{a}/{b:str}/{c:int}/{d:uint}/{e:float}/{f:uuid}/{g:bool}/{h_9:path}");
        REQUIRE(p.ok());
        REQUIRE(p.param_count == 8);
        const ParamType expected[] = {ParamType::string,   ParamType::string, ParamType::integer,
                                      ParamType::unsigned_integer, ParamType::floating, ParamType::uuid,
                                      ParamType::boolean,  ParamType::path};
        const std::string_view names[] = {"a", "b", "c", "d", "e", "f", "g", "h_9"};
        for (std::size_t i = 0; i < 8; ++i) {
            CHECK(p.params[i].type == expected[i]);
            CHECK(p.params[i].name == names[i]);
            CHECK(p.names()[i] == names[i]);
        }
        CHECK(p.params[2].text == "{c:int}");
        CHECK(p.has_catch_all);
    }
    SECTION("catch-all, both spellings") {
        const ParsedPattern dots = parse_pattern("/files/{rest...}");
        REQUIRE(dots.ok());
        CHECK(dots.params[0].name == "rest");
        CHECK(dots.params[0].type == ParamType::path);
        CHECK(dots.has_catch_all);
        CHECK(parse_pattern("/files/{rest:path}").has_catch_all);
        CHECK(parse_pattern("/files/{rest...:path}").ok());
        CHECK(parse_pattern("/{all...}").ok());
    }
    SECTION("sixteen parameters are allowed") {
        std::string pattern;
        for (std::size_t i = 0; i < kMaxParams; ++i) pattern += "/{p" + std::to_string(i) + "}";
        const ParsedPattern p = parse_pattern(pattern);
        CHECK(p.ok());
        CHECK(p.param_count == kMaxParams);
    }
}

TEST_CASE("route pattern: every mistake has its error and offset", "[routing][pattern]") {
    struct Case {
        std::string_view pattern;
        PatternError error;
        std::size_t offset;
    };
    const Case cases[] = {
        {"", PatternError::missing_leading_slash, 0},
        {"users", PatternError::missing_leading_slash, 0},
        {"/users/{id", PatternError::unclosed_brace, 7},
        {"/users/{id/x}", PatternError::unclosed_brace, 7},
        {"/users/{a{b}}", PatternError::unclosed_brace, 7},
        {"/users/{}", PatternError::empty_parameter_name, 7},
        {"/users/{:int}", PatternError::empty_parameter_name, 7},
        {"/users/{...}", PatternError::empty_parameter_name, 7},
        {"/users/{user id}", PatternError::invalid_parameter_name, 7},
        {"/users/{id-x}", PatternError::invalid_parameter_name, 7},
        {"/users/{id:integer}", PatternError::unknown_parameter_type, 7},
        {"/users/{id:}", PatternError::unknown_parameter_type, 7},
        {"/users/{id:Int}", PatternError::unknown_parameter_type, 7},
        {"/files/{p...:int}", PatternError::typed_catch_all, 7},
        {"/{id}/x/{id:int}", PatternError::duplicate_parameter_name, 8},
        {"/files/{p...}/x", PatternError::catch_all_not_last, 7},
        {"/files/{p:path}/", PatternError::catch_all_not_last, 7},
        {"/users{id}", PatternError::brace_in_static_text, 6},
        {"/users/x{id}", PatternError::brace_in_static_text, 8},
        {"/users/}", PatternError::brace_in_static_text, 7},
        {"/users/{id}x", PatternError::parameter_not_whole_segment, 11},
        {"/users/{id}}", PatternError::parameter_not_whole_segment, 11},
    };
    for (const Case& c : cases) {
        INFO(c.pattern);
        const ParsedPattern p = parse_pattern(c.pattern);
        CHECK(p.error == c.error);
        CHECK(p.error_offset == c.offset);
        CHECK_FALSE(p.ok());
    }
    SECTION("seventeen parameters are too many") {
        std::string pattern;
        for (std::size_t i = 0; i <= kMaxParams; ++i) pattern += "/{p" + std::to_string(i) + "}";
        CHECK(error_of(pattern) == PatternError::too_many_parameters);
    }
}

TEST_CASE("route pattern: runtime errors are sentences", "[routing][pattern]") {
    auto bad = parse_route_pattern("/users/{id:number}");
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message ==
          "invalid route pattern \"/users/{id:number}\" at offset 7: the route pattern uses an unknown parameter "
          "type; the types are str, int, uint, float, uuid, bool and path");

    auto no_slash = parse_route_pattern("users");
    REQUIRE_FALSE(no_slash.ok());
    CHECK(no_slash.error().message == "invalid route pattern \"users\" at offset 0: a route pattern must start with '/'");

    auto good = parse_route_pattern("/users/{id:int}");
    REQUIRE(good.ok());
    CHECK(good.value().param_count == 1);

    // Every error has a message, and none is empty.
    for (int e = 1; e <= static_cast<int>(PatternError::too_many_parameters); ++e) {
        CHECK_FALSE(sweet::routing::pattern_error_message(static_cast<PatternError>(e)).empty());
    }
}

TEST_CASE("route pattern: pieces for the trie", "[routing][pattern]") {
    PieceReader reader("/users/{id:int}/posts/{rest...}");
    PatternPiece piece;
    REQUIRE(reader.next(piece));
    CHECK((piece.kind == PieceKind::literal && piece.text == "/users/"));
    REQUIRE(reader.next(piece));
    CHECK((piece.kind == PieceKind::param && piece.text == "{id:int}"));
    REQUIRE(reader.next(piece));
    CHECK((piece.kind == PieceKind::literal && piece.text == "/posts/"));
    REQUIRE(reader.next(piece));
    CHECK((piece.kind == PieceKind::catch_all && piece.text == "{rest...}"));
    CHECK_FALSE(reader.next(piece));

    PieceReader root("/");
    REQUIRE(root.next(piece));
    CHECK(piece.text == "/");
    CHECK_FALSE(root.next(piece));
}

TEST_CASE("route pattern: segments", "[routing][pattern]") {
    auto segments = [](std::string_view pattern) {
        std::string out;
        SegmentReader reader(pattern);
        PatternPiece s;
        while (reader.next(s)) {
            out += s.kind == PieceKind::literal ? "L" : s.kind == PieceKind::param ? "P" : "C";
            out += "(" + std::string(s.text) + ")";
        }
        return out;
    };
    CHECK(segments("/") == "L()");
    CHECK(segments("/users") == "L(users)");
    CHECK(segments("/users/") == "L(users)L()");
    CHECK(segments("/users/{id}/x") == "L(users)P({id})L(x)");
    CHECK(segments("/f/{p:path}") == "L(f)C({p:path})");
}

TEST_CASE("route pattern: overlap", "[routing][pattern]") {
    // Some path matches both.
    CHECK(patterns_overlap("/users/me", "/users/{id}"));
    CHECK(patterns_overlap("/users/{id}", "/users/{name:int}"));
    CHECK(patterns_overlap("/{a}/b", "/x/{c}"));
    CHECK(patterns_overlap("/files/{p...}", "/files/a/b/c"));
    CHECK(patterns_overlap("/files/{p...}", "/files/"));
    CHECK(patterns_overlap("/files/{p...}", "/files/{name}/{x}"));
    CHECK(patterns_overlap("/{all...}", "/"));
    CHECK(patterns_overlap("/", "/"));
    // No path matches both.
    CHECK_FALSE(patterns_overlap("/users", "/users/"));
    CHECK_FALSE(patterns_overlap("/files/{p...}", "/files"));
    CHECK_FALSE(patterns_overlap("/a", "/b"));
    CHECK_FALSE(patterns_overlap("/users/{id}", "/users/{id}/posts"));
    CHECK_FALSE(patterns_overlap("/users/{id}", "/users/"));  // a parameter never matches an empty segment
    CHECK_FALSE(patterns_overlap("/{a}/x", "/{b}/y"));
}
