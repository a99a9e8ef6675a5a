// libFuzzer target for the chunked-body decoder (sweet/http/chunked_decoder.hpp).
//
// Checks, beyond memory safety:
//  - the result (body, bytes consumed, done, status) is the same whatever the input's split:
//    one piece, byte by byte, and pieces whose sizes come from the input;
//  - it agrees with a separate whole-buffer reference decoder written straight from the
//    RFC 9112 7.1 grammar (when no size limit decided the outcome);
//  - consumed <= input size, the body never exceeds max_body_bytes, done and errors are sticky.
// The first input byte picks the limits.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/http/chunked_decoder.hpp"

namespace {

using sweet::http::ChunkedDecoder;
using sweet::http::ChunkedLimits;
namespace simd = sweet::http::simd;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

struct Outcome {
    std::string body;
    std::size_t consumed = 0;
    bool done = false;
    int status = 0;
    std::string_view reason;
};

/// Feeds `input` in pieces (sizes cycled from `sizes`, which must contain a non-zero size; empty:
/// one piece), each starting where the decoder stopped, as a connection would.
Outcome run(std::string_view input, const ChunkedLimits& limits, const std::vector<std::size_t>& sizes) {
    ChunkedDecoder decoder(limits);
    Outcome o;
    std::size_t pos = 0;
    for (std::size_t k = 0;; ++k) {
        const std::size_t want = sizes.empty() ? input.size() : sizes[k % sizes.size()];
        const std::size_t len = std::min(want, input.size() - pos);
        const std::string piece(input.substr(pos, len));  // exact copy: ASan sees over-reads
        const ChunkedDecoder::Step step = decoder.feed(piece, o.body);
        check(step.consumed <= piece.size(), "consumed more than fed");
        check(o.body.size() <= limits.max_body_bytes, "body over the limit");
        o.consumed += step.consumed;
        pos += step.consumed;
        if (step.status != 0 || step.done) {
            check(!(step.status != 0 && step.done), "done with an error");
            o.done = step.done;
            o.status = step.status;
            o.reason = step.reason;
            // Sticky: feeding more changes nothing.
            const std::size_t before = o.body.size();
            const ChunkedDecoder::Step again = decoder.feed("0\r\n\r\n", o.body);
            check(again.consumed == 0 && again.done == step.done && again.status == step.status, "not sticky");
            check(o.body.size() == before, "output after the end");
            return o;
        }
        check(step.consumed == piece.size(), "stopped early without done or error");
        if (pos == input.size()) return o;  // all fed, body unfinished
    }
}

// ---- reference: the grammar, applied to the whole buffer ---------------------------------------

enum class Ref { done, incomplete, invalid };

struct RefDecoder {
    std::string_view in;
    std::size_t i = 0;
    std::string body;

    [[nodiscard]] bool at_end() const { return i >= in.size(); }
    void skip_ows() {
        while (!at_end() && simd::is_ows(in[i])) ++i;
    }
    std::size_t token() {
        const std::size_t start = i;
        while (!at_end() && simd::is_tchar(in[i])) ++i;
        return i - start;
    }
    // Returns true when the CRLF is there; `r` says why not otherwise.
    bool crlf(Ref& r) {
        if (in.size() - i < 1) { r = Ref::incomplete; return false; }
        if (in[i] != '\r') { r = Ref::invalid; return false; }
        if (in.size() - i < 2) { r = Ref::incomplete; return false; }
        if (in[i + 1] != '\n') { r = Ref::invalid; return false; }
        i += 2;
        return true;
    }

    Ref decode() {
        Ref r = Ref::invalid;
        for (;;) {
            // chunk-size = 1*HEXDIG (at most 16 digits here)
            std::uint64_t size = 0;
            std::size_t digits = 0;
            while (!at_end() && simd::hex_digit_value(in[i]) >= 0) {
                size = size * 16 + static_cast<unsigned>(simd::hex_digit_value(in[i]));
                ++i;
                if (++digits > 16) return Ref::invalid;
            }
            if (at_end()) return Ref::incomplete;
            if (digits == 0) return Ref::invalid;
            // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )
            for (;;) {
                const std::size_t save = i;
                skip_ows();
                if (at_end()) return Ref::incomplete;
                if (in[i] != ';') { i = save; break; }
                ++i;
                skip_ows();
                if (at_end()) return Ref::incomplete;
                if (token() == 0) return Ref::invalid;
                const std::size_t after_name = i;
                skip_ows();
                if (at_end()) return Ref::incomplete;
                if (in[i] != '=') { i = after_name; continue; }
                ++i;
                skip_ows();
                if (at_end()) return Ref::incomplete;
                if (in[i] == '"') {
                    ++i;
                    for (;;) {
                        if (at_end()) return Ref::incomplete;
                        const char c = in[i++];
                        if (c == '"') break;
                        if (c == '\\') {
                            if (at_end()) return Ref::incomplete;
                            if (!simd::is_value_char(in[i++])) return Ref::invalid;
                        } else if (!simd::is_value_char(c)) {
                            return Ref::invalid;
                        }
                    }
                } else if (token() == 0) {
                    return Ref::invalid;
                }
                if (at_end()) return Ref::incomplete;
            }
            if (!crlf(r)) return r;
            if (size == 0) break;
            if (size > in.size() - i) {
                body.append(in.substr(i));
                return Ref::incomplete;
            }
            body.append(in.substr(i, static_cast<std::size_t>(size)));
            i += static_cast<std::size_t>(size);
            if (!crlf(r)) return r;
        }
        // trailer-section = *( field-line CRLF ) CRLF
        for (;;) {
            if (at_end()) return Ref::incomplete;
            if (in[i] == '\r') return crlf(r) ? Ref::done : r;
            if (token() == 0) return Ref::invalid;
            if (at_end()) return Ref::incomplete;
            if (in[i++] != ':') return Ref::invalid;
            while (!at_end() && simd::is_value_char(in[i])) ++i;
            if (!crlf(r)) return r;
        }
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    ChunkedLimits limits;
    const std::uint8_t mode = data[0];
    if (mode & 1) {  // small limits
        limits.max_body_bytes = (mode >> 1) & 31;
        limits.max_chunk_extension_bytes = (mode >> 3) & 15;
        limits.max_trailer_bytes = 8 + ((mode >> 4) & 15);
    } else if (mode & 2) {
        limits.max_body_bytes = UINT64_MAX;
    }
    const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

    const Outcome whole = run(input, limits, {});
    const auto same = [&](const Outcome& o, const char* what) {
        check(o.body == whole.body && o.consumed == whole.consumed && o.done == whole.done && o.status == whole.status &&
                  o.reason == whole.reason,
              what);
    };
    if (input.size() <= 2048) same(run(input, limits, {1}), "byte-by-byte differs");
    std::vector<std::size_t> sizes;
    bool any_nonzero = false;
    for (std::size_t k = 1; k < size && sizes.size() < 16; k += 3) {
        sizes.push_back(data[k] % 19);
        any_nonzero = any_nonzero || sizes.back() > 0;
    }
    if (any_nonzero) same(run(input, limits, sizes), "split differs");

    // Differential check against the reference, unless a limit decided the outcome.
    const bool limit_hit = whole.status == 413 || whole.status == 431 || whole.reason == "chunk extension too long";
    if (!limit_hit) {
        RefDecoder ref{input, 0, {}};
        const Ref r = ref.decode();
        if (whole.done) {
            check(r == Ref::done, "decoder done, reference not");
            check(ref.i == whole.consumed, "reference consumed differs");
            check(ref.body == whole.body, "reference body differs");
        } else if (whole.status == 400) {
            check(r == Ref::invalid, "decoder 400, reference not invalid");
        } else {
            check(whole.status == 0, "unexpected status");
            check(r == Ref::incomplete, "decoder incomplete, reference not");
            check(ref.body == whole.body, "reference partial body differs");
        }
    }
    return 0;
}
