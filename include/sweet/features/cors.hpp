#pragma once
/// @file cors.hpp
/// Cross-Origin Resource Sharing (the Fetch standard's CORS protocol) as a hook bundle:
///
///     app.add_hooks(sweet::cors({.allow_origins = {"https://app.example.com", "https://*.example.org"},
///                                .allow_credentials = true}));
///
/// - A preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`) from an allowed
///   origin is answered in `on_request` with 204 and the Access-Control-Allow-* headers, before
///   routing, so it wins over the app's automatic OPTIONS answer.
/// - Every other response to an allowed origin, error responses included, gets
///   Access-Control-Allow-Origin (+ -Credentials, -Expose-Headers) in `on_response`.
/// - An origin that is not allowed gets no CORS headers at all (the browser then blocks the
///   read); it is not an error, and the request is served as usual.
/// - `Vary: Origin` is added whenever the answer depends on the origin, so caches keep apart
///   the responses for different origins.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/app/hooks.hpp"
#include "sweet/app/middleware.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet {

/// What the CORS hooks allow. Every field has a usable default; `cors({})` allows any origin
/// without credentials.
struct CorsOptions {
    /// Allowed origins. Each entry is one of:
    ///  - `"*"`: any origin (answered with `*`, or with the origin echoed when credentials are on);
    ///  - an exact origin `"https://app.example.com"` or `"http://localhost:5173"` (scheme, host,
    ///    optional port; no path, no trailing slash), compared case-insensitively;
    ///  - a subdomain pattern `"https://*.example.com"` (optionally with a port): matches
    ///    `https://a.example.com` and `https://a.b.example.com`, never `https://example.com`,
    ///    `https://badexample.com` or another scheme or port. `*` is allowed only as the whole
    ///    first label; nothing is a regular expression;
    ///  - `"null"`: the opaque origin of sandboxed frames and `file:` pages (never matched by `*`
    ///    when credentials are on, since echoing it would trust every sandboxed page).
    /// Default: `{"*"}`.
    std::vector<std::string> allow_origins{"*"};
    /// Methods a preflight may ask for (Access-Control-Allow-Methods). `"*"` allows any: sent
    /// as `*` without credentials, else the requested method is echoed.
    /// Default: GET, HEAD, POST, PUT, PATCH, DELETE.
    std::vector<std::string> allow_methods{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"};
    /// Request headers a preflight may ask for (Access-Control-Allow-Headers). Empty (the
    /// default) echoes the headers the preflight asked for (when they are valid header names);
    /// `"*"` is sent as `*` without credentials and echoes the request otherwise.
    std::vector<std::string> allow_headers{};
    /// Response headers the browser lets scripts read (Access-Control-Expose-Headers). `"*"`
    /// works only without credentials (the constructor refuses it otherwise). Default: none.
    std::vector<std::string> expose_headers{};
    /// Send `Access-Control-Allow-Credentials: true` (cookies, HTTP auth). The allowed origin
    /// is then always echoed, never `*`. Default: false.
    bool allow_credentials = false;
    /// How long a browser may cache a preflight answer (Access-Control-Max-Age); nullopt omits
    /// the header (browsers then use 5 s). Default: 600 s (Chromium caps it at 7200 s).
    std::optional<std::chrono::seconds> max_age = std::chrono::seconds(600);
    /// Answer `Access-Control-Request-Private-Network: true` preflights with
    /// `Access-Control-Allow-Private-Network: true` (Chromium's Private Network Access).
    /// Default: false.
    bool allow_private_network = false;
    /// Status of a preflight answer (204, or 200 for very old clients). Default: 204.
    int preflight_status = 204;
};

/// The CORS rules compiled from `CorsOptions`; the hooks of `sweet::cors` call it. Thread-safe
/// (immutable after construction).
class CorsPolicy {
public:
    /// Compiles `options`. Throws `std::invalid_argument` naming the bad entry when an origin,
    /// pattern, method or header name is malformed, or `*` is exposed together with credentials.
    explicit CorsPolicy(CorsOptions options);

    /// True when a request from `origin` (the Origin header's value) may read responses.
    [[nodiscard]] bool allows_origin(std::string_view origin) const noexcept;
    /// True for a CORS preflight: OPTIONS with both Origin and Access-Control-Request-Method.
    [[nodiscard]] static bool is_preflight(const Request& request) noexcept;
    /// The preflight answer for `request` when it is a preflight from an allowed origin, else
    /// nullopt (the request goes on to routing).
    [[nodiscard]] std::optional<Response> preflight_response(const Request& request) const;
    /// Adds the CORS headers of an actual (non-preflight) request's response, and `Vary: Origin`.
    /// Leaves a response that already has Access-Control-Allow-Origin alone.
    void decorate(const Request& request, Response& response) const;
    /// The options in force.
    [[nodiscard]] const CorsOptions& options() const noexcept { return options_; }

private:
    struct OriginPattern {
        std::string scheme;  // "https"
        std::string suffix;  // ".example.com"
        std::string port;    // "" or "8443"
    };
    std::string allow_origin_value(std::string_view origin) const;

    CorsOptions options_;
    bool any_origin_ = false;
    bool null_origin_ = false;
    bool varies_by_origin_ = true;
    bool any_method_ = false;
    bool any_header_ = false;
    std::vector<std::string> exact_origins_;
    std::vector<OriginPattern> patterns_;
    std::string methods_value_;
    std::string headers_value_;
    std::string expose_value_;
    std::string max_age_value_;
};

/// The CORS hook bundle: install with `app.add_hooks(sweet::cors({...}))` or on a group.
/// See the file comment for what it does and `CorsOptions` for every setting.
inline auto cors(CorsOptions options = {}) {
    auto policy = std::make_shared<const CorsPolicy>(std::move(options));
    return sweet::hooks(
        sweet::on_request([policy](Request& request) -> Step {
            if (auto answer = policy->preflight_response(request)) return sweet::respond(std::move(*answer));
            return sweet::next();
        }),
        sweet::on_response([policy](Request& request, Response& response) { policy->decorate(request, response); }));
}

}  // namespace sweet
