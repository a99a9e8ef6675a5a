// Reactor::on_batch_end on both backends: it runs after each batch of timers, posted tasks and
// events, before the loop waits, and not while the loop sleeps; a worker's log records reach
// the sinks there, in one hand-over per batch.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "sweet/log/log.hpp"
#include "sweet/net/reactor.hpp"

using namespace std::chrono_literals;
using namespace sweet;  // `log::` below is sweet::log
using sweet::net::Backend;
using sweet::net::Reactor;

namespace {

std::vector<Backend> backends() {
    if (const char* env = std::getenv("SWEET_BACKEND")) {
        Backend b;
        if (net::parse_backend(env, b) && b != Backend::automatic) return {b};
    }
    return {Backend::io_uring, Backend::epoll};
}

class CountingSink final : public log::Sink {
public:
    void write(std::string_view records) override {
        std::lock_guard lock(mutex_);
        text_.append(records);
        ++writes_;
    }
    [[nodiscard]] std::string describe() const override { return "counting"; }
    int writes() {
        std::lock_guard lock(mutex_);
        return writes_;
    }
    std::size_t lines() {
        std::lock_guard lock(mutex_);
        return static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n'));
    }

private:
    std::mutex mutex_;
    std::string text_;
    int writes_ = 0;
};

}  // namespace

TEST_CASE("on_batch_end runs after a batch's timers, before the loop waits again", "[log][reactor]") {
    for (Backend backend : backends()) {
        DYNAMIC_SECTION(net::backend_name(backend)) {
            auto reactor = Reactor::create(backend);
            int calls = 0;
            bool timer_ran = false;
            int calls_seeing_timer = 0;
            reactor->on_batch_end([&] {
                ++calls;
                if (timer_ran) ++calls_seeing_timer;
            });
            reactor->add_timer(5ms, [&] { timer_ran = true; });
            reactor->add_timer(30ms, [&] { reactor->stop(); });
            reactor->run();
            CHECK(timer_ran);
            CHECK(calls >= 2);                // the first wait, then the one after the 5 ms timer
            CHECK(calls_seeing_timer >= 1);   // the batch that ran the timer ended with the callback
        }
    }
}

TEST_CASE("on_batch_end does not spin while the loop sleeps", "[log][reactor]") {
    for (Backend backend : backends()) {
        DYNAMIC_SECTION(net::backend_name(backend)) {
            auto reactor = Reactor::create(backend);
            int calls = 0;
            reactor->on_batch_end([&] { ++calls; });
            reactor->add_timer(200ms, [&] { reactor->stop(); });
            reactor->run();
            CHECK(calls >= 1);
            CHECK(calls <= 5);  // one per wake-up, and the loop woke only for the timer
        }
    }
}

TEST_CASE("on_batch_end sees the effect of a task posted from another thread", "[log][reactor]") {
    for (Backend backend : backends()) {
        DYNAMIC_SECTION(net::backend_name(backend)) {
            auto reactor = Reactor::create(backend);
            reactor->enable_mailbox(1);
            bool posted_ran = false;
            std::atomic<bool> seen{false};
            reactor->on_batch_end([&] {
                if (posted_ran) seen.store(true);
            });
            std::thread poster([&] {
                std::this_thread::sleep_for(20ms);
                REQUIRE(reactor->post(0, [&] { posted_ran = true; }));
                const auto deadline = std::chrono::steady_clock::now() + 5s;
                while (!seen.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
                reactor->stop();
            });
            reactor->run();
            poster.join();
            CHECK(seen.load());
        }
    }
}

TEST_CASE("a new on_batch_end replaces the previous one", "[log][reactor]") {
    auto reactor = Reactor::create(backends().front());
    int first = 0, second = 0;
    reactor->on_batch_end([&] { ++first; });
    reactor->on_batch_end([&] { ++second; });
    reactor->add_timer(10ms, [&] { reactor->stop(); });
    reactor->run();
    CHECK(first == 0);
    CHECK(second >= 1);
}

TEST_CASE("a worker's records reach the sinks at the end of its batch, in one write", "[log][reactor]") {
    const auto saved_sinks = log::sinks();
    const auto saved_format = log::format();
    const auto sink = std::make_shared<CountingSink>();
    log::set_sinks({sink});
    log::set_format(log::Format::json);
    for (Backend backend : backends()) {
        DYNAMIC_SECTION(net::backend_name(backend)) {
            const int writes_before = sink->writes();
            const std::size_t lines_before = sink->lines();
            int writes_while_idle = -1;
            std::size_t lines_while_idle = 0;
            std::thread worker([&] {
                log::WorkerScope scope(0);
                auto reactor = Reactor::create(backend);
                reactor->on_batch_end([] { log::flush_thread(); });
                reactor->add_timer(5ms, [] {
                    log::info("first", log::kv("n", 1));
                    log::info("second", log::kv("n", 2));
                    log::warn("third {}", 3);
                });
                // Long after the batch above: the records must already be out, while the loop slept.
                reactor->add_timer(150ms, [&] {
                    writes_while_idle = sink->writes() - writes_before;
                    lines_while_idle = sink->lines() - lines_before;
                    reactor->stop();
                });
                reactor->run();
            });
            worker.join();
            CHECK(writes_while_idle == 1);
            CHECK(lines_while_idle == 3);
        }
    }
    log::set_sinks(saved_sinks);
    log::set_format(saved_format);
}
