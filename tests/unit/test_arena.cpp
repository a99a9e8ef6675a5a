#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "sweet/core/arena.hpp"

TEST_CASE("arena hands out aligned, distinct memory", "[arena]") {
    sweet::Arena arena(1024);
    void* a = arena.allocate(10, 1);
    void* b = arena.allocate(16, 16);
    REQUIRE(a != b);
    REQUIRE(reinterpret_cast<std::uintptr_t>(b) % 16 == 0);
    REQUIRE(arena.bytes_in_use() == 26);
}

TEST_CASE("arena reset releases everything and reuses the same chunk", "[arena]") {
    sweet::Arena arena(4096);
    void* first = arena.allocate(100);
    for (int i = 0; i < 100; ++i) arena.allocate(100);  // spills into more chunks
    const std::size_t reserved = arena.bytes_reserved();
    REQUIRE(reserved >= 100 * 100);
    arena.reset();
    REQUIRE(arena.bytes_in_use() == 0);
    REQUIRE(arena.allocate(100) == first);  // rewound to the first chunk
    for (int i = 0; i < 100; ++i) arena.allocate(100);
    REQUIRE(arena.bytes_reserved() == reserved);  // steady state: no new system allocation
}

TEST_CASE("arena frees oversized chunks on reset", "[arena]") {
    sweet::Arena arena(1024);
    arena.allocate(10);
    arena.allocate(1 << 20);
    REQUIRE(arena.bytes_reserved() > (1 << 20));
    arena.reset();
    REQUIRE(arena.bytes_reserved() < (1 << 20));
}

TEST_CASE("arena copy and allocator work with containers", "[arena]") {
    sweet::Arena arena;
    std::string_view s = arena.copy("hello");
    REQUIRE(s == "hello");
    std::vector<int, sweet::ArenaAllocator<int>> v{sweet::ArenaAllocator<int>(arena)};
    for (int i = 0; i < 1000; ++i) v.push_back(i);
    REQUIRE(v[999] == 999);
}
