#pragma once
/// @file response.hpp
/// `Response`: what a handler returns. Status, headers and a body: bytes in memory, a region of
/// an open file (sent with sendfile), or a stream that keeps the connection open and writes
/// chunks later (server-sent events, long downloads).

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/core/ascii.hpp"
#include "sweet/core/unique_function.hpp"
#include "sweet/http/file_body.hpp"
#include "sweet/http/status.hpp"
#include "sweet/json/serialize.hpp"

namespace sweet {

namespace http {
/// Implemented by the connection that carries a streamed response. Users never see it; they use
/// `ResponseStream`, which checks `token` so a handle outliving its connection is harmless.
class StreamSink {
public:
    /// Queues one chunk; false when the stream is gone (client left or stream ended).
    virtual bool stream_write(std::uint64_t token, std::string_view data) = 0;
    /// Ends the stream (writes the last chunk); the connection then serves the next request.
    virtual void stream_end(std::uint64_t token) = 0;
    /// True while the stream can still be written.
    [[nodiscard]] virtual bool stream_open(std::uint64_t token) const = 0;
    /// Runs `fn` once when the stream closes, for whatever reason.
    virtual void stream_on_close(std::uint64_t token, UniqueFunction<void()> fn) = 0;

protected:
    ~StreamSink() = default;
};
}  // namespace http

/// A handle to a streamed (chunked) response. It is cheap to copy and stays safe to use after the
/// client has gone: writes then return false. Use it only on the worker thread that created it
/// (timers and posted tasks on that worker are the way to write later).
class ResponseStream {
public:
    /// A handle to no stream: writes return false.
    ResponseStream() = default;
    /// Made by the connection that carries the stream (not by users).
    ResponseStream(http::StreamSink* sink, std::uint64_t token) : sink_(sink), token_(token) {}

    /// Sends `data` as one chunk (empty data is ignored). Returns false when the stream is closed.
    bool write(std::string_view data) { return sink_ != nullptr && sink_->stream_write(token_, data); }
    /// Finishes the response. Further writes return false.
    void end() {
        if (sink_ != nullptr) sink_->stream_end(token_);
    }
    /// True until `end()` or until the client disconnects.
    [[nodiscard]] bool is_open() const { return sink_ != nullptr && sink_->stream_open(token_); }
    /// Registers `fn` to run once when the stream closes (ended or client gone).
    void on_close(UniqueFunction<void()> fn) {
        if (sink_ != nullptr) sink_->stream_on_close(token_, std::move(fn));
    }

private:
    http::StreamSink* sink_ = nullptr;
    std::uint64_t token_ = 0;
};

/// An HTTP response. Build one with a named constructor (`text`, `json_text`, `html`, `empty`,
/// `redirect`, `file`, `stream`) and adjust it with the chained setters.
class Response {
public:
    /// Called once the response head has been queued, with the handle that writes the body.
    using StreamStart = UniqueFunction<void(ResponseStream)>;

    Response() = default;
    /// A response with `status` and no body.
    explicit Response(int status) : status_(status) {}

    /// `text/plain; charset=utf-8` body.
    static Response text(std::string body, int status = 200) {
        return Response(status, "text/plain; charset=utf-8", std::move(body));
    }
    /// `text/html; charset=utf-8` body.
    static Response html(std::string body, int status = 200) {
        return Response(status, "text/html; charset=utf-8", std::move(body));
    }
    /// A body that is already JSON text, sent as `application/json`.
    static Response json_text(std::string json, int status = 200) {
        return Response(status, "application/json", std::move(json));
    }
    /// `value` serialized as JSON (`application/json`): structs with a schema, containers,
    /// numbers, strings, `json::Value`; see sweet/json/serialize.hpp. Invalid UTF-8 in strings
    /// becomes U+FFFD.
    template <json::Serializable T>
    static Response json(const T& value, int status = 200) {
        Response r(status, "application/json", {});
        json::Writer writer(r.body_);
        json::write(writer, value);
        return r;
    }
    /// No body (204 by default).
    static Response empty(int status = 204) { return Response(status); }
    /// A redirect to `location` (302 by default; 301, 303, 307 and 308 also fit).
    static Response redirect(std::string location, int status = 302) {
        Response r(status);
        r.set_header("Location", std::move(location));
        return r;
    }
    /// A chunked response whose body is written later through a `ResponseStream`.
    static Response stream(StreamStart start, std::string content_type = "text/plain; charset=utf-8", int status = 200) {
        Response r(status, std::move(content_type), {});
        r.stream_start_ = std::move(start);
        return r;
    }

    /// `file.length` bytes of an open file from `file.offset`, sent by the connection with
    /// sendfile(2) straight from the page cache (Content-Length is the length). For large files:
    /// nothing is read into memory, whatever the size. A small file is cheaper read into a
    /// string body, which leaves with the head in one write. A file body is never compressed.
    static Response file(http::FileBody file, std::string content_type, int status = 200) {
        Response r(status, std::move(content_type), {});
        r.file_ = std::move(file);
        return r;
    }

    /// Status code.
    [[nodiscard]] int status() const noexcept { return status_; }
    /// Sets the status code.
    Response& set_status(int status) & { status_ = status; return *this; }
    Response&& set_status(int status) && { status_ = status; return std::move(*this); }

    /// Content-Type ("" means none is sent).
    [[nodiscard]] std::string_view content_type() const noexcept { return content_type_; }
    /// Sets the Content-Type ("" sends none).
    Response& set_content_type(std::string type) & { content_type_ = std::move(type); return *this; }
    Response&& set_content_type(std::string type) && { content_type_ = std::move(type); return std::move(*this); }

    /// Body bytes (empty for a file body).
    [[nodiscard]] const std::string& body() const noexcept { return body_; }
    /// Body bytes, to modify in place.
    std::string& body() noexcept { return body_; }
    /// Replaces the body (a file body is dropped).
    Response& set_body(std::string body) & {
        body_ = std::move(body);
        file_ = {};
        return *this;
    }
    /// Bytes the body has on the wire: the file region's length for a file body.
    [[nodiscard]] std::uint64_t body_size() const noexcept { return file_ ? file_.length : body_.size(); }

    /// True when the body is a region of an open file (`Response::file`).
    [[nodiscard]] bool has_file_body() const noexcept { return static_cast<bool>(file_); }
    /// The file body (empty when there is none).
    [[nodiscard]] const http::FileBody& file_body() const noexcept { return file_; }
    /// Takes the file body (the connection does, to send it).
    http::FileBody take_file_body() { return std::move(file_); }

    /// Sets a header, replacing any header of the same name (case-insensitive).
    Response& set_header(std::string name, std::string value) & {
        for (auto& h : headers_) {
            if (ascii_iequals(h.first, name)) {
                h.second = std::move(value);
                return *this;
            }
        }
        headers_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    Response&& set_header(std::string name, std::string value) && { set_header(std::move(name), std::move(value)); return std::move(*this); }
    /// Adds a header even if one of that name exists (for Set-Cookie and the like).
    Response& add_header(std::string name, std::string value) & {
        headers_.emplace_back(std::move(name), std::move(value));
        return *this;
    }
    Response&& add_header(std::string name, std::string value) && { add_header(std::move(name), std::move(value)); return std::move(*this); }
    /// The first header named `name`, or nullptr.
    [[nodiscard]] const std::string* header(std::string_view name) const {
        for (const auto& h : headers_) {
            if (ascii_iequals(h.first, name)) return &h.second;
        }
        return nullptr;
    }
    /// Extra headers (Content-Type, Content-Length, Date and Server are written by the server).
    [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return headers_; }

    /// Asks the server to close the connection after this response.
    Response& close_connection() & { close_ = true; return *this; }
    /// True when `close_connection()` was called.
    [[nodiscard]] bool closes_connection() const noexcept { return close_; }

    /// True for a streamed response.
    [[nodiscard]] bool is_stream() const noexcept { return static_cast<bool>(stream_start_); }
    /// Takes the stream starter (the connection calls it once the head is queued).
    StreamStart take_stream_start() { return std::move(stream_start_); }

private:
    Response(int status, std::string content_type, std::string body)
        : status_(status), content_type_(std::move(content_type)), body_(std::move(body)) {}

    int status_ = 200;
    bool close_ = false;
    std::string content_type_;
    std::string body_;
    std::vector<std::pair<std::string, std::string>> headers_;
    http::FileBody file_;
    StreamStart stream_start_;
};

}  // namespace sweet
