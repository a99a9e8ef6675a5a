#pragma once
/// @file config.hpp
/// `ServerConfig`: every knob of a Sweet server, with its default. docs/configuration.md
/// explains each one; the defaults suit an API server behind nothing (no proxy needed).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "sweet/app/logging.hpp"
#include "sweet/net/reactor.hpp"

namespace sweet {

/// Configuration of an `App`. Aggregate: set fields with designated initialisers,
/// `sweet::ServerConfig{.port = 8080, .workers = 2}`.
struct ServerConfig {
    // ---- listening --------------------------------------------------------------------------
    std::string host = "0.0.0.0";  ///< address to bind: IPv4 ("0.0.0.0", "127.0.0.1") or IPv6 ("::" also takes IPv4)
    std::uint16_t port = 8000;     ///< TCP port; 0 picks a free one (printed at start-up)
    unsigned workers = 0;          ///< worker threads, one reactor each; 0 = one per CPU the process may use
    bool pin_workers = true;       ///< pin worker i to the i-th allowed CPU
    int backlog = 4096;            ///< listen(2) backlog per worker socket

    // ---- reactor ----------------------------------------------------------------------------
    net::Backend backend = net::Backend::automatic;  ///< io_uring, epoll or automatic (env SWEET_BACKEND overrides automatic)
    unsigned ring_entries = 4096;                    ///< io_uring submission queue entries per worker
    unsigned recv_buffer_size = 16 * 1024;           ///< bytes per provided receive buffer
    unsigned recv_buffer_count = 256;                ///< provided receive buffers per worker (power of two)

    // ---- HTTP limits (the status a client gets when it breaks one) ----------------------------
    std::size_t max_header_bytes = 16 * 1024;      ///< request line + headers; 431
    std::size_t max_uri_length = 8 * 1024;         ///< request-target; 414
    std::size_t max_headers = 100;                 ///< header fields per request; 431
    std::uint64_t max_body_bytes = 1024 * 1024;    ///< request body; 413, answered before reading it
    std::size_t max_connections = 10'000;          ///< open connections per worker; more are refused
    std::size_t max_output_bytes = 1024 * 1024;    ///< queued response bytes per connection before reading pauses

    // ---- timeouts -----------------------------------------------------------------------------
    std::chrono::milliseconds header_timeout{10'000};     ///< a request head must arrive within this; 408
    std::chrono::milliseconds body_timeout{30'000};       ///< longest silence while a body arrives; 408
    std::chrono::milliseconds keepalive_timeout{75'000};  ///< idle keep-alive connections are closed after this
    std::chrono::milliseconds send_timeout{30'000};       ///< a client that reads nothing of a pending response this long is dropped
    std::chrono::milliseconds linger_timeout{2'000};      ///< wait for the client's FIN after a closing response
    std::chrono::milliseconds drain_timeout{10'000};      ///< on SIGTERM/SIGINT, in-flight requests get this long

    // ---- typed requests (JSON bodies, query and header parameters) -----------------------------
    bool forbid_unknown_fields = false;     ///< a JSON body field the schema does not declare is a 422 (else ignored); a schema's own `.forbid_unknown()` wins
    std::size_t json_max_depth = 64;        ///< nesting deeper than this is a 400
    std::size_t max_validation_errors = 100;  ///< a 422 lists at most this many failures

    // ---- API docs -------------------------------------------------------------------------------
    std::string openapi_path = "/openapi.json";  ///< the OpenAPI 3.1 document; "" turns it off
    std::string docs_path = "/docs";             ///< the interactive docs page (served offline); "" turns it off
    std::string api_title = "Sweet API";         ///< `info.title` of the OpenAPI document
    std::string api_version = "0.1.0";           ///< `info.version` of the OpenAPI document
    std::string api_description{};               ///< `info.description` (CommonMark)

    // ---- logging -------------------------------------------------------------------------------
    /// When set, `run()` applies it (`configure_logging`) and, with `access_log`, installs the
    /// access-log hook. Unset: logging stays as configured elsewhere (text lines on stderr by
    /// default). See docs/logging.md.
    std::optional<LogConfig> log{};

    // ---- misc ---------------------------------------------------------------------------------
    std::string server_name = "sweet";  ///< `Server` header value; "" omits the header
    bool handle_signals = true;         ///< run() handles SIGTERM/SIGINT (graceful drain) and SIGHUP (reopen log files), and ignores SIGPIPE
    bool quiet = false;                 ///< no start-up line on stderr
};

}  // namespace sweet
