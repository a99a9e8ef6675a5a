/// @file connection.cpp
/// One HTTP/1.1 connection, from bytes in to bytes out. The path of a request:
///  1. `on_data` gets bytes from the reactor (often straight from a kernel-provided buffer).
///  2. `process` finds complete request heads and parses them in place (no copy), reading
///     Content-Length or chunked bodies that may span many reads.
///  3. `dispatch` builds a `Request` and calls the app's handler.
///  4. `write_response` appends the answer to `out_`; pipelined requests read in the same batch
///     append theirs behind it, in order.
///  5. `flush` hands everything queued to the reactor in one send once the batch is processed.
///     A file body follows its head with `Reactor::send_file` (sendfile: page cache to socket).
/// Bytes that do not yet form a full request are copied into `in_`; an idle connection holds
/// no buffer at all.

#include "connection.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <exception>

#include <fmt/format.h>

#include "sweet/http/response_writer.hpp"

namespace sweet::http {

namespace {
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// simdjson and other SIMD readers may read a little past the end of a body (Request::body()
// promises kBodyPadding readable bytes). Bodies parsed in place get it from the reactor's
// receive padding or from `in_`'s spare capacity; bodies collected across reads reserve it.
static_assert(kBodyPadding <= net::kReceivePadding, "receive buffers must carry the body padding");
}  // namespace

HttpConnection::HttpConnection(HttpServer& server)
    : server_(server),
      chunked_(ChunkedLimits{server.limits_.max_body_bytes, 1024, server.limits_.parser.max_header_bytes}) {}

void HttpConnection::start(int fd) {
    state_ = State::reading_head;
    // The peer's address, once per connection (rate limits and logs key on it).
    peer_ip_ = {};
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if (fd >= 0 && ::getpeername(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
        const void* raw = nullptr;
        if (addr.ss_family == AF_INET) raw = &reinterpret_cast<const sockaddr_in*>(&addr)->sin_addr;
        if (addr.ss_family == AF_INET6) raw = &reinterpret_cast<const sockaddr_in6*>(&addr)->sin6_addr;
        if (raw != nullptr && ::inet_ntop(addr.ss_family, raw, peer_ip_buf_, sizeof peer_ip_buf_) != nullptr) {
            peer_ip_ = peer_ip_buf_;
        }
    }
    sending_ = close_after_response_ = processing_ = paused_ = peer_closed_ = false;
    head_scan_from_ = 0;
    early_parse_size_ = 0;
    body_expected_ = 0;
    ++stream_token_;
    // The first request must arrive as promptly as any other head (slowloris).
    set_deadline(server_.limits_.header_timeout);
}

bool HttpConnection::idle() const noexcept {
    return state_ == State::reading_head && in_.empty() && !sending_ && out_.empty();
}

void HttpConnection::set_deadline(std::chrono::milliseconds d) { deadline_ = server_.reactor_.now() + d; }

// ---- reading ------------------------------------------------------------------------------

void HttpConnection::on_data(std::string_view data) {
    if (state_ == State::lingering || state_ == State::closed || state_ == State::closing) return;  // discard
    if (in_.empty() && !response_holds_input() && !paused_) {
        // Fast path: parse straight from the receive buffer; copy only an unfinished tail.
        const std::size_t used = process(data);
        keep_leftover(data, used);
    } else {
        server_.ensure_buffer(in_);
        in_.reserve(in_.size() + data.size() + kBodyPadding);  // a body parsed in place needs the slack
        in_.append(data);
        if (!response_holds_input() && !paused_) {
            const std::size_t used = process(in_);
            if (state_ == State::closing || state_ == State::lingering || state_ == State::closed) {
                in_.clear();  // an error or a closing response ends reading: the rest is dropped
            } else {
                in_.erase(0, used);
            }
            if (in_.empty()) server_.give_buffer(in_);
        } else if (in_.size() > server_.limits_.parser.max_header_bytes + server_.limits_.max_body_bytes) {
            // The client keeps sending while we cannot read: stop reading until we can.
            if (!paused_) {
                paused_ = true;
                server_.reactor_.pause_receive(*this);
            }
        }
    }
    flush();
}

void HttpConnection::keep_leftover(std::string_view buffer, std::size_t pos) {
    if (pos >= buffer.size()) return;
    if (state_ == State::closing || state_ == State::lingering || state_ == State::closed) return;
    server_.ensure_buffer(in_);
    in_.reserve(buffer.size() - pos + kBodyPadding);  // a body parsed from here later needs the slack
    in_.assign(buffer.substr(pos));
}

std::size_t HttpConnection::process(std::string_view buffer) {
    processing_ = true;
    std::size_t pos = 0;
    while (pos < buffer.size()) {
        // Too much output queued: keep the rest of the input for when the client has read.
        if (out_.size() > server_.limits_.max_output_bytes) break;
        if (state_ == State::reading_head) {
            if (!handle_head(buffer, pos)) break;
        } else if (state_ == State::reading_body) {
            const std::size_t take = static_cast<std::size_t>(
                std::min<std::uint64_t>(body_expected_ - body_received_, buffer.size() - pos));
            const std::string_view piece = buffer.substr(pos, take);
            pos += take;
            body_received_ += take;
            set_deadline(server_.limits_.body_timeout);
            if (sink_) {
                if (!feed_body_sink(piece)) break;  // the sink stopped: the request was answered
            } else {
                body_.append(piece);
            }
            if (body_received_ == body_expected_) finish_body_request();
        } else if (state_ == State::reading_chunked) {
            const ChunkedDecoder::Step step = chunked_.feed(buffer.substr(pos), body_);
            pos += step.consumed;
            set_deadline(server_.limits_.body_timeout);
            if (step.status != 0) {
                respond_error(step.status, step.reason);
                break;
            }
            if (sink_ && !body_.empty()) {
                const bool more = feed_body_sink(body_);
                body_.clear();  // a streamed body never collects: at most one read's worth at a time
                if (!more) break;
            }
            if (step.done) {
                finish_body_request();
            } else if (step.consumed == 0) {
                break;
            }
        } else {
            break;  // streaming, sending a file, closing, lingering: the rest waits (or is dropped)
        }
    }
    processing_ = false;
    return pos;
}

// Tries to take one request head from buffer[pos...]. Returns false when more bytes are needed
// or the connection stops reading (error, close, stream).
bool HttpConnection::handle_head(std::string_view buffer, std::size_t& pos) {
    const std::string_view rest = buffer.substr(pos);
    const ParserLimits& limits = server_.limits_.parser;
    const std::size_t end = find_head_end(rest, head_scan_from_);
    if (end == std::string_view::npos) {
        // Parse the unfinished head whenever a new line has arrived, so a malformed line (bare
        // LF, bad header name...) is answered now rather than after the header timeout; and once
        // it could break a size limit, so 414/431 come early too (throttled to every KiB of
        // growth so a byte-at-a-time client cannot force a parse per byte).
        const std::size_t fresh_from = early_parse_size_ < rest.size() ? early_parse_size_ : 0;
        const bool new_line = rest.find('\n', fresh_from) != std::string_view::npos;
        const bool past_a_limit = rest.size() > limits.max_uri_length || rest.size() > limits.max_header_bytes;
        const bool grown = rest.size() >= early_parse_size_ + 1024 || rest.size() > limits.max_header_bytes;
        if (new_line || (past_a_limit && grown)) {
            const ParseOutcome early = parse_request_head(rest, server_.head_, server_.headers_.data(), limits);
            if (early.state == ParseState::error) {
                respond_error(early.status, early.reason);
                return false;
            }
        }
        if (new_line || grown) early_parse_size_ = rest.size();
        if (in_.empty() && pos == 0 && rest.size() == buffer.size()) set_deadline(server_.limits_.header_timeout);
        head_scan_from_ = rest.size() >= 3 ? rest.size() - 3 : 0;
        return false;
    }
    head_scan_from_ = 0;
    early_parse_size_ = 0;
    // The batch's arrival time, read once per reactor wake-up, costs nothing per request.
    if (server_.timed_) started_ = server_.reactor_.now();
    RequestHead& head = server_.head_;
    const ParseOutcome outcome = parse_request_head(rest, head, server_.headers_.data(), limits);
    if (outcome.state == ParseState::error) {
        respond_error(outcome.status, outcome.reason);
        return false;
    }
    if (outcome.expect_unknown) {
        respond_error(417, "only 'Expect: 100-continue' is supported");
        return false;
    }
    if (outcome.state == ParseState::incomplete) return false;  // cannot happen once the end is found
    const std::size_t head_size = outcome.head_size;

    if (head.framing == BodyFraming::none) {
        pos += head_size;
        dispatch(head, {});
        return state_ == State::reading_head;
    }
    // A handler may take the body as it arrives (uploads): it is asked before any is read.
    if (server_.streams_bodies_ && ask_for_body_sink(head)) return stream_head_body(head, rest, head_size, pos);
    if (head.framing == BodyFraming::content_length) {
        if (head.content_length > server_.limits_.max_body_bytes) {
            respond_error(413, "request body too large");  // answered before reading the body
            return false;
        }
        const std::uint64_t available = rest.size() - head_size;
        if (available >= head.content_length) {
            const std::string_view body = rest.substr(head_size, static_cast<std::size_t>(head.content_length));
            pos += head_size + static_cast<std::size_t>(head.content_length);
            dispatch(head, body);
            return state_ == State::reading_head;
        }
        // The body spans reads: keep the head (re-parsed when the body is complete) and collect.
        head_copy_.assign(rest.substr(0, head_size));
        body_expected_ = head.content_length;
        body_received_ = 0;
        body_.clear();
        // Grow with the data rather than trusting the header: a head alone must not pin memory.
        body_.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(head.content_length, 64 * 1024)) + kBodyPadding);
        if (head.expect_continue && available == 0) out_.append(kContinue);
        state_ = State::reading_body;
        pos += head_size;
        set_deadline(server_.limits_.body_timeout);
        return true;
    }
    // Chunked.
    head_copy_.assign(rest.substr(0, head_size));
    body_.clear();
    chunked_.reset(server_.limits_.max_body_bytes);
    if (head.expect_continue && rest.size() == head_size) out_.append(kContinue);
    state_ = State::reading_chunked;
    pos += head_size;
    set_deadline(server_.limits_.body_timeout);
    return true;
}

// `complete` is false when a body sink stopped the body early: the rest is never read, so the
// connection closes after the response.
void HttpConnection::finish_body_request(bool complete) {
    // Re-parse the saved head: its views must point at bytes we own, not at a recycled buffer.
    RequestHead& head = server_.head_;
    const ParseOutcome outcome = parse_request_head(head_copy_, head, server_.headers_.data(), server_.limits_.parser);
    state_ = State::reading_head;
    if (outcome.state != ParseState::complete) {
        respond_error(400, "bad request");
        return;
    }
    if (!complete) close_after_response_ = true;
    if (sink_) {
        if (complete) sink_->on_body_end();
        dispatch(head, {});
    } else {
        if (body_.capacity() < body_.size() + kBodyPadding) body_.reserve(body_.size() + kBodyPadding);
        dispatch(head, body_);
    }
    head_copy_.clear();
    body_.clear();
    if (body_.capacity() > 64 * 1024) std::string().swap(body_);  // do not pin a big body's memory
    if (head_copy_.capacity() > 4096) std::string().swap(head_copy_);
}

// ---- streamed bodies ----------------------------------------------------------------------

// Asks the handler whether it takes this request's body as it arrives; true when it does.
bool HttpConnection::ask_for_body_sink(const RequestHead& head) {
    Request request(head, {}, server_.arena_, server_.reactor_);
    request.set_client_ip(peer_ip_);
    if (!request.decode_path()) return false;  // dispatch answers the bad path
    try {
        sink_ = server_.handler_.stream_body(request);
    } catch (const std::exception& e) {
        fmt::print(stderr, "sweet: exception while opening a request body stream: {}\n", e.what());
        sink_.reset();
    } catch (...) {
        fmt::print(stderr, "sweet: non-standard exception while opening a request body stream\n");
        sink_.reset();
    }
    server_.arena_.reset();  // nothing of that request outlives the question
    return sink_ != nullptr;
}

// Starts streaming the body of the request whose head is rest[0, head_size) to sink_, feeding
// what already arrived. Returns what handle_head returns: true while input should be processed.
bool HttpConnection::stream_head_body(const RequestHead& head, std::string_view rest, std::size_t head_size,
                                      std::size_t& pos) {
    if (!sink_->accepting()) {
        // Refused before reading (wrong type, too large): answer now, never read the body.
        pos += head_size;
        close_after_response_ = true;
        dispatch(head, {});
        return false;
    }
    head_copy_.assign(rest.substr(0, head_size));
    body_.clear();
    pos += head_size;
    set_deadline(server_.limits_.body_timeout);
    if (head.framing == BodyFraming::chunked) {
        chunked_.reset(UINT64_MAX);  // the sink enforces its own limits
        state_ = State::reading_chunked;
    } else {
        body_expected_ = head.content_length;
        body_received_ = 0;
        state_ = State::reading_body;
        if (body_expected_ == 0) {
            finish_body_request();
            return state_ == State::reading_head;
        }
    }
    if (head.expect_continue && rest.size() == head_size) out_.append(kContinue);
    return true;  // process() feeds the body from here on
}

// Gives body bytes to the sink; false (after answering the request) when it stopped accepting.
bool HttpConnection::feed_body_sink(std::string_view data) {
    if (data.empty() || sink_->on_body_data(data)) return true;
    finish_body_request(false);
    return false;
}

// ---- handling -----------------------------------------------------------------------------

void HttpConnection::dispatch(const RequestHead& head, std::string_view body) {
    HttpServer& s = server_;
    Request request(head, body, s.arena_, s.reactor_);
    request.set_client_ip(peer_ip_);
    request.set_body_sink(sink_.get());
    if (s.timed_) request.set_start_time(started_);
    s.stats_.requests.fetch_add(1, std::memory_order_relaxed);
    Response response;
    const bool path_ok = request.decode_path();
    if (!path_ok) {
        response = Response::text("Bad Request: invalid percent-encoding in path\n", 400);
    } else {
        try {
            response = s.handler_.handle(request);
        } catch (const std::exception& e) {
            // The app layer already turns exceptions into 500s; this is the last line of defence.
            fmt::print(stderr, "sweet: unhandled exception in request handler: {}\n", e.what());
            response = Response::text("Internal Server Error\n", 500);
        } catch (...) {
            fmt::print(stderr, "sweet: unhandled non-standard exception in request handler\n");
            response = Response::text("Internal Server Error\n", 500);
        }
    }
    const bool keep_alive = head.keep_alive && !close_after_response_ && !response.closes_connection() && !s.draining_;
    ResponseContext ctx = response_context(keep_alive, head.version_minor);
    ctx.head_request = head.method == Method::head;
    s.ensure_buffer(out_);
    Response::StreamStart start;
    const std::size_t queued_before = out_.size();
    const BodyMode mode = write_response(response, ctx, out_);
    // A file body follows the head, unless there is no body to send (HEAD, 204, 304).
    const bool sends_file = response.has_file_body() && mode == BodyMode::length && !ctx.head_request &&
                            !status_forbids_body(response.status()) && response.file_body().length > 0;
    if (s.timed_) {
        const std::size_t file_bytes = sends_file ? static_cast<std::size_t>(response.file_body().length) : 0;
        const ResponseInfo info{out_.size() - queued_before + file_bytes, std::chrono::steady_clock::now() - started_};
        try {
            s.handler_.after_response(request, response, info);
        } catch (...) {
            fmt::print(stderr, "sweet: exception in an after_response hook (ignored)\n");
        }
    }
    sink_.reset();  // the handler has taken what it wanted from the streamed body
    if (response.is_stream() && !ctx.head_request) start = response.take_stream_start();
    if (sends_file) file_ = response.take_file_body();
    s.arena_.reset();  // request memory released in O(1)
    if (file_) {
        // Later requests wait until the file is out (their answers must follow it).
        close_after_response_ = close_after_response_ || !keep_alive;
        state_ = State::sending_file;
        return;
    }
    if (start) {
        stream_chunked_ = mode == BodyMode::chunked;
        close_after_response_ = close_after_response_ || !keep_alive || mode == BodyMode::until_close;
        state_ = State::streaming;
        deadline_ = {};
        try {
            start(ResponseStream(this, stream_token_));
        } catch (const std::exception& e) {
            // The head is already queued: the only honest end is to cut the connection.
            fmt::print(stderr, "sweet: exception while starting a streamed response: {}\n", e.what());
            abort();
        } catch (...) {
            fmt::print(stderr, "sweet: non-standard exception while starting a streamed response\n");
            abort();
        }
        return;
    }
    if (!keep_alive) {
        close_after_response_ = true;
        state_ = State::closing;
    }
}

ResponseContext HttpConnection::response_context(bool keep_alive, int version_minor) {
    ResponseContext ctx;
    ctx.keep_alive = keep_alive;
    ctx.version_minor = version_minor;
    ctx.date = server_.date_.get();
    ctx.server = server_.limits_.server_name;
    return ctx;
}

void HttpConnection::respond_error(int status, std::string_view reason) {
    // Framing errors leave the stream in an unknown state: answer, then close.
    sink_.reset();  // a streamed body ends here too
    server_.ensure_buffer(out_);
    Response r = Response::text(fmt::format("{}: {}\n", reason_phrase(status), reason), status);
    write_response(r, response_context(false, 1), out_);
    close_after_response_ = true;
    state_ = State::closing;
}

// ---- writing ------------------------------------------------------------------------------

void HttpConnection::flush() {
    if (state_ == State::closed) return;
    // Back-pressure: a client that pipelines faster than it reads waits in the kernel instead
    // of growing our output without bound.
    if (!paused_ && out_.size() > server_.limits_.max_output_bytes) {
        paused_ = true;
        server_.reactor_.pause_receive(*this);
    }
    if (sending_) return;
    if (out_.empty()) {
        if (state_ == State::sending_file) {
            start_file_body();  // its head (and everything before it) is out
        } else if (state_ == State::closing) {
            after_output_drained();
        }
        return;
    }
    std::swap(out_, sending_buf_);
    sending_ = true;
    set_deadline(server_.limits_.send_timeout);
    server_.reactor_.send(*this, sending_buf_.data(), sending_buf_.size());
}

void HttpConnection::on_sent() {
    sending_ = false;
    sending_buf_.clear();
    if (file_sending_) finish_file_body();
    if (!out_.empty() || state_ == State::sending_file) {
        flush();
        return;
    }
    server_.give_buffer(sending_buf_);
    server_.give_buffer(out_);
    after_output_drained();
}

void HttpConnection::after_output_drained() {
    if (state_ == State::closing && peer_closed_) {
        abort();  // the client already left: nothing to linger for
        return;
    }
    if (state_ == State::closing) {
        // Lingering close: shut our side, then wait briefly for the client's FIN so unread
        // request bytes in the kernel do not turn into a reset that destroys the response.
        state_ = State::lingering;
        set_deadline(server_.limits_.linger_timeout);
        server_.reactor_.shutdown_write(*this);
        if (paused_) {
            paused_ = false;
            server_.reactor_.resume_receive(*this);
        }
        return;
    }
    if (paused_) {
        paused_ = false;
        server_.reactor_.resume_receive(*this);
    }
    if (state_ == State::reading_head) {
        if (!in_.empty()) {
            resume_input();
        } else {
            set_deadline(server_.limits_.keepalive_timeout);
            if (server_.draining_) abort();
        }
    }
}

void HttpConnection::resume_input() {
    if (processing_ || in_.empty() || state_ != State::reading_head) return;
    std::string pending = std::move(in_);
    in_.clear();
    pending.reserve(pending.size() + kBodyPadding);  // bodies parsed in place need the slack
    const std::size_t used = process(pending);
    if (used < pending.size() && state_ != State::closing && state_ != State::lingering) {
        pending.erase(0, used);
        in_ = std::move(pending);
    } else {
        server_.give_buffer(pending);
    }
    flush();
}

bool HttpConnection::response_holds_input() const noexcept {
    return state_ == State::streaming || state_ == State::sending_file;
}

// ---- file bodies --------------------------------------------------------------------------

void HttpConnection::start_file_body() {
    file_sending_ = true;
    sending_ = true;
    set_deadline(server_.limits_.send_timeout);
    server_.reactor_.send_file(*this, file_.fd.get(), file_.offset, static_cast<std::size_t>(file_.length));
}

void HttpConnection::finish_file_body() {
    file_sending_ = false;
    file_ = {};  // closes the file
    state_ = close_after_response_ ? State::closing : State::reading_head;
}

// ---- streams ------------------------------------------------------------------------------

bool HttpConnection::stream_open(std::uint64_t token) const { return token == stream_token_ && state_ == State::streaming; }

bool HttpConnection::stream_write(std::uint64_t token, std::string_view data) {
    if (!stream_open(token)) return false;
    if (stream_chunked_) {
        write_chunk(data, out_);
    } else {
        out_.append(data);
    }
    // A consumer that stops reading must not make us buffer without end.
    if (out_.size() > 4 * server_.limits_.max_output_bytes) {
        abort();
        return false;
    }
    if (!processing_) flush();
    return true;
}

void HttpConnection::stream_end(std::uint64_t token) {
    if (!stream_open(token)) return;
    if (stream_chunked_) write_last_chunk(out_);
    end_stream_state();
    if (processing_) return;  // the handler ended it before returning; process() continues
    if (state_ == State::reading_head && !in_.empty()) {
        // Read the pipelined requests later, from the loop: we may be inside another
        // connection's handler, which is using the worker's shared parse state right now.
        const std::uint64_t t = stream_token_;
        server_.reactor_.add_timer(std::chrono::milliseconds(0), [this, t] {
            if (t == stream_token_) resume_input();
        });
    }
    flush();
}

void HttpConnection::end_stream_state() {
    ++stream_token_;
    state_ = close_after_response_ ? State::closing : State::reading_head;
    fire_stream_close();
}

void HttpConnection::stream_on_close(std::uint64_t token, UniqueFunction<void()> fn) {
    if (!stream_open(token)) {
        fn();
        return;
    }
    stream_close_callbacks_.push_back(std::move(fn));
}

void HttpConnection::fire_stream_close() {
    auto callbacks = std::move(stream_close_callbacks_);
    stream_close_callbacks_.clear();
    for (auto& fn : callbacks) {
        try {
            fn();
        } catch (...) {
            fmt::print(stderr, "sweet: a stream on_close callback threw; ignored\n");
        }
    }
}

// ---- closing ------------------------------------------------------------------------------

void HttpConnection::on_peer_closed() {
    peer_closed_ = true;
    if (state_ == State::lingering || idle() || state_ == State::reading_body || state_ == State::reading_chunked ||
        (state_ == State::reading_head && !in_.empty())) {
        abort();  // nothing more can arrive: an unfinished request can never complete
        return;
    }
    // The request is complete and its response (maybe a stream) is being written: the client
    // may only have half-closed, so finish the response, then close. A client that really left
    // is noticed when a write fails.
    close_after_response_ = true;
    if (state_ == State::reading_head) state_ = State::closing;
}

void HttpConnection::abort() {
    if (state_ == State::closed) return;
    if (state_ == State::streaming) {
        ++stream_token_;
        fire_stream_close();
    }
    state_ = State::closed;
    server_.reactor_.close(*this);
}

void HttpConnection::drain() {
    if (idle()) {
        abort();
        return;
    }
    // Busy connections (streams included) finish their response, then close; whatever is still
    // open when the drain timeout fires is cut (never marked complete when it is not).
    close_after_response_ = true;
}

void HttpConnection::check_timeout(Clock::time_point now) {
    if (sending_ && io.send_left != send_left_at_check_) {
        // The client is reading, however slowly: send_timeout bounds silence, not the transfer.
        send_left_at_check_ = io.send_left;
        set_deadline(server_.limits_.send_timeout);
        return;
    }
    if (deadline_ == Clock::time_point{} || now < deadline_ || state_ == State::closed) return;
    if (sending_ || state_ == State::lingering || idle() || state_ == State::closing) {
        abort();  // stuck send, finished linger, or idle keep-alive
        return;
    }
    if (state_ == State::streaming) return;
    // A request that started but did not finish in time: say so, then close.
    respond_error(408, "timed out reading the request");
    flush();
}

void HttpConnection::on_closed() {
    if (!stream_close_callbacks_.empty()) {
        // The reactor closed the socket (the client reset it, a write failed): the stream's
        // owners must still hear that it is gone.
        ++stream_token_;
        fire_stream_close();
    }
    state_ = State::closed;
    sending_ = false;
    in_.clear();
    out_.clear();
    sending_buf_.clear();
    server_.give_buffer(in_);
    server_.give_buffer(out_);
    server_.give_buffer(sending_buf_);
    std::string().swap(head_copy_);
    std::string().swap(body_);
    file_ = {};  // the reactor is done with it: on_closed follows every operation's end
    sink_.reset();  // an upload cut short: the sink discards what it had (temporary files)
    file_sending_ = false;
    stream_close_callbacks_.clear();
    deadline_ = {};
    server_.release(*this);
}

}  // namespace sweet::http
