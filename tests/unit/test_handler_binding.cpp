// Handler binding: path parameters converted to the handler's types, range checks, and the 422
// body in FastAPI's shape (parsed back with a small JSON reader to prove it is valid JSON with
// the right values, whatever bytes the input held).

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sweet/core/arena.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/request_head.hpp"
#include "sweet/http/response.hpp"
#include "sweet/net/reactor.hpp"
#include "sweet/routing/handler_binding.hpp"
#include "sweet/routing/route_pattern.hpp"

using sweet::Request;
using sweet::Response;
using sweet::Result;
using sweet::routing::bind_handler;
using sweet::routing::BoundHandler;
using sweet::routing::handler_fits_route_v;

namespace {

// ---- a minimal JSON reader, enough to check the 422 bodies --------------------------------------

struct Json {
    std::variant<std::nullptr_t, bool, std::string /*number text*/, std::vector<Json>, std::map<std::string, Json>> value;
    std::string text;  // for strings: the decoded UTF-8
    bool is_string = false;

    [[nodiscard]] const Json& operator[](const std::string& key) const {
        return std::get<std::map<std::string, Json>>(value).at(key);
    }
    [[nodiscard]] const Json& operator[](std::size_t i) const { return std::get<std::vector<Json>>(value).at(i); }
    [[nodiscard]] std::size_t size() const {
        if (auto* a = std::get_if<std::vector<Json>>(&value)) return a->size();
        return std::get<std::map<std::string, Json>>(value).size();
    }
    [[nodiscard]] bool has(const std::string& key) const {
        return std::get<std::map<std::string, Json>>(value).count(key) != 0;
    }
    [[nodiscard]] const std::string& number() const { return std::get<std::string>(value); }
};

class JsonReader {
public:
    explicit JsonReader(std::string_view s) : s_(s) {}

    /// Parses the whole text; fails the test on any syntax error.
    Json document() {
        Json v = parse_value();
        skip_ws();
        REQUIRE(pos_ == s_.size());
        return v;
    }

private:
    void skip_ws() {
        while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\n' || s_[pos_] == '\t' || s_[pos_] == '\r')) ++pos_;
    }
    char peek() {
        skip_ws();
        REQUIRE(pos_ < s_.size());
        return s_[pos_];
    }
    void expect(char c) {
        REQUIRE(peek() == c);
        ++pos_;
    }
    Json parse_value() {
        const char c = peek();
        Json v;
        if (c == '{') {
            ++pos_;
            std::map<std::string, Json> members;
            if (peek() != '}') {
                for (;;) {
                    Json key = parse_value();
                    REQUIRE(key.is_string);
                    expect(':');
                    members[key.text] = parse_value();
                    if (peek() == ',') { ++pos_; continue; }
                    break;
                }
            }
            expect('}');
            v.value = std::move(members);
        } else if (c == '[') {
            ++pos_;
            std::vector<Json> items;
            if (peek() != ']') {
                for (;;) {
                    items.push_back(parse_value());
                    if (peek() == ',') { ++pos_; continue; }
                    break;
                }
            }
            expect(']');
            v.value = std::move(items);
        } else if (c == '"') {
            v.is_string = true;
            v.text = parse_string();
        } else if (s_.substr(pos_, 4) == "true" || s_.substr(pos_, 5) == "false" || s_.substr(pos_, 4) == "null") {
            v.value = s_[pos_] == 'n' ? Json{}.value : decltype(v.value)(s_[pos_] == 't');
            pos_ += s_[pos_] == 'f' ? 5 : 4;
        } else {
            const std::size_t start = pos_;
            while (pos_ < s_.size() && std::string_view("+-0123456789.eE").find(s_[pos_]) != std::string_view::npos) ++pos_;
            REQUIRE(pos_ > start);
            v.value = std::string(s_.substr(start, pos_ - start));
        }
        return v;
    }
    static void append_utf8(std::string& out, std::uint32_t cp) {
        if (cp < 0x80) {
            out.push_back(static_cast<char>(cp));
        } else if (cp < 0x800) {
            out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        } else {
            out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
            out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
        }
    }
    std::string parse_string() {
        expect('"');
        std::string out;
        for (;;) {
            REQUIRE(pos_ < s_.size());
            const auto c = static_cast<unsigned char>(s_[pos_++]);
            REQUIRE(c >= 0x20);  // raw control characters are invalid JSON
            if (c == '"') return out;
            if (c != '\\') {
                out.push_back(static_cast<char>(c));
                continue;
            }
            REQUIRE(pos_ < s_.size());
            const char e = s_[pos_++];
            switch (e) {
                case '"': out.push_back('"'); break;
                case '\\': out.push_back('\\'); break;
                case '/': out.push_back('/'); break;
                case 'b': out.push_back('\b'); break;
                case 'f': out.push_back('\f'); break;
                case 'n': out.push_back('\n'); break;
                case 'r': out.push_back('\r'); break;
                case 't': out.push_back('\t'); break;
                case 'u': {
                    REQUIRE(pos_ + 4 <= s_.size());
                    const std::uint32_t cp = std::stoul(std::string(s_.substr(pos_, 4)), nullptr, 16);
                    pos_ += 4;
                    REQUIRE((cp < 0xD800 || cp > 0xDFFF));  // we never emit surrogates
                    append_utf8(out, cp);
                    break;
                }
                default: FAIL("bad escape");
            }
        }
    }

    std::string_view s_;
    std::size_t pos_ = 0;
};

/// True when `s` is well-formed UTF-8.
bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        if (len == 0 || i + len > s.size()) return false;
        for (std::size_t k = 1; k < len; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
        }
        i += len;
    }
    return true;
}

// ---- a request to call handlers with -----------------------------------------------------------

struct Call {
    sweet::http::RequestHead head;
    sweet::Arena arena;
    std::unique_ptr<sweet::net::Reactor> reactor = sweet::net::Reactor::create(sweet::net::Backend::epoll);
    Request req{head, {}, arena, *reactor};
    std::vector<std::string_view> names;
    std::vector<std::string_view> values;

    /// Calls `handler` as the router would after matching `pattern` with `values`.
    Result<Response> operator()(BoundHandler& handler, std::string_view pattern, std::vector<std::string_view> v) {
        const sweet::routing::ParsedPattern parsed = sweet::routing::parse_pattern(pattern);
        names.assign(parsed.names().begin(), parsed.names().end());
        values = std::move(v);
        req.set_route(pattern, names, values);
        return handler(req);
    }
};

/// The single 422 error for a one-parameter route, parsed.
Json single_error(Result<Response>& r) {
    REQUIRE(r.ok());
    REQUIRE(r.value().status() == 422);
    CHECK(r.value().content_type() == "application/json");
    Json doc = JsonReader(r.value().body()).document();
    REQUIRE(doc.size() == 1);
    REQUIRE(doc["detail"].size() == 1);
    return doc["detail"][0];
}

}  // namespace

TEST_CASE("handler binding: FastAPI's 422 body, exactly", "[routing][binding]") {
    Call call;
    BoundHandler h = bind_handler<"/users/{id:int}">([](Request&, std::int64_t id) { return Response::text(std::to_string(id)); });
    Result<Response> ok = call(h, "/users/{id:int}", {"42"});
    REQUIRE(ok.ok());
    CHECK(ok.value().body() == "42");

    Result<Response> bad = call(h, "/users/{id:int}", {"abc"});
    REQUIRE(bad.ok());
    CHECK(bad.value().status() == 422);
    CHECK(bad.value().body() ==
          R"({"detail":[{"type":"int_parsing","loc":["path","id"],"msg":"Input should be a valid integer, unable to parse string as an integer","input":"abc"}]})");

    Result<Response> big = call(h, "/users/{id:int}", {"9223372036854775808"});
    CHECK(big.value().body() ==
          R"({"detail":[{"type":"less_than_equal","loc":["path","id"],"msg":"Input should be less than or equal to 9223372036854775807","input":"9223372036854775808","ctx":{"le":9223372036854775807}}]})");
}

TEST_CASE("handler binding: integers and their ranges", "[routing][binding]") {
    Call call;
    SECTION("int64") {
        BoundHandler h = bind_handler<"/{n:int}">([](Request&, std::int64_t n) { return Response::text(std::to_string(n)); });
        CHECK(call(h, "/{n:int}", {"0"}).value().body() == "0");
        CHECK(call(h, "/{n:int}", {"+17"}).value().body() == "17");
        CHECK(call(h, "/{n:int}", {"-0042"}).value().body() == "-42");
        CHECK(call(h, "/{n:int}", {"9223372036854775807"}).value().body() == "9223372036854775807");
        CHECK(call(h, "/{n:int}", {"-9223372036854775808"}).value().body() == "-9223372036854775808");
        for (std::string_view bad : {"", "-", "+", "1.0", "1e3", " 1", "1 ", "0x10", "--1", "１"}) {
            INFO(bad);
            Result<Response> r = call(h, "/{n:int}", {bad});
            Json e = single_error(r);
            CHECK(e["type"].text == "int_parsing");
            CHECK(e["input"].text == bad);
        }
        Result<Response> low = call(h, "/{n:int}", {"-9223372036854775809"});
        Json e = single_error(low);
        CHECK(e["type"].text == "greater_than_equal");
        CHECK(e["msg"].text == "Input should be greater than or equal to -9223372036854775808");
        CHECK(e["ctx"]["ge"].number() == "-9223372036854775808");
        Result<Response> huge = call(h, "/{n:int}", {"123456789012345678901234567890"});
        CHECK(single_error(huge)["type"].text == "less_than_equal");
    }
    SECTION("narrow signed types") {
        BoundHandler h = bind_handler<"/{a:int}/{b:int}">(
            [](Request&, std::int8_t a, short b) { return Response::text(std::to_string(a) + "," + std::to_string(b)); });
        CHECK(call(h, "/{a:int}/{b:int}", {"127", "-32768"}).value().body() == "127,-32768");
        CHECK(call(h, "/{a:int}/{b:int}", {"-128", "32767"}).value().body() == "-128,32767");
        Result<Response> r = call(h, "/{a:int}/{b:int}", {"128", "-32769"});
        REQUIRE(r.value().status() == 422);
        Json doc = JsonReader(r.value().body()).document();
        REQUIRE(doc["detail"].size() == 2);  // every bad parameter is listed
        CHECK(doc["detail"][0]["type"].text == "less_than_equal");
        CHECK(doc["detail"][0]["loc"][1].text == "a");
        CHECK(doc["detail"][0]["ctx"]["le"].number() == "127");
        CHECK(doc["detail"][1]["type"].text == "greater_than_equal");
        CHECK(doc["detail"][1]["loc"][0].text == "path");
        CHECK(doc["detail"][1]["loc"][1].text == "b");
        CHECK(doc["detail"][1]["ctx"]["ge"].number() == "-32768");
    }
    SECTION("unsigned") {
        BoundHandler h = bind_handler<"/{n:uint}">([](Request&, std::uint64_t n) { return Response::text(std::to_string(n)); });
        CHECK(call(h, "/{n:uint}", {"18446744073709551615"}).value().body() == "18446744073709551615");
        CHECK(call(h, "/{n:uint}", {"-0"}).value().body() == "0");
        Result<Response> over = call(h, "/{n:uint}", {"18446744073709551616"});
        Json e = single_error(over);
        CHECK(e["type"].text == "less_than_equal");
        CHECK(e["ctx"]["le"].number() == "18446744073709551615");
        Result<Response> neg = call(h, "/{n:uint}", {"-1"});
        Json negative = single_error(neg);
        CHECK(negative["type"].text == "greater_than_equal");
        CHECK(negative["msg"].text == "Input should be greater than or equal to 0");
        CHECK(negative["ctx"]["ge"].number() == "0");

        BoundHandler small = bind_handler<"/{n:uint}">([](Request&, std::uint8_t n) { return Response::text(std::to_string(n)); });
        CHECK(call(small, "/{n:uint}", {"255"}).value().body() == "255");
        Result<Response> r = call(small, "/{n:uint}", {"256"});
        CHECK(single_error(r)["ctx"]["le"].number() == "255");
    }
}

TEST_CASE("handler binding: floats", "[routing][binding]") {
    Call call;
    double got = 0;
    BoundHandler h = bind_handler<"/{x:float}">([&got](Request&, double x) {
        got = x;
        return Response(200);
    });
    for (auto [text, value] : {std::pair<std::string_view, double>{"1.5", 1.5}, {"-2e3", -2000.0}, {"+1", 1.0},
                               {".5", 0.5}, {"3", 3.0}, {"1e-400", 0.0}, {"0.0000001e-330", 0.0}}) {
        INFO(text);
        REQUIRE(call(h, "/{x:float}", {text}).value().status() == 200);
        CHECK(got == value);
    }
    for (std::string_view bad : {"abc", "", "1e", "0x10", "1.2.3", "+-1", "++1", "1,5"}) {
        INFO(bad);
        Result<Response> r = call(h, "/{x:float}", {bad});
        Json e = single_error(r);
        CHECK(e["type"].text == "float_parsing");
        CHECK(e["msg"].text == "Input should be a valid number, unable to parse string as a number");
    }
    for (std::string_view bad : {"inf", "-inf", "nan", "1e400", "-1e400", "100000000000000000000e300"}) {
        INFO(bad);
        Result<Response> r = call(h, "/{x:float}", {bad});
        CHECK(single_error(r)["type"].text == "finite_number");
    }
    float narrow = 0;
    BoundHandler f = bind_handler<"/{x:float}">([&narrow](Request&, float x) {
        narrow = x;
        return Response(200);
    });
    CHECK(call(f, "/{x:float}", {"0.25"}).value().status() == 200);
    CHECK(narrow == 0.25f);
    Result<Response> r = call(f, "/{x:float}", {"3.5e38"});  // beyond float, fine for double
    CHECK(single_error(r)["type"].text == "finite_number");
}

TEST_CASE("handler binding: bool, uuid, str and path", "[routing][binding]") {
    Call call;
    SECTION("bool") {
        BoundHandler h = bind_handler<"/{b:bool}">([](Request&, bool b) { return Response::text(b ? "T" : "F"); });
        for (std::string_view t : {"true", "TRUE", "True", "1"}) CHECK(call(h, "/{b:bool}", {t}).value().body() == "T");
        for (std::string_view t : {"false", "False", "0"}) CHECK(call(h, "/{b:bool}", {t}).value().body() == "F");
        Result<Response> r = call(h, "/{b:bool}", {"yes"});
        Json e = single_error(r);
        CHECK(e["type"].text == "bool_parsing");
        CHECK(e["msg"].text == "Input should be a valid boolean, unable to interpret input");
    }
    SECTION("uuid") {
        BoundHandler h = bind_handler<"/{u:uuid}">([](Request&, std::string_view u) { return Response::text(std::string(u)); });
        CHECK(call(h, "/{u:uuid}", {"123e4567-e89b-12d3-A456-426614174000"}).value().body() ==
              "123e4567-e89b-12d3-A456-426614174000");
        for (std::string_view bad : {"123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400",
                                     "123e4567-e89b-12d3-a456-42661417400g", "{123e4567-e89b-12d3-a456-426614174000}"}) {
            INFO(bad);
            Result<Response> r = call(h, "/{u:uuid}", {bad});
            CHECK(single_error(r)["type"].text == "uuid_parsing");
        }
    }
    SECTION("str as std::string, by const reference, and path") {
        BoundHandler h = bind_handler<"/{a}/{b:str}/{rest...}">(
            [](Request&, std::string a, const std::string& b, std::string_view rest) -> Result<Response> {
                return Response::text(a + "|" + b + "|" + std::string(rest));
            });
        CHECK(call(h, "/{a}/{b:str}/{rest...}", {"x", "y", "p/q/r"}).value().body() == "x|y|p/q/r");
    }
}

TEST_CASE("handler binding: the input is echoed as valid JSON", "[routing][binding]") {
    Call call;
    BoundHandler h = bind_handler<"/{n:int}">([](Request&, int) { return Response(200); });
    const std::string inputs[] = {
        "quote\" backslash\\ slash/",
        std::string("nul\0ctl\x01\x1f\n\t", 12),
        "J\xC3\xBCrgen \xE2\x82\xAC \xF0\x9F\x98\x80",  // valid UTF-8 passes through
    };
    for (const std::string& input : inputs) {
        Result<Response> r = call(h, "/{n:int}", {input});
        CHECK(single_error(r)["input"].text == input);
    }
    // Bytes that are not UTF-8 (a decoded %FF, a lone continuation, an overlong '/', a surrogate,
    // a truncated sequence) become U+FFFD, so the body stays valid JSON.
    const std::string invalid = "a\xFF" "b\x80" "c\xC0\xAF" "d\xED\xA0\x80" "e\xE2\x82";
    Result<Response> r = call(h, "/{n:int}", {invalid});
    const std::string echoed = single_error(r)["input"].text;
    CHECK(valid_utf8(echoed));
    CHECK(echoed.find('a') == 0);
    CHECK(echoed.find("\xEF\xBF\xBD") != std::string::npos);
    CHECK(valid_utf8(r.value().body()));
}

TEST_CASE("handler binding: handlers of every shape", "[routing][binding]") {
    Call call;
    SECTION("a move-only capture, mutable") {
        auto owned = std::make_unique<int>(10);
        BoundHandler h = bind_handler<"/inc/{by:int}">([p = std::move(owned)](Request&, long by) mutable {
            *p += static_cast<int>(by);
            return Response::text(std::to_string(*p));
        });
        CHECK(call(h, "/inc/{by:int}", {"5"}).value().body() == "15");
        CHECK(call(h, "/inc/{by:int}", {"5"}).value().body() == "20");
    }
    SECTION("a function pointer and a noexcept lambda") {
        Response (*fn)(Request&) = [](Request&) { return Response(204); };
        BoundHandler a = bind_handler<"/">(fn);
        CHECK(call(a, "/", {}).value().status() == 204);
        BoundHandler b = bind_handler<"/">([](const Request&) noexcept { return Response(202); });
        CHECK(call(b, "/", {}).value().status() == 202);
    }
    SECTION("errors from the handler pass through") {
        BoundHandler h = bind_handler<"/x">([](Request&) -> Result<Response> { return sweet::Error::client(403, "no"); });
        Result<Response> r = call(h, "/x", {});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().status == 403);
    }
    SECTION("a request the router did not fill is an internal error, not a crash") {
        BoundHandler h = bind_handler<"/{id}">([](Request&, std::string_view) { return Response(200); });
        Result<Response> r = call(h, "/x", {});
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().status == 500);
    }
}

// The pure trait behind the compile errors: each mistake is detected (the compile-fail tests
// check the messages).
static_assert(handler_fits_route_v<"/{id:int}", Response (*)(Request&, int)>);
static_assert(handler_fits_route_v<"/{id:int}", Result<Response> (*)(const Request&, const long&)>);
static_assert(!handler_fits_route_v<"/{id:int}", Response (*)(Request&, std::string_view)>);
static_assert(!handler_fits_route_v<"/{id:int}", Response (*)(Request&, unsigned)>);
static_assert(!handler_fits_route_v<"/{id:uint}", Response (*)(Request&, int)>);
static_assert(!handler_fits_route_v<"/{id:int}", Response (*)(Request&, bool)>);
static_assert(!handler_fits_route_v<"/{id:int}", Response (*)(Request&, char)>);
static_assert(!handler_fits_route_v<"/{id:int}", Response (*)(Request&, int&)>);
static_assert(!handler_fits_route_v<"/{id}", Response (*)(Request&, int)>);
static_assert(!handler_fits_route_v<"/{id}", Response (*)(Request&)>);
static_assert(!handler_fits_route_v<"/", Response (*)(Request&, int)>);
static_assert(!handler_fits_route_v<"/", Response (*)()>);
static_assert(!handler_fits_route_v<"/", Response (*)(Request)>);
static_assert(!handler_fits_route_v<"/", int (*)(Request&)>);
static_assert(!handler_fits_route_v<"/{bad", Response (*)(Request&)>);
static_assert(!handler_fits_route_v<"/", decltype([](Request&, auto) { return Response(); })>);
static_assert(handler_fits_route_v<"/{f:float}/{b:bool}/{u:uuid}/{p...}",
                                   Response (*)(Request&, float, bool, std::string, std::string_view)>);
