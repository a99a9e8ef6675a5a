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
/// Expires takes an HTTP date (sweet/http/http_date.hpp).

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "sweet/core/ascii.hpp"
#include "sweet/core/result.hpp"
#include "sweet/http/http_date.hpp"
#include "sweet/http/mime_types.hpp"
#include "sweet/http/pair_list.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet::http {

// ---------------------------------------------------------------------------------------------
// Reading the Cookie header
// ---------------------------------------------------------------------------------------------

/// One `name=value` pair of a Cookie header, as views into the header. Surrounding double
/// quotes of the value are removed (RFC 6265 allows them); nothing is decoded.
struct CookiePair {
    std::string_view name;
    std::string_view value;
};

/// How a Cookie header reads (see `CookieList`).
struct CookieSyntax {
    using Pair = CookiePair;
    static constexpr char separator = ';';
    /// A piece without '=' or with an empty name is skipped; whitespace and quotes go.
    static constexpr std::optional<CookiePair> parse(std::string_view piece) noexcept {
        const std::size_t eq = piece.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        const std::string_view name = detail::trim_ows(piece.substr(0, eq));
        std::string_view value = detail::trim_ows(piece.substr(eq + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
        if (name.empty()) return std::nullopt;
        return CookiePair{name, value};
    }
};

/// The pairs of a Cookie header value ("a=1; b=2"), in order: `for (const CookiePair& c :
/// CookieList(header))`. Lenient like browsers' own parsers: pieces are separated by ';',
/// whitespace around names and values is dropped, and pieces without '=' or with an empty name
/// are skipped. Duplicate names are all yielded (a browser sends the cookie with the longest
/// matching Path first).
using CookieList = PairList<CookieSyntax>;

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
