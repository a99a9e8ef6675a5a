// Tests of the incremental chunked-body decoder (sweet/http/chunked_decoder.hpp).

#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/http/chunked_decoder.hpp"

using sweet::http::ChunkedDecoder;
using sweet::http::ChunkedLimits;

namespace {

/// The outcome of decoding a whole input, however it was split.
struct Decoded {
    std::string body;
    std::size_t consumed = 0;  // bytes consumed in total
    bool done = false;
    int status = 0;

    bool operator==(const Decoded&) const = default;
};

/// Feeds `input` in pieces of the given sizes (the rest in one piece), as a connection would:
/// the next piece starts where the decoder stopped consuming.
Decoded decode_split(std::string_view input, const std::vector<std::size_t>& pieces, const ChunkedLimits& limits = {}) {
    ChunkedDecoder decoder(limits);
    Decoded d;
    std::size_t pos = 0;
    std::size_t piece = 0;
    while (pos <= input.size()) {
        const std::size_t len = piece < pieces.size() ? std::min(pieces[piece], input.size() - pos) : input.size() - pos;
        ++piece;
        // Exactly sized copy: ASan flags reads past the piece.
        const std::string chunk(input.substr(pos, len));
        const ChunkedDecoder::Step step = decoder.feed(chunk, d.body);
        REQUIRE(step.consumed <= chunk.size());
        d.consumed += step.consumed;
        pos += step.consumed;
        if (step.status != 0) {
            d.status = step.status;
            CHECK_FALSE(step.reason.empty());
            CHECK_FALSE(step.done);
            break;
        }
        if (step.done) {
            d.done = true;
            CHECK(decoder.done());
            break;
        }
        REQUIRE(step.consumed == chunk.size());  // not done, no error: everything is used
        if (pos == input.size()) break;
    }
    return d;
}

Decoded decode(std::string_view input, const ChunkedLimits& limits = {}) { return decode_split(input, {}, limits); }

void require_error(std::string_view input, int status, const ChunkedLimits& limits = {}) {
    CAPTURE(input);
    const Decoded d = decode(input, limits);
    CHECK(d.status == status);
    CHECK_FALSE(d.done);
}

void require_body(std::string_view input, std::string_view body, const ChunkedLimits& limits = {}) {
    CAPTURE(input);
    const Decoded d = decode(input, limits);
    CHECK(d.status == 0);
    CHECK(d.done);
    CHECK(d.body == body);
    CHECK(d.consumed == input.size());
}

}  // namespace

TEST_CASE("chunked: basic bodies", "[chunked]") {
    require_body("0\r\n\r\n", "");
    require_body("5\r\nhello\r\n0\r\n\r\n", "hello");
    require_body("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world");
    require_body("a\r\n0123456789\r\nA\r\n0123456789\r\n0\r\n\r\n", "01234567890123456789");
    require_body("000005\r\nhello\r\n000\r\n\r\n", "hello");
    require_body("000000000000000a\r\n0123456789\r\n0\r\n\r\n", "0123456789");  // 16 digits
    require_body("1\r\n\r\r\n2\r\n\r\n\r\n0\r\n\r\n", "\r\r\n");                 // data is opaque
    std::string binary;
    for (int c = 0; c < 256; ++c) binary.push_back(static_cast<char>(c));
    require_body("100\r\n" + binary + "\r\n0\r\n\r\n", binary);
}

TEST_CASE("chunked: stops right after the body, leaving pipelined bytes", "[chunked]") {
    const std::string body = "4\r\nWiki\r\n0\r\nX-Trailer: 1\r\n\r\n";
    const std::string input = body + "GET / HTTP/1.1\r\n";
    const Decoded d = decode(input);
    CHECK(d.done);
    CHECK(d.body == "Wiki");
    CHECK(d.consumed == body.size());
    // After done: consumes nothing, says done again.
    ChunkedDecoder decoder({});
    std::string out;
    ChunkedDecoder::Step step = decoder.feed(input, out);
    CHECK(step.done);
    CHECK(step.consumed == body.size());
    step = decoder.feed("more", out);
    CHECK(step.done);
    CHECK(step.consumed == 0);
    CHECK(out == "Wiki");
    CHECK(decoder.body_size() == 4);
}

TEST_CASE("chunked: every split gives the same result", "[chunked]") {
    const std::string inputs[] = {
        "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n",
        "3;ext=1;q=\"a \\\"b\\\" c\"\r\nabc\r\n0;last\r\nTrailer-A: x\r\nTrailer-B:\ty z\r\n\r\nNEXT",
        "10 ; a = b ; c\r\n0123456789abcdef\r\n0\r\n\r\n",
        "5\r\nhello\r\n6\r\n worldX\r\n0\r\n\r\n",       // error: data not followed by CRLF
        "5\r\nhello\r\n0\r\nBad Trailer: x\r\n\r\n",      // error in the trailer
        "5\r\nhello\r\n10000\r\n",                        // 413 with a small limit
    };
    ChunkedLimits limits;
    limits.max_body_bytes = 1000;
    for (const std::string& input : inputs) {
        CAPTURE(input);
        const Decoded whole = decode(input, limits);
        // Two pieces, split at every position.
        for (std::size_t at = 0; at <= input.size(); ++at) {
            CAPTURE(at);
            REQUIRE(decode_split(input, {at}, limits) == whole);
        }
        // Byte by byte.
        REQUIRE(decode_split(input, std::vector<std::size_t>(input.size(), 1), limits) == whole);
        // Random splits.
        std::mt19937 rng(7);
        for (int round = 0; round < 50; ++round) {
            std::vector<std::size_t> pieces;
            for (std::size_t total = 0; total < input.size();) {
                pieces.push_back(rng() % 7);
                total += pieces.back();
            }
            REQUIRE(decode_split(input, pieces, limits) == whole);
        }
    }
}

TEST_CASE("chunked: large random bodies in random splits", "[chunked]") {
    std::mt19937 rng(99);
    for (int round = 0; round < 20; ++round) {
        std::string encoded;
        std::string body;
        const int chunks = static_cast<int>(rng() % 20);
        for (int i = 0; i < chunks; ++i) {
            const std::size_t len = 1 + rng() % 5000;
            std::string data(len, '\0');
            for (char& c : data) c = static_cast<char>(rng());
            char size[32];
            std::snprintf(size, sizeof size, (rng() % 2) ? "%zx" : "%zX", len);
            encoded += size;
            encoded += "\r\n" + data + "\r\n";
            body += data;
        }
        encoded += "0\r\n\r\n";
        std::vector<std::size_t> pieces;
        for (std::size_t total = 0; total < encoded.size();) {
            pieces.push_back(rng() % 3000);
            total += pieces.back();
        }
        ChunkedLimits limits;
        limits.max_body_bytes = 1 << 20;
        const Decoded d = decode_split(encoded, pieces, limits);
        REQUIRE(d.status == 0);
        REQUIRE(d.done);
        REQUIRE(d.body == body);
        REQUIRE(d.consumed == encoded.size());
    }
}

TEST_CASE("chunked: chunk-size syntax", "[chunked]") {
    for (const char* bad : {"\r\n", "x\r\n", "-1\r\n", "+1\r\n", "0x5\r\n", " 5\r\n", "5 \r\n", "5\t\r\n",
                            "5\n", "5\r5", "5\r\r\n", "5 5\r\n", "g\r\n", ";a\r\n", "\n"}) {
        require_error(std::string(bad) + "hello\r\n0\r\n\r\n", 400);
    }
    // More than 16 hex digits, whatever their value.
    require_error("00000000000000005\r\nhello\r\n0\r\n\r\n", 400);
    ChunkedLimits unlimited;
    unlimited.max_body_bytes = UINT64_MAX;
    require_error("10000000000000000\r\n", 400, unlimited);
    // 16 digits is fine, even at the maximum value.
    const Decoded d = decode("ffffffffffffffff\r\nabc", unlimited);
    CHECK(d.status == 0);
    CHECK_FALSE(d.done);
    CHECK(d.body == "abc");
}

TEST_CASE("chunked: chunk extensions are accepted and ignored", "[chunked]") {
    for (const char* ext : {";a", ";a=b", ";a=\"b\"", ";a=\"\"", ";a=\"x;y=z\\\"\\\\\"", "; a", " ;a", "\t; a = b",
                            ";a;b;c=d", ";a=b ;c", ";!#$%&'*+-.^_`|~=!#$%&'*+-.^_`|~", ";a=\"caf\xc3\xa9\""}) {
        require_body(std::string("5") + ext + "\r\nhello\r\n0" + ext + "\r\n\r\n", "hello");
    }
    for (const char* ext : {";", "; ", ";=b", ";a=", ";a= ", ";a b", ";a=b c", ";a=\"b", ";a=\"b\"c", ";a=b\"c\"",
                            ";a=\"\x01\"", ";a=\"\\\x01\"", ";a=b,c", ";a\x7f", " a", ";a=\"b\r\n\""}) {
        require_error(std::string("5") + ext + "\r\nhello\r\n0\r\n\r\n", 400);
    }
}

TEST_CASE("chunked: extension length limit", "[chunked]") {
    ChunkedLimits limits;
    limits.max_chunk_extension_bytes = 10;
    require_body("5;abcdefgh\r\nhello\r\n0\r\n\r\n", "hello", limits);  // ";abcdefgh" + CR = 10 bytes
    require_error("5;abcdefghi\r\nhello\r\n0\r\n\r\n", 400, limits);
    require_body("5;abcdefgh\r\nhello\r\n5;abcdefgh\r\nhello\r\n0\r\n\r\n", "hellohello", limits);  // per line
    // Default: 1 KiB.
    require_body("5;" + std::string(1020, 'a') + "\r\nhello\r\n0\r\n\r\n", "hello");
    require_error("5;" + std::string(1100, 'a') + "\r\nhello\r\n0\r\n\r\n", 400);
    // An endless extension is cut off without waiting for its end.
    ChunkedDecoder decoder({});
    std::string out;
    const ChunkedDecoder::Step step = decoder.feed("5;" + std::string(5000, 'a'), out);
    CHECK(step.status == 400);
}

TEST_CASE("chunked: chunk data must be followed by CRLF", "[chunked]") {
    require_error("5\r\nhelloX\r\n0\r\n\r\n", 400);
    require_error("5\r\nhello\n0\r\n\r\n", 400);
    require_error("5\r\nhello\r0\r\n\r\n", 400);
    require_error("5\r\nhello world\r\n0\r\n\r\n", 400);  // more data than declared
    require_error("5\r\nhell\r\n0\r\n\r\n", 400);         // less: the CR is taken as data, then LF is not CRLF
}

TEST_CASE("chunked: trailer section", "[chunked]") {
    require_body("0\r\nX-T: v\r\n\r\n", "");
    require_body("0\r\nX-T: v\r\nY:w\r\nZ:\r\nObs: caf\xc3\xa9\t!\r\n\r\n", "");
    for (const char* bad : {"X T: v\r\n", "X-T : v\r\n", ": v\r\n", "X-T\r\n", "X-T: v\r\n folded\r\n",
                            " X: v\r\n", "X: v\x01\r\n", "X: v\x7f\r\n", "X: v\n", "X: v\rx\r\n", "X(: v\r\n",
                            "\n"}) {
        require_error(std::string("0\r\n") + bad + "\r\n", 400);
    }
    require_error(std::string("0\r\nX: a\0b\r\n\r\n", 13), 400);
    require_error("0\r\n\rX", 400);  // final CRLF
}

TEST_CASE("chunked: trailer size limit -> 431", "[chunked]") {
    ChunkedLimits limits;
    limits.max_trailer_bytes = 20;
    require_body("0\r\nX: 1234567890123\r\n\r\n", "", limits);  // 16 + 2 + 2 = 20 bytes
    require_error("0\r\nX: 12345678901234\r\n\r\n", 431, limits);
    require_error("0\r\n" + std::string(100, 'X'), 431, limits);  // detected before the line ends
    require_body("0\r\n" + std::string(8000, 'X') + ":\r\n\r\n", "");  // default 8 KiB
    require_error("0\r\n" + std::string(9000, 'X') + ":\r\n\r\n", 431);
}

TEST_CASE("chunked: body size limit -> 413 from the size line", "[chunked]") {
    ChunkedLimits limits;
    limits.max_body_bytes = 10;
    require_body("a\r\n0123456789\r\n0\r\n\r\n", "0123456789", limits);
    require_body("5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n", "0123456789", limits);
    require_error("b\r\n01234567890\r\n0\r\n\r\n", 413, limits);
    require_error("5\r\n01234\r\n6\r\n567890\r\n0\r\n\r\n", 413, limits);
    // Known before any data: only the size is fed.
    ChunkedDecoder decoder(limits);
    std::string out;
    ChunkedDecoder::Step step = decoder.feed("5\r\n01234\r\n", out);
    CHECK(step.status == 0);
    step = decoder.feed("6", out);
    CHECK(step.status == 413);
    CHECK(step.consumed == 0);
    CHECK(out == "01234");
    // Errors are sticky.
    step = decoder.feed("\r\n012345\r\n", out);
    CHECK(step.status == 413);
    CHECK(step.consumed == 0);
    // Huge sizes cannot overflow the running total.
    limits.max_body_bytes = UINT64_MAX - 1;
    require_error("5\r\n01234\r\nffffffffffffffff\r\n", 413, limits);
    limits.max_body_bytes = 0;
    require_body("0\r\n\r\n", "", limits);
    require_error("1\r\n", 413, limits);
}

TEST_CASE("chunked: reset starts a new body", "[chunked]") {
    ChunkedDecoder decoder({});
    std::string out;
    CHECK(decoder.feed("5\r\nhel", out).status == 0);
    decoder.reset();
    out.clear();
    ChunkedDecoder::Step step = decoder.feed("3\r\nabc\r\n0\r\n\r\n", out);
    CHECK(step.done);
    CHECK(out == "abc");
    CHECK(decoder.body_size() == 3);
    CHECK(decoder.feed("x", out).status == 0);  // done: consumes nothing
    decoder.reset();
    CHECK(decoder.feed("x", out).status == 400);
    decoder.reset();
    out.clear();
    step = decoder.feed("1\r\nz\r\n0\r\n\r\n", out);
    CHECK(step.done);
    CHECK(out == "z");
}
