// multipart/form-data (sweet/http/multipart.hpp): the push parser gives the same parts for every
// way the body can be split, enforces each limit, refuses malformed bodies; parse_multipart keeps
// small files in memory and spools large ones to anonymous temporary files. Also the parameter
// parser of sweet/http/mime_types.hpp that reads boundaries and Content-Disposition.

#include <catch2/catch.hpp>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/http/mime_types.hpp"
#include "sweet/http/multipart.hpp"

using namespace std::string_literals;
using namespace std::string_view_literals;
using sweet::Error;
using sweet::Result;
using sweet::http::MultipartLimits;
using sweet::http::MultipartParser;
using sweet::http::MultipartSink;
using sweet::http::parse_parameterized;
using sweet::http::PartInfo;

namespace {

/// Writes down everything the parser reports, merging adjacent data pieces, so two runs can be
/// compared whatever the split.
class Transcript final : public MultipartSink {
public:
    Result<void> on_part_begin(const PartInfo& part) override {
        text += "[begin name=" + part.name;
        if (part.filename) text += " filename=" + *part.filename;
        text += " type=" + part.content_type + " headers=" + std::to_string(part.headers.size()) + "]";
        in_data = false;
        return {};
    }
    Result<void> on_part_data(std::string_view data) override {
        if (data.empty()) empty_data_calls++;
        if (!in_data) text += "[data]";
        in_data = true;
        text.append(data);
        return {};
    }
    Result<void> on_part_end() override {
        text += "[end]";
        in_data = false;
        return {};
    }

    std::string text;
    bool in_data = false;
    int empty_data_calls = 0;
};

/// The outcome of one parse: the transcript plus the error status (0 when it succeeded).
struct Outcome {
    std::string text;
    int status = 0;
    bool operator==(const Outcome&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) { return os << "status " << o.status << " transcript " << o.text; }

/// Parses `body` fed in the pieces that `cuts` (sorted offsets) delimit.
Outcome parse_pieces(std::string_view boundary, std::string_view body, const std::vector<std::size_t>& cuts,
                     const MultipartLimits& limits = {}) {
    Transcript t;
    MultipartParser p(boundary, t, limits);
    Outcome out;
    std::size_t from = 0;
    std::vector<std::size_t> ends = cuts;
    ends.push_back(body.size());
    for (std::size_t to : ends) {
        // Each piece in a buffer of its own, so reading past it is an ASan error.
        const std::string piece(body.substr(from, to - from));
        if (auto r = p.feed(piece); !r) {
            out.status = r.error().status;
            break;
        }
        from = to;
    }
    if (out.status == 0) {
        if (auto r = p.finish(); !r) out.status = r.error().status;
    }
    out.text = t.text;
    REQUIRE(t.empty_data_calls == 0);
    return out;
}

Outcome parse_whole(std::string_view boundary, std::string_view body, const MultipartLimits& limits = {}) {
    return parse_pieces(boundary, body, {}, limits);
}

/// Every two-piece split, a byte-at-a-time feed, and (for short bodies) every three-piece split
/// give the whole-body outcome.
void check_every_split(std::string_view boundary, std::string_view body, const MultipartLimits& limits = {}) {
    const Outcome whole = parse_whole(boundary, body, limits);
    for (std::size_t i = 0; i <= body.size(); ++i) {
        INFO("split at " << i);
        REQUIRE(parse_pieces(boundary, body, {i}, limits) == whole);
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < body.size(); ++i) every.push_back(i);
    REQUIRE(parse_pieces(boundary, body, every, limits) == whole);
    if (body.size() <= 260) {
        for (std::size_t i = 0; i <= body.size(); ++i) {
            for (std::size_t j = i; j <= body.size(); ++j) {
                if (parse_pieces(boundary, body, {i, j}, limits) != whole) {
                    FAIL("splits at " << i << " and " << j << " differ from the whole body");
                }
            }
        }
    }
}

constexpr std::string_view kBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW";

/// A browser-style body: a text field, a file with binary bytes that resemble a boundary, an
/// empty file input, a preamble and an epilogue.
std::string sample_body() {
    std::string b;
    b += "This is the preamble; it is ignored.\r\n";
    b += "--"s.append(kBoundary) + "\r\n";
    b += "Content-Disposition: form-data; name=\"title\"\r\n\r\n";
    b += "Hello, multipart";
    b += "\r\n--"s.append(kBoundary) + "\r\n";
    b += "Content-Disposition: form-data; name=\"upload\"; filename=\"notes.bin\"\r\n";
    b += "Content-Type: application/octet-stream\r\n\r\n";
    b += "line one\r\n--"s.append(kBoundary.substr(0, 10)) + " not a boundary\r\n\r\r\n-\r\n--\r";
    b.push_back('\0');
    b += "\xff\xfe end";
    b += "\r\n--"s.append(kBoundary) + "\r\n";
    b += "Content-Disposition: form-data; name=\"empty\"; filename=\"\"\r\n";
    b += "Content-Type: application/octet-stream\r\n\r\n";
    b += "\r\n--"s.append(kBoundary) + "--\r\n";
    b += "This epilogue is ignored too, even --"s.append(kBoundary) + "\r\n";
    return b;
}

std::string part(std::string_view boundary, std::string_view headers, std::string_view data) {
    std::string s = "--";
    s.append(boundary).append("\r\n").append(headers).append("\r\n\r\n").append(data).append("\r\n");
    return s;
}

/// A parameter's value, or "<absent>".
std::string param_of(const sweet::http::ParameterizedValue& v, std::string_view name) {
    const std::string* p = v.param(name);
    return p != nullptr ? *p : "<absent>";
}

std::string closing(std::string_view boundary) { return "--"s.append(boundary).append("--\r\n"); }

int status_of(std::string_view boundary, std::string_view body, const MultipartLimits& limits = {}) {
    return parse_whole(boundary, body, limits).status;
}

/// A fresh empty directory, removed (with what is in it) at the end of the test.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/sweet-multipart-test-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() {
        for (const std::string& name : entries()) ::unlink((path + "/" + name).c_str());
        ::rmdir(path.c_str());
    }
    [[nodiscard]] std::vector<std::string> entries() const {
        std::vector<std::string> out;
        if (DIR* d = ::opendir(path.c_str())) {
            while (dirent* e = ::readdir(d)) {
                const std::string name = e->d_name;
                if (name != "." && name != "..") out.push_back(name);
            }
            ::closedir(d);
        }
        return out;
    }
};

std::string read_file(const std::string& path) {
    std::string out;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    char buf[65536];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return out;
}

}  // namespace

// ---- parameters and boundaries ------------------------------------------------------------------

TEST_CASE("parse_parameterized: values, tokens, quoted strings", "[multipart][mime]") {
    auto v = parse_parameterized("form-data; name=\"field\"; filename=\"a b;c.txt\"");
    REQUIRE(v);
    CHECK(v->value == "form-data");
    REQUIRE(v->params.size() == 2);
    CHECK(param_of(*v, "NAME") == "field");
    CHECK(param_of(*v, "filename") == "a b;c.txt");
    CHECK(v->param("other") == nullptr);

    auto escaped = parse_parameterized(R"(x; a="q\"uote"; b="back\\slash"; c="C:\dir\file")");
    REQUIRE(escaped);
    CHECK(param_of(*escaped, "a") == "q\"uote");
    CHECK(param_of(*escaped, "b") == "back\\slash");
    CHECK(param_of(*escaped, "c") == "C:\\dir\\file");  // a lone backslash is kept (browsers send paths so)

    auto spaced = parse_parameterized("multipart/form-data ;  boundary=abc=/:? ; ; charset=utf-8;");
    REQUIRE(spaced);
    CHECK(spaced->value == "multipart/form-data");
    CHECK(param_of(*spaced, "boundary") == "abc=/:?");
    CHECK(param_of(*spaced, "charset") == "utf-8");
    CHECK(parse_parameterized("text/plain")->params.empty());
}

TEST_CASE("parse_parameterized: malformed values", "[multipart][mime]") {
    for (const char* bad : {"", "  ", "; a=1", "x; a", "x; =1", "x; a=", "x; a=\"open", "x; a=\"b\"c", "x; a=b c",
                            "x; a b=1", "x; a=\"ctl\x01\"", "x; a=b\"c"}) {
        INFO("value " << bad);
        CHECK_FALSE(parse_parameterized(bad));
    }
}

TEST_CASE("boundary_from_content_type", "[multipart]") {
    const auto boundary = [](std::string_view ct) { return MultipartParser::boundary_from_content_type(ct); };
    CHECK(*boundary("multipart/form-data; boundary=abc") == "abc");
    CHECK(*boundary("Multipart/Form-Data; BOUNDARY=\"a b'()+_,-./:=?\"") == "a b'()+_,-./:=?");
    CHECK(*boundary("multipart/form-data; charset=utf-8; boundary=" + std::string(70, 'x')) == std::string(70, 'x'));
    const auto status = [&](std::string_view ct) {
        auto r = boundary(ct);
        REQUIRE_FALSE(r.ok());
        return r.error().status;
    };
    CHECK(status("application/x-www-form-urlencoded") == 415);
    CHECK(status("multipart/mixed; boundary=abc") == 415);
    CHECK(status("") == 415);
    CHECK(status("multipart/form-data") == 400);
    CHECK(status("multipart/form-data; boundary=") == 400);
    CHECK(status("multipart/form-data; boundary=\"\"") == 400);
    CHECK(status("multipart/form-data; boundary=" + std::string(71, 'x')) == 400);
    CHECK(status("multipart/form-data; boundary=\"ends in space \"") == 400);
    CHECK(status("multipart/form-data; boundary=\"semi;colon\"") == 400);
    CHECK(status("multipart/form-data; boundary=\"cr\r\"") == 400);
    CHECK(status("multipart/form-data; boundary=\"open") == 400);
}

// ---- the push parser ----------------------------------------------------------------------------

TEST_CASE("MultipartParser: a browser-style body", "[multipart]") {
    const std::string body = sample_body();
    const Outcome whole = parse_whole(kBoundary, body);
    std::string expected = "[begin name=title type=text/plain headers=1][data]Hello, multipart[end]";
    expected += "[begin name=upload filename=notes.bin type=application/octet-stream headers=2][data]";
    expected += "line one\r\n--"s.append(kBoundary.substr(0, 10)) + " not a boundary\r\n\r\r\n-\r\n--\r";
    expected.push_back('\0');
    expected += "\xff\xfe end[end]";
    expected += "[begin name=empty filename= type=application/octet-stream headers=2][end]";
    CHECK(whole.status == 0);
    CHECK(whole.text == expected);
}

TEST_CASE("MultipartParser: every split gives the same parts", "[multipart]") {
    SECTION("browser-style body") { check_every_split(kBoundary, sample_body()); }
    SECTION("no preamble, short boundary, padding after the delimiters") {
        std::string b = "--b \t\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\r\n--b\t\r\n";
        b += "content-disposition: FORM-DATA; name=\"c\"; filename*=UTF-8''na%C3%AFve%20file.txt; filename=\"fallback\"\r\n\r\n";
        b += "\r\n\r\n--b--";
        check_every_split("b", b);
        CHECK(parse_whole("b", b).text ==
              "[begin name=a type=text/plain headers=1][data]1\r[end]"
              "[begin name=c filename=naïve file.txt type=text/plain headers=1][data]\r\n[end]");
    }
    SECTION("data that repeats the start of the delimiter") {
        std::string data;
        for (int i = 0; i < 6; ++i) data += "\r\n--bound"s.substr(0, static_cast<std::size_t>(i) + 2) + "x";
        data += "\r\n--boundar\r\n--boundary-\r\n";
        const std::string b = part("boundary", "Content-Disposition: form-data; name=f", data) + closing("boundary");
        check_every_split("boundary", b);
        // "\r\n--boundary-" is a delimiter followed by one '-': malformed, whatever the split.
        CHECK(parse_whole("boundary", b).status == 400);
        const std::string ok = part("boundary", "Content-Disposition: form-data; name=f", data.substr(0, data.size() - 14)) + closing("boundary");
        check_every_split("boundary", ok);
        CHECK(parse_whole("boundary", ok).text == "[begin name=f type=text/plain headers=1][data]" + data.substr(0, data.size() - 14) + "[end]");
    }
    SECTION("a part without data and a form without parts") {
        check_every_split("z", part("z", "Content-Disposition: form-data; name=e", "") + closing("z"));
        CHECK(parse_whole("z", part("z", "Content-Disposition: form-data; name=e", "") + closing("z")).text ==
              "[begin name=e type=text/plain headers=1][end]");
        check_every_split("z", "--z--\r\n");
        CHECK(parse_whole("z", "--z--").status == 0);
        CHECK(parse_whole("z", "--z--").text.empty());
    }
}

TEST_CASE("MultipartParser: random bodies, random splits", "[multipart]") {
    std::mt19937 rng(7);
    const std::string boundary = "rNd-bOuNdArY";
    const std::string alphabet = "\r\n-rNdbO\0x"s;
    for (int round = 0; round < 200; ++round) {
        std::string body;
        std::string expected;
        const int parts = static_cast<int>(rng() % 4);
        for (int p = 0; p < parts; ++p) {
            std::string data;
            const std::size_t len = rng() % 40;
            for (std::size_t i = 0; i < len; ++i) {
                if (rng() % 8 == 0) data += "\r\n--" + boundary.substr(0, rng() % boundary.size());  // a near-miss
                else data.push_back(alphabet[rng() % alphabet.size()]);
            }
            const std::string name = "f" + std::to_string(p);
            body += part(boundary, "Content-Disposition: form-data; name=" + name, data);
            expected += "[begin name=" + name + " type=text/plain headers=1]" + (data.empty() ? "" : "[data]" + data) + "[end]";
        }
        body += closing(boundary);
        const Outcome whole = parse_whole(boundary, body);
        INFO("round " << round);
        REQUIRE(whole.status == 0);
        REQUIRE(whole.text == expected);
        for (int k = 0; k < 20; ++k) {
            std::vector<std::size_t> cuts;
            for (std::size_t i = 0; i < body.size(); ++i) {
                if (rng() % 5 == 0) cuts.push_back(i);
            }
            REQUIRE(parse_pieces(boundary, body, cuts) == whole);
        }
    }
}

TEST_CASE("MultipartParser: malformed bodies are 400, whatever the split", "[multipart]") {
    const std::string cd = "Content-Disposition: form-data; name=a";
    const std::vector<std::pair<const char*, std::string>> cases = {
        {"no closing delimiter", part("b", cd, "x")},
        {"nothing at all", ""},
        {"only a preamble", "just text\r\n"},
        {"cut inside the headers", "--b\r\nContent-Disp"},
        {"no Content-Disposition", part("b", "Content-Type: text/plain", "x") + closing("b")},
        {"no headers", part("b", "", "x").replace(5, 2, "") + closing("b")},
        {"not form-data", part("b", "Content-Disposition: attachment; name=a", "x") + closing("b")},
        {"no name", part("b", "Content-Disposition: form-data; filename=x", "x") + closing("b")},
        {"bad disposition syntax", part("b", "Content-Disposition: form-data; name=\"a", "x") + closing("b")},
        {"two dispositions", part("b", cd + "\r\n" + cd, "x") + closing("b")},
        {"two content types", part("b", cd + "\r\nContent-Type: a/b\r\nContent-Type: c/d", "x") + closing("b")},
        {"empty content type", part("b", cd + "\r\nContent-Type:", "x") + closing("b")},
        {"header without colon", part("b", cd + "\r\nBroken header", "x") + closing("b")},
        {"header name with space", part("b", cd + "\r\nBad Name: v", "x") + closing("b")},
        {"folded header", part("b", cd + "\r\n\tfolded", "x") + closing("b")},
        {"bare LF in headers", part("b", cd + "\nContent-Type: a/b", "x") + closing("b")},
        {"control byte in a header", part("b", cd + "\r\nX-A: \x01", "x") + closing("b")},
        {"junk after the boundary", "--bXYZ\r\n" + cd + "\r\n\r\nx\r\n" + closing("b")},
        {"single dash after the boundary", "--b-\r\n"},
        {"junk after padding", "--b  x\r\n"},
        {"CR without LF", "--b\rX"},
        {"bare LF after the boundary", "--b\n" + cd + "\r\n\r\nx\r\n" + closing("b")},
    };
    for (const auto& [what, body] : cases) {
        INFO(what);
        CHECK(status_of("b", body) == 400);
        const Outcome whole = parse_whole("b", body);
        for (std::size_t i = 0; i <= body.size(); ++i) REQUIRE(parse_pieces("b", body, {i}) == whole);
    }
    Transcript t;
    MultipartParser invalid("bad;boundary", t);
    auto r = invalid.feed("--bad;boundary--");
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().status == 400);
}

TEST_CASE("MultipartParser: after an error, every call repeats it", "[multipart]") {
    Transcript t;
    MultipartParser p("b", t);
    auto first = p.feed("--b\r\nBroken\r\n\r\n");
    REQUIRE_FALSE(first.ok());
    auto again = p.feed("--b--");
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().message == first.error().message);
    CHECK_FALSE(p.finish().ok());
    CHECK_FALSE(p.done());
}

TEST_CASE("MultipartParser: the epilogue is ignored and done() says so", "[multipart]") {
    Transcript t;
    MultipartParser p("b", t);
    REQUIRE(p.feed(part("b", "Content-Disposition: form-data; name=a", "1")).ok());
    CHECK_FALSE(p.done());
    CHECK(p.part_count() == 1);
    REQUIRE(p.feed("--b--").ok());
    CHECK(p.done());
    REQUIRE(p.feed("\r\nanything at all, --b\r\n garbage").ok());
    REQUIRE(p.finish().ok());
    CHECK(p.bytes_fed() > 0);
    CHECK(t.text == "[begin name=a type=text/plain headers=1][data]1[end]");
}

TEST_CASE("MultipartParser: limits are 413, exact, and split-independent", "[multipart]") {
    const std::string field_cd = "Content-Disposition: form-data; name=f";
    const std::string file_cd = "Content-Disposition: form-data; name=u; filename=a.txt";
    const MultipartLimits limits{.max_parts = 3, .max_part_header_bytes = 80, .max_field_bytes = 10, .max_file_bytes = 20,
                                 .max_total_bytes = 400};

    SECTION("fields and files have separate size limits") {
        CHECK(status_of("b", part("b", field_cd, std::string(10, 'x')) + closing("b"), limits) == 0);
        CHECK(status_of("b", part("b", field_cd, std::string(11, 'x')) + closing("b"), limits) == 413);
        CHECK(status_of("b", part("b", file_cd, std::string(20, 'x')) + closing("b"), limits) == 0);
        CHECK(status_of("b", part("b", file_cd, std::string(21, 'x')) + closing("b"), limits) == 413);
        const std::string big_file = part("b", file_cd, std::string(21, 'x')) + closing("b");
        check_every_split("b", big_file, limits);
        const Outcome o = parse_whole("b", big_file, limits);
        CHECK(o.text.find("[end]") == std::string::npos);  // the part never completes
    }
    SECTION("the error names the part") {
        Transcript t;
        MultipartParser p("b", t, limits);
        auto r = p.feed(part("b", file_cd, std::string(30, 'x')));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().status == 413);
        CHECK(r.error().message == "file \"u\" is larger than 20 bytes");
    }
    SECTION("number of parts") {
        std::string three;
        for (int i = 0; i < 3; ++i) three += part("b", field_cd, "1");
        CHECK(status_of("b", three + closing("b"), limits) == 0);
        CHECK(status_of("b", three + part("b", field_cd, "1") + closing("b"), limits) == 413);
        check_every_split("b", three + part("b", field_cd, "1") + closing("b"), limits);
    }
    SECTION("header section size") {
        // The limit counts the header lines with their CRLFs and the blank line's CRLF.
        const std::string exact = field_cd + "\r\nX: " + std::string(80 - field_cd.size() - 2 - 3 - 4, 'h');
        REQUIRE(exact.size() + 4 == 80);
        CHECK(status_of("b", part("b", exact, "1") + closing("b"), limits) == 0);
        CHECK(status_of("b", part("b", exact + "h", "1") + closing("b"), limits) == 413);
        check_every_split("b", part("b", exact + "h", "1") + closing("b"), limits);
        // A header section that never ends is cut off at the limit, not read forever.
        Transcript t;
        MultipartParser p("b", t, limits);
        REQUIRE(p.feed("--b\r\n").ok());
        Result<void> r;
        for (int i = 0; i < 100 && r.ok(); ++i) r = p.feed("aaaaaaaaa");
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().status == 413);
    }
    SECTION("total size") {
        // A preamble counts too: 400 bytes are merely unfinished (400), 401 are too many (413).
        CHECK(status_of("b", std::string(400, 'p'), limits) == 400);
        CHECK(status_of("b", std::string(401, 'p'), limits) == 413);
        const std::string two_files = part("b", file_cd, std::string(20, 'x')) + part("b", file_cd, std::string(20, 'y'));
        std::string body = two_files;
        while (body.size() + 20 < 400) body += part("b", field_cd, "z");
        body += closing("b");
        INFO("body size " << body.size());
        CHECK(status_of("b", body, {.max_parts = 100, .max_total_bytes = body.size()}) == 0);
        CHECK(status_of("b", body, {.max_parts = 100, .max_total_bytes = body.size() - 1}) == 413);
    }
    SECTION("an error before the total limit is the one reported, however the body is split") {
        // Found by fuzzing: fed whole, the total limit used to strike before the bytes in front
        // of it were parsed, so one piece said 413 where byte-by-byte said 400.
        const std::string body = part("b", "X-No-Disposition: 1", "v") + std::string(500, 'p');
        CHECK(status_of("b", body, limits) == 400);
        check_every_split("b", body, limits);
    }
}

TEST_CASE("MultipartParser: an error from the sink stops parsing", "[multipart]") {
    class Refusing final : public MultipartSink {
    public:
        Result<void> on_part_begin(const PartInfo& p) override {
            if (p.name == "stop") return Error::client(422, "no stop field");
            return {};
        }
        Result<void> on_part_data(std::string_view) override { return Error::internal("disk full"); }
        Result<void> on_part_end() override { return {}; }
    } sink;
    {
        MultipartParser p("b", sink);
        auto r = p.feed(part("b", "Content-Disposition: form-data; name=stop", "") + closing("b"));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().status == 422);
    }
    {
        MultipartParser p("b", sink);
        auto r = p.feed(part("b", "Content-Disposition: form-data; name=go", "data") + closing("b"));
        REQUIRE_FALSE(r.ok());
        CHECK(r.error().detail == "disk full");
        CHECK_FALSE(p.feed("more").ok());
    }
}

// ---- parse_multipart ----------------------------------------------------------------------------

TEST_CASE("parse_multipart: fields and in-memory files", "[multipart]") {
    auto form = sweet::http::parse_multipart("multipart/form-data; boundary=\""s.append(kBoundary) + "\"", sample_body());
    REQUIRE(form.ok());
    REQUIRE(form->fields.size() == 1);
    CHECK(form->field("title") == "Hello, multipart"sv);
    CHECK(form->fields[0].content_type == "text/plain");
    CHECK_FALSE(form->field("upload"));
    REQUIRE(form->files.size() == 2);
    const sweet::http::UploadedFile* up = form->file("upload");
    REQUIRE(up != nullptr);
    CHECK(up->filename() == "notes.bin");
    CHECK(up->content_type() == "application/octet-stream");
    CHECK(up->in_memory());
    CHECK(up->fd() == -1);
    CHECK(up->size() == up->memory().size());
    CHECK(up->memory().starts_with("line one\r\n--"));
    CHECK(*up->read_all() == up->memory());
    const sweet::http::UploadedFile* empty = form->file("empty");
    REQUIRE(empty != nullptr);
    CHECK(empty->filename().empty());
    CHECK(empty->size() == 0);
    CHECK(form->file("title") == nullptr);
}

TEST_CASE("parse_multipart: large files go to anonymous temporary files", "[multipart]") {
    TempDir dir;
    std::string content;
    for (int i = 0; content.size() < 300'000; ++i) content += "row " + std::to_string(i) + "\r\n";
    const std::string body = part("XyZ", "Content-Disposition: form-data; name=big; filename=\"big.csv\"\r\nContent-Type: text/csv", content) +
                             part("XyZ", "Content-Disposition: form-data; name=small; filename=s.txt", "tiny") + closing("XyZ");
    const MultipartLimits limits{.max_memory_file_bytes = 1000, .spool_directory = dir.path};
    auto form = sweet::http::parse_multipart("multipart/form-data; boundary=XyZ", body, limits);
    REQUIRE(form.ok());
    const sweet::http::UploadedFile* big = form->file("big");
    REQUIRE(big != nullptr);
    CHECK_FALSE(big->in_memory());
    CHECK(big->fd() >= 0);
    CHECK(big->memory().empty());
    CHECK(big->size() == content.size());
    CHECK(big->content_type() == "text/csv");
    CHECK(*big->read_all() == content);
    CHECK(dir.entries().empty());  // anonymous: nothing to see or clean up
    CHECK(form->file("small")->in_memory());

    SECTION("save_as copies the contents to a new file, never over an existing one") {
        const std::string target = dir.path + "/saved.csv";
        REQUIRE(big->save_as(target).ok());
        CHECK(read_file(target) == content);
        auto again = big->save_as(target);
        REQUIRE_FALSE(again.ok());
        CHECK(again.error().status == 500);
        CHECK(read_file(target) == content);
        const std::string small_target = dir.path + "/small.txt";
        REQUIRE(form->file("small")->save_as(small_target).ok());
        CHECK(read_file(small_target) == "tiny");
        CHECK_FALSE(form->file("small")->save_as(dir.path + "/missing-dir/x").ok());
    }
    SECTION("the temporary file closes with its owner") {
        const int fd = big->fd();
        sweet::http::MultipartForm moved = std::move(form).value();
        CHECK(moved.file("big")->fd() == fd);
        moved.files.clear();
        CHECK(::fcntl(fd, F_GETFD) == -1);
    }
}

TEST_CASE("parse_multipart: errors", "[multipart]") {
    const auto status = [](std::string_view ct, std::string_view body, const MultipartLimits& limits = {}) {
        auto r = sweet::http::parse_multipart(ct, body, limits);
        REQUIRE_FALSE(r.ok());
        return r.error().status;
    };
    CHECK(status("text/plain", "x") == 415);
    CHECK(status("multipart/form-data", "x") == 400);
    CHECK(status("multipart/form-data; boundary=b", "--b\r\nContent-Disposition: form-data; name=a\r\n\r\nx") == 400);
    CHECK(status("multipart/form-data; boundary=b", part("b", "Content-Disposition: form-data; name=a; filename=f", "12345") + closing("b"),
                 {.max_file_bytes = 4}) == 413);
    CHECK(status("multipart/form-data; boundary=b", part("b", "Content-Disposition: form-data; name=a; filename=f", "12345") + closing("b"),
                 {.max_memory_file_bytes = 1, .spool_directory = "/nonexistent/sweet"}) == 500);
}
