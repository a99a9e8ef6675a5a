#pragma once
/// @file request_head.hpp
/// What the parser produces from a request's start line and header section: views into the
/// receive buffer (nothing is copied) plus the framing facts the connection needs.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "sweet/core/ascii.hpp"
#include "sweet/http/method.hpp"

namespace sweet::http {

/// One header field as sent: `name` keeps the client's case; `value` has no surrounding
/// whitespace. Both view the receive buffer.
struct Header {
    std::string_view name;
    std::string_view value;
};

/// How the request body is delimited (RFC 9112 section 6).
enum class BodyFraming : std::uint8_t {
    none,            ///< no body
    content_length,  ///< exactly `content_length` bytes follow
    chunked,         ///< chunked transfer coding
};

/// The parsed start line and header section of one request.
struct RequestHead {
    Method method = Method::other;
    std::string_view method_name;  ///< the method token as sent ("GET", or an extension method)
    std::string_view target;       ///< request-target as sent
    std::string_view path;         ///< path part (origin-form; from absolute-form, the part after the authority; "*" for asterisk-form), not percent-decoded
    std::string_view query;        ///< query after '?', without the '?'; not decoded; empty when absent
    std::string_view authority;    ///< authority from an absolute-form target, else empty
    std::uint8_t version_minor = 1;  ///< HTTP/1.x minor version: 0 or 1

    Header* headers = nullptr;     ///< the header fields, in order (storage supplied by the caller)
    std::size_t header_count = 0;

    std::string_view host;                 ///< the Host header's value (empty for HTTP/1.0 without Host)
    BodyFraming framing = BodyFraming::none;
    std::uint64_t content_length = 0;      ///< valid when framing == content_length
    bool keep_alive = true;                ///< after this request, may the connection be reused?
    bool expect_continue = false;          ///< "Expect: 100-continue" was sent
    bool upgrade = false;                  ///< "Connection: upgrade" with an Upgrade header

    /// The first header named `name` (case-insensitive), if any.
    [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const noexcept {
        for (std::size_t i = 0; i < header_count; ++i) {
            if (ascii_iequals(headers[i].name, name)) return headers[i].value;
        }
        return std::nullopt;
    }

};

}  // namespace sweet::http
