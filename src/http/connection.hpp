#pragma once
/// @file connection.hpp
/// Private: one HTTP/1.1 connection's state machine (see connection.cpp for the walk-through).

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sweet/http/body_sink.hpp"
#include "sweet/http/chunked_decoder.hpp"
#include "sweet/http/parser.hpp"
#include "sweet/http/response.hpp"
#include "sweet/http/response_writer.hpp"
#include "sweet/http/server.hpp"
#include "sweet/net/reactor.hpp"

namespace sweet::http {

/// Reads requests from one socket, answers them in order, and manages keep-alive, pipelining,
/// bodies, streaming and closing. Pooled by `HttpServer`; `reset` prepares it for reuse.
class HttpConnection final : public net::Connection, public StreamSink {
public:
    explicit HttpConnection(HttpServer& server);

    /// Resets the state for a newly accepted socket `fd` (reads the peer's address).
    void start(int fd);

    // net::Connection
    void on_data(std::string_view data) override;
    void on_peer_closed() override;
    void on_sent() override;
    void on_closed() override;

    // StreamSink
    bool stream_write(std::uint64_t token, std::string_view data) override;
    void stream_end(std::uint64_t token) override;
    bool stream_open(std::uint64_t token) const override;
    void stream_on_close(std::uint64_t token, UniqueFunction<void()> fn) override;

    /// Nothing received, nothing to send, no request in progress.
    [[nodiscard]] bool idle() const noexcept;
    /// Called by the server's sweep: acts on an expired deadline.
    void check_timeout(Clock::time_point now);
    /// Graceful shutdown: close now if idle, else after the current response.
    void drain();
    /// Immediate close.
    void abort();

    std::size_t live_index = 0;  ///< position in HttpServer::live_ (O(1) removal)

private:
    enum class State : std::uint8_t {
        reading_head,     // waiting for (the rest of) a request head
        reading_body,     // Content-Length body spans several reads
        reading_chunked,  // chunked body in progress
        streaming,        // a streamed response is open; input waits
        sending_file,     // a file body is queued or being sent; input waits
        closing,          // last response queued; close once it is sent
        lingering,        // write side shut; discarding input until the client closes
        closed,
    };

    std::size_t process(std::string_view buffer);
    bool handle_head(std::string_view buffer, std::size_t& pos);
    void dispatch(const RequestHead& head, std::string_view body);
    void finish_body_request(bool complete = true);
    bool ask_for_body_sink(const RequestHead& head);
    bool stream_head_body(const RequestHead& head, std::string_view rest, std::size_t head_size, std::size_t& pos);
    bool feed_body_sink(std::string_view data);
    void respond_error(int status, std::string_view reason);
    void flush();
    void after_output_drained();
    void keep_leftover(std::string_view buffer, std::size_t pos);
    void resume_input();
    void end_stream_state();
    void start_file_body();
    void finish_file_body();
    [[nodiscard]] bool response_holds_input() const noexcept;
    void set_deadline(std::chrono::milliseconds d);
    ResponseContext response_context(bool keep_alive, int version_minor);
    void fire_stream_close();

    HttpServer& server_;
    State state_ = State::closed;
    bool sending_ = false;
    bool close_after_response_ = false;
    bool processing_ = false;
    bool paused_ = false;
    bool peer_closed_ = false;
    bool stream_chunked_ = true;
    std::uint64_t stream_token_ = 0;
    std::uint64_t body_expected_ = 0;
    std::uint64_t body_received_ = 0;   // of a Content-Length body that spans reads
    std::size_t head_scan_from_ = 0;
    std::size_t early_parse_size_ = 0;
    bool file_sending_ = false;  // the reactor is sending file_
    std::size_t send_left_at_check_ = 0;  // unsent bytes at the last timeout sweep (progress check)
    Clock::time_point deadline_{};
    std::chrono::steady_clock::time_point started_{};  // when the current head was complete (if timed)
    char peer_ip_buf_[46] = {};                        // INET6_ADDRSTRLEN
    std::string_view peer_ip_;
    std::string in_;         // unparsed input that did not fit one read (empty when idle)
    std::string head_copy_;  // the head of a request whose body spans reads
    std::string body_;       // that request's body so far
    std::string out_;        // responses being queued
    std::string sending_buf_;  // responses handed to the reactor
    FileBody file_;            // the file body after the queued head (state sending_file)
    std::unique_ptr<BodySink> sink_;  // takes the current request's body as it arrives, if the handler asked
    ChunkedDecoder chunked_;
    std::vector<UniqueFunction<void()>> stream_close_callbacks_;
};

}  // namespace sweet::http
