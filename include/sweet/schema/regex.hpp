#pragma once
/// @file regex.hpp
/// The regular expressions behind the `pattern(...)` constraint: the ECMAScript syntax JSON
/// Schema prescribes, matched by a Pike VM (a Thompson NFA simulation). Matching takes time
/// linear in the input and constant stack, so no request body can make it slow exponentially
/// or overflow the stack, as backtracking engines (std::regex among them) can; in exchange,
/// backreferences and lookaround are not supported, and say so.
///
/// Compilation is `constexpr`, so `pattern("...")` rejects a bad expression at compile time;
/// the program is compiled again once at run time, on first use.
///
/// Supported: literals (any UTF-8 text), `.`, `^`, `$`, `\b`, `\B`, groups `(...)`, `(?:...)`,
/// `(?<name>...)`, alternation, quantifiers `* + ? {n} {n,} {n,m}` (greedy or lazy: the same for
/// a yes/no search), classes `[...]`/`[^...]` with ranges, `\d \D \w \W \s \S`, the escapes
/// `\t \n \v \f \r \0 \cX \xHH \uHHHH \u{H...}` and escaped syntax characters. Matching is
/// a search (unanchored, as JSON Schema says), over Unicode code points.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <utility>
#include <vector>

namespace sweet::schema {

/// One step of a compiled pattern.
struct RegexInstruction {
    /// What the step does.
    enum class Op : std::uint8_t {
        code_point,         ///< consume `a` exactly
        any,                ///< consume any code point but a line terminator
        char_class,         ///< consume a code point in class `a`
        split,              ///< continue at both `a` and `b`
        jump,               ///< continue at `a`
        assert_begin,       ///< only at the start of the input
        assert_end,         ///< only at the end of the input
        word_boundary,      ///< only between a word and a non-word code point
        not_word_boundary,  ///< only where `word_boundary` does not hold
        match,              ///< the pattern matched
    };
    Op op = Op::match;
    std::uint32_t a = 0;
    std::uint32_t b = 0;
};

/// A character class: sorted, disjoint, inclusive code point ranges.
struct RegexClass {
    std::vector<std::pair<char32_t, char32_t>> ranges;
};

/// A pattern compiled for the Pike VM, or the reason it could not be.
struct RegexProgram {
    std::vector<RegexInstruction> code;
    std::vector<RegexClass> classes;
    std::string_view error;        ///< empty when the pattern compiled
    std::size_t error_offset = 0;  ///< byte offset in the pattern where `error` was found

    /// True when the pattern compiled.
    [[nodiscard]] constexpr bool ok() const noexcept { return error.empty(); }
};

namespace regex_detail {

inline constexpr char32_t kMaxCodePoint = 0x10FFFF;
/// Longest program a pattern may compile to (bounded repetitions are expanded).
inline constexpr std::size_t kMaxInstructions = 20000;
/// Largest count in `{n,m}`.
inline constexpr std::uint32_t kMaxRepeat = 1000;
/// Deepest group nesting (bounds the compiler's recursion).
inline constexpr std::size_t kMaxNesting = 100;
inline constexpr std::uint32_t kUnbounded = 0xFFFFFFFF;

/// Decodes one UTF-8 code point at `i` (advancing it); a byte that does not start a well-formed
/// sequence decodes as U+FFFD and advances by one, so any byte string can be searched.
constexpr char32_t decode_utf8(std::string_view s, std::size_t& i) noexcept {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        ++i;
        return c;
    }
    std::size_t len = 0;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    char32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        cp = c & 0x0F;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        cp = c & 0x07;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    }
    if (len == 0 || i + len > s.size()) {
        ++i;
        return 0xFFFD;
    }
    for (std::size_t k = 1; k < len; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) {
            ++i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    i += len;
    return cp;
}

/// A parsed pattern, as a tree kept in one vector (index 0 is never a child).
struct Node {
    enum class Kind : std::uint8_t {
        empty,
        code_point,
        any,
        char_class,
        begin,
        end,
        word_boundary,
        not_word_boundary,
        concat,
        alternation,
        repeat
    };
    Kind kind = Kind::empty;
    std::uint32_t value = 0;  // code point or class index
    std::uint32_t min = 0;    // repeat bounds
    std::uint32_t max = 0;
    std::vector<std::uint32_t> children;
};

/// Recursive-descent parser for the supported ECMAScript subset; the tree is then emitted as
/// Pike VM code by `Emitter`.
class Parser {
public:
    constexpr explicit Parser(std::string_view pattern) : text_(pattern) {}

    /// Parses the whole pattern into `nodes`/`classes`; returns the root node or 0 on error.
    constexpr std::uint32_t parse(std::vector<Node>& nodes, std::vector<RegexClass>& classes) {
        nodes_ = &nodes;
        classes_ = &classes;
        nodes.emplace_back();  // index 0: placeholder, so 0 can mean "failed"
        const std::uint32_t root = parse_alternation(0);
        if (root == 0) return 0;
        if (pos_ < text_.size()) {
            // Only an unmatched ')' stops the top-level alternation early.
            return fail("unmatched ')'");
        }
        return root;
    }

    [[nodiscard]] constexpr std::string_view error() const noexcept { return error_; }
    [[nodiscard]] constexpr std::size_t error_offset() const noexcept { return error_offset_; }

private:
    constexpr std::uint32_t fail(std::string_view why) {
        if (error_.empty()) {
            error_ = why;
            error_offset_ = pos_;
        }
        return 0;
    }

    constexpr std::uint32_t add(Node node) {
        nodes_->push_back(std::move(node));
        return static_cast<std::uint32_t>(nodes_->size() - 1);
    }

    constexpr std::uint32_t add_leaf(Node::Kind kind, std::uint32_t value = 0) {
        Node node;
        node.kind = kind;
        node.value = value;
        return add(std::move(node));
    }

    [[nodiscard]] constexpr bool at_end() const noexcept { return pos_ >= text_.size(); }
    [[nodiscard]] constexpr char peek() const noexcept { return text_[pos_]; }

    constexpr std::uint32_t parse_alternation(std::size_t depth) {
        if (depth > kMaxNesting) return fail("groups nested too deeply");
        Node alt;
        alt.kind = Node::Kind::alternation;
        for (;;) {
            const std::uint32_t branch = parse_concat(depth);
            if (branch == 0) return 0;
            alt.children.push_back(branch);
            if (at_end() || peek() != '|') break;
            ++pos_;
        }
        if (alt.children.size() == 1) return alt.children[0];
        return add(std::move(alt));
    }

    constexpr std::uint32_t parse_concat(std::size_t depth) {
        Node seq;
        seq.kind = Node::Kind::concat;
        while (!at_end() && peek() != '|' && peek() != ')') {
            const std::uint32_t atom = parse_quantified(depth);
            if (atom == 0) return 0;
            seq.children.push_back(atom);
        }
        if (seq.children.empty()) return add_leaf(Node::Kind::empty);
        if (seq.children.size() == 1) return seq.children[0];
        return add(std::move(seq));
    }

    /// Reads a decimal number for `{n,m}`; false when there is none.
    constexpr bool read_count(std::uint32_t& out) {
        const std::size_t start = pos_;
        std::uint64_t value = 0;
        while (!at_end() && peek() >= '0' && peek() <= '9') {
            value = value * 10 + static_cast<std::uint64_t>(peek() - '0');
            if (value > 1'000'000) value = 1'000'000;  // clamp; reported as too large below
            ++pos_;
        }
        out = static_cast<std::uint32_t>(value);
        return pos_ > start;
    }

    /// At '{': reads "{n}", "{n,}" or "{n,m}" when that is what follows (else, as ECMAScript's
    /// web-compatibility grammar does, the '{' is a literal and nothing is consumed).
    constexpr bool read_braces(std::uint32_t& min, std::uint32_t& max) {
        const std::size_t start = pos_;
        ++pos_;
        if (!read_count(min)) {
            pos_ = start;
            return false;
        }
        max = min;
        if (!at_end() && peek() == ',') {
            ++pos_;
            if (!read_count(max)) max = kUnbounded;
        }
        if (at_end() || peek() != '}') {
            pos_ = start;
            return false;
        }
        ++pos_;
        return true;
    }

    constexpr std::uint32_t parse_quantified(std::size_t depth) {
        const std::size_t atom_start = pos_;
        std::uint32_t atom = parse_atom(depth);
        if (atom == 0) return 0;
        for (;;) {
            if (at_end()) return atom;
            std::uint32_t min = 0;
            std::uint32_t max = 0;
            const char c = peek();
            if (c == '*') {
                min = 0;
                max = kUnbounded;
                ++pos_;
            } else if (c == '+') {
                min = 1;
                max = kUnbounded;
                ++pos_;
            } else if (c == '?') {
                min = 0;
                max = 1;
                ++pos_;
            } else if (c == '{') {
                if (!read_braces(min, max)) return atom;
                if (min > kMaxRepeat || (max != kUnbounded && max > kMaxRepeat))
                    return fail("repetition count above 1000");
                if (max < min) return fail("numbers out of order in {n,m} quantifier");
            } else {
                return atom;
            }
            const Node::Kind kind = (*nodes_)[atom].kind;
            if (kind == Node::Kind::begin || kind == Node::Kind::end || kind == Node::Kind::word_boundary ||
                kind == Node::Kind::not_word_boundary) {
                pos_ = atom_start;
                return fail("nothing to repeat (an assertion cannot be quantified)");
            }
            if (!at_end() && peek() == '?') ++pos_;  // lazy: same yes/no answer
            Node rep;
            rep.kind = Node::Kind::repeat;
            rep.min = min;
            rep.max = max;
            rep.children.push_back(atom);
            atom = add(std::move(rep));
            // A quantifier directly after another ("a**") is an error in ECMAScript.
            if (!at_end() && (peek() == '*' || peek() == '+' || peek() == '?')) return fail("nothing to repeat");
            if (!at_end() && peek() == '{') {
                std::uint32_t m1 = 0;
                std::uint32_t m2 = 0;
                const std::size_t here = pos_;
                if (read_braces(m1, m2)) {
                    pos_ = here;
                    return fail("nothing to repeat");
                }
            }
        }
    }

    constexpr std::uint32_t parse_atom(std::size_t depth) {
        const char c = peek();
        switch (c) {
            case '(':
                return parse_group(depth);
            case '[':
                return parse_class();
            case '.':
                ++pos_;
                return add_leaf(Node::Kind::any);
            case '^':
                ++pos_;
                return add_leaf(Node::Kind::begin);
            case '$':
                ++pos_;
                return add_leaf(Node::Kind::end);
            case '*':
            case '+':
            case '?':
                return fail("nothing to repeat");
            case '{': {
                std::uint32_t m1 = 0;
                std::uint32_t m2 = 0;
                const std::size_t here = pos_;
                if (read_braces(m1, m2)) {
                    pos_ = here;
                    return fail("nothing to repeat");
                }
                ++pos_;
                return add_leaf(Node::Kind::code_point, '{');
            }
            case '\\':
                return parse_escape();
            default: {
                const char32_t cp = decode_utf8(text_, pos_);
                return add_leaf(Node::Kind::code_point, cp);
            }
        }
    }

    constexpr std::uint32_t parse_group(std::size_t depth) {
        ++pos_;  // '('
        if (!at_end() && peek() == '?') {
            ++pos_;
            if (at_end()) return fail("incomplete group syntax");
            const char kind = peek();
            if (kind == ':') {
                ++pos_;
            } else if (kind == '<' && pos_ + 1 < text_.size() && text_[pos_ + 1] != '=' && text_[pos_ + 1] != '!') {
                ++pos_;
                const std::size_t name_start = pos_;
                while (!at_end() && peek() != '>') {
                    const char n = peek();
                    const bool name_char = (n >= 'a' && n <= 'z') || (n >= 'A' && n <= 'Z') || (n >= '0' && n <= '9') ||
                                           n == '_' || n == '$';
                    if (!name_char) return fail("invalid group name");
                    ++pos_;
                }
                if (at_end() || pos_ == name_start) return fail("invalid group name");
                ++pos_;  // '>'
            } else if (kind == '=' || kind == '!' || kind == '<') {
                return fail("lookahead and lookbehind are not supported");
            } else {
                return fail("invalid group syntax");
            }
        }
        const std::uint32_t inner = parse_alternation(depth + 1);
        if (inner == 0) return 0;
        if (at_end() || peek() != ')') return fail("missing ')'");
        ++pos_;
        return inner;
    }

    static constexpr int hex_value(char c) noexcept {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    /// Reads exactly `n` hex digits into `out`.
    constexpr bool read_hex(std::size_t n, char32_t& out) {
        if (pos_ + n > text_.size()) return false;
        char32_t value = 0;
        for (std::size_t k = 0; k < n; ++k) {
            const int h = hex_value(text_[pos_ + k]);
            if (h < 0) return false;
            value = value * 16 + static_cast<char32_t>(h);
        }
        pos_ += n;
        out = value;
        return true;
    }

    /// After "\u": 4 hex digits (a surrogate pair "\uD83D\uDE00" joins into one code point) or
    /// "{H...}".
    constexpr bool read_unicode_escape(char32_t& out) {
        if (!at_end() && peek() == '{') {
            ++pos_;
            char32_t value = 0;
            std::size_t digits = 0;
            while (!at_end() && hex_value(peek()) >= 0) {
                value = value * 16 + static_cast<char32_t>(hex_value(peek()));
                if (value > kMaxCodePoint) return false;
                ++pos_;
                ++digits;
            }
            if (digits == 0 || at_end() || peek() != '}') return false;
            ++pos_;
            out = value;
            return true;
        }
        if (!read_hex(4, out)) return false;
        if (out >= 0xD800 && out <= 0xDBFF && pos_ + 6 <= text_.size() && text_[pos_] == '\\' &&
            text_[pos_ + 1] == 'u') {
            const std::size_t save = pos_;
            pos_ += 2;
            char32_t low = 0;
            if (read_hex(4, low) && low >= 0xDC00 && low <= 0xDFFF) {
                out = 0x10000 + ((out - 0xD800) << 10) + (low - 0xDC00);
            } else {
                pos_ = save;
            }
        }
        return true;
    }

    /// The class escapes \d \D \w \W \s \S as ranges (negated ones complemented).
    static constexpr void add_class_escape(char which, std::vector<std::pair<char32_t, char32_t>>& ranges) {
        std::vector<std::pair<char32_t, char32_t>> base;
        const char lower = static_cast<char>(which | 0x20);
        if (lower == 'd') {
            base = {{U'0', U'9'}};
        } else if (lower == 'w') {
            base = {{U'0', U'9'}, {U'A', U'Z'}, {U'_', U'_'}, {U'a', U'z'}};
        } else {
            // ECMAScript WhiteSpace and LineTerminator.
            base = {{0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
                    {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
        }
        if (which == lower) {
            ranges.insert(ranges.end(), base.begin(), base.end());
            return;
        }
        char32_t next = 0;
        for (const auto& [lo, hi] : base) {
            if (lo > next) ranges.emplace_back(next, lo - 1);
            next = hi + 1;
        }
        if (next <= kMaxCodePoint) ranges.emplace_back(next, kMaxCodePoint);
    }

    /// Sorts and merges ranges, optionally complementing them, into a new class.
    constexpr std::uint32_t add_class(std::vector<std::pair<char32_t, char32_t>> ranges, bool negated) {
        // Insertion sort: classes are short, and std::sort is not constexpr-friendly everywhere.
        for (std::size_t i = 1; i < ranges.size(); ++i) {
            for (std::size_t j = i; j > 0 && ranges[j].first < ranges[j - 1].first; --j)
                std::swap(ranges[j], ranges[j - 1]);
        }
        std::vector<std::pair<char32_t, char32_t>> merged;
        for (const auto& r : ranges) {
            if (!merged.empty() && r.first <= merged.back().second + 1) {
                if (r.second > merged.back().second) merged.back().second = r.second;
            } else {
                merged.push_back(r);
            }
        }
        RegexClass cls;
        if (negated) {
            char32_t next = 0;
            for (const auto& [lo, hi] : merged) {
                if (lo > next) cls.ranges.emplace_back(next, lo - 1);
                next = hi + 1;
            }
            if (next <= kMaxCodePoint) cls.ranges.emplace_back(next, kMaxCodePoint);
        } else {
            cls.ranges = std::move(merged);
        }
        classes_->push_back(std::move(cls));
        return add_leaf(Node::Kind::char_class, static_cast<std::uint32_t>(classes_->size() - 1));
    }

    /// One escaped code point shared by classes and atoms ("\n", "\x41", "\u00e9", "\.").
    /// `in_class` makes "\b" a backspace and allows "\-". Returns false (error set) on failure.
    constexpr bool parse_code_point_escape(char32_t& out, bool in_class) {
        const char c = peek();
        ++pos_;
        switch (c) {
            case 't':
                out = '\t';
                return true;
            case 'n':
                out = '\n';
                return true;
            case 'v':
                out = '\v';
                return true;
            case 'f':
                out = '\f';
                return true;
            case 'r':
                out = '\r';
                return true;
            case '0':
                if (!at_end() && peek() >= '0' && peek() <= '9') {
                    fail("octal escapes are not supported");
                    return false;
                }
                out = 0;
                return true;
            case 'c':
                if (!at_end() && ((peek() >= 'a' && peek() <= 'z') || (peek() >= 'A' && peek() <= 'Z'))) {
                    out = static_cast<char32_t>(peek()) % 32;
                    ++pos_;
                    return true;
                }
                fail("invalid \\c escape");
                return false;
            case 'x':
                if (!read_hex(2, out)) {
                    fail("invalid \\x escape (two hex digits expected)");
                    return false;
                }
                return true;
            case 'u':
                if (!read_unicode_escape(out)) {
                    fail("invalid \\u escape");
                    return false;
                }
                return true;
            case 'b':
                if (in_class) {
                    out = '\b';
                    return true;
                }
                break;
            case '-':
                if (in_class) {
                    out = '-';
                    return true;
                }
                break;
            default:
                break;
        }
        if (c >= '1' && c <= '9') {
            --pos_;
            fail("backreferences are not supported");
            return false;
        }
        constexpr std::string_view syntax = "^$\\.*+?()[]{}|/";
        if (syntax.find(c) != std::string_view::npos) {
            out = static_cast<unsigned char>(c);
            return true;
        }
        --pos_;
        if (c == 'p' || c == 'P') {
            fail("Unicode property escapes are not supported");
        } else if (c == 'k') {
            fail("named backreferences are not supported");
        } else {
            fail("invalid escape");
        }
        return false;
    }

    constexpr std::uint32_t parse_escape() {
        ++pos_;  // '\'
        if (at_end()) return fail("pattern ends with '\\'");
        const char c = peek();
        switch (c) {
            case 'd':
            case 'D':
            case 'w':
            case 'W':
            case 's':
            case 'S': {
                ++pos_;
                std::vector<std::pair<char32_t, char32_t>> ranges;
                add_class_escape(c, ranges);
                return add_class(std::move(ranges), false);
            }
            case 'b':
                ++pos_;
                return add_leaf(Node::Kind::word_boundary);
            case 'B':
                ++pos_;
                return add_leaf(Node::Kind::not_word_boundary);
            default:
                break;
        }
        char32_t cp = 0;
        if (!parse_code_point_escape(cp, false)) return 0;
        return add_leaf(Node::Kind::code_point, cp);
    }

    /// One class member: a code point, or (for \d \w \s and negations) several ranges at once,
    /// reported through `set_ranges`.
    constexpr bool parse_class_atom(char32_t& cp, bool& is_set, std::vector<std::pair<char32_t, char32_t>>& ranges) {
        is_set = false;
        if (peek() != '\\') {
            cp = decode_utf8(text_, pos_);
            return true;
        }
        ++pos_;
        if (at_end()) {
            fail("pattern ends with '\\'");
            return false;
        }
        const char c = peek();
        if (c == 'd' || c == 'D' || c == 'w' || c == 'W' || c == 's' || c == 'S') {
            ++pos_;
            add_class_escape(c, ranges);
            is_set = true;
            return true;
        }
        if (c == 'B') {
            fail("\\B is not valid inside a character class");
            return false;
        }
        return parse_code_point_escape(cp, true);
    }

    constexpr std::uint32_t parse_class() {
        const std::size_t open = pos_;
        ++pos_;  // '['
        bool negated = false;
        if (!at_end() && peek() == '^') {
            negated = true;
            ++pos_;
        }
        std::vector<std::pair<char32_t, char32_t>> ranges;
        for (;;) {
            if (at_end()) {
                pos_ = open;
                return fail("missing ']'");
            }
            if (peek() == ']') {
                ++pos_;
                break;
            }
            char32_t lo = 0;
            bool lo_is_set = false;
            if (!parse_class_atom(lo, lo_is_set, ranges)) return 0;
            if (!at_end() && peek() == '-' && pos_ + 1 < text_.size() && text_[pos_ + 1] != ']') {
                ++pos_;  // '-'
                char32_t hi = 0;
                bool hi_is_set = false;
                if (!parse_class_atom(hi, hi_is_set, ranges)) return 0;
                if (lo_is_set || hi_is_set) {
                    // "[\d-z]": ECMAScript's web grammar reads the '-' literally.
                    if (!lo_is_set) ranges.emplace_back(lo, lo);
                    ranges.emplace_back(U'-', U'-');
                    if (!hi_is_set) ranges.emplace_back(hi, hi);
                    continue;
                }
                if (hi < lo) return fail("range out of order in character class");
                ranges.emplace_back(lo, hi);
                continue;
            }
            if (!lo_is_set) ranges.emplace_back(lo, lo);
        }
        return add_class(std::move(ranges), negated);
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::vector<Node>* nodes_ = nullptr;
    std::vector<RegexClass>* classes_ = nullptr;
    std::string_view error_;
    std::size_t error_offset_ = 0;
};

/// Turns the tree into Pike VM code.
class Emitter {
public:
    constexpr Emitter(const std::vector<Node>& nodes, std::vector<RegexInstruction>& code)
        : nodes_(nodes), code_(code) {}

    /// Emits `root` followed by `match`; false when the program would be too long.
    constexpr bool emit_program(std::uint32_t root) {
        if (!emit(root)) return false;
        return push({RegexInstruction::Op::match, 0, 0});
    }

private:
    constexpr bool push(RegexInstruction instruction) {
        if (code_.size() >= kMaxInstructions) return false;
        code_.push_back(instruction);
        return true;
    }

    [[nodiscard]] constexpr std::uint32_t here() const noexcept { return static_cast<std::uint32_t>(code_.size()); }

    constexpr bool emit(std::uint32_t index) {
        const Node& node = nodes_[index];
        using Op = RegexInstruction::Op;
        switch (node.kind) {
            case Node::Kind::empty:
                return true;
            case Node::Kind::code_point:
                return push({Op::code_point, node.value, 0});
            case Node::Kind::any:
                return push({Op::any, 0, 0});
            case Node::Kind::char_class:
                return push({Op::char_class, node.value, 0});
            case Node::Kind::begin:
                return push({Op::assert_begin, 0, 0});
            case Node::Kind::end:
                return push({Op::assert_end, 0, 0});
            case Node::Kind::word_boundary:
                return push({Op::word_boundary, 0, 0});
            case Node::Kind::not_word_boundary:
                return push({Op::not_word_boundary, 0, 0});
            case Node::Kind::concat:
                for (const std::uint32_t child : node.children) {
                    if (!emit(child)) return false;
                }
                return true;
            case Node::Kind::alternation: {
                // split L1, next; L1: branch; jump end; next: split L2, ...; last branch.
                std::vector<std::uint32_t> jumps;
                for (std::size_t i = 0; i < node.children.size(); ++i) {
                    const bool last = i + 1 == node.children.size();
                    std::uint32_t split_at = 0;
                    if (!last) {
                        split_at = here();
                        if (!push({Op::split, split_at + 1, 0})) return false;
                    }
                    if (!emit(node.children[i])) return false;
                    if (!last) {
                        jumps.push_back(here());
                        if (!push({Op::jump, 0, 0})) return false;
                        code_[split_at].b = here();
                    }
                }
                for (const std::uint32_t j : jumps)
                    code_[j].a = here();
                return true;
            }
            case Node::Kind::repeat: {
                const std::uint32_t child = node.children[0];
                for (std::uint32_t i = 0; i < node.min; ++i) {
                    if (!emit(child)) return false;
                }
                if (node.max == kUnbounded) {
                    // loop: split body, out; body: child; jump loop
                    const std::uint32_t loop = here();
                    if (!push({Op::split, loop + 1, 0})) return false;
                    if (!emit(child)) return false;
                    if (!push({Op::jump, loop, 0})) return false;
                    code_[loop].b = here();
                    return true;
                }
                // Optional copies, each may stop the repetition: split body, end; body: child; ...
                std::vector<std::uint32_t> splits;
                for (std::uint32_t i = node.min; i < node.max; ++i) {
                    splits.push_back(here());
                    if (!push({Op::split, here() + 1, 0})) return false;
                    if (!emit(child)) return false;
                }
                for (const std::uint32_t s : splits)
                    code_[s].b = here();
                return true;
            }
        }
        return false;
    }

    const std::vector<Node>& nodes_;
    std::vector<RegexInstruction>& code_;
};

}  // namespace regex_detail

/// Compiles `pattern`; check `ok()` (or `error`/`error_offset`) on the result.
constexpr RegexProgram compile_regex(std::string_view pattern) {
    RegexProgram program;
    std::vector<regex_detail::Node> nodes;
    regex_detail::Parser parser(pattern);
    const std::uint32_t root = parser.parse(nodes, program.classes);
    if (root == 0) {
        program.error = parser.error();
        program.error_offset = parser.error_offset();
        return program;
    }
    regex_detail::Emitter emitter(nodes, program.code);
    if (!emitter.emit_program(root)) {
        program.code.clear();
        program.error = "pattern too large once its repetitions are expanded";
    }
    return program;
}

/// True when `pattern` compiles (usable in constant expressions).
constexpr bool is_valid_regex(std::string_view pattern) {
    return compile_regex(pattern).ok();
}

/// A compiled pattern, searched from any thread.
class Regex {
public:
    /// Compiles `pattern`; an invalid pattern gives a Regex whose `ok()` is false and that
    /// matches nothing.
    explicit Regex(std::string_view pattern) : program_(compile_regex(pattern)) {}

    /// True when the pattern compiled.
    [[nodiscard]] bool ok() const noexcept { return program_.ok(); }
    /// Why the pattern did not compile (empty when it did).
    [[nodiscard]] std::string_view error() const noexcept { return program_.error; }

    /// True when the pattern matches somewhere in `text` (UTF-8; invalid bytes read as U+FFFD).
    [[nodiscard]] bool search(std::string_view text) const;

private:
    RegexProgram program_;
};

}  // namespace sweet::schema
