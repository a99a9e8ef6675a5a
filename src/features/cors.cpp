/// @file cors.cpp
/// CORS rules: origin matching (exact, `*`, subdomain patterns), preflight answers and the
/// headers of actual responses.

#include "sweet/features/cors.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "header_tokens.hpp"

namespace sweet {

namespace {

using features_detail::add_vary;
using features_detail::for_each_list_element;
using features_detail::is_token;

// The parts of a serialized origin "scheme://host[:port]" (views into the input).
struct OriginParts {
    std::string_view scheme;
    std::string_view host;
    std::string_view port;  // digits, or empty
};

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_hex(char c) noexcept { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// Parses a serialized origin strictly: a scheme, "://", a host name (letters, digits, '-', '.',
// '_') or a bracketed IPv6 literal, an optional port of 1-5 digits, and nothing after it (a
// path, a trailing slash, userinfo or whitespace make it invalid). `allow_star` lets a pattern's
// '*' through as a host character; callers check where it sits.
std::optional<OriginParts> parse_origin(std::string_view s, bool allow_star = false) {
    OriginParts parts;
    const std::size_t sep = s.find("://");
    if (sep == std::string_view::npos || sep == 0) return std::nullopt;
    parts.scheme = s.substr(0, sep);
    if (!is_alpha(parts.scheme[0])) return std::nullopt;
    for (char c : parts.scheme) {
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.') return std::nullopt;
    }
    std::string_view rest = s.substr(sep + 3);
    std::size_t host_end = 0;
    if (!rest.empty() && rest[0] == '[') {
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos || close < 3) return std::nullopt;
        for (char c : rest.substr(1, close - 1)) {
            if (!is_hex(c) && c != ':' && c != '.') return std::nullopt;
        }
        host_end = close + 1;
    } else {
        while (host_end < rest.size()) {
            const char c = rest[host_end];
            if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '.' && c != '_' && !(allow_star && c == '*')) break;
            ++host_end;
        }
        if (host_end == 0) return std::nullopt;
    }
    parts.host = rest.substr(0, host_end);
    rest.remove_prefix(host_end);
    if (!rest.empty()) {
        if (rest[0] != ':' || rest.size() < 2 || rest.size() > 6) return std::nullopt;
        for (char c : rest.substr(1)) {
            if (!is_digit(c)) return std::nullopt;
        }
        parts.port = rest.substr(1);
    }
    return parts;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = ascii_lower(c);
    return out;
}

// "a, b, c" from a list of tokens, refusing anything that is not a token.
std::string join_tokens(const std::vector<std::string>& items, std::string_view what) {
    std::string out;
    for (const std::string& item : items) {
        if (!is_token(item)) {
            throw std::invalid_argument(fmt::format("sweet::cors: {} entry \"{}\" is not a valid token", what, item));
        }
        if (!out.empty()) out += ", ";
        out += item;
    }
    return out;
}

bool contains_star(const std::vector<std::string>& items) {
    for (const std::string& item : items) {
        if (item == "*") return true;
    }
    return false;
}

// The preflight's requested header names, normalized to "a, b" (lower case), or "" when the
// list is empty or holds something that is not a header name (nothing is echoed then).
std::string requested_headers(std::string_view list) {
    std::string out;
    const bool valid = for_each_list_element(list, [&out](std::string_view name) {
        if (!is_token(name)) return false;
        if (!out.empty()) out += ", ";
        out += lower(name);
        return true;
    });
    return valid ? out : std::string{};
}

}  // namespace

CorsPolicy::CorsPolicy(CorsOptions options) : options_(std::move(options)) {
    for (const std::string& entry : options_.allow_origins) {
        if (entry == "*") {
            any_origin_ = true;
            continue;
        }
        if (entry == "null") {
            null_origin_ = true;
            continue;
        }
        const std::optional<OriginParts> parts = parse_origin(entry, true);
        if (!parts) {
            throw std::invalid_argument(fmt::format(
                "sweet::cors: allowed origin \"{}\" is not an origin (expected scheme://host[:port], "
                "no path or trailing slash)",
                entry));
        }
        const std::size_t star = parts->host.find('*');
        if (star == std::string_view::npos) {
            exact_origins_.push_back(lower(entry));
            continue;
        }
        // A pattern: '*' must be the whole first label, followed by at least one more label.
        const std::string_view suffix = parts->host.substr(1);
        if (star != 0 || suffix.size() < 2 || suffix[0] != '.' || suffix.find('*') != std::string_view::npos ||
            suffix.find("..") != std::string_view::npos || suffix.back() == '.') {
            throw std::invalid_argument(fmt::format(
                "sweet::cors: origin pattern \"{}\" is invalid: '*' may only stand for whole leading labels, "
                "as in https://*.example.com",
                entry));
        }
        patterns_.push_back(OriginPattern{lower(parts->scheme), lower(suffix), std::string(parts->port)});
    }
    varies_by_origin_ = !(any_origin_ && !options_.allow_credentials);

    any_method_ = contains_star(options_.allow_methods);
    if (!any_method_) methods_value_ = join_tokens(options_.allow_methods, "allow_methods");
    any_header_ = contains_star(options_.allow_headers);
    if (!any_header_) headers_value_ = join_tokens(options_.allow_headers, "allow_headers");
    if (contains_star(options_.expose_headers)) {
        if (options_.allow_credentials) {
            throw std::invalid_argument(
                "sweet::cors: expose_headers \"*\" does not work with allow_credentials (browsers read it as a "
                "header named '*'); list the headers instead");
        }
        expose_value_ = "*";
    } else {
        expose_value_ = join_tokens(options_.expose_headers, "expose_headers");
    }
    if (options_.max_age) {
        if (options_.max_age->count() < 0) throw std::invalid_argument("sweet::cors: max_age must not be negative");
        max_age_value_ = std::to_string(options_.max_age->count());
    }
    if (options_.preflight_status < 200 || options_.preflight_status > 299) {
        throw std::invalid_argument(fmt::format(
            "sweet::cors: preflight_status {} is not a 2xx status (browsers reject other preflight answers)",
            options_.preflight_status));
    }
}

bool CorsPolicy::allows_origin(std::string_view origin) const noexcept {
    if (origin == "null") return null_origin_ || (any_origin_ && !options_.allow_credentials);
    const std::optional<OriginParts> parts = parse_origin(origin);
    if (!parts) return false;
    if (any_origin_) return true;
    for (const std::string& exact : exact_origins_) {
        if (ascii_iequals(exact, origin)) return true;
    }
    for (const OriginPattern& p : patterns_) {
        if (!ascii_iequals(p.scheme, parts->scheme) || p.port != parts->port) continue;
        const std::string_view host = parts->host;
        // At least one label before the suffix: "a.example.com" yes, "example.com" no.
        if (host.size() <= p.suffix.size() || host.front() == '[') continue;
        const std::string_view tail = host.substr(host.size() - p.suffix.size());
        const std::string_view head = host.substr(0, host.size() - p.suffix.size());
        if (!ascii_iequals(tail, p.suffix) || head.empty() || head.front() == '.' || head.back() == '.' ||
            head.find("..") != std::string_view::npos) {
            continue;
        }
        return true;
    }
    return false;
}

bool CorsPolicy::is_preflight(const Request& request) noexcept {
    return request.method() == http::Method::options && request.header("Origin").has_value() &&
           request.header("Access-Control-Request-Method").has_value();
}

std::string CorsPolicy::allow_origin_value(std::string_view origin) const {
    if (!varies_by_origin_) return "*";
    return std::string(origin);
}

std::optional<Response> CorsPolicy::preflight_response(const Request& request) const {
    if (!is_preflight(request)) return std::nullopt;
    const std::string_view origin = *request.header("Origin");
    if (!allows_origin(origin)) return std::nullopt;  // routing answers it; the browser sees no CORS grant

    Response response = Response::empty(options_.preflight_status);
    response.set_header("Access-Control-Allow-Origin", allow_origin_value(origin));
    if (options_.allow_credentials) response.set_header("Access-Control-Allow-Credentials", "true");

    const std::string_view method = features_detail::trim_ows(*request.header("Access-Control-Request-Method"));
    if (any_method_) {
        // A literal '*' means "any" only for requests without credentials.
        if (!options_.allow_credentials) {
            response.set_header("Access-Control-Allow-Methods", "*");
        } else if (is_token(method)) {
            response.set_header("Access-Control-Allow-Methods", std::string(method));
        }
    } else if (!methods_value_.empty()) {
        response.set_header("Access-Control-Allow-Methods", methods_value_);
    }

    const bool reflect_headers = options_.allow_headers.empty() || (any_header_ && options_.allow_credentials);
    if (reflect_headers) {
        add_vary(response, "Access-Control-Request-Headers");
        if (auto asked = request.header("Access-Control-Request-Headers")) {
            std::string echoed = requested_headers(*asked);
            if (!echoed.empty()) response.set_header("Access-Control-Allow-Headers", std::move(echoed));
        }
    } else if (any_header_) {
        response.set_header("Access-Control-Allow-Headers", "*");
    } else {
        response.set_header("Access-Control-Allow-Headers", headers_value_);
    }

    if (!max_age_value_.empty()) response.set_header("Access-Control-Max-Age", max_age_value_);
    if (options_.allow_private_network) {
        auto pna = request.header("Access-Control-Request-Private-Network");
        if (pna && ascii_iequals(features_detail::trim_ows(*pna), "true")) {
            response.set_header("Access-Control-Allow-Private-Network", "true");
        }
    }
    if (varies_by_origin_) add_vary(response, "Origin");
    return response;
}

void CorsPolicy::decorate(const Request& request, Response& response) const {
    if (response.header("Access-Control-Allow-Origin") != nullptr) return;  // a preflight, or set by the handler
    // Even without a grant the response depends on Origin: a cache must not hand a response
    // made without CORS headers to an allowed origin.
    if (varies_by_origin_) add_vary(response, "Origin");
    const std::optional<std::string_view> origin = request.header("Origin");
    if (!origin || !allows_origin(*origin)) return;
    response.set_header("Access-Control-Allow-Origin", allow_origin_value(*origin));
    if (options_.allow_credentials) response.set_header("Access-Control-Allow-Credentials", "true");
    if (!expose_value_.empty()) response.set_header("Access-Control-Expose-Headers", expose_value_);
}

}  // namespace sweet
