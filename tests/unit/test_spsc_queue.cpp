#include <catch2/catch.hpp>

#include <memory>
#include <thread>

#include "sweet/core/spsc_queue.hpp"

TEST_CASE("spsc queue is FIFO and bounded", "[spsc]") {
    sweet::SpscQueue<int> q(4);
    REQUIRE(q.capacity() == 4);
    for (int i = 0; i < 4; ++i) REQUIRE(q.try_push(i));
    REQUIRE_FALSE(q.try_push(99));
    for (int i = 0; i < 4; ++i) REQUIRE(*q.try_pop() == i);
    REQUIRE_FALSE(q.try_pop());
    REQUIRE(q.empty());
}

TEST_CASE("spsc queue moves move-only values and destroys leftovers", "[spsc]") {
    auto counter = std::make_shared<int>(0);
    {
        sweet::SpscQueue<std::shared_ptr<int>> q(8);
        q.try_push(counter);
        q.try_push(counter);
        REQUIRE(counter.use_count() == 3);
        auto one = q.try_pop();
        REQUIRE(one.has_value());
    }
    REQUIRE(counter.use_count() == 1);
}

TEST_CASE("spsc queue transfers a million items between two threads in order", "[spsc]") {
    sweet::SpscQueue<std::uint64_t> q(1024);
    constexpr std::uint64_t n = 1'000'000;
    std::thread producer([&] {
        for (std::uint64_t i = 0; i < n; ++i) {
            while (!q.try_push(i)) std::this_thread::yield();
        }
    });
    std::uint64_t expected = 0;
    while (expected < n) {
        if (auto v = q.try_pop()) {
            REQUIRE(*v == expected);
            ++expected;
        }
    }
    producer.join();
    REQUIRE(q.empty());
}
