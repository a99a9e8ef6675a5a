#pragma once
/// @file writer.hpp
/// Writing JSON text: `append_string` for one string literal and `Writer`, a streaming writer
/// that appends to a caller-owned `std::string` and places commas and colons itself.
/// @code
///   std::string out;
///   json::Writer w(out);
///   w.begin_object();
///   w.key("id");   w.integer(42);
///   w.key("tags"); w.begin_array(); w.string("a"); w.string("b"); w.end_array();
///   w.end_object();                       // out == R"({"id":42,"tags":["a","b"]})"
/// @endcode
/// The writer allocates nothing of its own below 64 levels of nesting: everything it produces
/// is appended to `out` (reserve it beforehand to avoid regrowth).

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sweet::json {

/// What to do with bytes that are not valid UTF-8 in a string being written.
enum class Utf8Policy : std::uint8_t {
    replace,  ///< Each maximal invalid subpart (as Unicode 15 §3.9 and Python's "replace" do) becomes "\ufffd".
    reject,   ///< The string is refused: `append_string` returns false, `Writer::failed()` becomes true.
};

/// Appends `s` as a JSON string literal (quotes included) to `out`. Escapes '"', '\\' and every
/// control character (\n \r \t \b \f by name, the others as \u00XX); keeps valid non-ASCII UTF-8
/// as is. Invalid UTF-8 (stray continuation bytes, overlong forms, surrogates, code points above
/// U+10FFFF, truncated sequences) is replaced by "\ufffd" or, under `Utf8Policy::reject`, makes
/// it return false; `out` then holds a partial write the caller discards.
bool append_string(std::string& out, std::string_view s, Utf8Policy policy = Utf8Policy::replace);

/// Appends the shortest text that reads back as exactly `v` (fmt's "{}"), always a valid JSON
/// number: integral values keep a ".0" (1.0 -> "1.0", -0.0 -> "-0.0") so that they read back as
/// floating-point numbers, not integers; infinities and NaN have no JSON form and become `null`.
void append_double(std::string& out, double v);

/// Appends the decimal form of an integer.
void append_integer(std::string& out, std::int64_t v);
/// Appends the decimal form of an unsigned integer.
void append_unsigned(std::string& out, std::uint64_t v);

/// Streaming JSON writer appending to a `std::string`. Call `key()` before every value inside an
/// object; the writer inserts ',' and ':' itself. Misuse (a value in an object without a key,
/// `end_array()` closing an object, a second top-level value) is a programming error caught by
/// assertions in debug builds.
class Writer {
public:
    /// Writes to the end of `out` (existing content is kept).
    explicit Writer(std::string& out, Utf8Policy policy = Utf8Policy::replace) noexcept : out_(&out), policy_(policy) {}

    /// Writes `null`.
    void null() {
        separate();
        out_->append("null", 4);
    }
    /// Writes `true` or `false`.
    void boolean(bool v) {
        separate();
        if (v) {
            out_->append("true", 4);
        } else {
            out_->append("false", 5);
        }
    }
    /// Writes a signed integer exactly.
    void integer(std::int64_t v) {
        separate();
        append_integer(*out_, v);
    }
    /// Writes an unsigned integer exactly.
    void unsigned_integer(std::uint64_t v) {
        separate();
        append_unsigned(*out_, v);
    }
    /// Writes a floating-point number in its shortest round-trip form (see `append_double`);
    /// infinities and NaN are written as `null`.
    void number(double v) {
        separate();
        append_double(*out_, v);
    }
    /// Writes a string literal following the writer's `Utf8Policy`; under `reject`, invalid
    /// UTF-8 sets `failed()` and the output is then to be discarded.
    void string(std::string_view s) {
        separate();
        if (!append_string(*out_, s, policy_)) failed_ = true;
    }
    /// Writes an object member's name; the member's value must follow.
    void key(std::string_view k) {
        assert(in_object() && !after_key_ && "key() belongs inside an object, before each value");
        if (need_comma_) out_->push_back(',');
        if (!append_string(*out_, k, policy_)) failed_ = true;
        out_->push_back(':');
        need_comma_ = false;
        after_key_ = true;
    }
    /// Writes an already-serialized JSON value as is (it is not checked).
    void raw(std::string_view json) {
        separate();
        out_->append(json);
    }

    /// Opens an object; close it with `end_object()`.
    void begin_object() { open('{', true); }
    /// Closes the innermost object.
    void end_object() { close('}', true); }
    /// Opens an array; close it with `end_array()`.
    void begin_array() { open('[', false); }
    /// Closes the innermost array.
    void end_array() { close(']', false); }

    /// True when a string or key was refused under `Utf8Policy::reject`; the output is then not
    /// the document that was asked for and must be discarded.
    [[nodiscard]] bool failed() const noexcept { return failed_; }
    /// The string being written to.
    [[nodiscard]] std::string& output() noexcept { return *out_; }
    /// How many objects and arrays are open.
    [[nodiscard]] std::size_t depth() const noexcept { return depth_; }
    /// True when the innermost open container is an object.
    [[nodiscard]] bool in_object() const noexcept { return depth_ > 0 && kind_at(depth_ - 1); }
    /// True when a whole top-level value has been written and every container is closed.
    [[nodiscard]] bool complete() const noexcept { return depth_ == 0 && need_comma_; }

private:
    // Bits of the container-kind stack kept inline; deeper levels spill into `deep_kinds_`, so any
    // depth works and only pathological nesting allocates.
    static constexpr std::size_t inline_levels = 64;

    /// Emits the ',' owed before a value and records that this level now holds a value. One flag
    /// is enough for commas: a container that ends is itself a value of its parent, so after
    /// `end_*()` the parent always owes a comma, and after `key()` the value never does.
    void separate() {
        assert((depth_ == 0 ? !need_comma_ : (!in_object() || after_key_)) &&
               "a value inside an object needs key() first; only one top-level value");
        if (need_comma_) out_->push_back(',');
        need_comma_ = true;
        after_key_ = false;
    }

    void open(char bracket, bool is_object) {
        separate();
        out_->push_back(bracket);
        push_kind(is_object);
        need_comma_ = false;
    }

    void close(char bracket, [[maybe_unused]] bool is_object) {
        assert(depth_ > 0 && kind_at(depth_ - 1) == is_object && !after_key_ && "mismatched end_object()/end_array()");
        --depth_;
        if (depth_ >= inline_levels && depth_ % 64 == 0) deep_kinds_.pop_back();
        out_->push_back(bracket);
        need_comma_ = true;
    }

    void push_kind(bool is_object) {
        const std::size_t level = depth_++;
        const std::uint64_t bit = std::uint64_t{1} << (level % 64);
        if (level < inline_levels) {
            inline_kinds_ = is_object ? (inline_kinds_ | bit) : (inline_kinds_ & ~bit);
            return;
        }
        if (level % 64 == 0) deep_kinds_.push_back(0);
        std::uint64_t& word = deep_kinds_.back();
        word = is_object ? (word | bit) : (word & ~bit);
    }

    [[nodiscard]] bool kind_at(std::size_t level) const noexcept {
        const std::uint64_t word = level < inline_levels ? inline_kinds_ : deep_kinds_[(level - inline_levels) / 64];
        return ((word >> (level % 64)) & 1U) != 0;
    }

    std::string* out_;
    Utf8Policy policy_;
    bool need_comma_ = false;  // the next value or key at this level must be preceded by ','
    bool after_key_ = false;   // a key was written and its value has not been yet
    bool failed_ = false;
    std::size_t depth_ = 0;
    std::uint64_t inline_kinds_ = 0;          // bit i set: level i is an object
    std::vector<std::uint64_t> deep_kinds_;  // levels from `inline_levels` on, 64 per word
};

}  // namespace sweet::json
