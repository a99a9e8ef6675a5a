// HTTP dates (sweet/http/http_date.hpp), checked against the C library's gmtime/strftime, and the
// Date header cache built on them.

#include <catch2/catch.hpp>

#include <time.h>

#include <clocale>
#include <cstdint>
#include <ctime>
#include <random>
#include <string>

#include "sweet/http/date_cache.hpp"
#include "sweet/http/http_date.hpp"

using sweet::http::format_http_date;
using sweet::http::parse_http_date;

namespace {

/// What strftime says, in the C locale's English names: an oracle for format_http_date.
std::string libc_http_date(std::int64_t t) {
    const auto tt = static_cast<time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[64];
    const std::size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

std::string date_text(std::int64_t t) {
    const auto d = format_http_date(t);
    REQUIRE(d.has_value());
    return std::string(d->view());
}

}  // namespace

TEST_CASE("format_http_date: known instants", "[http_date]") {
    CHECK(date_text(0) == "Thu, 01 Jan 1970 00:00:00 GMT");
    CHECK(date_text(784111777) == "Sun, 06 Nov 1994 08:49:37 GMT");
    CHECK(date_text(951782400) == "Tue, 29 Feb 2000 00:00:00 GMT");
    CHECK(date_text(-1) == "Wed, 31 Dec 1969 23:59:59 GMT");
    CHECK(date_text(253402300799) == "Fri, 31 Dec 9999 23:59:59 GMT");
    CHECK(date_text(-62167219200) == "Sat, 01 Jan 0000 00:00:00 GMT");
    CHECK_FALSE(format_http_date(std::int64_t{253402300800}));
    CHECK_FALSE(format_http_date(std::int64_t{-62167219201}));
    static_assert(format_http_date(std::int64_t{0})->view() == "Thu, 01 Jan 1970 00:00:00 GMT");
}

TEST_CASE("format_http_date agrees with gmtime/strftime", "[http_date]") {
    std::mt19937_64 rng(20261125);
    std::uniform_int_distribution<std::int64_t> any(-2'000'000'000, 16'000'000'000);  // 1906 .. 2477
    for (int i = 0; i < 20000; ++i) {
        const std::int64_t t = any(rng);
        INFO("t = " << t);
        REQUIRE(date_text(t) == libc_http_date(t));
        REQUIRE(parse_http_date(date_text(t)) == t);
    }
    for (std::int64_t day = -800; day < 800; ++day) {  // every day around the epoch, leap years included
        const std::int64_t t = day * 86400 + 43210;
        REQUIRE(date_text(t) == libc_http_date(t));
    }
}

TEST_CASE("parse_http_date: the three formats of RFC 9110", "[http_date]") {
    CHECK(parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT") == 784111777);
    CHECK(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == 784111777);
    CHECK(parse_http_date("Sun Nov  6 08:49:37 1994") == 784111777);
    CHECK(parse_http_date("Thu Feb 29 12:00:00 2024") == 1709208000);
    CHECK(parse_http_date("Thursday, 01-Jan-04 00:00:00 GMT") == 1072915200);  // two-digit years < 70 are 20xx
    CHECK(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT") == 0);
}

TEST_CASE("parse_http_date: anything else is refused", "[http_date]") {
    for (const char* bad : {"", "yesterday", "Sun, 06 Nov 1994 08:49:37 UTC", "Sun, 6 Nov 1994 08:49:37 GMT",
                            "Sun, 06 Nov 94 08:49:37 GMT", "Sun, 06 nov 1994 08:49:37 GMT", "Xyz, 06 Nov 1994 08:49:37 GMT",
                            "Sun, 30 Feb 1994 08:49:37 GMT", "Sun, 29 Feb 1900 08:49:37 GMT", "Sun, 06 Nov 1994 24:00:00 GMT",
                            "Sun, 06 Nov 1994 08:60:00 GMT", "Sun, 00 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT ",
                            " Sun, 06 Nov 1994 08:49:37 GMT", "Sun, 06 Nov 1994 8:49:37 GMT", "Sun, 06 Nov 1994 08-49-37 GMT",
                            "Sunday, 06-Nov-1994 08:49:37 GMT", "Sun Nov 06 08:49:37 94", "Sun Nov  6 08:49:37 1994 ",
                            "Sun,06 Nov 1994 08:49:37 GMT", "Funday, 06-Nov-94 08:49:37 GMT", "Sun, +6 Nov 1994 08:49:37 GMT"}) {
        INFO("date \"" << bad << "\"");
        CHECK_FALSE(parse_http_date(bad));
    }
}

TEST_CASE("DateCache: the current second, whatever the C locale", "[http_date]") {
    sweet::http::DateCache cache;
    const std::int64_t before = std::time(nullptr);
    const auto parsed = parse_http_date(cache.get());
    REQUIRE(parsed.has_value());
    CHECK(*parsed >= before - 1);
    CHECK(*parsed <= std::time(nullptr));
    // A program may switch the C locale (setlocale(LC_ALL, "")); the header must stay English.
    // Only locales installed on the machine can be tried: this one tells whether names changed.
    const std::string saved = std::setlocale(LC_TIME, nullptr);
    for (const char* name : {"de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8"}) {
        if (std::setlocale(LC_TIME, name) == nullptr) continue;
        sweet::http::DateCache fresh;
        CHECK(parse_http_date(fresh.get()).has_value());
    }
    std::setlocale(LC_TIME, saved.c_str());
}
