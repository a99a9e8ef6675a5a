// Reactor tests, run against each backend (SWEET_BACKEND picks one; unset tests both).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "sweet/net/listener.hpp"
#include "sweet/net/reactor.hpp"

using namespace std::chrono_literals;
using sweet::net::Backend;
using sweet::net::Reactor;

namespace {

std::vector<Backend> backends_under_test() {
    if (const char* env = std::getenv("SWEET_BACKEND")) {
        Backend b;
        if (sweet::net::parse_backend(env, b) && b != Backend::automatic) return {b};
    }
    return {Backend::io_uring, Backend::epoll};
}

// Echoes everything back; pauses reading while a send is in flight (exercises back-pressure).
class EchoConnection final : public sweet::net::Connection {
public:
    EchoConnection(Reactor& r, std::atomic<int>& closed) : reactor_(r), closed_(closed) {}
    void on_data(std::string_view data) override {
        pending_.append(data);
        if (!sending_) send_pending();
    }
    void on_peer_closed() override {
        peer_closed_ = true;
        if (!sending_) reactor_.close(*this);
    }
    void on_sent() override {
        sending_ = false;
        inflight_.clear();
        if (!pending_.empty()) {
            send_pending();
        } else if (peer_closed_) {
            reactor_.close(*this);
        }
    }
    void on_closed() override {
        closed_.fetch_add(1);
        delete this;
    }

private:
    void send_pending() {
        inflight_.swap(pending_);
        sending_ = true;
        reactor_.send(*this, inflight_.data(), inflight_.size());
    }
    Reactor& reactor_;
    std::atomic<int>& closed_;
    std::string pending_, inflight_;
    bool sending_ = false;
    bool peer_closed_ = false;
};

class EchoAcceptor final : public sweet::net::Acceptor {
public:
    EchoAcceptor(Reactor& r, std::atomic<int>& closed) : reactor_(r), closed_(closed) {}
    sweet::net::Connection* on_accept(int) override { return new EchoConnection(reactor_, closed_); }

private:
    Reactor& reactor_;
    std::atomic<int>& closed_;
};

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

/// Runs `reactor` on this thread until the client `threads` have finished and it has closed
/// `clients` connections (or two seconds have passed since the clients finished).
void run_until_done(Reactor& reactor, std::vector<std::thread>& threads, const std::atomic<int>& closed, int clients) {
    std::thread waiter([&] {
        for (auto& t : threads) t.join();
        for (int i = 0; i < 200 && closed.load() < clients; ++i) std::this_thread::sleep_for(10ms);
        reactor.stop();
    });
    reactor.run();
    waiter.join();
}

}  // namespace

TEST_CASE("reactor runs timers and stops", "[reactor]") {
    for (Backend backend : backends_under_test()) {
        INFO("backend " << sweet::net::backend_name(backend));
        auto reactor = Reactor::create(backend);
        REQUIRE(reactor->backend() == backend);
        std::vector<int> order;
        reactor->add_timer(30ms, [&] {
            order.push_back(2);
            reactor->stop();
        });
        reactor->add_timer(10ms, [&] { order.push_back(1); });
        auto cancelled = reactor->add_timer(20ms, [&] { order.push_back(99); });
        REQUIRE(reactor->cancel_timer(cancelled));
        const auto start = sweet::Clock::now();
        reactor->run();
        REQUIRE(order == std::vector<int>{1, 2});
        REQUIRE(sweet::Clock::now() - start >= 30ms);
    }
}

TEST_CASE("cross-thread posts wake a sleeping reactor and arrive in order", "[reactor][mailbox]") {
    for (Backend backend : backends_under_test()) {
        INFO("backend " << sweet::net::backend_name(backend));
        auto reactor = Reactor::create(backend);
        reactor->enable_mailbox(2, 64);
        constexpr int per_producer = 20'000;
        std::vector<int> seen[2];
        std::atomic<int> done{0};
        std::vector<std::thread> producers;
        for (int p = 0; p < 2; ++p) {
            producers.emplace_back([&, p] {
                for (int i = 0; i < per_producer; ++i) {
                    // A full queue is back-pressure: retry.
                    while (!reactor->post(static_cast<std::size_t>(p), [&, p, i] {
                        seen[p].push_back(i);
                        if (i == per_producer - 1 && done.fetch_add(1) == 1) reactor->stop();
                    })) {
                        std::this_thread::yield();
                    }
                    if (i % 5000 == 0) std::this_thread::sleep_for(2ms);  // let the loop fall asleep
                }
            });
        }
        reactor->run();  // no timers: only the wake-up eventfd can end the waits
        for (auto& t : producers) t.join();
        for (int p = 0; p < 2; ++p) {
            REQUIRE(seen[p].size() == per_producer);
            for (int i = 0; i < per_producer; ++i) REQUIRE(seen[p][static_cast<std::size_t>(i)] == i);
        }
    }
}

TEST_CASE("stop() from another thread ends run()", "[reactor]") {
    for (Backend backend : backends_under_test()) {
        auto reactor = Reactor::create(backend);
        std::thread stopper([&] {
            std::this_thread::sleep_for(20ms);
            reactor->stop();
        });
        reactor->run();
        stopper.join();
        REQUIRE(reactor->stopping());
    }
}

TEST_CASE("foreign file descriptors are watched level-triggered", "[reactor][watch]") {
    for (Backend backend : backends_under_test()) {
        INFO("backend " << sweet::net::backend_name(backend));
        auto reactor = Reactor::create(backend);
        int fds[2];
        REQUIRE(::pipe(fds) == 0);
        REQUIRE(::write(fds[1], "abcdef", 6) == 6);
        std::string got;
        int calls = 0;
        sweet::net::WatchId id = 0;
        id = reactor->watch(fds[0], sweet::net::FdEvent::readable, [&](unsigned events) {
            REQUIRE((events & sweet::net::FdEvent::readable) != 0);
            ++calls;
            char c;
            REQUIRE(::read(fds[0], &c, 1) == 1);  // one byte per call: level-triggered must call again
            got.push_back(c);
            if (got.size() == 6) {
                reactor->unwatch(id);
                reactor->add_timer(20ms, [&] { reactor->stop(); });
            }
        });
        reactor->run();
        REQUIRE(got == "abcdef");
        REQUIRE(calls == 6);

        // Pausing a watch with update_watch(0) stops callbacks; re-enabling resumes them.
        auto reactor2 = Reactor::create(backend);
        REQUIRE(::write(fds[1], "xy", 2) == 2);
        int fired = 0;
        sweet::net::WatchId w = 0;
        w = reactor2->watch(fds[0], sweet::net::FdEvent::readable, [&](unsigned) {
            ++fired;
            reactor2->update_watch(w, 0);
        });
        reactor2->add_timer(50ms, [&] {
            REQUIRE(fired == 1);
            reactor2->update_watch(w, sweet::net::FdEvent::readable);
        });
        reactor2->add_timer(100ms, [&] { reactor2->stop(); });
        reactor2->run();
        REQUIRE(fired == 2);
        reactor2->unwatch(w);
        ::close(fds[0]);
        ::close(fds[1]);
    }
}

TEST_CASE("connections: accept, receive, large sends, peer close", "[reactor][tcp]") {
    for (Backend backend : backends_under_test()) {
        INFO("backend " << sweet::net::backend_name(backend));
        auto reactor = Reactor::create(backend);
        auto fd = sweet::net::open_listener({"127.0.0.1", 0, 128, true});
        REQUIRE(fd.ok());
        const std::uint16_t port = sweet::net::bound_port(*fd);
        std::atomic<int> closed{0};
        EchoAcceptor acceptor(*reactor, closed);
        reactor->listen(*fd, acceptor);

        constexpr int clients = 8;
        constexpr std::size_t bytes = 2 * 1024 * 1024;  // more than socket buffers: partial sends
        std::atomic<int> ok{0};
        std::vector<std::thread> threads;
        for (int c = 0; c < clients; ++c) {
            threads.emplace_back([&, c] {
                const int s = connect_to(port);
                if (s < 0) return;
                std::string out(bytes, '\0');
                for (std::size_t i = 0; i < bytes; ++i) out[i] = static_cast<char>('a' + (i * 7 + static_cast<std::size_t>(c)) % 26);
                std::thread writer([&] {
                    std::size_t sent = 0;
                    while (sent < out.size()) {
                        const auto n = ::send(s, out.data() + sent, std::min<std::size_t>(65536, out.size() - sent), 0);
                        if (n <= 0) return;
                        sent += static_cast<std::size_t>(n);
                    }
                    ::shutdown(s, SHUT_WR);
                });
                std::string in;
                char buf[65536];
                while (true) {
                    const auto n = ::recv(s, buf, sizeof buf, 0);
                    if (n <= 0) break;
                    in.append(buf, static_cast<std::size_t>(n));
                }
                writer.join();
                ::close(s);
                if (in == out) ok.fetch_add(1);
            });
        }
        run_until_done(*reactor, threads, closed, clients);
        REQUIRE(ok.load() == clients);
        REQUIRE(closed.load() == clients);
        REQUIRE(reactor->stats().accepted == clients);
    }
}

namespace {
/// What every connection of the send_file test sends, and where it counts what happened.
struct FileSendPlan {
    Reactor& reactor;
    int file_fd;
    std::uint64_t offset;
    std::size_t size;
    std::atomic<int>& sent;    // on_sent calls
    std::atomic<int>& closed;  // on_closed calls
};

// On accept, sends the plan's region of its file with send_file, then closes. Counts on_sent
// calls: a region the file cannot fill must close the connection without one.
class FileSendConnection final : public sweet::net::Connection {
public:
    explicit FileSendConnection(const FileSendPlan& plan) : plan_(plan) {}
    void start() {
        // A small send buffer (autotuning would otherwise queue megabytes at once): the file
        // must leave in many sendfile calls, with waits for room between them.
        const int small = 64 * 1024;
        ::setsockopt(fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
        plan_.reactor.send_file(*this, plan_.file_fd, plan_.offset, plan_.size);
    }
    void on_data(std::string_view) override {}
    void on_peer_closed() override {}
    void on_sent() override {
        plan_.sent.fetch_add(1);
        plan_.reactor.close(*this);
    }
    void on_closed() override {
        plan_.closed.fetch_add(1);
        delete this;
    }

private:
    const FileSendPlan& plan_;
};

class FileSendAcceptor final : public sweet::net::Acceptor {
public:
    explicit FileSendAcceptor(const FileSendPlan& plan) : plan_(plan) {}
    sweet::net::Connection* on_accept(int) override {
        auto* conn = new FileSendConnection(plan_);
        // Start once the reactor has registered the socket (add_connection follows on_accept).
        plan_.reactor.add_timer(0ms, [conn] { conn->start(); });
        return conn;
    }

private:
    const FileSendPlan& plan_;
};

// Reads everything until EOF, slowly at first (so the socket fills and the send must wait).
std::string read_all_slowly(int s) {
    std::string in;
    char buf[16384];
    for (int round = 0;; ++round) {
        if (round < 20) std::this_thread::sleep_for(5ms);
        const auto n = ::recv(s, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
    }
    return in;
}
}  // namespace

TEST_CASE("send_file writes a file region, waiting whenever the socket is full", "[reactor][tcp][sendfile]") {
    // A temporary file of 3 MiB (more than socket buffers) with a position-dependent pattern.
    char path[] = "/tmp/sweet-sendfile-XXXXXX";
    const int file_fd = ::mkstemp(path);
    REQUIRE(file_fd >= 0);
    ::unlink(path);
    std::string content(3 * 1024 * 1024, '\0');
    for (std::size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>((i * 131 + i / 4096) & 0xff);
    REQUIRE(::write(file_fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));

    for (Backend backend : backends_under_test()) {
        INFO("backend " << sweet::net::backend_name(backend));
        for (const bool past_the_end : {false, true}) {
            INFO((past_the_end ? "a region past the end of the file" : "a region inside the file"));
            auto reactor = Reactor::create(backend);
            auto fd = sweet::net::open_listener({"127.0.0.1", 0, 128, true});
            REQUIRE(fd.ok());
            const std::uint16_t port = sweet::net::bound_port(*fd);
            const std::uint64_t offset = 12345;
            const std::size_t size = past_the_end ? content.size() : content.size() - 20000;
            std::atomic<int> sent{0}, closed{0};
            const FileSendPlan plan{*reactor, file_fd, offset, size, sent, closed};
            FileSendAcceptor acceptor(plan);
            reactor->listen(*fd, acceptor);

            constexpr int clients = 3;
            std::vector<std::string> received(clients);
            std::vector<std::thread> threads;
            for (int c = 0; c < clients; ++c) {
                threads.emplace_back([&, c] {
                    const int s = connect_to(port);
                    if (s < 0) return;
                    // A small receive window (not tiny: delayed ACKs would crawl): many partial sends.
                    const int small = 64 * 1024;
                    ::setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
                    received[static_cast<std::size_t>(c)] = read_all_slowly(s);
                    ::close(s);
                });
            }
            run_until_done(*reactor, threads, closed, clients);
            REQUIRE(closed.load() == clients);
            const std::string expected = content.substr(offset, past_the_end ? std::string::npos : size);
            for (const std::string& in : received) REQUIRE(in == expected);
            // A region the file cannot fill never reports success: the connection is cut instead.
            REQUIRE(sent.load() == (past_the_end ? 0 : clients));
            // The socket filled up: each file went out in several sendfile calls, with waits between.
            REQUIRE(reactor->stats().send_calls > 2 * clients);
        }
    }
    ::close(file_fd);
}

#ifdef SWEET_HAVE_HIREDIS
#include <sys/wait.h>

#include <hiredis/hiredis.h>

#include "sweet/redis/hiredis_adapter.hpp"

namespace {
// A real redis-server on a free port, stopped at scope exit.
struct RedisServer {
    pid_t pid = -1;
    std::uint16_t port = 0;
    RedisServer() {
        auto probe = sweet::net::open_listener({"127.0.0.1", 0, 1, false});
        if (!probe) return;
        port = sweet::net::bound_port(*probe);
        ::close(*probe);
        const std::string port_text = std::to_string(port);
        pid = ::fork();
        if (pid == 0) {
            ::execlp("redis-server", "redis-server", "--port", port_text.c_str(), "--bind", "127.0.0.1", "--save", "",
                     "--appendonly", "no", "--loglevel", "warning", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        // Wait until it accepts connections.
        for (int i = 0; i < 200; ++i) {
            const int s = connect_to(port);
            if (s >= 0) {
                ::close(s);
                return;
            }
            std::this_thread::sleep_for(10ms);
        }
    }
    ~RedisServer() {
        if (pid > 0) {
            ::kill(pid, SIGTERM);
            ::waitpid(pid, nullptr, 0);
        }
    }
};
}  // namespace

TEST_CASE("a hiredis async connection runs on the reactor against a real redis-server", "[reactor][redis]") {
    if (std::system("command -v redis-server >/dev/null 2>&1") != 0) {
        WARN("redis-server not installed: skipping");
        return;
    }
    RedisServer redis;
    REQUIRE(redis.port != 0);
    for (Backend backend : backends_under_test()) {
        INFO("backend " << sweet::net::backend_name(backend));
        auto reactor = Reactor::create(backend);
        redisAsyncContext* ctx = redisAsyncConnect("127.0.0.1", redis.port);
        REQUIRE(ctx != nullptr);
        REQUIRE(ctx->err == 0);
        REQUIRE(sweet::redis::attach(ctx, *reactor));
        struct State {
            Reactor* reactor;
            std::vector<std::string> replies;
        } state{reactor.get(), {}};
        auto on_reply = [](redisAsyncContext* c, void* r, void* priv) {
            auto* st = static_cast<State*>(priv);
            auto* reply = static_cast<redisReply*>(r);
            st->replies.emplace_back(reply == nullptr ? "(null)" : reply->type == REDIS_REPLY_STRING || reply->type == REDIS_REPLY_STATUS
                                                               ? std::string(reply->str, reply->len)
                                                               : std::to_string(reply->integer));
            if (st->replies.size() == 1002) redisAsyncDisconnect(c);
        };
        const std::string key = "sweet-test-" + std::string(sweet::net::backend_name(backend));
        redisAsyncCommand(ctx, on_reply, &state, "SET %s %s", key.c_str(), "hello");
        redisAsyncCommand(ctx, on_reply, &state, "GET %s", key.c_str());
        for (int i = 0; i < 1000; ++i) redisAsyncCommand(ctx, on_reply, &state, "INCR %s-n", key.c_str());
        redisAsyncSetDisconnectCallback(ctx, [](const redisAsyncContext* c, int) {
            static_cast<Reactor*>(c->data)->stop();
        });
        ctx->data = reactor.get();
        reactor->add_timer(5s, [&] { reactor->stop(); });  // safety net: a hang fails below
        reactor->run();
        REQUIRE(state.replies.size() == 1002);
        REQUIRE(state.replies[0] == "OK");
        REQUIRE(state.replies[1] == "hello");
        REQUIRE(state.replies[1001] == "1000");
    }
}
#endif
