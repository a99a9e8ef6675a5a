// The server tests/e2e/test_files_forms.py drives: static files, urlencoded and multipart forms,
// cookies. Flags of its own (the rest go to tests/support/cli.hpp):
//   --root DIR          directory served under /static/, /strict/ and /inmemory/ (required);
//                       /inmemory/ never uses sendfile, so every file is read into memory
//   --max-file N        MultipartLimits::max_file_bytes               (default 1 MiB)
//   --max-field N       MultipartLimits::max_field_bytes              (default 64 KiB)
//   --max-parts N       MultipartLimits::max_parts                    (default 16)
//   --memory-file N     MultipartLimits::max_memory_file_bytes        (default 64 KiB)
//   --static-max N      StaticFileOptions::max_file_bytes of /static/ and /inmemory/ (default 64 MiB)
//   --stream-max-file N max_file_bytes of /stream-upload (sweet::Upload; default 512 MiB); its
//                       other limits are the --max-* ones, its total N + 1 MiB
// It starts on a free port by default and prints "listening on http://HOST:PORT" on stderr.

#include <unistd.h>

#include <sweet/features/static_files.hpp>
#include <sweet/http/cookies.hpp>
#include <sweet/http/form.hpp>
#include <sweet/http/multipart.hpp>
#include <sweet/sweet.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "../support/cli.hpp"

namespace {

using sweet::json::append_string;

/// FNV-1a, 64 bits: the tests compute the same over what they uploaded. `h` carries the hash of
/// what came before, so data in pieces hashes like data in one piece.
std::uint64_t fnv1a(std::string_view data, std::uint64_t h = 0xcbf29ce484222325ULL) {
    for (char c : data) {
        h ^= static_cast<unsigned char>(c);
        h *= 0x100000001b3ULL;
    }
    return h;
}

/// `[["name","value"], ...]`
template <class Fields>
std::string pairs_json(const Fields& fields) {
    std::string out = "[";
    for (const auto& [name, value] : fields) {
        if (out.size() > 1) out.push_back(',');
        out.push_back('[');
        append_string(out, name);
        out.push_back(',');
        append_string(out, value);
        out.push_back(']');
    }
    out.push_back(']');
    return out;
}

/// FNV-1a of an uploaded file, read in pieces (a spooled file may be larger than memory should hold).
sweet::Result<std::uint64_t> file_fnv1a(const sweet::http::UploadedFile& f) {
    if (f.in_memory()) return fnv1a(f.memory());
    std::uint64_t h = fnv1a({});
    std::string buf(64 * 1024, '\0');
    for (std::uint64_t offset = 0; offset < f.size();) {
        const ssize_t n = ::pread(f.fd(), buf.data(), buf.size(), static_cast<off_t>(offset));
        if (n <= 0) return sweet::Error::internal("reading an uploaded file back failed");
        h = fnv1a(std::string_view(buf.data(), static_cast<std::size_t>(n)), h);
        offset += static_cast<std::uint64_t>(n);
    }
    return h;
}

/// `{"fields":[[name,value]...],"files":[{field, filename, content_type, size, in_memory, fnv1a}...]}`
sweet::Result<sweet::Response> describe_form(const sweet::http::MultipartForm& form) {
    std::vector<std::pair<std::string_view, std::string_view>> fields;
    for (const auto& f : form.fields) fields.emplace_back(f.name, f.value);
    std::string out = "{\"fields\":" + pairs_json(fields) + ",\"files\":[";
    for (const sweet::http::UploadedFile& f : form.files) {
        auto hash = file_fnv1a(f);
        if (!hash) return hash.error();
        if (out.back() != '[') out.push_back(',');
        out += "{\"field\":";
        append_string(out, f.field_name());
        out += ",\"filename\":";
        append_string(out, f.filename());
        out += ",\"content_type\":";
        append_string(out, f.content_type());
        out += fmt::format(",\"size\":{},\"in_memory\":{},\"fnv1a\":\"{:016x}\"}}", f.size(), f.in_memory() ? "true" : "false",
                           *hash);
    }
    out += "]}";
    return sweet::Response::json_text(std::move(out));
}

struct Flags {
    std::string root;
    sweet::http::MultipartLimits multipart{.max_parts = 16, .max_field_bytes = 64 * 1024, .max_file_bytes = 1024 * 1024,
                                           .max_memory_file_bytes = 64 * 1024};
    std::uint64_t static_max = 64 * 1024 * 1024;
    std::uint64_t stream_max_file = 512 * 1024 * 1024;
    std::vector<char*> rest;  // argv for parse_cli
};

Flags read_flags(int argc, char** argv) {
    Flags f;
    f.rest.push_back(argv[0]);
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        const bool has_value = i + 1 < argc;
        const auto num = [&] { return std::strtoull(argv[i + 1], nullptr, 10); };
        if (flag == "--root" && has_value) f.root = argv[++i];
        else if (flag == "--max-file" && has_value) f.multipart.max_file_bytes = num(), ++i;
        else if (flag == "--max-field" && has_value) f.multipart.max_field_bytes = num(), ++i;
        else if (flag == "--max-parts" && has_value) f.multipart.max_parts = num(), ++i;
        else if (flag == "--memory-file" && has_value) f.multipart.max_memory_file_bytes = num(), ++i;
        else if (flag == "--static-max" && has_value) f.static_max = num(), ++i;
        else if (flag == "--stream-max-file" && has_value) f.stream_max_file = num(), ++i;
        else f.rest.push_back(argv[i]);
    }
    return f;
}

}  // namespace

int main(int argc, char** argv) {
    Flags flags = read_flags(argc, argv);
    if (flags.root.empty()) {
        fmt::print(stderr, "usage: files_server --root DIR [--max-file N] [--max-field N] [--max-parts N] "
                           "[--memory-file N] [--static-max N] [--stream-max-file N] [server flags]\n");
        return 2;
    }
    auto files = sweet::StaticFiles::open(flags.root, {.cache_control = "public, max-age=60", .max_file_bytes = flags.static_max});
    if (!files) {
        fmt::print(stderr, "{}\n", files.error().detail);
        return 1;
    }
    sweet::App app{sweet_support::parse_cli(static_cast<int>(flags.rest.size()), flags.rest.data(),
                                            sweet::ServerConfig{.host = "127.0.0.1", .port = 0, .workers = 1})};

    app.get<"/">([](sweet::Request&) { return sweet::Response::text("files server"); });
    app.get<"/static/{path...}">(std::move(files).value());
    app.get<"/strict/{path...}">(sweet::static_files(flags.root, {.index_file = "", .follow_symlinks = false}));
    app.get<"/inmemory/{path...}">(sweet::static_files(
        flags.root, {.cache_control = "public, max-age=60", .sendfile_min_bytes = UINT64_MAX, .max_file_bytes = flags.static_max}));

    // urlencoded forms, from the body or the query string
    app.post<"/form">([](sweet::Request& req) -> sweet::Result<sweet::Response> {
        auto form = sweet::parse_form(req, {.max_fields = 50});
        if (!form) return form.error();
        return sweet::Response::json_text(pairs_json(*form));
    });
    app.get<"/query-form">([](sweet::Request& req) -> sweet::Result<sweet::Response> {
        auto form = sweet::http::parse_form(req.query_string());
        if (!form) return form.error();
        return sweet::Response::json_text(pairs_json(*form));
    });

    // multipart uploads: what arrived, with a checksum of every file; the whole body in memory
    // first (parse_multipart), or parsed as it arrives (sweet::Upload)
    app.post<"/upload">([limits = flags.multipart](sweet::Request& req) -> sweet::Result<sweet::Response> {
        auto form = sweet::parse_multipart(req, limits);
        if (!form) return form.error();
        return describe_form(*form);
    });
    sweet::http::MultipartLimits streamed = flags.multipart;
    streamed.max_file_bytes = flags.stream_max_file;
    streamed.max_total_bytes = flags.stream_max_file + 1024 * 1024;
    app.post<"/stream-upload">([](sweet::Request&, sweet::Upload upload) { return describe_form(*upload); },
                               sweet::RouteOptions{.upload = streamed});

    // cookies
    app.get<"/login">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        sweet::Response r = sweet::Response::text("logged in\n");
        using sweet::http::SetCookie;
        if (auto ok = sweet::set_cookie(r, SetCookie{.name = "sid", .value = "s3cr3t-token", .path = "/", .http_only = true,
                                                     .same_site = sweet::http::SameSite::lax});
            !ok) {
            return ok.error();
        }
        r.add_header("Set-Cookie", SetCookie{.name = "theme", .value = "dark", .path = "/", .max_age = std::chrono::hours(1)}.str());
        return r;
    });
    app.get<"/whoami">([](sweet::Request& req) {
        return sweet::Response::text(fmt::format("sid={} theme={}\n", sweet::cookie(req, "sid").value_or("-"),
                                                 sweet::cookie(req, "theme").value_or("-")));
    });
    app.get<"/logout">([](sweet::Request&) {
        sweet::Response r = sweet::Response::text("logged out\n");
        r.add_header("Set-Cookie", sweet::http::SetCookie::removal("sid").str());
        return r;
    });
    app.get<"/bad-cookie">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        sweet::Response r = sweet::Response::text("never sent\n");
        if (auto ok = sweet::set_cookie(r, sweet::http::SetCookie{.name = "bad", .value = "has space"}); !ok) return ok.error();
        return r;
    });
    return app.run();
}
