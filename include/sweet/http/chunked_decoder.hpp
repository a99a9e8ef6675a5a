#pragma once
/// @file chunked_decoder.hpp
/// Incremental decoder for the chunked transfer coding of request bodies (RFC 9112 7.1).
///
/// Input may arrive split anywhere, byte by byte included: the decoder is a state machine that
/// keeps no input, only a few counters, so any split gives the same body and the same error.
/// It is strict where leniency enables request smuggling: chunk sizes are 1*HEXDIG with no
/// sign, prefix or trailing whitespace, lines end with CRLF only, chunk data must be followed
/// by CRLF, and trailer fields follow the header-field syntax (then are discarded: Sweet does
/// not merge trailers into the header section, which RFC 9110 6.5.1 allows).
///
/// @code
///   ChunkedDecoder dec({.max_body_bytes = 1 << 20});
///   auto step = dec.feed(bytes, body);      // consumed, done, status
///   if (step.status) { answer(step.status); close(); }
///   else if (step.done) { /* bytes after step.consumed belong to the next request */ }
///   else { /* all of `bytes` was consumed; feed the next read */ }
/// @endcode

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sweet/http/simd_scan.hpp"

namespace sweet::http {

/// Limits of one chunked body; exceeding one is an error with the given status.
struct ChunkedLimits {
    /// Sum of the chunk sizes. Exceeded -> 413, reported from the chunk-size line, before any
    /// of that chunk's data is read. Default 1 MiB.
    std::uint64_t max_body_bytes = 1024 * 1024;
    /// Bytes of one chunk-size line after the size (its chunk extensions). Exceeded -> 400.
    /// Default 1 KiB.
    std::size_t max_chunk_extension_bytes = 1024;
    /// Bytes of the trailer section, from after the last-chunk line to its final CRLF included.
    /// Exceeded -> 431. Default 8 KiB.
    std::size_t max_trailer_bytes = 8192;
};

/// Decodes one chunked body; `reset()` makes it ready for the next.
class ChunkedDecoder {
public:
    /// What one `feed` did.
    struct Step {
        std::size_t consumed = 0;  ///< bytes of the input used (up to the error when status != 0)
        bool done = false;         ///< the body and its trailer section are complete
        int status = 0;            ///< 0, or the error: 400 (syntax), 413 (body too large), 431 (trailers too large)
        std::string_view reason;   ///< error: short static text, safe to send to the client
    };

    /// A decoder for a body within `limits`.
    explicit ChunkedDecoder(const ChunkedLimits& limits) noexcept : limits_(limits) {}

    /// Decodes as much of `input` as possible, appending the data to `body_out`. Consumes all of
    /// `input` unless the body ends inside it (then `consumed` stops just after the final CRLF,
    /// so pipelined bytes are left to the caller) or an error is found. After `done` or an error
    /// it consumes nothing and repeats its result.
    Step feed(std::string_view input, std::string& body_out);

    /// Starts over for a new body (same limits).
    void reset() noexcept {
        state_ = State::size_first;
        chunk_remaining_ = 0;
        total_ = 0;
        digits_ = 0;
        counted_ = 0;
        status_ = 0;
        reason_ = {};
    }

    /// Starts over for a new body whose chunk sizes may sum to `max_body_bytes` (the other
    /// limits stay).
    void reset(std::uint64_t max_body_bytes) noexcept {
        reset();
        limits_.max_body_bytes = max_body_bytes;
    }

    /// True once the whole body, trailers included, has been decoded.
    [[nodiscard]] bool done() const noexcept { return state_ == State::done; }
    /// Data bytes decoded so far.
    [[nodiscard]] std::uint64_t body_size() const noexcept { return total_; }

private:
    enum class State : std::uint8_t {
        size_first,       // first hex digit of a chunk-size
        size,             // more hex digits, or what follows them
        ext_bws,          // BWS before ';' (after the size or an extension value)
        ext_name_first,   // after ';' (BWS allowed), first char of chunk-ext-name
        ext_name,         // chunk-ext-name
        ext_name_bws,     // BWS after the name: '=' or ';' follows
        ext_value_first,  // after '=' (BWS allowed): token or quoted-string
        ext_token,        // token value
        ext_quoted,       // inside a quoted-string
        ext_quoted_pair,  // after '\' in a quoted-string
        ext_quoted_end,   // after the closing quote
        size_lf,          // after the CR of the chunk-size line
        data,             // chunk data
        data_cr,          // CR after chunk data
        data_lf,          // LF after chunk data
        trailer_start,    // start of a trailer line, or the final CRLF
        trailer_name,     // field-name
        trailer_value,    // field-value, up to CR
        trailer_lf,       // LF ending a trailer line
        final_lf,         // LF of the final CRLF
        done,
        failed,
    };

    Step fail(std::size_t consumed, int status, std::string_view reason) noexcept {
        state_ = State::failed;
        status_ = status;
        reason_ = reason;
        return Step{consumed, false, status, reason};
    }

    ChunkedLimits limits_;
    State state_ = State::size_first;
    std::uint64_t chunk_remaining_ = 0;  // size while reading the size line, then data left
    std::uint64_t total_ = 0;            // decoded bytes, including the current chunk's size once known
    unsigned digits_ = 0;                // hex digits of the current chunk-size
    std::size_t counted_ = 0;            // extension bytes of this line, or trailer bytes
    int status_ = 0;
    std::string_view reason_;
};

inline ChunkedDecoder::Step ChunkedDecoder::feed(std::string_view input, std::string& body_out) {
    using simd::is_ows;
    using simd::is_tchar;
    if (state_ == State::done) return Step{0, true, 0, {}};
    if (state_ == State::failed) return Step{0, false, status_, reason_};

    const std::size_t n = input.size();
    std::size_t i = 0;
    while (i < n) {
        if (state_ == State::data) {  // the bulk of the work: one append per read
            const std::size_t avail = n - i;
            const std::size_t take = chunk_remaining_ < avail ? static_cast<std::size_t>(chunk_remaining_) : avail;
            body_out.append(input.data() + i, take);
            i += take;
            chunk_remaining_ -= take;
            if (chunk_remaining_ == 0) state_ = State::data_cr;
            continue;
        }
        const char c = input[i];
        // Bytes of the size line after the digits count towards the extension limit.
        if (state_ >= State::ext_bws && state_ <= State::ext_quoted_end && ++counted_ > limits_.max_chunk_extension_bytes) {
            return fail(i, 400, "chunk extension too long");
        }
        if (state_ >= State::trailer_start && state_ <= State::final_lf && ++counted_ > limits_.max_trailer_bytes) {
            return fail(i, 431, "trailer section too large");
        }
        switch (state_) {
            case State::size_first:
            case State::size: {
                const int d = simd::hex_digit_value(c);
                if (d >= 0) {
                    if (++digits_ > 16) return fail(i, 400, "chunk size too long");
                    chunk_remaining_ = chunk_remaining_ * 16 + static_cast<unsigned>(d);
                    // The size only grows with more digits, so the limit can be checked now.
                    if (chunk_remaining_ > limits_.max_body_bytes - total_) return fail(i, 413, "request body too large");
                    state_ = State::size;
                    break;
                }
                if (state_ == State::size_first) return fail(i, 400, "invalid chunk size");
                if (c == '\r') {
                    state_ = State::size_lf;
                    break;
                }
                if (c == ';') state_ = State::ext_name_first;
                else if (is_ows(c)) state_ = State::ext_bws;
                else return fail(i, 400, "invalid chunk size");
                if (++counted_ > limits_.max_chunk_extension_bytes) return fail(i, 400, "chunk extension too long");
                break;
            }
            case State::ext_bws:  // BWS is only allowed before ';'
                if (c == ';') state_ = State::ext_name_first;
                else if (!is_ows(c)) return fail(i, 400, "invalid chunk extension");
                break;
            case State::ext_name_first:
                if (is_tchar(c)) state_ = State::ext_name;
                else if (!is_ows(c)) return fail(i, 400, "invalid chunk extension");
                break;
            case State::ext_name:
                if (c == '\r') state_ = State::size_lf;
                else if (c == ';') state_ = State::ext_name_first;
                else if (c == '=') state_ = State::ext_value_first;
                else if (is_ows(c)) state_ = State::ext_name_bws;
                else if (!is_tchar(c)) return fail(i, 400, "invalid chunk extension");
                break;
            case State::ext_name_bws:
                if (c == ';') state_ = State::ext_name_first;
                else if (c == '=') state_ = State::ext_value_first;
                else if (!is_ows(c)) return fail(i, 400, "invalid chunk extension");
                break;
            case State::ext_value_first:
                if (c == '"') state_ = State::ext_quoted;
                else if (is_tchar(c)) state_ = State::ext_token;
                else if (!is_ows(c)) return fail(i, 400, "invalid chunk extension");
                break;
            case State::ext_token:
                if (c == '\r') state_ = State::size_lf;
                else if (c == ';') state_ = State::ext_name_first;
                else if (is_ows(c)) state_ = State::ext_bws;
                else if (!is_tchar(c)) return fail(i, 400, "invalid chunk extension");
                break;
            case State::ext_quoted:  // qdtext = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
                if (c == '"') state_ = State::ext_quoted_end;
                else if (c == '\\') state_ = State::ext_quoted_pair;
                else if (!simd::is_value_char(c)) return fail(i, 400, "invalid chunk extension");
                break;
            case State::ext_quoted_pair:  // quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
                if (!simd::is_value_char(c)) return fail(i, 400, "invalid chunk extension");
                state_ = State::ext_quoted;
                break;
            case State::ext_quoted_end:
                if (c == '\r') state_ = State::size_lf;
                else if (c == ';') state_ = State::ext_name_first;
                else if (is_ows(c)) state_ = State::ext_bws;
                else return fail(i, 400, "invalid chunk extension");
                break;
            case State::size_lf:
                if (c != '\n') return fail(i, 400, "bare CR in chunk size line");
                total_ += chunk_remaining_;
                digits_ = 0;
                counted_ = 0;
                state_ = chunk_remaining_ == 0 ? State::trailer_start : State::data;
                break;
            case State::data_cr:
                if (c != '\r') return fail(i, 400, "chunk data not followed by CRLF");
                state_ = State::data_lf;
                break;
            case State::data_lf:
                if (c != '\n') return fail(i, 400, "chunk data not followed by CRLF");
                state_ = State::size_first;
                break;
            case State::trailer_start:
                if (c == '\r') state_ = State::final_lf;
                else if (is_tchar(c)) state_ = State::trailer_name;
                else return fail(i, 400, is_ows(c) ? "obsolete line folding in trailer" : "invalid trailer field");
                break;
            case State::trailer_name:
                if (c == ':') state_ = State::trailer_value;
                else if (!is_tchar(c)) return fail(i, 400, "invalid trailer field");
                break;
            case State::trailer_value:
                if (c == '\r') state_ = State::trailer_lf;
                else if (!simd::is_value_char(c)) return fail(i, 400, "invalid trailer field");
                break;
            case State::trailer_lf:
                if (c != '\n') return fail(i, 400, "bare CR in trailer section");
                state_ = State::trailer_start;
                break;
            case State::final_lf:
                if (c != '\n') return fail(i, 400, "bare CR in trailer section");
                state_ = State::done;
                return Step{i + 1, true, 0, {}};
            case State::data:
            case State::done:
            case State::failed: break;  // handled above
        }
        ++i;
    }
    return Step{i, false, 0, {}};
}

}  // namespace sweet::http
