#pragma once
/// @file cookies.hpp
/// Cookies (RFC 6265, with the 6265bis additions browsers implement): reading the `Cookie`
/// request header, and building `Set-Cookie` values that are checked before they are sent.
///
/// @code
///   // reading
///   if (auto sid = sweet::cookie(req, "sid")) use(*sid);
///   for (const sweet::http::CookiePair& c : sweet::http::CookieList(*req.header("Cookie"))) ...
///
///   // writing: every attribute, validated; SameSite=None and Partitioned add Secure themselves
///   sweet::http::SetCookie sid{.name = "sid", .value = token, .path = "/", .max_age = std::chrono::hours(24),
///                              .http_only = true, .same_site = sweet::http::SameSite::lax};
///   response.add_header("Set-Cookie", sid.str());          // throws std::invalid_argument if invalid
///   if (auto ok = sweet::set_cookie(response, sid); !ok) return ok.error();   // or without exceptions
///   sweet::set_cookie(response, sweet::http::SetCookie::removal("sid"));       // logs the client out
/// @endcode
///
/// Parsing is lenient (a browser sends whatever scripts stored), building is strict (a bad
/// value is a bug on the server's side and must not reach a client half-formed). Values are
/// never percent-decoded or encoded: use `sweet/http/percent.hpp` when the application stores
/// text that needs it.
///
/// This header also holds HTTP dates (IMF-fixdate, RFC 9110 5.6.7), used by Expires here and by
/// Last-Modified / If-Modified-Since in static files.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sweet/core/ascii.hpp"
#include "sweet/core/result.hpp"
#include "sweet/http/mime_types.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet::http {

// ---------------------------------------------------------------------------------------------
// HTTP dates
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Reading the Cookie header
// ---------------------------------------------------------------------------------------------

/// One `name=value` pair of a Cookie header, as views into the header. Surrounding double
/// quotes of the value are removed (RFC 6265 allows them); nothing is decoded.
struct CookiePair {
    std::string_view name;
    std::string_view value;
};

/// The pairs of a Cookie header value ("a=1; b=2"), in order. Lenient like browsers' own
/// parsers: pieces are separated by ';', whitespace around names and values is dropped, and
/// pieces without '=' or with an empty name are skipped. Duplicate names are all yielded (a
/// browser sends the cookie with the longest matching Path first).
class CookieList {
public:
    /// Iterates `header` (which the yielded views point into).
    constexpr explicit CookieList(std::string_view header) noexcept : header_(header) {}

    /// Forward iterator over the pairs.
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = CookiePair;
        using difference_type = std::ptrdiff_t;
        using pointer = const CookiePair*;
        using reference = const CookiePair&;

        constexpr iterator() noexcept = default;
        constexpr reference operator*() const noexcept { return pair_; }
        constexpr pointer operator->() const noexcept { return &pair_; }
        constexpr iterator& operator++() noexcept {
            load(next_);
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        /// Iterators over the same header are equal when at the same pair.
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.pos_ == b.pos_; }

    private:
        friend class CookieList;
        constexpr iterator(std::string_view header, std::size_t from) noexcept : header_(header) { load(from); }

        // Moves to the first usable pair at or after `from`.
        constexpr void load(std::size_t from) noexcept {
            while (from < header_.size()) {
                std::size_t end = header_.find(';', from);
                if (end == std::string_view::npos) end = header_.size();
                const std::string_view piece = header_.substr(from, end - from);
                const std::size_t eq = piece.find('=');
                if (eq != std::string_view::npos) {
                    const std::string_view name = detail::trim_ows(piece.substr(0, eq));
                    std::string_view value = detail::trim_ows(piece.substr(eq + 1));
                    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
                    if (!name.empty()) {
                        pos_ = from;
                        next_ = end == header_.size() ? end : end + 1;
                        pair_ = CookiePair{name, value};
                        return;
                    }
                }
                from = end == header_.size() ? end : end + 1;
            }
            pos_ = next_ = header_.size();
            pair_ = {};
        }

        std::string_view header_;
        std::size_t pos_ = 0;
        std::size_t next_ = 0;
        CookiePair pair_;
    };

    [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(header_, 0); }
    [[nodiscard]] constexpr iterator end() const noexcept { return iterator(header_, header_.size()); }

private:
    std::string_view header_;
};

/// The value of the first cookie named `name` (case-sensitive, as cookie names are) in Cookie
/// header value `header`, or nullopt.
constexpr std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) noexcept {
    for (const CookiePair& c : CookieList(header)) {
        if (c.name == name) return c.value;
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Building Set-Cookie
// ---------------------------------------------------------------------------------------------

/// True for a valid cookie name: an RFC 9110 token (no spaces, no separators such as '=', ';',
/// ',' or '"').
constexpr bool is_cookie_name(std::string_view name) noexcept { return is_token(name); }

/// True for a cookie-octet (RFC 6265 4.1.1): visible ASCII except '"', ',', ';' and '\'.
constexpr bool is_cookie_octet(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x21 && u <= 0x7E && c != '"' && c != ',' && c != ';' && c != '\\';
}

/// True for a valid cookie value: cookie-octets, optionally wrapped in one pair of double quotes.
/// Empty is valid.
constexpr bool is_cookie_value(std::string_view value) noexcept {
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    for (char c : value) {
        if (!is_cookie_octet(c)) return false;
    }
    return true;
}

/// The SameSite attribute; `unset` sends none (browsers then treat the cookie as Lax).
enum class SameSite : std::uint8_t { unset, strict, lax, none };

/// A Set-Cookie header value with every attribute. An aggregate: set what you need with
/// designated initialisers. `build()`/`str()` check everything before producing text.
struct SetCookie {
    /// Longest name plus value browsers store (RFC 6265bis 5.7); longer cookies are refused here
    /// rather than silently dropped by the browser.
    static constexpr std::size_t kMaxNameValueBytes = 4096;
    /// Longest Path or Domain value browsers store (RFC 6265bis 5.7).
    static constexpr std::size_t kMaxAttributeBytes = 1024;

    std::string name{};                        ///< a token; `__Secure-` / `__Host-` prefixes are checked
    std::string value{};                       ///< cookie-octets, optionally in double quotes; may be empty
    std::string path{};                        ///< "" sends no Path; otherwise must start with '/'
    std::string domain{};                      ///< "" sends no Domain (host-only cookie)
    std::optional<std::chrono::seconds> max_age{};                       ///< >= 0; 0 deletes the cookie
    std::optional<std::chrono::system_clock::time_point> expires{};     ///< sent as an IMF-fixdate
    bool secure = false;                       ///< only over HTTPS (forced by SameSite=None and Partitioned)
    bool http_only = false;                    ///< hidden from JavaScript
    SameSite same_site = SameSite::unset;      ///< cross-site sending policy
    bool partitioned = false;                  ///< CHIPS: a separate jar per top-level site (needs Secure)

    /// A cookie that makes the browser delete `name` at once: empty value, Max-Age=0 and an
    /// Expires in 1970 (for old clients). `path` and `domain` must be those the cookie was set with.
    static SetCookie removal(std::string name, std::string path = "/", std::string domain = {}) {
        SetCookie c;
        c.name = std::move(name);
        c.path = std::move(path);
        c.domain = std::move(domain);
        c.max_age = std::chrono::seconds(0);
        c.expires = std::chrono::system_clock::time_point{};
        return c;
    }

    /// The header value ("sid=abc; Path=/; HttpOnly; SameSite=Lax"), or an Error (500; `detail`
    /// says which field is wrong and why) when a field is invalid.
    [[nodiscard]] Result<std::string> build() const {
        const auto fail = [this](std::string_view why) {
            std::string detail = "Set-Cookie ";
            detail.append(name.empty() ? std::string_view("(empty name)") : std::string_view(name).substr(0, 64));
            detail.append(": ");
            detail.append(why);
            return Error::internal(std::move(detail));
        };
        if (!is_cookie_name(name)) return fail("the name must be a non-empty token (letters, digits and !#$%&'*+-.^_`|~)");
        if (!is_cookie_value(value)) {
            return fail("the value may only hold visible ASCII except '\"', ',', ';' and '\\' (percent-encode other bytes)");
        }
        if (name.size() + value.size() > kMaxNameValueBytes) return fail("name and value together exceed 4096 bytes");
        if (!path.empty()) {
            if (path.front() != '/') return fail("Path must start with '/'");
            if (path.size() > kMaxAttributeBytes) return fail("Path exceeds 1024 bytes");
            for (char c : path) {
                const auto u = static_cast<unsigned char>(c);
                if (u < 0x20 || u == 0x7F || c == ';') return fail("Path must not contain ';' or control characters");
            }
        }
        if (!domain.empty() && !valid_domain(domain)) {
            return fail("Domain must be a host name (letters, digits, '-' and '.', optionally one leading '.')");
        }
        if (max_age && max_age->count() < 0) return fail("Max-Age must not be negative (use 0 to delete)");
        std::optional<HttpDate> expires_text;
        if (expires) {
            expires_text = format_http_date(*expires);
            if (!expires_text) return fail("Expires must fall within the years 0000-9999");
        }
        // SameSite=None and Partitioned are ignored by browsers without Secure: add it rather than
        // send a cookie that silently does nothing.
        const bool send_secure = secure || same_site == SameSite::none || partitioned;
        if (name.starts_with("__Secure-") && !send_secure) return fail("a __Secure- cookie must be Secure");
        if (name.starts_with("__Host-")) {
            if (!send_secure) return fail("a __Host- cookie must be Secure");
            if (path != "/") return fail("a __Host- cookie must have Path=/");
            if (!domain.empty()) return fail("a __Host- cookie must not have a Domain");
        }

        std::string out;
        out.reserve(name.size() + value.size() + path.size() + domain.size() + 96);
        out.append(name);
        out.push_back('=');
        out.append(value);
        if (expires_text) {
            out.append("; Expires=");
            out.append(expires_text->view());
        }
        if (max_age) {
            out.append("; Max-Age=");
            out.append(std::to_string(max_age->count()));
        }
        if (!domain.empty()) {
            out.append("; Domain=");
            out.append(domain);
        }
        if (!path.empty()) {
            out.append("; Path=");
            out.append(path);
        }
        if (send_secure) out.append("; Secure");
        if (http_only) out.append("; HttpOnly");
        switch (same_site) {
            case SameSite::unset: break;
            case SameSite::strict: out.append("; SameSite=Strict"); break;
            case SameSite::lax: out.append("; SameSite=Lax"); break;
            case SameSite::none: out.append("; SameSite=None"); break;
        }
        if (partitioned) out.append("; Partitioned");
        return out;
    }

    /// The header value; throws std::invalid_argument (with the same text as `build()`'s error
    /// detail) when a field is invalid. In a handler, that becomes a logged 500.
    [[nodiscard]] std::string str() const {
        Result<std::string> built = build();
        if (!built) throw std::invalid_argument(built.error().detail);
        return std::move(built).value();
    }

private:
    static constexpr bool valid_domain(std::string_view d) noexcept {
        if (d.front() == '.') d.remove_prefix(1);
        if (d.empty() || d.size() > 253) return false;
        std::size_t label = 0;
        for (std::size_t i = 0; i < d.size(); ++i) {
            const char c = d[i];
            if (c == '.') {
                if (label == 0) return false;
                label = 0;
                continue;
            }
            const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && c != '-') return false;
            if (++label > 63) return false;
        }
        return label != 0;
    }
};

}  // namespace sweet::http

namespace sweet {

/// The value of the first cookie named `name` in the request's Cookie headers (all of them, in
/// order), or nullopt. The view is valid until the handler returns.
inline std::optional<std::string_view> cookie(const Request& req, std::string_view name) noexcept {
    for (const http::Header& h : req.headers()) {
        if (!ascii_iequals(h.name, "cookie")) continue;
        if (auto value = http::find_cookie(h.value, name)) return value;
    }
    return std::nullopt;
}

/// Adds a `Set-Cookie` header for `c` to `response`, or returns the Error that says why `c` is
/// invalid (nothing is added then).
inline Result<void> set_cookie(Response& response, const http::SetCookie& c) {
    Result<std::string> value = c.build();
    if (!value) return std::move(value).error();
    response.add_header("Set-Cookie", std::move(value).value());
    return {};
}

}  // namespace sweet
