/// @file simd_scan.cpp
/// The scanners of simd_scan.hpp, and the per-level instances of the request parser.
///
/// This is the one file compiled with per-function `target` attributes. Each level gets its own
/// copy of `detail::parse_head` (parser.hpp) with its scanner inlined: `flatten` on the entry
/// point inlines the parser into a function that may use AVX2, after which the AVX2 code can be
/// inlined too (it could not be inlined into a function compiled for the baseline ISA).
/// `parse_request_head` then costs one indirect call per request, not one per header field.
///
/// How the vector scanners work. A field is short (tens of bytes), so scanning it with vectors
/// from where it starts saves little: each scan would be a chain load -> classify -> movemask ->
/// tzcnt -> next position, ~20 cycles of latency per field, and the next scan cannot start
/// before it ends. Instead the buffer is classified 64 bytes at a time into bitmasks ("bit i:
/// byte i is outside the class"), at block offsets fixed in advance, so the CPU can classify the
/// next block while the parser is still walking the current one; a scan is then a shift and a
/// count of trailing zeros. Classification uses two PSHUFB lookups (low and high nibble): byte b
/// is in the class when `lo[b & 15] & hi[b >> 4]` is non-zero. The 16-byte tables are computed at
/// compile time from the 256-entry class table, so vector and scalar code cannot disagree.

#include "sweet/http/simd_scan.hpp"

#include <atomic>
#include <bit>

#include "sweet/http/parser.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SWEET_SIMD_X86 1
#else
#define SWEET_SIMD_X86 0
#endif

namespace sweet::http::simd {
namespace {

// ---------------------------------------------------------------------------------------------
// Scalar
// ---------------------------------------------------------------------------------------------

/// First position in [p, stop) whose byte's class lacks `Bit`, or `stop`. Four bytes per
/// iteration: the loop exit is the expensive (mispredicted) part, the lookups are cheap.
template <std::uint8_t Bit>
inline const char* skip_scalar(const char* p, const char* stop) noexcept {
    const auto in = [](char c) { return (kCharClass[static_cast<unsigned char>(c)] & Bit) != 0; };
    for (; stop - p >= 4; p += 4) {
        if (!in(p[0])) return p;
        if (!in(p[1])) return p + 1;
        if (!in(p[2])) return p + 2;
        if (!in(p[3])) return p + 3;
    }
    for (; p != stop; ++p) {
        if (!in(*p)) return p;
    }
    return stop;
}

/// The scalar scanner: stateless table loops.
class ScalarScan {
public:
    ScalarScan(const char*, const char*) noexcept {}
    const char* token(const char* p, const char* stop) noexcept { return skip_scalar<kTchar>(p, stop); }
    const char* target(const char* p, const char* stop) noexcept { return skip_scalar<kTargetChar>(p, stop); }
    const char* value(const char* p, const char* stop) noexcept { return skip_scalar<kValueChar>(p, stop); }
};

#if SWEET_SIMD_X86

// ---------------------------------------------------------------------------------------------
// Nibble tables
// ---------------------------------------------------------------------------------------------

/// PSHUFB tables for one class: byte b is in the class iff (lo[b & 15] & hi[b >> 4]) != 0.
/// Each distinct non-empty "row" (the set of low nibbles in the class for one high nibble) gets
/// one bit; hi[h] is its row's bit and lo[l] has the bits of every row containing l. Works
/// whenever there are at most 8 distinct rows, which `static_assert` checks below.
struct NibbleTables {
    std::uint8_t lo[16] = {};
    std::uint8_t hi[16] = {};
    bool ok = true;
};

constexpr NibbleTables make_nibble_tables(std::uint8_t bit) noexcept {
    NibbleTables t;
    std::uint16_t rows[8] = {};
    int row_count = 0;
    for (unsigned h = 0; h < 16; ++h) {
        std::uint16_t row = 0;
        for (unsigned l = 0; l < 16; ++l) {
            if (kCharClass[h * 16 + l] & bit) row = static_cast<std::uint16_t>(row | (1u << l));
        }
        if (row == 0) continue;
        int k = 0;
        while (k < row_count && rows[k] != row) ++k;
        if (k == row_count) {
            if (row_count == 8) {
                t.ok = false;
                return t;
            }
            rows[row_count++] = row;
        }
        t.hi[h] = static_cast<std::uint8_t>(1u << k);
    }
    for (int k = 0; k < row_count; ++k) {
        for (unsigned l = 0; l < 16; ++l) {
            if (rows[k] & (1u << l)) t.lo[l] = static_cast<std::uint8_t>(t.lo[l] | (1u << k));
        }
    }
    return t;
}

template <std::uint8_t Bit>
inline constexpr NibbleTables kNibbles = make_nibble_tables(Bit);
static_assert(kNibbles<kTchar>.ok && kNibbles<kTargetChar>.ok && kNibbles<kValueChar>.ok);

// ---------------------------------------------------------------------------------------------
// Block scanner, generic over the vector kernel
// ---------------------------------------------------------------------------------------------

[[gnu::target("sse4.2")]] void classify_short(const char* p, std::size_t n, std::uint64_t& token, std::uint64_t& value) noexcept;
[[gnu::target("sse4.2")]] std::uint64_t target_short(const char* p, std::size_t n) noexcept;

/// The classes a block scanner keeps masks for (index into its mask array).
enum MaskIndex : unsigned { kTokenMask = 0, kValueMask = 1, kTargetMask = 2 };

/// Scans [begin, end) through 64-byte bitmasks. `Kernel` provides
/// `static void classify(const char* p64, std::uint64_t& token, std::uint64_t& value)` and
/// `static std::uint64_t target(const char* p64)`, which read exactly 64 bytes at p64 and set
/// bit i when byte i is outside the class.
///
/// Blocks start at offsets 0, 64, 128, ...; the last one is moved back to end at `end`
/// (overlapping its predecessor) so it can be read in place. A buffer of under 64 bytes is one
/// short block, classified by `classify_short` with overlapping 16-byte loads; its bits past
/// the end are set (outside), so scans stop there. Nothing outside [begin, end) is read.
template <class Kernel>
class BlockScan {
public:
    BlockScan(const char* begin, const char* end) noexcept : begin_(begin), size_(static_cast<std::size_t>(end - begin)) {}

    [[gnu::always_inline]] const char* token(const char* p, const char* stop) noexcept { return skip<kTokenMask>(p, stop); }
    [[gnu::always_inline]] const char* value(const char* p, const char* stop) noexcept { return skip<kValueMask>(p, stop); }
    [[gnu::always_inline]] const char* target(const char* p, const char* stop) noexcept { return skip<kTargetMask>(p, stop); }

private:
    template <unsigned M>
    [[gnu::always_inline]] const char* skip(const char* p, const char* stop) noexcept {
        std::size_t pos = static_cast<std::size_t>(p - begin_);
        const std::size_t limit = static_cast<std::size_t>(stop - begin_);
        for (;;) {
            if (pos >= limit) return stop;
            // Advance block by block (not straight to pos's block): the next block's address then
            // depends only on the current one, so the CPU can load and classify it early.
            if (pos - block_ >= 64) [[unlikely]] load_block_for(pos);
            if (M == kTargetMask && !have_target_) {
                masks_[kTargetMask] = size_ >= 64 ? Kernel::target(begin_ + block_) : target_short(begin_, size_);
                have_target_ = true;
            }
            const std::uint64_t outside = masks_[M] >> (pos - block_);
            if (outside != 0) {
                pos += static_cast<std::size_t>(std::countr_zero(outside));
                return pos < limit ? begin_ + pos : stop;
            }
            pos = block_ + 64;
        }
    }

    // Makes the current block one that contains pos (pos < size_).
    void load_block_for(std::size_t pos) noexcept {
        if (pos < block_ || !loaded_) block_ = 0;  // first use (or a step back, which the parser never does)
        else block_ += 64;
        while (block_ + 64 <= pos) block_ += 64;
        loaded_ = true;
        have_target_ = false;
        if (size_ < 64) [[unlikely]] {  // a short buffer: one block, and only once
            block_ = 0;
            classify_short(begin_, size_, masks_[kTokenMask], masks_[kValueMask]);
            return;
        }
        if (block_ + 64 > size_) block_ = size_ - 64;
        Kernel::classify(begin_ + block_, masks_[kTokenMask], masks_[kValueMask]);
    }

    const char* begin_;
    std::size_t size_;
    // Offset of the current block; starts "64 bytes before the buffer" in modular arithmetic so
    // that the first scan's `pos - block_ >= 64` check fails over to load_block_for.
    std::size_t block_ = static_cast<std::size_t>(-64);
    std::uint64_t masks_[3] = {};
    bool loaded_ = false;
    bool have_target_ = false;  // the target mask is only needed on the request-line
};

// ---------------------------------------------------------------------------------------------
// SSE4.2 kernel (4 x 16 bytes; PSHUFB is SSSE3, which every SSE4.2 CPU has)
// ---------------------------------------------------------------------------------------------

[[gnu::target("sse4.2"), gnu::always_inline]] inline __m128i load16(const void* p) noexcept {
    return _mm_loadu_si128(static_cast<const __m128i_u*>(p));
}

/// Bit i set when byte i of `v` is outside the class of the given tables.
[[gnu::target("sse4.2"), gnu::always_inline]] inline std::uint64_t outside16(__m128i lo_nib, __m128i hi_nib, __m128i lo_t,
                                                                           __m128i hi_t) noexcept {
    const __m128i in = _mm_and_si128(_mm_shuffle_epi8(lo_t, lo_nib), _mm_shuffle_epi8(hi_t, hi_nib));
    return static_cast<std::uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(in, _mm_setzero_si128())));
}

/// Bits of the 16 bytes at p that are outside the class of the given tables.
[[gnu::target("sse4.2"), gnu::always_inline]] inline std::uint64_t outside16_at(const char* p, __m128i lo_t, __m128i hi_t) noexcept {
    const __m128i nib = _mm_set1_epi8(0x0f);
    const __m128i x = load16(p);
    return outside16(_mm_and_si128(x, nib), _mm_and_si128(_mm_srli_epi16(x, 4), nib), lo_t, hi_t);
}

/// Masks for a buffer of n < 64 bytes, bits n..63 set: 16-byte loads at 0, 16, ... and one
/// ending exactly at n (overlapping bytes whose bits are then ORed twice, identically); under 16
/// bytes, table lookups.
template <std::uint8_t Bit>
[[gnu::target("sse4.2"), gnu::always_inline]] inline std::uint64_t outside_short(const char* p, std::size_t n) noexcept {
    std::uint64_t m = ~std::uint64_t{0} << n;
    if (n < 16) {
        for (std::size_t i = 0; i < n; ++i) {
            if (!(kCharClass[static_cast<unsigned char>(p[i])] & Bit)) m |= std::uint64_t{1} << i;
        }
        return m;
    }
    const __m128i lo_t = load16(kNibbles<Bit>.lo), hi_t = load16(kNibbles<Bit>.hi);
    std::size_t off = 0;
    for (; off + 16 <= n; off += 16) m |= outside16_at(p + off, lo_t, hi_t) << off;
    if (off < n) m |= outside16_at(p + n - 16, lo_t, hi_t) << (n - 16);
    return m;
}

[[gnu::target("sse4.2")]] void classify_short(const char* p, std::size_t n, std::uint64_t& token, std::uint64_t& value) noexcept {
    token = outside_short<kTchar>(p, n);
    value = outside_short<kValueChar>(p, n);
}

[[gnu::target("sse4.2")]] std::uint64_t target_short(const char* p, std::size_t n) noexcept {
    return outside_short<kTargetChar>(p, n);
}

struct Sse42Kernel {
    [[gnu::target("sse4.2")]] static void classify(const char* p, std::uint64_t& token, std::uint64_t& value) noexcept {
        const __m128i nib = _mm_set1_epi8(0x0f);
        const __m128i tok_lo = load16(kNibbles<kTchar>.lo), tok_hi = load16(kNibbles<kTchar>.hi);
        const __m128i val_lo = load16(kNibbles<kValueChar>.lo), val_hi = load16(kNibbles<kValueChar>.hi);
        std::uint64_t t = 0, v = 0;
        for (int k = 0; k < 4; ++k) {
            const __m128i x = load16(p + 16 * k);
            const __m128i lo = _mm_and_si128(x, nib);
            const __m128i hi = _mm_and_si128(_mm_srli_epi16(x, 4), nib);
            t |= outside16(lo, hi, tok_lo, tok_hi) << (16 * k);
            v |= outside16(lo, hi, val_lo, val_hi) << (16 * k);
        }
        token = t;
        value = v;
    }
    [[gnu::target("sse4.2")]] static std::uint64_t target(const char* p) noexcept {
        const __m128i lo_t = load16(kNibbles<kTargetChar>.lo), hi_t = load16(kNibbles<kTargetChar>.hi);
        std::uint64_t m = 0;
        for (int k = 0; k < 4; ++k) m |= outside16_at(p + 16 * k, lo_t, hi_t) << (16 * k);
        return m;
    }
};

// ---------------------------------------------------------------------------------------------
// AVX2 kernel (2 x 32 bytes; the tables broadcast to both 128-bit lanes, as VPSHUFB works per lane)
// ---------------------------------------------------------------------------------------------

[[gnu::target("avx2"), gnu::always_inline]] inline __m256i load32(const void* p) noexcept {
    return _mm256_loadu_si256(static_cast<const __m256i_u*>(p));
}

[[gnu::target("avx2"), gnu::always_inline]] inline __m256i broadcast16(const void* p) noexcept {
    return _mm256_broadcastsi128_si256(_mm_loadu_si128(static_cast<const __m128i_u*>(p)));
}

[[gnu::target("avx2"), gnu::always_inline]] inline std::uint64_t outside32(__m256i lo_nib, __m256i hi_nib, __m256i lo_t,
                                                                         __m256i hi_t) noexcept {
    const __m256i in = _mm256_and_si256(_mm256_shuffle_epi8(lo_t, lo_nib), _mm256_shuffle_epi8(hi_t, hi_nib));
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(in, _mm256_setzero_si256())));
}

struct Avx2Kernel {
    [[gnu::target("avx2")]] static void classify(const char* p, std::uint64_t& token, std::uint64_t& value) noexcept {
        const __m256i nib = _mm256_set1_epi8(0x0f);
        const __m256i tok_lo = broadcast16(kNibbles<kTchar>.lo), tok_hi = broadcast16(kNibbles<kTchar>.hi);
        const __m256i val_lo = broadcast16(kNibbles<kValueChar>.lo), val_hi = broadcast16(kNibbles<kValueChar>.hi);
        const __m256i a = load32(p), b = load32(p + 32);
        const __m256i a_lo = _mm256_and_si256(a, nib), a_hi = _mm256_and_si256(_mm256_srli_epi16(a, 4), nib);
        const __m256i b_lo = _mm256_and_si256(b, nib), b_hi = _mm256_and_si256(_mm256_srli_epi16(b, 4), nib);
        token = outside32(a_lo, a_hi, tok_lo, tok_hi) | outside32(b_lo, b_hi, tok_lo, tok_hi) << 32;
        value = outside32(a_lo, a_hi, val_lo, val_hi) | outside32(b_lo, b_hi, val_lo, val_hi) << 32;
    }
    [[gnu::target("avx2")]] static std::uint64_t target(const char* p) noexcept {
        const __m256i nib = _mm256_set1_epi8(0x0f);
        const __m256i lo_t = broadcast16(kNibbles<kTargetChar>.lo), hi_t = broadcast16(kNibbles<kTargetChar>.hi);
        const __m256i a = load32(p), b = load32(p + 32);
        return outside32(_mm256_and_si256(a, nib), _mm256_and_si256(_mm256_srli_epi16(a, 4), nib), lo_t, hi_t) |
               outside32(_mm256_and_si256(b, nib), _mm256_and_si256(_mm256_srli_epi16(b, 4), nib), lo_t, hi_t) << 32;
    }
};

using Sse42Scan = BlockScan<Sse42Kernel>;
using Avx2Scan = BlockScan<Avx2Kernel>;

#endif  // SWEET_SIMD_X86

// ---------------------------------------------------------------------------------------------
// Per-level parsers and dispatch
// ---------------------------------------------------------------------------------------------

using ParseFn = ParseOutcome (*)(std::string_view, RequestHead&, Header*, const ParserLimits&) noexcept;

// Heads in shorter buffers go to the scalar parser even at a vector level (see
// vector_threshold in simd_scan.hpp); tests set it to 0 to run the vector code on everything.
constinit std::atomic<std::size_t> g_vector_threshold{kDefaultVectorThreshold};

// noinline: the vector entry points call it for short buffers, and `flatten` must not paste a
// copy of the whole scalar parser into each of them.
[[gnu::flatten, gnu::noinline]] ParseOutcome parse_scalar(std::string_view b, RequestHead& h, Header* s,
                                                          const ParserLimits& l) noexcept {
    return http::detail::parse_head<ScalarScan>(b, h, s, l);
}
#if SWEET_SIMD_X86
[[gnu::target("sse4.2"), gnu::flatten]] ParseOutcome parse_sse42(std::string_view b, RequestHead& h, Header* s,
                                                                  const ParserLimits& l) noexcept {
    // 16-byte vectors need twice the work per block: they pay off only on larger heads.
    if (b.size() < 3 * g_vector_threshold.load(std::memory_order_relaxed)) return parse_scalar(b, h, s, l);
    return http::detail::parse_head<Sse42Scan>(b, h, s, l);
}
[[gnu::target("avx2"), gnu::flatten]] ParseOutcome parse_avx2(std::string_view b, RequestHead& h, Header* s,
                                                               const ParserLimits& l) noexcept {
    if (b.size() < g_vector_threshold.load(std::memory_order_relaxed)) return parse_scalar(b, h, s, l);
    return http::detail::parse_head<Avx2Scan>(b, h, s, l);
}
#endif

/// One scan of `bytes` with scanner `S` (for simd::scan).
template <class S>
std::size_t scan_with(ScanClass cls, std::string_view bytes) noexcept {
    const char* const begin = bytes.data();
    const char* const end = begin + bytes.size();
    S s(begin, end);
    switch (cls) {
        case ScanClass::token: return static_cast<std::size_t>(s.token(begin, end) - begin);
        case ScanClass::target: return static_cast<std::size_t>(s.target(begin, end) - begin);
        case ScanClass::value: return static_cast<std::size_t>(s.value(begin, end) - begin);
    }
    return 0;
}
#if SWEET_SIMD_X86
[[gnu::target("sse4.2"), gnu::flatten]] std::size_t scan_sse42(ScanClass cls, std::string_view bytes) noexcept {
    return scan_with<Sse42Scan>(cls, bytes);
}
[[gnu::target("avx2"), gnu::flatten]] std::size_t scan_avx2(ScanClass cls, std::string_view bytes) noexcept {
    return scan_with<Avx2Scan>(cls, bytes);
}
#endif

Level detect_level() noexcept {
#if SWEET_SIMD_X86
    __builtin_cpu_init();  // needed if we run before libgcc's own constructor
    // __builtin_cpu_supports also checks that the OS saves the YMM registers (XGETBV).
    if (__builtin_cpu_supports("avx2")) return Level::avx2;
    if (__builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("ssse3")) return Level::sse42;
#endif
    return Level::scalar;
}

ParseFn parser_for(Level level) noexcept {
    switch (level) {
#if SWEET_SIMD_X86
        case Level::avx2: return &parse_avx2;
        case Level::sse42: return &parse_sse42;
#endif
        default: return &parse_scalar;
    }
}

ParseOutcome parse_first_call(std::string_view, RequestHead&, Header*, const ParserLimits&) noexcept;

// Starts at a resolver rather than being initialised dynamically, so parsing works even from
// other translation units' static constructors. Relaxed: any of the parsers is correct, the
// pointer only selects the fastest.
constinit std::atomic<ParseFn> g_parser{&parse_first_call};
constinit std::atomic<int> g_forced_level{-1};

ParseOutcome parse_first_call(std::string_view b, RequestHead& h, Header* s, const ParserLimits& l) noexcept {
    const ParseFn fn = parser_for(active_level());
    g_parser.store(fn, std::memory_order_relaxed);
    return fn(b, h, s, l);
}

}  // namespace

Level best_level() noexcept {
    static const Level best = detect_level();
    return best;
}

bool level_supported(Level level) noexcept { return static_cast<int>(level) <= static_cast<int>(best_level()); }

std::span<const Level> supported_levels() noexcept {
    static constexpr Level all[] = {Level::scalar, Level::sse42, Level::avx2};
    return std::span<const Level>(all, static_cast<std::size_t>(best_level()) + 1);
}

Level active_level() noexcept {
    const int forced = g_forced_level.load(std::memory_order_relaxed);
    return forced < 0 ? best_level() : static_cast<Level>(forced);
}

bool force_level(Level level) noexcept {
    if (!level_supported(level)) return false;
    g_forced_level.store(static_cast<int>(level), std::memory_order_relaxed);
    g_parser.store(parser_for(level), std::memory_order_relaxed);
    return true;
}

void set_vector_threshold(std::size_t bytes) noexcept { g_vector_threshold.store(bytes, std::memory_order_relaxed); }

std::size_t vector_threshold() noexcept { return g_vector_threshold.load(std::memory_order_relaxed); }

std::size_t scan(Level level, ScanClass cls, std::string_view bytes) noexcept {
    if (!level_supported(level)) level = Level::scalar;
#if SWEET_SIMD_X86
    if (level == Level::avx2) return scan_avx2(cls, bytes);
    if (level == Level::sse42) return scan_sse42(cls, bytes);
#endif
    return scan_with<ScalarScan>(cls, bytes);
}

}  // namespace sweet::http::simd

namespace sweet::http {

ParseOutcome parse_request_head(std::string_view buffer, RequestHead& head, Header* header_storage,
                                const ParserLimits& limits) noexcept {
    return simd::g_parser.load(std::memory_order_relaxed)(buffer, head, header_storage, limits);
}

}  // namespace sweet::http
