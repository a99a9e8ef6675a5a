// Micro-benchmarks of request-head parsing and chunked-body decoding.
//
//   parse/<request>/<level>   one parse_request_head per iteration, at each SIMD level the CPU has
//                             (".../forced": vector code even below simd::vector_threshold())
//   scan/value/<level>        the field-value scan alone over a 1 KiB value
//   chunked/<shape>           ChunkedDecoder throughput (decoded bytes/s)
//
// "wrk_get" is what wrk sends by default; "browser" is the request of picohttpparser's bench.c
// (11 header fields, ~700 bytes), so numbers can be set against published picohttpparser ones.

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/http/chunked_decoder.hpp"
#include "sweet/http/parser.hpp"
#include "sweet/http/simd_scan.hpp"

namespace {

using namespace sweet::http;

const std::string kWrkGet = "GET / HTTP/1.1\r\nHost: localhost:8080\r\n\r\n";

const std::string kBrowser =
    "GET /wp-content/uploads/2010/03/hello-kitty-darth-vader-pink.jpg HTTP/1.1\r\n"
    "Host: www.kittyhell.com\r\n"
    "User-Agent: Mozilla/5.0 (Macintosh; U; Intel Mac OS X 10.6; ja-JP-mac; rv:1.9.2.3) Gecko/20100401 Firefox/3.6.3 Pathtraq/0.9\r\n"
    "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
    "Accept-Language: ja,en-us;q=0.7,en;q=0.3\r\n"
    "Accept-Encoding: gzip,deflate\r\n"
    "Accept-Charset: Shift_JIS,utf-8;q=0.7,*;q=0.7\r\n"
    "Keep-Alive: 115\r\n"
    "Connection: keep-alive\r\n"
    "Cookie: wp_ozh_wsa_visits=2; wp_ozh_wsa_visit_lasttime=xxxxxxxxxx; "
    "__utma=xxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.xxxxxxxxxx.x; "
    "__utmz=xxxxxxxxx.xxxxxxxxxx.x.x.utmccn=(referral)|utmcsr=reader.livedoor.com|utmcct=/reader/|utmcmd=referral\r\n"
    "Pragma: no-cache\r\n"
    "Cache-Control: no-cache\r\n"
    "\r\n";

const std::string kPost =
    "POST /api/v1/orders?expand=items HTTP/1.1\r\n"
    "Host: api.example.com\r\n"
    "User-Agent: curl/7.88.1\r\n"
    "Accept: application/json\r\n"
    "Content-Type: application/json\r\n"
    "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\r\n"
    "Content-Length: 27\r\n"
    "\r\n";

void bench_parse(benchmark::State& state, const std::string* request, simd::Level level, std::size_t threshold) {
    if (!simd::force_level(level)) {
        state.SkipWithError("SIMD level not supported by this CPU");
        return;
    }
    simd::set_vector_threshold(threshold);
    std::vector<Header> storage(ParserLimits{}.max_headers);
    RequestHead head;
    const ParserLimits limits;
    for (auto _ : state) {
        ParseOutcome outcome = parse_request_head(*request, head, storage.data(), limits);
        benchmark::DoNotOptimize(outcome);
        benchmark::DoNotOptimize(head);
        if (outcome.state != ParseState::complete) {
            state.SkipWithError("request did not parse");
            break;
        }
    }
    simd::force_level(simd::best_level());
    simd::set_vector_threshold(simd::kDefaultVectorThreshold);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * request->size()));
}

void bench_scan_value(benchmark::State& state, simd::Level level) {
    const std::string value = std::string(1024, 'v') + "\r\n";
    for (auto _ : state) {
        std::size_t n = simd::scan(level, simd::ScanClass::value, value);
        benchmark::DoNotOptimize(n);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * 1024));
}

/// A chunked body of `total` data bytes in chunks of `chunk` bytes, with a trailer.
std::string make_chunked(std::size_t total, std::size_t chunk) {
    std::string out;
    std::size_t left = total;
    while (left > 0) {
        const std::size_t n = left < chunk ? left : chunk;
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", n);
        out += size;
        out.append(n, 'd');
        out += "\r\n";
        left -= n;
    }
    out += "0\r\nX-Checksum: 1234\r\n\r\n";
    return out;
}

void bench_chunked(benchmark::State& state, std::size_t total, std::size_t chunk, std::size_t read_size) {
    const std::string encoded = make_chunked(total, chunk);
    ChunkedLimits limits;
    limits.max_body_bytes = total;
    ChunkedDecoder decoder(limits);
    std::string body;
    body.reserve(total);
    for (auto _ : state) {
        decoder.reset();
        body.clear();
        // Fed in read_size pieces, as socket reads would deliver it.
        for (std::size_t pos = 0; pos < encoded.size();) {
            const std::string_view piece = std::string_view(encoded).substr(pos, read_size);
            const ChunkedDecoder::Step step = decoder.feed(piece, body);
            pos += step.consumed;
            if (step.status != 0 || step.done) break;
        }
        benchmark::DoNotOptimize(body.data());
        if (!decoder.done()) {
            state.SkipWithError("chunked body did not decode");
            break;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * total));
    state.counters["encoded_bytes"] = static_cast<double>(encoded.size());
}

[[maybe_unused]] const bool kRegistered = [] {
    const std::pair<const char*, const std::string*> requests[] = {
        {"wrk_get", &kWrkGet}, {"browser", &kBrowser}, {"api_post", &kPost}};
    for (const auto& [name, request] : requests) {
        for (simd::Level level : simd::supported_levels()) {
            const std::string bench_name = std::string("parse/") + name + "/" + std::string(simd::level_name(level));
            benchmark::RegisterBenchmark(bench_name.c_str(), bench_parse, request, level, simd::kDefaultVectorThreshold);
            if (level != simd::Level::scalar) {  // the vector code even where the default would not use it
                benchmark::RegisterBenchmark((bench_name + "/forced").c_str(), bench_parse, request, level, std::size_t{0});
            }
        }
    }
    for (simd::Level level : simd::supported_levels()) {
        benchmark::RegisterBenchmark(("scan/value/" + std::string(simd::level_name(level))).c_str(), bench_scan_value, level);
    }
    benchmark::RegisterBenchmark("chunked/64KiB_in_4KiB_chunks/read_16KiB", bench_chunked, std::size_t{64 * 1024},
                                 std::size_t{4096}, std::size_t{16 * 1024});
    benchmark::RegisterBenchmark("chunked/64KiB_in_64B_chunks/read_16KiB", bench_chunked, std::size_t{64 * 1024},
                                 std::size_t{64}, std::size_t{16 * 1024});
    benchmark::RegisterBenchmark("chunked/4KiB_in_1KiB_chunks/read_1B", bench_chunked, std::size_t{4096},
                                 std::size_t{1024}, std::size_t{1});
    return true;
}();

}  // namespace
