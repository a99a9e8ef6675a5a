// urlencoded forms (sweet/http/form.hpp): decoding, lookups, limits and the Content-Type check.

#include <catch2/catch.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/core/arena.hpp"
#include "sweet/http/form.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/request_head.hpp"
#include "sweet/net/reactor.hpp"

using namespace std::string_view_literals;
using sweet::http::Form;
using sweet::http::FormLimits;
using sweet::http::parse_form;

namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs fields_of(const Form& form) {
    Pairs out;
    for (const auto& [name, value] : form) out.emplace_back(name, value);
    return out;
}

Pairs parse_ok(std::string_view text, const FormLimits& limits = {}) {
    auto form = parse_form(text, limits);
    REQUIRE(form.ok());
    return fields_of(*form);
}

int parse_status(std::string_view text, const FormLimits& limits = {}) {
    auto form = parse_form(text, limits);
    REQUIRE_FALSE(form.ok());
    return form.error().status;
}

/// A POST request with a Content-Type and a body.
struct FormRequest {
    std::vector<sweet::http::Header> headers;
    sweet::http::RequestHead head;
    sweet::Arena arena;
    std::unique_ptr<sweet::net::Reactor> reactor = sweet::net::Reactor::create(sweet::net::Backend::epoll);
    std::string body;
    std::unique_ptr<sweet::Request> req;

    FormRequest(std::vector<sweet::http::Header> h, std::string b) : headers(std::move(h)), body(std::move(b)) {
        head.method = sweet::http::Method::post;
        head.method_name = "POST";
        head.path = head.target = "/form";
        head.headers = headers.data();
        head.header_count = headers.size();
        req = std::make_unique<sweet::Request>(head, body, arena, *reactor);
    }
};

}  // namespace

TEST_CASE("parse_form: decodes names and values, in order", "[form]") {
    CHECK(parse_ok("name=Ada+Lovelace&lang=en&lang=fr") == Pairs{{"name", "Ada Lovelace"}, {"lang", "en"}, {"lang", "fr"}});
    CHECK(parse_ok("a%20b=c%2Bd%26e%3Df") == Pairs{{"a b", "c+d&e=f"}});
    CHECK(parse_ok("caf%C3%A9=%E2%9C%93") == Pairs{{"café", "✓"}});
    CHECK(parse_ok("nul=a%00b")[0].second == std::string("a\0b", 3));
    CHECK(parse_ok("").empty());
    CHECK(parse_ok("&&&").empty());
    CHECK(parse_ok("flag&x=") == Pairs{{"flag", ""}, {"x", ""}});
    CHECK(parse_ok("=v") == Pairs{{"", "v"}});
    CHECK(parse_ok("a=b=c") == Pairs{{"a", "b=c"}});
    CHECK(parse_ok("a=1&&b=2&") == Pairs{{"a", "1"}, {"b", "2"}});
}

TEST_CASE("Form: lookups", "[form]") {
    auto form = parse_form("a=1&b=&a=2&c");
    REQUIRE(form.ok());
    CHECK(form->size() == 4);
    CHECK_FALSE(form->empty());
    CHECK(form->get("a") == "1"sv);
    CHECK(form->get("b") == ""sv);
    CHECK(form->get("c") == ""sv);
    CHECK_FALSE(form->get("d"));
    CHECK(form->contains("b"));
    CHECK_FALSE(form->contains("A"));
    CHECK(form->get_all("a") == std::vector<std::string_view>{"1", "2"});
    CHECK(form->get_all("zzz").empty());
}

TEST_CASE("Form: views survive moving the form", "[form]") {
    // Short values would live inside a std::string's own bytes; the form's storage must not.
    auto parsed = parse_form("k=v&x=%41");
    REQUIRE(parsed.ok());
    Form first = std::move(parsed).value();
    Form second = std::move(first);
    std::vector<Form> many;
    many.push_back(std::move(second));
    many.resize(50);  // reallocation moves the form again
    CHECK(fields_of(many[0]) == Pairs{{"k", "v"}, {"x", "A"}});
}

TEST_CASE("parse_form: invalid escapes are 400", "[form]") {
    CHECK(parse_status("a=%zz") == 400);
    CHECK(parse_status("a=%4") == 400);
    CHECK(parse_status("ok=1&b%=1") == 400);
    CHECK(parse_status("a=100%") == 400);
    auto r = parse_form("field=%G1");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("field") != std::string::npos);
}

TEST_CASE("parse_form: limits are 413 and exact", "[form]") {
    const FormLimits small{.max_fields = 3, .max_name_bytes = 4, .max_value_bytes = 6, .max_total_bytes = 40};
    CHECK(parse_ok("a=1&b=2&c=3", small).size() == 3);
    CHECK(parse_status("a=1&b=2&c=3&d=4", small) == 413);
    CHECK(parse_ok("&&a=1&&b=2&&c=3&&", small).size() == 3);  // empty pieces do not count
    CHECK(parse_ok("abcd=1", small).size() == 1);
    CHECK(parse_status("abcde=1", small) == 413);
    CHECK(parse_ok("a=%41%42", small)[0].second == "AB");  // 6 bytes as sent
    CHECK(parse_status("a=%41%42x", small) == 413);         // 7 bytes as sent
    CHECK(parse_ok(std::string(40, '&'), small).empty());
    CHECK(parse_status(std::string(41, '&'), small) == 413);
    auto r = parse_form("a=1&b=2&c=3&d=4", small);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message.find("3 fields") != std::string::npos);
    // The defaults accept what an ordinary form sends.
    std::string big;
    for (int i = 0; i < 1000; ++i) big += "f" + std::to_string(i) + "=" + std::string(100, 'v') + "&";
    CHECK(parse_ok(big).size() == 1000);
    CHECK(parse_status(big + "one=more") == 413);
}

TEST_CASE("sweet::parse_form checks the Content-Type", "[form]") {
    FormRequest ok({{"Content-Type", "application/x-www-form-urlencoded"}}, "a=1&b=two+words");
    auto form = sweet::parse_form(*ok.req);
    REQUIRE(form.ok());
    CHECK(form->get("b") == "two words"sv);

    FormRequest with_charset({{"content-type", "Application/X-WWW-Form-URLEncoded ; charset=UTF-8"}}, "a=1");
    CHECK(sweet::parse_form(*with_charset.req).ok());

    FormRequest json({{"Content-Type", "application/json"}}, "{}");
    auto wrong = sweet::parse_form(*json.req);
    REQUIRE_FALSE(wrong.ok());
    CHECK(wrong.error().status == 415);

    FormRequest missing({}, "a=1");
    auto none = sweet::parse_form(*missing.req);
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().status == 415);

    FormRequest big({{"Content-Type", "application/x-www-form-urlencoded"}}, "a=" + std::string(100, 'x'));
    auto too_big = sweet::parse_form(*big.req, {.max_value_bytes = 10});
    REQUIRE_FALSE(too_big.ok());
    CHECK(too_big.error().status == 413);
}
