#pragma once
/// @file response_writer.hpp
/// Serialising a `Response` into the connection's output buffer: status line, the headers the
/// server owns (Date, Server, Content-Length or Transfer-Encoding, Connection), then the user's.

#include <charconv>
#include <string>
#include <string_view>

#include "sweet/core/ascii.hpp"
#include "sweet/http/response.hpp"
#include "sweet/http/status.hpp"

namespace sweet::http {

/// What the writer needs to know about the request being answered.
struct ResponseContext {
    bool head_request = false;  ///< HEAD: send the headers a GET would get, but no body
    bool keep_alive = true;     ///< false: add "Connection: close"
    int version_minor = 1;      ///< 0: an HTTP/1.0 client (no chunked; keep-alive must be explicit)
    std::string_view date;      ///< cached Date value
    std::string_view server;    ///< Server header value ("" to omit)
};

/// How the body of a response is delimited on the wire.
enum class BodyMode { length, chunked, until_close };

namespace detail {
inline void append_uint(std::string& out, std::uint64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
}
// Header names must be tokens and values must not contain CR, LF or NUL: anything else
// would let user data split the response.
inline bool header_is_safe(std::string_view name, std::string_view value) noexcept {
    if (name.empty()) return false;
    for (char c : name) {
        if (c <= ' ' || c == ':' || c == 127) return false;
    }
    for (char c : value) {
        if (c == '\r' || c == '\n' || c == '\0') return false;
    }
    return true;
}
inline bool server_owned(std::string_view name) noexcept {
    return ascii_iequals(name, "content-length") || ascii_iequals(name, "transfer-encoding") ||
           ascii_iequals(name, "connection") || ascii_iequals(name, "date");
}
}  // namespace detail

/// Appends the status line and headers of `r` to `out` and returns how the body must be sent.
/// A streamed response gets chunked encoding (HTTP/1.1) or is delimited by closing (HTTP/1.0).
inline BodyMode write_response_head(const Response& r, const ResponseContext& ctx, std::string& out) {
    const int status = r.status();
    out.append("HTTP/1.1 ");
    detail::append_uint(out, static_cast<std::uint64_t>(status));
    out.push_back(' ');
    out.append(reason_phrase(status));
    out.append("\r\n");
    if (!ctx.server.empty()) {
        out.append("Server: ");
        out.append(ctx.server);
        out.append("\r\n");
    }
    out.append("Date: ");
    out.append(ctx.date);
    out.append("\r\n");
    if (!r.content_type().empty() && !status_forbids_body(status)) {
        out.append("Content-Type: ");
        out.append(r.content_type());
        out.append("\r\n");
    }
    BodyMode mode = BodyMode::length;
    if (r.is_stream()) {
        mode = ctx.version_minor >= 1 ? BodyMode::chunked : BodyMode::until_close;
        if (mode == BodyMode::chunked) out.append("Transfer-Encoding: chunked\r\n");
    } else if (!status_forbids_body(status)) {
        out.append("Content-Length: ");
        detail::append_uint(out, r.body_size());
        out.append("\r\n");
    }
    for (const auto& [name, value] : r.headers()) {
        if (detail::server_owned(name) || !detail::header_is_safe(name, value)) continue;
        out.append(name);
        out.append(": ");
        out.append(value);
        out.append("\r\n");
    }
    const bool keep = ctx.keep_alive && !r.closes_connection() && mode != BodyMode::until_close;
    if (!keep) {
        out.append("Connection: close\r\n");
    } else if (ctx.version_minor == 0) {
        out.append("Connection: keep-alive\r\n");
    }
    out.append("\r\n");
    return mode;
}

/// Appends the whole response (head and, unless HEAD or bodiless status, the body). A file
/// body is not appended: the connection sends it after these bytes.
inline BodyMode write_response(const Response& r, const ResponseContext& ctx, std::string& out) {
    const BodyMode mode = write_response_head(r, ctx, out);
    if (mode == BodyMode::length && !ctx.head_request && !status_forbids_body(r.status())) out.append(r.body());
    return mode;
}

/// Appends one chunk of a chunked body ("<hex size>\r\n<data>\r\n"); empty data appends nothing.
inline void write_chunk(std::string_view data, std::string& out) {
    if (data.empty()) return;
    char buf[20];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, data.size(), 16);
    out.append(buf, end);
    out.append("\r\n");
    out.append(data);
    out.append("\r\n");
}

/// Appends the last chunk that ends a chunked body.
inline void write_last_chunk(std::string& out) { out.append("0\r\n\r\n"); }

}  // namespace sweet::http
