// Reads JSON documents on stdin, parses each with json::parse, writes each back with the JSON
// writer, one result line per document on stdout:
//   OK <json>                  the document parsed; <json> is its re-serialization (one line:
//                              the writer escapes every control character)
//   ERROR <offset> <reason>    it was refused
// tests/e2e/test_json_oracle.py compares these with Python's json module.
//
// Input framing:
//   (default)           one document per line ('\n' ends it; a line cannot hold a raw newline)
//   --length-prefixed   "<decimal byte count>\n" followed by exactly that many bytes, repeated;
//                       any bytes at all, newlines included
// Options: --max-depth N (default 64), --padded (parse in place from a buffer padded by the tool,
// exercising json::parse_padded instead of json::parse).

#include <sweet/json/parse.hpp>
#include <sweet/json/serialize.hpp>
#include <sweet/json/value.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <string>
#include <string_view>

namespace {

struct Options {
    bool length_prefixed = false;
    bool padded = false;
    sweet::json::ParseOptions parse;
};

void handle(std::string_view document, const Options& options, std::string& out) {
    auto result = options.padded ? sweet::json::parse_padded(document, options.parse)
                                 : sweet::json::parse(document, options.parse);
    if (result) {
        out += "OK ";
        sweet::json::Writer writer(out);
        sweet::json::write(writer, *result);
    } else {
        out += "ERROR " + std::to_string(result.error().offset) + " " + result.error().reason;
    }
    out += '\n';
}

/// Reads exactly `n` bytes into `buffer` (plus padding for --padded); false at end of input.
bool read_exact(std::size_t n, std::string& buffer) {
    buffer.resize(n + sweet::json::required_padding);
    std::cin.read(buffer.data(), static_cast<std::streamsize>(n));
    return static_cast<std::size_t>(std::cin.gcount()) == n;
}

int usage() {
    std::fputs("usage: json_roundtrip_tool [--length-prefixed] [--padded] [--max-depth N] < documents\n", stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--length-prefixed") {
            options.length_prefixed = true;
        } else if (arg == "--padded") {
            options.padded = true;
        } else if (arg == "--max-depth" && i + 1 < argc) {
            const std::string_view value = argv[++i];
            const auto parsed = std::from_chars(value.data(), value.data() + value.size(), options.parse.max_depth);
            if (parsed.ec != std::errc() || parsed.ptr != value.data() + value.size()) return usage();
        } else {
            return usage();
        }
    }
    std::ios::sync_with_stdio(false);
    std::string out;
    std::string buffer;
    std::string line;
    while (true) {
        if (options.length_prefixed) {
            if (!std::getline(std::cin, line)) break;
            std::size_t n = 0;
            const auto parsed = std::from_chars(line.data(), line.data() + line.size(), n);
            if (parsed.ec != std::errc() || parsed.ptr != line.data() + line.size()) {
                std::fprintf(stderr, "bad length line: %s\n", line.c_str());
                return 2;
            }
            if (!read_exact(n, buffer)) {
                std::fputs("input ends inside a document\n", stderr);
                return 2;
            }
            handle(std::string_view(buffer.data(), n), options, out);
        } else {
            if (!std::getline(std::cin, line)) break;
            const std::size_t n = line.size();
            line.resize(n + sweet::json::required_padding);  // padding for --padded
            handle(std::string_view(line.data(), n), options, out);
        }
        if (out.size() > (1U << 16)) {
            std::fwrite(out.data(), 1, out.size(), stdout);
            out.clear();
        }
    }
    std::fwrite(out.data(), 1, out.size(), stdout);
    return 0;
}
