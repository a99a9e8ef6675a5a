// libFuzzer target for the multipart/form-data push parser (sweet/http/multipart.hpp) and the
// parameter parser it reads boundaries with (sweet/http/mime_types.hpp).
//
// Checks, beyond memory safety:
//  - the outcome (every part's headers and data, and the error status) is the same whatever
//    the split of the body: one piece, byte by byte, and piece sizes taken from the input;
//  - no part receives more data than its limit, and no more parts begin than max_parts;
//  - when the parser accepts a body, a separate whole-buffer reference splitter written from
//    RFC 2046's delimiter rules finds the same part data; when the reference finds the body
//    malformed, the parser must not accept it;
//  - parse_multipart (fields in memory, files spooled once above a tiny threshold) gives the
//    same data as the push parser;
//  - parse_parameterized never accepts a value with an unterminated quote.
// The first input byte picks the limits and the boundary, the second the piece sizes.
//
// Needs src/http/multipart.cpp compiled in.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/http/mime_types.hpp"
#include "sweet/http/multipart.hpp"

namespace {

using sweet::Result;
using sweet::http::MultipartLimits;
using sweet::http::MultipartParser;
using sweet::http::PartInfo;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

struct Part {
    std::string name;
    std::optional<std::string> filename;
    std::string content_type;
    std::string data;
    bool ended = false;
    bool operator==(const Part&) const = default;
};

struct Outcome {
    std::vector<Part> parts;
    int status = 0;
    bool operator==(const Outcome&) const = default;
};

class Recorder final : public sweet::http::MultipartSink {
public:
    explicit Recorder(Outcome& out) : out_(out) {}
    Result<void> on_part_begin(const PartInfo& p) override {
        check(out_.parts.empty() || out_.parts.back().ended, "a part began before the previous one ended");
        out_.parts.push_back(Part{p.name, p.filename, p.content_type, {}, false});
        return {};
    }
    Result<void> on_part_data(std::string_view d) override {
        check(!d.empty(), "empty data callback");
        check(!out_.parts.empty() && !out_.parts.back().ended, "data outside a part");
        out_.parts.back().data.append(d);
        return {};
    }
    Result<void> on_part_end() override {
        check(!out_.parts.empty() && !out_.parts.back().ended, "end outside a part");
        out_.parts.back().ended = true;
        return {};
    }

private:
    Outcome& out_;
};

Outcome run(std::string_view boundary, std::string_view body, const MultipartLimits& limits, const std::vector<std::size_t>& sizes) {
    Outcome out;
    Recorder recorder(out);
    MultipartParser parser(boundary, recorder, limits);
    std::size_t pos = 0;
    for (std::size_t k = 0; pos < body.size(); ++k) {
        const std::size_t want = sizes.empty() ? body.size() : sizes[k % sizes.size()];
        const std::size_t len = std::min(want, body.size() - pos);
        const std::string piece(body.substr(pos, len));  // its own buffer: ASan sees over-reads
        pos += len;
        if (Result<void> r = parser.feed(piece); !r) {
            out.status = r.error().status;
            return out;
        }
    }
    if (Result<void> r = parser.finish(); !r) out.status = r.error().status;
    return out;
}

/// The reference: the data of each part, found with plain searches over the whole body, or
/// nullopt when the delimiter structure is broken. Header sections are only located, not
/// interpreted (the parser may still refuse their content).
std::optional<std::vector<std::string>> reference_split(std::string_view boundary, std::string_view body) {
    const std::string dash_boundary = "--" + std::string(boundary);
    const std::string delimiter = "\r\n" + dash_boundary;
    std::size_t pos = 0;
    if (body.substr(0, dash_boundary.size()) == dash_boundary) {
        pos = dash_boundary.size();
    } else {
        const std::size_t at = body.find(delimiter);
        if (at == std::string_view::npos) return std::nullopt;
        pos = at + delimiter.size();
    }
    std::vector<std::string> parts;
    for (;;) {
        if (body.substr(pos, 2) == "--") return parts;  // the closing delimiter; the rest is epilogue
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
        if (body.substr(pos, 2) != "\r\n") return std::nullopt;
        const std::string with_crlf = std::string(body.substr(pos));  // starts with the CRLF just checked
        const std::size_t end = with_crlf.find("\r\n\r\n");
        if (end == std::string::npos) return std::nullopt;
        const std::size_t data_start = pos + end + 4;
        const std::size_t next = body.find(delimiter, data_start);  // the header's CRLFs never start it
        if (next == std::string_view::npos) return std::nullopt;
        parts.emplace_back(body.substr(data_start, next - data_start));
        pos = next + delimiter.size();
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint8_t mode = data[0];
    const std::uint8_t split = data[1];
    const std::string_view body(reinterpret_cast<const char*>(data) + 2, size - 2);

    static constexpr std::string_view kBoundaries[] = {"b", "----WebKitFormBoundaryZ9", "a'()+_,-./:=? z", "xyzxyz"};
    const std::string_view boundary = kBoundaries[mode % 4];
    const bool small = (mode & 4) != 0;
    MultipartLimits limits;
    if (small) limits = MultipartLimits{.max_parts = 3, .max_part_header_bytes = 96, .max_field_bytes = 16, .max_file_bytes = 40,
                                        .max_total_bytes = 2048};

    const Outcome whole = run(boundary, body, limits, {});
    check(run(boundary, body, limits, {1}) == whole, "byte-by-byte differs from one piece");
    std::vector<std::size_t> sizes;
    for (std::size_t i = 0; i < 8; ++i) sizes.push_back(1 + (static_cast<std::size_t>(split) * (i + 3) + i * 7) % 29);
    check(run(boundary, body, limits, sizes) == whole, "pieces differ from one piece");

    check(whole.parts.size() <= limits.max_parts, "more parts than max_parts");
    for (const Part& p : whole.parts) {
        check(p.data.size() <= (p.filename ? limits.max_file_bytes : limits.max_field_bytes), "a part exceeds its limit");
    }
    check(whole.status == 0 || whole.status == 400 || whole.status == 413, "unexpected status");

    const auto reference = reference_split(boundary, body);
    if (whole.status == 0) {
        check(reference.has_value(), "the parser accepted a body the reference finds malformed");
        check(reference->size() == whole.parts.size(), "part count differs from the reference");
        for (std::size_t i = 0; i < whole.parts.size(); ++i) {
            check((*reference)[i] == whole.parts[i].data, "part data differs from the reference");
            check(whole.parts[i].ended, "accepted body with an unfinished part");
        }
    }

    // parse_multipart over the same body: same data, files spooled beyond 8 bytes.
    MultipartLimits spool = limits;
    spool.max_memory_file_bytes = 8;
    const std::string content_type = "multipart/form-data; boundary=\"" + std::string(boundary) + "\"";
    auto form = sweet::http::parse_multipart(content_type, body, spool);
    check(form.ok() == (whole.status == 0), "parse_multipart and the push parser disagree on success");
    if (form.ok()) {
        std::size_t field = 0;
        std::size_t file = 0;
        for (const Part& p : whole.parts) {
            if (p.filename) {
                const auto contents = form->files.at(file++).read_all();
                check(contents.ok() && contents.value() == p.data, "a spooled file differs");
            } else {
                check(form->fields.at(field++).value == p.data, "a field differs");
            }
        }
    }

    // The parameter parser on the raw bytes.
    const std::string_view prefix = body.substr(0, 256);
    if (auto params = sweet::http::parse_parameterized(prefix)) {
        check(!params->value.empty(), "empty leading value accepted");
        for (const auto& p : params->params) check(sweet::http::is_token(p.name), "a parameter name is not a token");
    }
    auto b = MultipartParser::boundary_from_content_type("multipart/form-data; boundary=" + std::string(prefix));
    if (b) check(!b->empty() && b->size() <= 70, "an invalid boundary was accepted");
    return 0;
}
