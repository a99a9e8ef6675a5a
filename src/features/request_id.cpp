/// @file request_id.cpp
/// Request ids: validation of incoming ids and fast per-thread generation.

#include "sweet/features/request_id.hpp"

#include <chrono>
#include <cstdint>
#include <random>
#include <stdexcept>

#include <fmt/format.h>

#include "header_tokens.hpp"

namespace sweet {

namespace {

// xoshiro256** (Blackman and Vigna): a few nanoseconds per 64 bits, statistically strong, one
// per thread so no synchronisation. Seeded from std::random_device, so ids differ across
// processes and threads; it is not a cryptographic generator.
class ThreadRandom {
public:
    ThreadRandom() {
        std::random_device device;
        std::uint64_t seed = (std::uint64_t{device()} << 32) ^ device();
        for (std::uint64_t& word : state_) word = split_mix(seed);
        prefix_ = next() & 0xffff'ffff'ffffULL;
    }

    std::uint64_t next() noexcept {
        const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

    std::uint64_t prefix() const noexcept { return prefix_; }
    std::uint64_t next_count() noexcept { return ++counter_; }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }
    static std::uint64_t split_mix(std::uint64_t& x) noexcept {
        std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    std::uint64_t state_[4] = {};
    std::uint64_t prefix_ = 0;
    std::uint64_t counter_ = 0;
};

ThreadRandom& thread_random() {
    thread_local ThreadRandom random;
    return random;
}

constexpr char kHex[] = "0123456789abcdef";

// Writes the 16 bytes `hi:lo` as a UUID string (8-4-4-4-12 lower-case hex digits).
void write_uuid(std::uint64_t hi, std::uint64_t lo, char* out) noexcept {
    int pos = 0;
    for (int nibble = 0; nibble < 32; ++nibble) {
        if (nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20) out[pos++] = '-';
        const std::uint64_t word = nibble < 16 ? hi : lo;
        const int shift = 60 - 4 * (nibble % 16);
        out[pos++] = kHex[(word >> shift) & 0xf];
    }
}

// Lower-case hex of `value` without leading zeros ("0" for zero); returns the length.
std::size_t write_hex(std::uint64_t value, char* out) noexcept {
    char digits[16];
    std::size_t n = 0;
    do {
        digits[n++] = kHex[value & 0xf];
        value >>= 4;
    } while (value != 0);
    for (std::size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
    return n;
}

}  // namespace

bool is_acceptable_request_id(std::string_view id, std::size_t max_length) noexcept {
    if (id.empty() || id.size() > max_length) return false;
    for (char c : id) {
        if (c < 0x21 || c > 0x7e) return false;
    }
    return true;
}

std::size_t write_request_id(RequestIdFormat format, char* out) noexcept {
    ThreadRandom& random = thread_random();
    switch (format) {
        case RequestIdFormat::uuid_v4: {
            std::uint64_t hi = random.next();
            std::uint64_t lo = random.next();
            hi = (hi & ~0xf000ULL) | 0x4000ULL;                            // version 4
            lo = (lo & ~(0x3ULL << 62)) | (0x2ULL << 62);                  // variant 10
            write_uuid(hi, lo, out);
            return 36;
        }
        case RequestIdFormat::uuid_v7: {
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            const auto ms = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
            const std::uint64_t rand_a = random.next() & 0xfffULL;
            const std::uint64_t hi = ((ms & 0xffff'ffff'ffffULL) << 16) | 0x7000ULL | rand_a;  // unix_ts_ms, version 7
            std::uint64_t lo = random.next();
            lo = (lo & ~(0x3ULL << 62)) | (0x2ULL << 62);  // variant 10
            write_uuid(hi, lo, out);
            return 36;
        }
        case RequestIdFormat::compact: {
            std::size_t n = 0;
            const std::uint64_t prefix = random.prefix();
            for (int shift = 44; shift >= 0; shift -= 4) out[n++] = kHex[(prefix >> shift) & 0xf];
            out[n++] = '-';
            n += write_hex(random.next_count(), out + n);
            return n;
        }
    }
    return 0;
}

std::string new_request_id(RequestIdFormat format) {
    char buffer[kMaxGeneratedRequestIdLength];
    const std::size_t n = write_request_id(format, buffer);
    return std::string(buffer, n);
}

RequestIdPolicy::RequestIdPolicy(RequestIdOptions options) : options_(std::move(options)) {
    if (!features_detail::is_token(options_.header)) {
        throw std::invalid_argument(fmt::format("sweet::request_id: header \"{}\" is not a valid header name", options_.header));
    }
    if (options_.max_length == 0) throw std::invalid_argument("sweet::request_id: max_length must be at least 1");
}

void RequestIdPolicy::assign(Request& request) const {
    if (!request.id().empty()) return;  // an earlier hook (or a proxy integration) already chose it
    if (options_.trust_incoming) {
        if (auto incoming = request.header(options_.header)) {
            if (is_acceptable_request_id(*incoming, options_.max_length)) {
                request.set_id(*incoming);
                return;
            }
        }
    }
    char buffer[kMaxGeneratedRequestIdLength];
    const std::size_t n = write_request_id(options_.format, buffer);
    request.set_id(std::string_view(buffer, n));
}

void RequestIdPolicy::echo(const Request& request, Response& response) const {
    if (!options_.echo || request.id().empty()) return;
    response.set_header(options_.header, std::string(request.id()));
}

}  // namespace sweet
