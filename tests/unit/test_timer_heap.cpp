#include <catch2/catch.hpp>

#include <vector>

#include "sweet/core/timer_heap.hpp"

using namespace std::chrono_literals;

TEST_CASE("timers run in deadline order, ties in insertion order", "[timers]") {
    sweet::TimerHeap heap;
    const auto t0 = sweet::Clock::now();
    std::vector<int> ran;
    heap.add(t0 + 30ms, [&] { ran.push_back(3); });
    heap.add(t0 + 10ms, [&] { ran.push_back(1); });
    heap.add(t0 + 20ms, [&] { ran.push_back(2); });
    heap.add(t0 + 20ms, [&] { ran.push_back(22); });
    REQUIRE(heap.size() == 4);
    REQUIRE(*heap.next_deadline() == t0 + 10ms);
    REQUIRE(heap.run_due(t0 + 5ms) == 0);
    REQUIRE(heap.run_due(t0 + 20ms) == 3);
    REQUIRE(ran == std::vector<int>{1, 2, 22});
    REQUIRE(heap.run_due(t0 + 1s) == 1);
    REQUIRE(heap.size() == 0);
    REQUIRE_FALSE(heap.next_deadline());
}

TEST_CASE("cancelled timers never run and stale ids are harmless", "[timers]") {
    sweet::TimerHeap heap;
    const auto t0 = sweet::Clock::now();
    int ran = 0;
    auto a = heap.add(t0 + 1ms, [&] { ran += 1; });
    auto b = heap.add(t0 + 2ms, [&] { ran += 10; });
    REQUIRE(heap.cancel(a));
    REQUIRE_FALSE(heap.cancel(a));
    heap.run_due(t0 + 1s);
    REQUIRE(ran == 10);
    REQUIRE_FALSE(heap.cancel(b));  // already ran
    // The slot of `a` is reused; the old id must not cancel the new timer.
    auto c = heap.add(t0 + 3ms, [&] { ran += 100; });
    REQUIRE(c != a);
    REQUIRE_FALSE(heap.cancel(a));
    heap.run_due(t0 + 1s);
    REQUIRE(ran == 110);
}

TEST_CASE("a timer added by a callback runs in a later pass", "[timers]") {
    sweet::TimerHeap heap;
    const auto t0 = sweet::Clock::now();
    int ran = 0;
    heap.add(t0, [&] {
        ++ran;
        heap.add(t0, [&] { ++ran; });
    });
    REQUIRE(heap.run_due(t0) == 1);
    REQUIRE(heap.run_due(t0) == 1);
    REQUIRE(ran == 2);
}

TEST_CASE("many cancelled timers do not accumulate", "[timers]") {
    sweet::TimerHeap heap;
    const auto t0 = sweet::Clock::now();
    for (int i = 0; i < 100'000; ++i) {
        auto id = heap.add(t0 + 1h, [] {});
        heap.cancel(id);
    }
    REQUIRE(heap.size() == 0);
    REQUIRE_FALSE(heap.next_deadline());
}
