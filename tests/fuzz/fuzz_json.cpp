// libFuzzer target for Sweet's JSON layer (sweet/json/parse.hpp, writer.hpp, value.hpp).
//
// Checks, beyond memory safety:
//  - parse never crashes; a refusal has an offset inside the input and a reason; parsing in
//    place (parse_padded) gives exactly the same result as parsing a copy;
//  - an accepted document, written back with the writer, parses again to an equal Value, and
//    writing that gives the same text again (the writer's output is a fixed point);
//  - the input taken as one string: the writer's literal for it is valid JSON that parses back
//    to the same string when the input is valid UTF-8; otherwise Utf8Policy::reject refuses it
//    and Utf8Policy::replace writes valid JSON whose string is valid UTF-8;
//  - with a small depth limit, documents nested deeper are refused, shallower ones parse alike.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "sweet/json/parse.hpp"
#include "sweet/json/serialize.hpp"
#include "sweet/json/utf8.hpp"
#include "sweet/json/value.hpp"
#include "sweet/json/writer.hpp"

namespace {

namespace json = sweet::json;

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "invariant failed: %s\n", what);
        std::abort();
    }
}

/// Nesting depth of an accepted document's text (a scalar is 0). Measured on the text, not on
/// the parsed Value: with duplicate names the last value wins, so a deeper member written
/// earlier under the same name is gone from the Value, yet the depth limit still saw it.
std::size_t depth_of(std::string_view text) {
    std::size_t depth = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // skip the escaped character
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++depth);
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
    return deepest;
}

void check_document(std::string_view in) {
    const auto parsed = json::parse(in);
    // In place, from an exactly sized buffer plus the required padding (filled with garbage
    // that must not matter).
    auto padded = std::make_unique<char[]>(in.size() + json::required_padding);
    std::copy(in.begin(), in.end(), padded.get());
    std::fill_n(padded.get() + in.size(), json::required_padding, '1');
    const auto in_place = json::parse_padded(std::string_view(padded.get(), in.size()));
    check(parsed.ok() == in_place.ok(), "parse and parse_padded disagree on success");

    if (!parsed) {
        check(parsed.error().offset <= in.size(), "error offset beyond the input");
        check(!parsed.error().reason.empty(), "error without a reason");
        check(parsed.error() == in_place.error(), "parse and parse_padded give different errors");
        return;
    }
    check(*parsed == *in_place, "parse and parse_padded give different values");

    const std::string written = json::to_string(*parsed);
    const auto again = json::parse(written);
    check(again.ok(), "the writer's output does not parse");
    check(*again == *parsed, "written and parsed again: a different value");
    check(json::to_string(*again) == written, "the writer's output is not a fixed point");

    // A depth limit just below the document's depth refuses it; at its depth it parses.
    const std::size_t depth = depth_of(in);
    check(depth <= 64, "accepted nesting beyond the default limit");
    if (depth > 0) {
        json::ParseOptions options;
        options.max_depth = depth - 1;
        check(!json::parse(in, options).ok(), "accepted nesting beyond max_depth");
        options.max_depth = depth;
        const auto limited = json::parse(in, options);
        check(limited.ok() && *limited == *parsed, "refused nesting within max_depth");
    }
}

void check_string(std::string_view in) {
    const bool valid_utf8 = json::find_invalid_utf8(in) == in.size();
    std::string rejected;
    const bool accepted = json::append_string(rejected, in, json::Utf8Policy::reject);
    check(accepted == valid_utf8, "Utf8Policy::reject disagrees with the UTF-8 check");

    std::string literal;
    check(json::append_string(literal, in, json::Utf8Policy::replace), "Utf8Policy::replace failed");
    if (valid_utf8) check(literal == rejected, "the two policies differ on valid UTF-8");
    const auto parsed = json::parse(literal);
    check(parsed.ok(), "a string literal from the writer does not parse");
    const auto text = parsed->as_string();
    check(text.has_value(), "a string literal from the writer is not a string");
    if (valid_utf8) {
        check(*text == in, "the string does not come back unchanged");
    } else {
        check(json::find_invalid_utf8(*text) == text->size(), "replacement left invalid UTF-8");
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Exactly sized copy so ASan sees any over-read of the unpadded input.
    auto bytes = std::make_unique<char[]>(size);
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(data[i]);
    const std::string_view in(bytes.get(), size);
    check_document(in);
    check_string(in);
    return 0;
}
