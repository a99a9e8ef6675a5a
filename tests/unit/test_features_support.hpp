#pragma once
// Builds real `sweet::Request`s from raw request text for the built-in middleware's unit tests
// (tests/unit/test_features_*.cpp): the head goes through the real parser.
#include <catch2/catch.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sweet/core/arena.hpp"
#include "sweet/http/parser.hpp"
#include "sweet/http/request.hpp"
#include "sweet/net/reactor.hpp"

namespace sweet_test {

/// One reactor for every test request: the middleware never touches it, but Request needs one.
inline sweet::net::Reactor& shared_reactor() {
    static std::unique_ptr<sweet::net::Reactor> reactor = sweet::net::Reactor::create(sweet::net::Backend::epoll);
    return *reactor;
}

/// A parsed request and everything it points into. Not copyable or movable (views into itself).
class TestRequest {
public:
    /// `head_lines`: "GET /x HTTP/1.1\r\nHost: a\r\n" ... without the final empty line.
    explicit TestRequest(std::string head_lines, std::string client_ip = "192.0.2.1")
        : raw_(std::move(head_lines) + "\r\n"), ip_(std::move(client_ip)), storage_(100) {
        const sweet::http::ParseOutcome outcome =
            sweet::http::parse_request_head(raw_, head_, storage_.data(), sweet::http::ParserLimits{});
        REQUIRE(outcome.state == sweet::http::ParseState::complete);
        request_.emplace(head_, std::string_view{}, arena_, shared_reactor());
        request_->set_client_ip(ip_);
        REQUIRE(request_->decode_path());
    }
    TestRequest(const TestRequest&) = delete;
    TestRequest& operator=(const TestRequest&) = delete;

    sweet::Request& operator*() { return *request_; }
    sweet::Request* operator->() { return &*request_; }

private:
    std::string raw_;
    std::string ip_;
    std::vector<sweet::http::Header> storage_;
    sweet::http::RequestHead head_;
    sweet::Arena arena_;
    std::optional<sweet::Request> request_;
};

/// "GET <target> HTTP/1.1" with Host and the given extra header lines ("Name: value").
inline std::string head(const std::string& method, const std::string& target, const std::vector<std::string>& headers = {}) {
    std::string out = method + " " + target + " HTTP/1.1\r\nHost: api.test\r\n";
    for (const std::string& h : headers) out += h + "\r\n";
    return out;
}

}  // namespace sweet_test
