// Catch2 v2's main for the unit-test binary (every tests/unit/*.cpp links into it).
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
