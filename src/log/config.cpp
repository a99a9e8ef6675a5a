/// @file config.cpp
/// Sink specifications ("stdout", "file:PATH", "udp://HOST:PORT", ...) and `configure`.

#include "sweet/log/config.hpp"

#include <charconv>

#include <fmt/format.h>

#include "sweet/log/output.hpp"

namespace sweet::log {
namespace {

struct HostPort {
    std::string host;
    std::uint16_t port = 0;
};

Error bad_spec(std::string_view spec, std::string_view why) {
    return Error{500, fmt::format("log sink \"{}\": {}", spec, why), {}};
}

// "HOST:PORT" or "[IPV6]:PORT".
Result<HostPort> parse_host_port(std::string_view spec, std::string_view rest) {
    HostPort hp;
    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos) return bad_spec(spec, "missing ']' after the IPv6 address");
        hp.host = std::string(rest.substr(1, close - 1));
        if (close + 1 >= rest.size() || rest[close + 1] != ':') return bad_spec(spec, "expected ':PORT' after the address");
        port_text = rest.substr(close + 2);
    } else {
        const std::size_t colon = rest.rfind(':');
        if (colon == std::string_view::npos) return bad_spec(spec, "expected HOST:PORT");
        hp.host = std::string(rest.substr(0, colon));
        if (hp.host.find(':') != std::string::npos) return bad_spec(spec, "write an IPv6 address in brackets: [::1]:PORT");
        port_text = rest.substr(colon + 1);
    }
    if (hp.host.empty()) return bad_spec(spec, "the host is empty");
    unsigned port = 0;
    const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (port_text.empty() || ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
        return bad_spec(spec, "the port must be a number from 1 to 65535");
    }
    hp.port = static_cast<std::uint16_t>(port);
    return hp;
}

}  // namespace

Result<std::unique_ptr<Sink>> make_sink(std::string_view spec, const TcpSinkOptions& tcp) {
    if (spec == "stdout") return make_stdout_sink();
    if (spec == "stderr") return make_stderr_sink();
    if (spec.starts_with("file:")) {
        const std::string_view path = spec.substr(5);
        if (path.empty()) return bad_spec(spec, "expected file:PATH");
        return make_file_sink(std::string(path));
    }
    const bool udp = spec.starts_with("udp://");
    if (udp || spec.starts_with("tcp://")) {
        Result<HostPort> hp = parse_host_port(spec, spec.substr(6));
        if (!hp) return std::move(hp).error();
        return udp ? make_udp_sink(hp->host, hp->port) : make_tcp_sink(hp->host, hp->port, tcp);
    }
    return bad_spec(spec, "expected stdout, stderr, file:PATH, udp://HOST:PORT or tcp://HOST:PORT");
}

Result<void> configure(const Config& config) {
    if (config.flush_bytes == 0) return Error{500, "log flush_bytes must be at least 1", {}};
    std::vector<std::shared_ptr<Sink>> made;
    made.reserve(config.sinks.size());
    for (const std::string& spec : config.sinks) {
        Result<std::unique_ptr<Sink>> sink = make_sink(spec, config.tcp);
        if (!sink) return std::move(sink).error();  // `made` is released: nothing changed
        made.push_back(std::move(sink).value());
    }
    set_level(config.level);
    set_format(config.format);
    set_flush_bytes(config.flush_bytes);
    set_sinks(std::move(made));
    return {};
}

}  // namespace sweet::log
