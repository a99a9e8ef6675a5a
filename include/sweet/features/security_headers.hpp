#pragma once
/// @file security_headers.hpp
/// Security-related response headers as a hook bundle, each one switchable:
///
///     app.add_hooks(sweet::security_headers());   // the defaults below
///     app.add_hooks(sweet::security_headers({
///         .strict_transport_security = "max-age=63072000; includeSubDomains",
///         .content_security_policy = "default-src 'none'; frame-ancestors 'none'",
///     }));
///
/// An empty string turns a header off. The headers are added in `on_response`, so error
/// responses carry them too; a header the handler set itself is kept unless `replace_existing`.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sweet/app/hooks.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet {

/// The headers `sweet::security_headers` adds. "" leaves a header out.
struct SecurityHeadersOptions {
    /// X-Content-Type-Options: stops browsers from guessing content types. Default: "nosniff".
    std::string content_type_options = "nosniff";
    /// X-Frame-Options: whether pages may be framed ("DENY" or "SAMEORIGIN"). Default: "DENY".
    std::string frame_options = "DENY";
    /// Referrer-Policy. Default: "no-referrer".
    std::string referrer_policy = "no-referrer";
    /// Strict-Transport-Security, e.g. "max-age=63072000; includeSubDomains". Browsers honour it
    /// only over HTTPS, so turn it on when a TLS proxy fronts the server. Default: off.
    std::string strict_transport_security{};
    /// Content-Security-Policy, e.g. "default-src 'none'; frame-ancestors 'none'" for a pure
    /// JSON API. Default: off (a policy depends on what the app serves).
    std::string content_security_policy{};
    /// Cross-Origin-Opener-Policy. Default: "same-origin".
    std::string cross_origin_opener_policy = "same-origin";
    /// Cross-Origin-Resource-Policy: who may embed responses ("same-origin", "same-site",
    /// "cross-origin"). Default: "same-origin".
    std::string cross_origin_resource_policy = "same-origin";
    /// Cross-Origin-Embedder-Policy, e.g. "require-corp". Default: off.
    std::string cross_origin_embedder_policy{};
    /// Permissions-Policy, e.g. "camera=(), geolocation=()". Default: off.
    std::string permissions_policy{};
    /// Further headers as (name, value) pairs. Default: none.
    std::vector<std::pair<std::string, std::string>> extra{};
    /// Overwrite a header of the same name the handler already set. Default: false (the
    /// handler's choice wins, e.g. a page that must be framable).
    bool replace_existing = false;
};

/// The header list compiled from `SecurityHeadersOptions`; immutable, shared by every worker.
class SecurityHeaders {
public:
    /// Compiles `options`. Throws `std::invalid_argument` when a name is not a header name or a
    /// value holds control characters (CR/LF would split the response).
    explicit SecurityHeaders(SecurityHeadersOptions options);
    /// Adds the headers to `response`.
    void apply(Response& response) const;
    /// The (name, value) pairs that `apply` adds, in order.
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }

private:
    std::vector<std::pair<std::string, std::string>> headers_;
    bool replace_existing_ = false;
};

/// The security-headers hook bundle (see the file comment).
inline auto security_headers(SecurityHeadersOptions options = {}) {
    auto compiled = std::make_shared<const SecurityHeaders>(std::move(options));
    return sweet::hooks(sweet::on_response([compiled](Request&, Response& response) { compiled->apply(response); }));
}

}  // namespace sweet
