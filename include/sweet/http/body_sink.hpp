#pragma once
/// @file body_sink.hpp
/// `BodySink`: a request body handed over piece by piece as it arrives, instead of being
/// collected in memory first. Uploads use it (`sweet::Upload` parses multipart/form-data as
/// the bytes come in and spools files to disk), so memory does not grow with the upload and a
/// limit is enforced at the byte that breaks it.
///
/// The server asks `RequestHandler::stream_body` for a sink when a request head with a body
/// arrives, before reading any of the body. With a sink:
///  - the body goes to `on_body_data` (chunked framing removed), never into memory as a whole;
///  - `ServerConfig::max_body_bytes` does not apply: the sink enforces its own limits;
///  - the handler runs once the body has ended (`on_body_end`), or as soon as the sink stops
///    accepting (an error it keeps and the handler reports, e.g. 413). In the second case the
///    rest of the body is never read and the connection closes after the response.

#include <string_view>

namespace sweet::http {

/// Receives one request's body as it arrives (see the file comment). Called on the worker
/// thread that serves the request.
class BodySink {
public:
    virtual ~BodySink() = default;
    /// False when the sink refuses the body before reading any of it (a wrong Content-Type, a
    /// Content-Length over its limit): the handler runs at once, without the body.
    [[nodiscard]] virtual bool accepting() const noexcept = 0;
    /// More bytes of the body (never empty; the view is valid during the call only). Return
    /// false to stop reading: the handler then runs at once (the sink keeps the reason).
    virtual bool on_body_data(std::string_view data) = 0;
    /// The whole body has arrived.
    virtual void on_body_end() = 0;
};

}  // namespace sweet::http
