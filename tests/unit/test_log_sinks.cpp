// Sinks against real files, FIFOs and sockets: append and reopen (logrotate), atomic records
// on pipes under concurrent writers, UDP datagrams, the TCP sender's reconnection and its
// bounded queue, and the errors of bad sink specifications.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "sweet/log/config.hpp"
#include "sweet/log/sink.hpp"

using namespace sweet;  // `log::` below is sweet::log
using namespace std::chrono_literals;

namespace {

// A fresh directory under /tmp, removed with its files at the end of the test.
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/sweet-log-test-XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() { [[maybe_unused]] const int rc = std::system(("rm -rf '" + path + "'").c_str()); }
    [[nodiscard]] std::string file(const std::string& name) const { return path + "/" + name; }
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A socket bound to 127.0.0.1 on a free port.
int bound_socket(int type, std::uint16_t& port) {
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
    REQUIRE(fd >= 0);
    const int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

bool readable_within(int fd, std::chrono::milliseconds timeout) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(timeout.count())) > 0;
}

int accept_within(int listener, std::chrono::milliseconds timeout) {
    if (!readable_within(listener, timeout)) return -1;
    return ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
}

// Reads from `fd` until `text` holds `lines` newlines or 5 seconds pass.
std::string read_lines(int fd, std::size_t lines) {
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) < lines && std::chrono::steady_clock::now() < deadline) {
        if (!readable_within(fd, 100ms)) continue;
        char buf[4096];
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    return text;
}

}  // namespace

TEST_CASE("file sink appends, and reopen starts a new file after a rename", "[log]") {
    TempDir dir;
    const std::string path = dir.file("app.log");
    {
        std::ofstream existing(path);
        existing << "kept\n";
    }
    auto sink = log::make_file_sink(path);
    REQUIRE(sink);
    CHECK((*sink)->describe() == "file " + path);
    (*sink)->write("one\ntwo\n");
    REQUIRE(std::rename(path.c_str(), dir.file("app.log.1").c_str()) == 0);
    (*sink)->write("three\n");  // still the old file: it has not been reopened
    REQUIRE((*sink)->reopen());
    (*sink)->write("four\n");
    CHECK(read_file(dir.file("app.log.1")) == "kept\none\ntwo\nthree\n");
    CHECK(read_file(path) == "four\n");
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0644);
    CHECK((*sink)->dropped() == 0);
}

TEST_CASE("file sink errors name the file and the reason", "[log]") {
    TempDir dir;
    auto missing = log::make_file_sink(dir.file("no/such/dir/app.log"));
    REQUIRE_FALSE(missing);
    CHECK_THAT(missing.error().message, Catch::Contains("no/such/dir/app.log") && Catch::Contains("No such file"));
    CHECK_FALSE(log::make_file_sink(""));

    // A reopen that fails keeps the old file.
    const std::string sub = dir.file("sub");
    REQUIRE(::mkdir(sub.c_str(), 0755) == 0);
    auto sink = log::make_file_sink(sub + "/app.log");
    REQUIRE(sink);
    REQUIRE(std::rename(sub.c_str(), dir.file("moved").c_str()) == 0);
    Result<void> reopened = (*sink)->reopen();
    REQUIRE_FALSE(reopened);
    CHECK_THAT(reopened.error().message, Catch::Contains("cannot open log file"));
    (*sink)->write("still here\n");
    CHECK(read_file(dir.file("moved/app.log")) == "still here\n");
}

TEST_CASE("records written to a pipe by many threads at once never interleave", "[log]") {
    TempDir dir;
    const std::string fifo = dir.file("fifo");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    REQUIRE(reader >= 0);
    auto sink = log::make_file_sink(fifo);  // a writer may open a FIFO that has a reader
    REQUIRE(sink);
    ::fcntl(reader, F_SETFL, 0);

    constexpr int kThreads = 4, kBatches = 50, kPerBatch = 12;
    constexpr std::size_t kRecordSize = 600;  // a batch is ~7 KB: more than PIPE_BUF, so it is split
    std::string received;
    std::thread drain([&] {
        const std::size_t expected = std::size_t{kThreads} * kBatches * kPerBatch * kRecordSize;
        char buf[65536];
        while (received.size() < expected && readable_within(reader, 5000ms)) {
            const ssize_t n = ::read(reader, buf, sizeof buf);
            if (n <= 0) break;
            received.append(buf, static_cast<std::size_t>(n));
        }
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < kThreads; ++t) {
        writers.emplace_back([&, t] {
            for (int b = 0; b < kBatches; ++b) {
                std::string batch;
                for (int r = 0; r < kPerBatch; ++r) {
                    std::string record = "{\"t\":" + std::to_string(t) + ",\"pad\":\"";
                    record.append(kRecordSize - record.size() - 3, static_cast<char>('a' + t));
                    record += "\"}\n";
                    batch += record;
                }
                (*sink)->write(batch);
            }
        });
    }
    for (auto& w : writers) w.join();
    drain.join();
    ::close(reader);
    std::istringstream lines(received);
    std::string line;
    int count = 0;
    const std::regex whole(R"(\{"t":(\d),"pad":"([a-d])\2*"\})");
    while (std::getline(lines, line)) {
        REQUIRE(std::regex_match(line, whole));
        ++count;
    }
    CHECK(count == kThreads * kBatches * kPerBatch);
}

TEST_CASE("udp sink sends one datagram per record and drops what cannot fit", "[log]") {
    std::uint16_t port = 0;
    const int collector = bound_socket(SOCK_DGRAM, port);
    auto sink = log::make_udp_sink("127.0.0.1", port);
    REQUIRE(sink);
    CHECK((*sink)->describe() == "udp 127.0.0.1:" + std::to_string(port));
    (*sink)->write("{\"a\":1}\n{\"b\":2}\n");
    (*sink)->write(std::string(70'000, 'x') + "\n{\"c\":3}\n");
    std::vector<std::string> got;
    while (got.size() < 3 && readable_within(collector, 2000ms)) {
        char buf[65536];
        const ssize_t n = ::recv(collector, buf, sizeof buf, 0);
        REQUIRE(n >= 0);
        got.emplace_back(buf, static_cast<std::size_t>(n));
    }
    CHECK(got == std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"});
    CHECK((*sink)->dropped() == 1);  // the 70000-byte record
    ::close(collector);
}

TEST_CASE("udp sink sends a large batch completely, in order", "[log]") {
    std::uint16_t port = 0;
    const int collector = bound_socket(SOCK_DGRAM, port);
    auto sink = log::make_udp_sink("127.0.0.1", port);
    REQUIRE(sink);
    std::string batch;
    for (int i = 0; i < 150; ++i) batch += "{\"i\":" + std::to_string(i) + "}\n";  // more than one sendmmsg group
    (*sink)->write(batch);
    int next = 0;
    while (next < 150 && readable_within(collector, 2000ms)) {
        char buf[256];
        const ssize_t n = ::recv(collector, buf, sizeof buf, 0);
        REQUIRE(n > 0);
        CHECK(std::string(buf, static_cast<std::size_t>(n)) == "{\"i\":" + std::to_string(next) + "}");
        ++next;
    }
    CHECK(next == 150);
    CHECK((*sink)->dropped() == 0);
    ::close(collector);
}

TEST_CASE("tcp sink delivers lines and reconnects after the collector closes", "[log]") {
    std::uint16_t port = 0;
    const int listener = bound_socket(SOCK_STREAM, port);
    REQUIRE(::listen(listener, 8) == 0);
    auto sink = log::make_tcp_sink("127.0.0.1", port, {.min_backoff = 10ms, .max_backoff = 50ms});
    REQUIRE(sink);
    CHECK((*sink)->describe() == "tcp 127.0.0.1:" + std::to_string(port));

    const int first = accept_within(listener, 5000ms);
    REQUIRE(first >= 0);
    (*sink)->write("{\"n\":1}\n{\"n\":2}\n");
    CHECK(read_lines(first, 2) == "{\"n\":1}\n{\"n\":2}\n");

    ::close(first);  // the collector goes away; the sink notices and connects again
    const int second = accept_within(listener, 5000ms);
    REQUIRE(second >= 0);
    (*sink)->write("{\"n\":3}\n");
    CHECK(read_lines(second, 1) == "{\"n\":3}\n");
    (*sink)->drain(2000ms);
    CHECK((*sink)->dropped() == 0);
    sink->reset();  // stops the sender thread: the collector sees the connection end
    char byte;
    CHECK(::recv(second, &byte, 1, 0) == 0);
    ::close(second);
    ::close(listener);
}

TEST_CASE("tcp sink queues while no collector listens, drops beyond its bound, then delivers", "[log]") {
    std::uint16_t port = 0;
    const int placeholder = bound_socket(SOCK_STREAM, port);  // reserve a port with no listener
    ::close(placeholder);

    auto sink = log::make_tcp_sink("127.0.0.1", port, {.max_queue_bytes = 100, .min_backoff = 10ms, .max_backoff = 20ms});
    REQUIRE(sink);
    std::string ten;
    for (int i = 0; i < 10; ++i) ten += "{\"record\":" + std::to_string(100 + i) + "}\n";  // 15 bytes each
    (*sink)->write(ten);  // 6 whole records (90 bytes) fit in 100
    CHECK((*sink)->dropped() == 4);
    (*sink)->write("{\"record\":999}\n");  // 90 + 15 > 100
    CHECK((*sink)->dropped() == 5);

    const auto start = std::chrono::steady_clock::now();
    (*sink)->drain(3000ms);  // no connection: returns without waiting out the timeout
    CHECK(std::chrono::steady_clock::now() - start < 2000ms);

    const int listener = bound_socket(SOCK_STREAM, port);
    REQUIRE(::listen(listener, 8) == 0);
    const int conn = accept_within(listener, 5000ms);
    REQUIRE(conn >= 0);
    CHECK(read_lines(conn, 6) == ten.substr(0, 90));
    ::close(conn);
    ::close(listener);
}

TEST_CASE("tcp sink options are checked", "[log]") {
    CHECK_FALSE(log::make_tcp_sink("127.0.0.1", 9, {.max_queue_bytes = 0}));
    CHECK_FALSE(log::make_tcp_sink("127.0.0.1", 9, {.min_backoff = 100ms, .max_backoff = 10ms}));
    CHECK_FALSE(log::make_tcp_sink("127.0.0.1", 9, {.connect_timeout = 0ms}));
    CHECK_FALSE(log::make_tcp_sink("127.0.0.1", 0));
}

TEST_CASE("sink specifications: the good ones work, the bad ones say what is wrong", "[log]") {
    TempDir dir;
    CHECK(log::make_sink("stdout").ok());
    CHECK(log::make_sink("stderr").ok());
    auto file = log::make_sink("file:" + dir.file("spec.log"));
    REQUIRE(file);
    CHECK((*file)->describe() == "file " + dir.file("spec.log"));
    auto udp = log::make_sink("udp://127.0.0.1:5140");
    REQUIRE(udp);
    CHECK((*udp)->describe() == "udp 127.0.0.1:5140");

    const auto error_of = [](std::string_view spec) {
        auto r = log::make_sink(spec);
        REQUIRE_FALSE(r);
        return r.error().message;
    };
    CHECK_THAT(error_of("syslog"), Catch::Contains("\"syslog\"") && Catch::Contains("expected stdout, stderr"));
    CHECK_THAT(error_of("file:"), Catch::Contains("expected file:PATH"));
    CHECK_THAT(error_of("udp://127.0.0.1"), Catch::Contains("expected HOST:PORT"));
    CHECK_THAT(error_of("udp://127.0.0.1:0"), Catch::Contains("1 to 65535"));
    CHECK_THAT(error_of("udp://127.0.0.1:65536"), Catch::Contains("1 to 65535"));
    CHECK_THAT(error_of("tcp://127.0.0.1:80x"), Catch::Contains("1 to 65535"));
    CHECK_THAT(error_of("tcp://:80"), Catch::Contains("host is empty"));
    CHECK_THAT(error_of("tcp://::1:80"), Catch::Contains("[::1]:PORT"));
    CHECK_THAT(error_of("udp://[::1:80"), Catch::Contains("missing ']'"));
    CHECK_THAT(error_of("udp://[::1]80"), Catch::Contains("':PORT'"));
}
