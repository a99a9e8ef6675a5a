#pragma once
// Tiny command-line reader shared by the test and benchmark servers: `--name value` pairs
// mapped onto ServerConfig fields.
#include <sweet/sweet.hpp>

#include <cstdlib>
#include <cstring>
#include <string_view>

namespace sweet_support {

/// Applies `--host`, `--port`, `--workers`, `--backend` and the limit/timeout flags to `c`.
/// Exits with a message on an unknown flag. Flags a server reads itself can be skipped by
/// passing them in `own` (they are left for the caller).
inline sweet::ServerConfig parse_cli(int argc, char** argv, sweet::ServerConfig c) {
    using namespace std::chrono;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string_view flag = argv[i];
        const char* v = argv[i + 1];
        const auto num = [v] { return std::strtoull(v, nullptr, 10); };
        if (flag == "--host") c.host = v;
        else if (flag == "--port") c.port = static_cast<std::uint16_t>(num());
        else if (flag == "--workers") c.workers = static_cast<unsigned>(num());
        else if (flag == "--backend") {
            if (!sweet::net::parse_backend(v, c.backend)) { fmt::print(stderr, "bad backend {}\n", v); std::exit(2); }
        }
        else if (flag == "--max-body") c.max_body_bytes = num();
        else if (flag == "--max-header-bytes") c.max_header_bytes = num();
        else if (flag == "--max-uri") c.max_uri_length = num();
        else if (flag == "--max-connections") c.max_connections = num();
        else if (flag == "--header-timeout") c.header_timeout = milliseconds(num());
        else if (flag == "--body-timeout") c.body_timeout = milliseconds(num());
        else if (flag == "--keepalive-timeout") c.keepalive_timeout = milliseconds(num());
        else if (flag == "--drain-timeout") c.drain_timeout = milliseconds(num());
        else if (flag == "--pin") c.pin_workers = num() != 0;
        else if (flag == "--openapi-path") c.openapi_path = std::string_view(v) == "off" ? "" : v;
        else if (flag == "--docs-path") c.docs_path = std::string_view(v) == "off" ? "" : v;
        else if (flag == "--forbid-unknown") c.forbid_unknown_fields = num() != 0;
        else if (flag == "--max-validation-errors") c.max_validation_errors = num();
        else if (flag == "--json-max-depth") c.json_max_depth = num();
        else { fmt::print(stderr, "unknown flag {}\n", flag); std::exit(2); }
    }
    return c;
}

}  // namespace sweet_support
