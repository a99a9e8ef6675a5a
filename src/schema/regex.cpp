/// @file regex.cpp
/// The Pike VM that searches a compiled pattern: every thread of the NFA advances in lock-step
/// over the input's code points, each program position at most once per step, so time is
/// O(input x program) and memory O(program), whatever the pattern and input.

#include "sweet/schema/regex.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace sweet::schema {

namespace {

/// Per-thread scratch space reused by every search, so a search allocates only when a longer
/// program than any before is searched on this thread.
struct Scratch {
    std::vector<std::uint32_t> marks;  // marks[pc] == generation: pc is already in the list being built
    std::vector<std::uint32_t> current;
    std::vector<std::uint32_t> next;
    std::vector<std::uint32_t> stack;
    std::uint32_t generation = 0;

    /// Starts a new list; marks from earlier lists (or searches) no longer count.
    void new_generation() {
        if (++generation == 0) {  // wrapped: old marks could collide, clear them
            std::fill(marks.begin(), marks.end(), 0);
            generation = 1;
        }
    }
};

constexpr std::int32_t kNone = -1;  // no code point: before the start or after the end

constexpr bool is_word(std::int32_t cp) noexcept {
    return (cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') || (cp >= 'a' && cp <= 'z') || cp == '_';
}

constexpr bool is_line_terminator(std::int32_t cp) noexcept {
    return cp == '\n' || cp == '\r' || cp == 0x2028 || cp == 0x2029;
}

/// What assertions look at: the code points on either side of the current position.
struct Position {
    std::int32_t before = kNone;
    std::int32_t after = kNone;
};

bool in_class(const RegexClass& cls, std::int32_t cp) noexcept {
    const auto c = static_cast<char32_t>(cp);
    // First range whose upper end is >= c.
    const auto it = std::lower_bound(cls.ranges.begin(), cls.ranges.end(), c,
                                     [](const std::pair<char32_t, char32_t>& r, char32_t v) { return r.second < v; });
    return it != cls.ranges.end() && it->first <= c;
}

/// Adds the thread at `pc` to `list`, following jumps, splits and assertions (which hold or not
/// at `at`). Returns true when `match` is reached: the search has succeeded.
bool add_thread(const RegexProgram& program, Scratch& scratch, std::vector<std::uint32_t>& list, std::uint32_t pc,
                Position at) {
    using Op = RegexInstruction::Op;
    scratch.stack.clear();
    scratch.stack.push_back(pc);
    while (!scratch.stack.empty()) {
        const std::uint32_t p = scratch.stack.back();
        scratch.stack.pop_back();
        if (scratch.marks[p] == scratch.generation) continue;
        scratch.marks[p] = scratch.generation;
        const RegexInstruction& in = program.code[p];
        switch (in.op) {
            case Op::match:
                return true;
            case Op::jump:
                scratch.stack.push_back(in.a);
                break;
            case Op::split:
                scratch.stack.push_back(in.b);
                scratch.stack.push_back(in.a);
                break;
            case Op::assert_begin:
                if (at.before == kNone) scratch.stack.push_back(p + 1);
                break;
            case Op::assert_end:
                if (at.after == kNone) scratch.stack.push_back(p + 1);
                break;
            case Op::word_boundary:
                if (is_word(at.before) != is_word(at.after)) scratch.stack.push_back(p + 1);
                break;
            case Op::not_word_boundary:
                if (is_word(at.before) == is_word(at.after)) scratch.stack.push_back(p + 1);
                break;
            case Op::code_point:
            case Op::any:
            case Op::char_class:
                list.push_back(p);
                break;
        }
    }
    return false;
}

bool consumes(const RegexProgram& program, const RegexInstruction& in, std::int32_t cp) noexcept {
    switch (in.op) {
        case RegexInstruction::Op::code_point:
            return static_cast<std::int32_t>(in.a) == cp;
        case RegexInstruction::Op::any:
            return !is_line_terminator(cp);
        case RegexInstruction::Op::char_class:
            return in_class(program.classes[in.a], cp);
        default:
            return false;
    }
}

}  // namespace

bool Regex::search(std::string_view text) const {
    if (!program_.ok()) return false;
    thread_local Scratch scratch;
    if (scratch.marks.size() < program_.code.size()) scratch.marks.resize(program_.code.size(), 0);
    // Nothing can start after position 0 when the pattern is anchored there.
    const bool anchored = program_.code.front().op == RegexInstruction::Op::assert_begin;

    std::size_t byte = 0;
    Position at;
    if (byte < text.size()) at.after = static_cast<std::int32_t>(regex_detail::decode_utf8(text, byte));
    scratch.current.clear();
    scratch.new_generation();
    for (;;) {
        // Unanchored search: a new thread starts at every position.
        if (!anchored || at.before == kNone) {
            if (add_thread(program_, scratch, scratch.current, 0, at)) return true;
        }
        if (at.after == kNone || scratch.current.empty()) {
            if (at.after == kNone || anchored) return false;
        }
        Position next_at;
        next_at.before = at.after;
        if (byte < text.size()) next_at.after = static_cast<std::int32_t>(regex_detail::decode_utf8(text, byte));
        scratch.next.clear();
        scratch.new_generation();
        for (const std::uint32_t pc : scratch.current) {
            const RegexInstruction& in = program_.code[pc];
            if (consumes(program_, in, at.after) && add_thread(program_, scratch, scratch.next, pc + 1, next_at))
                return true;
        }
        std::swap(scratch.current, scratch.next);
        at = next_at;
    }
}

}  // namespace sweet::schema
