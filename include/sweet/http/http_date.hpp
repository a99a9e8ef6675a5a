#pragma once
/// @file http_date.hpp
/// HTTP dates (RFC 9110 5.6.7): formatting the IMF-fixdate every sender must use ("Sun, 06 Nov
/// 1994 08:49:37 GMT") and parsing it and the two obsolete forms. Pure arithmetic, constexpr,
/// and independent of the C locale (strftime's day and month names follow it). Used by the
/// Date header, Last-Modified / If-Modified-Since in static files, and cookies' Expires.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sweet::http {

/// An IMF-fixdate, "Sun, 06 Nov 1994 08:49:37 GMT": always 29 characters.
struct HttpDate {
    std::array<char, 29> chars{};
    /// The date as text.
    [[nodiscard]] constexpr std::string_view view() const noexcept { return {chars.data(), chars.size()}; }
};

namespace detail {

inline constexpr std::string_view kDayNames[7] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};  // day 0 = 1970-01-01
inline constexpr std::string_view kWeekdays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
inline constexpr std::string_view kLongWeekdays[7] = {"Sunday", "Monday", "Tuesday", "Wednesday",
                                                      "Thursday", "Friday", "Saturday"};
inline constexpr std::string_view kMonthNames[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/// Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1..12). Eras of 400 years
/// repeat exactly, so the count is era * 146097 plus the day within the era, with years taken
/// to start on March 1st so that the leap day falls at the end of a year.
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto year_of_era = static_cast<unsigned>(y - era * 400);                     // [0, 399]
    const unsigned day_of_year = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;      // [0, 365]
    const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + static_cast<std::int64_t>(day_of_era) - 719468;
}

/// The inverse of `days_from_civil`.
struct CivilDate {
    std::int64_t year;
    unsigned month;  // 1..12
    unsigned day;    // 1..31
};
constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto day_of_era = static_cast<unsigned>(days - era * 146097);                          // [0, 146096]
    const unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    const unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    const unsigned mp = (5 * day_of_year + 2) / 153;                                              // March = 0
    const unsigned day = day_of_year - (153 * mp + 2) / 5 + 1;
    const unsigned month = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(year_of_era) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

constexpr bool is_leap_year(std::int64_t y) noexcept { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }
constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
    constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap_year(y) ? 29 : kDays[m - 1];
}

/// Reads exactly `n` digits at `s[pos]`; -1 when they are not all digits.
constexpr int read_digits(std::string_view s, std::size_t pos, std::size_t n) noexcept {
    if (pos + n > s.size()) return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

constexpr int month_index(std::string_view s) noexcept {
    for (int i = 0; i < 12; ++i) {
        if (kMonthNames[i] == s) return i + 1;
    }
    return -1;
}

/// Reads "HH:MM:SS" at `s[pos]` into seconds of the day; -1 when malformed or out of range.
constexpr std::int64_t read_time_of_day(std::string_view s, std::size_t pos) noexcept {
    const int h = read_digits(s, pos, 2);
    const int m = read_digits(s, pos + 3, 2);
    const int sec = read_digits(s, pos + 6, 2);
    if (h < 0 || m < 0 || sec < 0 || s[pos + 2] != ':' || s[pos + 5] != ':') return -1;
    if (h > 23 || m > 59 || sec > 60) return -1;  // 60: a leap second, which HTTP dates may name
    return h * 3600 + m * 60 + sec;
}

constexpr std::optional<std::int64_t> civil_to_unix(std::int64_t year, int month, int day, std::int64_t seconds) noexcept {
    if (month < 1 || day < 1 || static_cast<unsigned>(day) > days_in_month(year, static_cast<unsigned>(month))) {
        return std::nullopt;
    }
    return days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400 + seconds;
}

}  // namespace detail

/// Formats `unix_seconds` as an IMF-fixdate. nullopt for instants outside the years 0000-9999,
/// which the format's four-digit year cannot express.
constexpr std::optional<HttpDate> format_http_date(std::int64_t unix_seconds) noexcept {
    constexpr std::int64_t kFirst = -62167219200;  // 0000-01-01T00:00:00Z
    constexpr std::int64_t kLast = 253402300799;   // 9999-12-31T23:59:59Z
    if (unix_seconds < kFirst || unix_seconds > kLast) return std::nullopt;
    std::int64_t days = unix_seconds / 86400;
    std::int64_t secs = unix_seconds % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    const detail::CivilDate date = detail::civil_from_days(days);
    HttpDate out;
    char* p = out.chars.data();
    const auto put = [&p](std::string_view s) {
        for (char c : s) *p++ = c;
    };
    const auto put2 = [&p](std::int64_t v) {
        *p++ = static_cast<char>('0' + v / 10);
        *p++ = static_cast<char>('0' + v % 10);
    };
    put(detail::kDayNames[((days % 7) + 7) % 7]);
    put(", ");
    put2(date.day);
    *p++ = ' ';
    put(detail::kMonthNames[date.month - 1]);
    *p++ = ' ';
    put2(date.year / 100);
    put2(date.year % 100);
    *p++ = ' ';
    put2(secs / 3600);
    *p++ = ':';
    put2(secs / 60 % 60);
    *p++ = ':';
    put2(secs % 60);
    put(" GMT");
    return out;
}

/// The same for a system_clock instant (whole seconds, rounded down).
inline std::optional<HttpDate> format_http_date(std::chrono::system_clock::time_point t) noexcept {
    return format_http_date(std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
}

/// Parses an HTTP date into seconds since the Unix epoch: the IMF-fixdate every sender must use
/// ("Sun, 06 Nov 1994 08:49:37 GMT") and the two obsolete forms recipients must still accept
/// (RFC 9110 5.6.7): RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT", a two-digit year meaning
/// 1970-2069) and asctime ("Sun Nov  6 08:49:37 1994"). nullopt for anything else, including
/// impossible dates (Feb 30). The weekday must be a weekday name but is not checked against
/// the date, as RFC 9110 lets recipients ignore it.
constexpr std::optional<std::int64_t> parse_http_date(std::string_view s) noexcept {
    using namespace detail;
    const auto weekday_is = [](std::string_view name, const std::string_view (&names)[7]) {
        for (std::string_view n : names) {
            if (n == name) return true;
        }
        return false;
    };
    if (s.size() == 29 && s[3] == ',') {  // IMF-fixdate
        if (!weekday_is(s.substr(0, 3), kWeekdays) || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
            s[25] != ' ' || s.substr(26) != "GMT") {
            return std::nullopt;
        }
        const int day = read_digits(s, 5, 2);
        const int month = month_index(s.substr(8, 3));
        const int year = read_digits(s, 12, 4);
        const std::int64_t t = read_time_of_day(s, 17);
        if (day < 0 || month < 0 || year < 0 || t < 0) return std::nullopt;
        return civil_to_unix(year, month, day, t);
    }
    if (s.size() == 24 && s[3] == ' ') {  // asctime: "Sun Nov  6 08:49:37 1994"
        if (!weekday_is(s.substr(0, 3), kWeekdays) || s[7] != ' ' || s[10] != ' ' || s[19] != ' ') return std::nullopt;
        const int month = month_index(s.substr(4, 3));
        const int day = s[8] == ' ' ? read_digits(s, 9, 1) : read_digits(s, 8, 2);
        const std::int64_t t = read_time_of_day(s, 11);
        const int year = read_digits(s, 20, 4);
        if (day < 0 || month < 0 || year < 0 || t < 0) return std::nullopt;
        return civil_to_unix(year, month, day, t);
    }
    const std::size_t comma = s.find(',');  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
    if (comma == std::string_view::npos || !weekday_is(s.substr(0, comma), kLongWeekdays)) return std::nullopt;
    const std::string_view rest = s.substr(comma + 1);
    if (rest.size() != 23 || rest[0] != ' ' || rest[3] != '-' || rest[7] != '-' || rest[10] != ' ' || rest[19] != ' ' ||
        rest.substr(20) != "GMT") {
        return std::nullopt;
    }
    const int day = read_digits(rest, 1, 2);
    const int month = month_index(rest.substr(4, 3));
    const int yy = read_digits(rest, 8, 2);
    const std::int64_t t = read_time_of_day(rest, 11);
    if (day < 0 || month < 0 || yy < 0 || t < 0) return std::nullopt;
    return civil_to_unix(yy < 70 ? 2000 + yy : 1900 + yy, month, day, t);
}

}  // namespace sweet::http
