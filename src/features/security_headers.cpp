/// @file security_headers.cpp
/// Security headers: validated once, added to every response.

#include "sweet/features/security_headers.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "header_tokens.hpp"

namespace sweet {

SecurityHeaders::SecurityHeaders(SecurityHeadersOptions options) : replace_existing_(options.replace_existing) {
    auto add = [this](std::string name, std::string value) {
        if (value.empty()) return;  // switched off
        if (!features_detail::is_token(name)) {
            throw std::invalid_argument(fmt::format("sweet::security_headers: \"{}\" is not a valid header name", name));
        }
        if (!features_detail::is_safe_header_value(value)) {
            throw std::invalid_argument(
                fmt::format("sweet::security_headers: the value of {} contains control characters", name));
        }
        headers_.emplace_back(std::move(name), std::move(value));
    };
    add("X-Content-Type-Options", std::move(options.content_type_options));
    add("X-Frame-Options", std::move(options.frame_options));
    add("Referrer-Policy", std::move(options.referrer_policy));
    add("Strict-Transport-Security", std::move(options.strict_transport_security));
    add("Content-Security-Policy", std::move(options.content_security_policy));
    add("Cross-Origin-Opener-Policy", std::move(options.cross_origin_opener_policy));
    add("Cross-Origin-Resource-Policy", std::move(options.cross_origin_resource_policy));
    add("Cross-Origin-Embedder-Policy", std::move(options.cross_origin_embedder_policy));
    add("Permissions-Policy", std::move(options.permissions_policy));
    for (auto& [name, value] : options.extra) {
        if (value.empty()) {
            throw std::invalid_argument(fmt::format("sweet::security_headers: extra header {} has an empty value", name));
        }
        add(std::move(name), std::move(value));
    }
}

void SecurityHeaders::apply(Response& response) const {
    for (const auto& [name, value] : headers_) {
        if (!replace_existing_ && response.header(name) != nullptr) continue;
        response.set_header(name, value);
    }
}

}  // namespace sweet
