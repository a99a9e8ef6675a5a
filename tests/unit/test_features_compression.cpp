// Compression: Accept-Encoding negotiation, eligibility rules, and gzip round trips through zlib.
#include <catch2/catch.hpp>

#include <zlib.h>

#include <unistd.h>

#include <cstdio>
#include <random>
#include <stdexcept>

#include "sweet/features/compression.hpp"
#include "test_features_support.hpp"

using sweet::CompressionOptions;
using sweet::Compressor;
using sweet::Response;
using sweet_test::head;
using sweet_test::TestRequest;

namespace {

std::string value(const Response& r, std::string_view name) {
    const std::string* v = r.header(name);
    return v != nullptr ? *v : std::string("<absent>");
}

// Inflates a gzip member with zlib (windowBits 15 + 16 accepts only the gzip wrapper).
std::string gunzip(const std::string& data) {
    z_stream s{};
    REQUIRE(inflateInit2_(&s, 15 + 16, ZLIB_VERSION, static_cast<int>(sizeof(z_stream))) == Z_OK);
    std::string out;
    char buffer[16384];
    s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s.avail_in = static_cast<uInt>(data.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        s.next_out = reinterpret_cast<Bytef*>(buffer);
        s.avail_out = sizeof(buffer);
        rc = inflate(&s, Z_NO_FLUSH);
        out.append(buffer, sizeof(buffer) - s.avail_out);
    }
    inflateEnd(&s);
    REQUIRE(rc == Z_STREAM_END);
    return out;
}

std::string json_body(std::size_t n) {
    std::string body = "[";
    for (std::size_t i = 0; body.size() < n; ++i) body += "{\"id\":" + std::to_string(i) + ",\"name\":\"item\"},";
    body.back() = ']';
    return body;
}

std::string random_text(std::size_t n) {
    std::mt19937 rng(7);
    std::string s(n, ' ');
    for (char& c : s) c = static_cast<char>(33 + rng() % 94);
    return s;
}

}  // namespace

TEST_CASE("compression: Accept-Encoding q-values decide", "[features][compression]") {
    using sweet::gzip_quality;
    CHECK(gzip_quality("gzip") == 1000);
    CHECK(gzip_quality("gzip, deflate, br") == 1000);
    CHECK(gzip_quality("GZIP") == 1000);
    CHECK(gzip_quality("x-gzip") == 1000);
    CHECK(gzip_quality("gzip;q=0") == 0);
    CHECK(gzip_quality("gzip; q=0.000") == 0);
    CHECK(gzip_quality("gzip ; Q=0.5") == 500);
    CHECK(gzip_quality("gzip;q=0.001") == 1);
    CHECK(gzip_quality("br;q=1.0, gzip;q=0.8, *;q=0.1") == 800);
    CHECK(gzip_quality("*") == 1000);
    CHECK(gzip_quality("*;q=0") == 0);
    CHECK(gzip_quality("gzip;q=0, *") == 0);   // the explicit entry wins over '*'
    CHECK(gzip_quality("*;q=0, gzip") == 1000);
    CHECK(gzip_quality("deflate, br") == 0);
    CHECK(gzip_quality("identity") == 0);
    CHECK(gzip_quality("") == 0);
    CHECK(gzip_quality(" , ,gzip") == 1000);
    CHECK(gzip_quality("gzip;q=2") == 0);        // malformed q: the entry is void
    CHECK(gzip_quality("gzip;q=1.5") == 0);
    CHECK(gzip_quality("gzip;q=0.5555") == 0);
    CHECK(gzip_quality("gzip;q=abc, *;q=0.3") == 300);
    CHECK(gzip_quality("gzipx, xgzip") == 0);

    TestRequest two(head("GET", "/", {"Accept-Encoding: br", "Accept-Encoding: gzip;q=0.4"}));
    CHECK(gzip_quality(two->headers()) == 400);
    TestRequest none(head("GET", "/"));
    CHECK(gzip_quality(none->headers()) == 0);
}

TEST_CASE("compression: content types in the allow list", "[features][compression]") {
    Compressor c(CompressionOptions{});
    CHECK(c.compressible_type("text/plain; charset=utf-8"));
    CHECK(c.compressible_type("text/html"));
    CHECK(c.compressible_type("TEXT/CSS"));
    CHECK(c.compressible_type("application/json"));
    CHECK(c.compressible_type("application/problem+json"));
    CHECK(c.compressible_type("application/atom+xml; charset=utf-8"));
    CHECK(c.compressible_type("image/svg+xml"));
    CHECK(c.compressible_type("application/javascript"));
    CHECK_FALSE(c.compressible_type("image/png"));
    CHECK_FALSE(c.compressible_type("application/octet-stream"));
    CHECK_FALSE(c.compressible_type("application/zip"));
    CHECK_FALSE(c.compressible_type(""));
    CHECK_FALSE(c.compressible_type("text"));
    CHECK_FALSE(c.compressible_type("+json"));
    CHECK_FALSE(c.compressible_type("textual/plain"));

    Compressor only_csv(CompressionOptions{.content_types = {"Text/CSV"}});
    CHECK(only_csv.compressible_type("text/csv"));
    CHECK_FALSE(only_csv.compressible_type("text/plain"));
    Compressor all(CompressionOptions{.content_types = {"*/*"}});
    CHECK(all.compressible_type("image/png"));
}

TEST_CASE("compression: an eligible body is gzipped and round-trips", "[features][compression]") {
    Compressor c(CompressionOptions{});
    TestRequest req(head("GET", "/items", {"Accept-Encoding: gzip, deflate"}));
    const std::string original = json_body(20'000);
    Response r = Response::json_text(original);
    REQUIRE(c.apply(*req, r));
    CHECK(value(r, "Content-Encoding") == "gzip");
    CHECK(value(r, "Vary") == "Accept-Encoding");
    CHECK(r.body().size() < original.size() / 4);
    CHECK(static_cast<unsigned char>(r.body()[0]) == 0x1f);  // gzip magic
    CHECK(static_cast<unsigned char>(r.body()[1]) == 0x8b);
    CHECK(gunzip(r.body()) == original);
    CHECK(r.content_type() == "application/json");
}

TEST_CASE("compression: what is left alone", "[features][compression]") {
    Compressor c(CompressionOptions{.min_size = 1024});
    TestRequest gzip_ok(head("GET", "/", {"Accept-Encoding: gzip"}));
    const std::string text(4096, 'a');

    SECTION("a small body") {
        Response r = Response::text(std::string(1023, 'a'));
        CHECK_FALSE(c.apply(*gzip_ok, r));
        CHECK(value(r, "Vary") == "<absent>");
        CHECK(r.body().size() == 1023);
    }
    SECTION("a client that does not accept gzip still gets Vary") {
        TestRequest refuses(head("GET", "/", {"Accept-Encoding: gzip;q=0, br"}));
        Response r = Response::text(text);
        CHECK_FALSE(c.apply(*refuses, r));
        CHECK(value(r, "Vary") == "Accept-Encoding");
        CHECK(value(r, "Content-Encoding") == "<absent>");
        TestRequest silent(head("GET", "/"));
        Response r2 = Response::text(text);
        CHECK_FALSE(c.apply(*silent, r2));
    }
    SECTION("a type not in the list") {
        Response r = Response::text(text);
        r.set_content_type("image/png");
        CHECK_FALSE(c.apply(*gzip_ok, r));
        CHECK(value(r, "Vary") == "<absent>");
    }
    SECTION("statuses without a (full) body") {
        for (int status : {204, 206, 304}) {
            Response r = Response::text(text, status);
            CHECK_FALSE(c.apply(*gzip_ok, r));
        }
    }
    SECTION("an already encoded body") {
        Response r = Response::text(text);
        r.set_header("Content-Encoding", "br");
        CHECK_FALSE(c.apply(*gzip_ok, r));
        CHECK(value(r, "Content-Encoding") == "br");
        CHECK(r.body() == text);
    }
    SECTION("Cache-Control: no-transform") {
        Response r = Response::text(text);
        r.set_header("Cache-Control", "public, No-Transform");
        CHECK_FALSE(c.apply(*gzip_ok, r));
    }
    SECTION("a file body (sent by sendfile, never in memory)") {
        FILE* tmp = std::tmpfile();
        REQUIRE(tmp != nullptr);
        REQUIRE(std::fwrite(text.data(), 1, text.size(), tmp) == text.size());
        std::fflush(tmp);
        Response r = Response::file(sweet::http::FileBody{sweet::UniqueFd(::dup(::fileno(tmp))), 0, text.size()},
                                    "text/plain; charset=utf-8");
        std::fclose(tmp);
        CHECK_FALSE(c.apply(*gzip_ok, r));
        CHECK(r.has_file_body());
        CHECK(value(r, "Content-Encoding") == "<absent>");
    }
    SECTION("a streamed response") {
        Response r = Response::stream([](sweet::ResponseStream) {});
        CHECK_FALSE(c.apply(*gzip_ok, r));
        CHECK(r.is_stream());
    }
    SECTION("incompressible data that would grow") {
        const std::string noise = random_text(2000);
        // Printable noise still shrinks a little; bytes spread over all 256 values do not.
        std::string binary(4096, '\0');
        std::mt19937 rng(11);
        for (char& ch : binary) ch = static_cast<char>(rng());
        Response r = Response::text(binary);
        CHECK_FALSE(c.apply(*gzip_ok, r));
        CHECK(r.body() == binary);
        CHECK(value(r, "Content-Encoding") == "<absent>");
        CHECK(value(r, "Vary") == "Accept-Encoding");
        Response n = Response::text(noise);
        CHECK(c.apply(*gzip_ok, n));
        CHECK(gunzip(n.body()) == noise);
    }
    SECTION("max_size") {
        Compressor bounded(CompressionOptions{.min_size = 10, .max_size = 100});
        Response big = Response::text(std::string(101, 'a'));
        CHECK_FALSE(bounded.apply(*gzip_ok, big));
        Response fits = Response::text(std::string(100, 'a'));
        CHECK(bounded.apply(*gzip_ok, fits));
    }
}

TEST_CASE("compression: ETags become weak, Vary is merged", "[features][compression]") {
    Compressor c(CompressionOptions{});
    TestRequest req(head("GET", "/", {"Accept-Encoding: *"}));
    Response r = Response::text(std::string(5000, 'z'));
    r.set_header("ETag", "\"v1\"");
    r.set_header("Vary", "Origin");
    REQUIRE(c.apply(*req, r));
    CHECK(value(r, "ETag") == "W/\"v1\"");
    CHECK(value(r, "Vary") == "Origin, Accept-Encoding");
    Response weak = Response::text(std::string(5000, 'z'));
    weak.set_header("ETag", "W/\"v2\"");
    weak.set_header("Vary", "*");
    REQUIRE(c.apply(*req, weak));
    CHECK(value(weak, "ETag") == "W/\"v2\"");
    CHECK(value(weak, "Vary") == "*");
}

TEST_CASE("compression: the per-thread stream is reused across levels and sizes", "[features][compression]") {
    std::string out;
    for (int round = 0; round < 60; ++round) {
        const int level = 1 + round % 9;
        const std::string input = json_body(static_cast<std::size_t>(100 + round * 997));
        REQUIRE(sweet::gzip_compress(input, out, level));
        REQUIRE(gunzip(out) == input);
    }
    REQUIRE(sweet::gzip_compress("", out, 6));
    CHECK(gunzip(out).empty());
    // Many responses in a row through the hook: each body is correct even though buffers swap.
    Compressor c(CompressionOptions{.level = 1});
    TestRequest req(head("GET", "/", {"Accept-Encoding: gzip"}));
    for (int i = 0; i < 50; ++i) {
        const std::string original = json_body(static_cast<std::size_t>(2000 + i * 300));
        Response r = Response::json_text(original);
        REQUIRE(c.apply(*req, r));
        REQUIRE(gunzip(r.body()) == original);
    }
}

TEST_CASE("compression: bad options are refused", "[features][compression]") {
    CHECK_THROWS_AS(Compressor(CompressionOptions{.level = 0}), std::invalid_argument);
    CHECK_THROWS_AS(Compressor(CompressionOptions{.level = 10}), std::invalid_argument);
    CHECK_THROWS_AS(Compressor(CompressionOptions{.min_size = 100, .max_size = 10}), std::invalid_argument);
    CHECK_THROWS_AS(Compressor(CompressionOptions{.memory_level = 0}), std::invalid_argument);
    CHECK_THROWS_AS(Compressor(CompressionOptions{.content_types = {"json"}}), std::invalid_argument);
    CHECK_THROWS_AS(Compressor(CompressionOptions{.content_types = {""}}), std::invalid_argument);
}

TEST_CASE("compression: the bundle compresses in on_response", "[features][compression]") {
    auto bundle = sweet::compression({.min_size = 16});
    STATIC_REQUIRE(decltype(bundle)::count<sweet::HookPhase::on_response> == 1);
    TestRequest req(head("GET", "/", {"Accept-Encoding: gzip"}));
    Response r = Response::text(std::string(64, 'q'), 404);
    std::get<0>(bundle.list).fn(*req, r);
    CHECK(value(r, "Content-Encoding") == "gzip");
    CHECK(gunzip(r.body()) == std::string(64, 'q'));
}
