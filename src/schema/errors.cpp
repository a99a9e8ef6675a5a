/// @file errors.cpp
/// Writing validation errors in FastAPI's shape (sweet/schema/errors.hpp).

#include "sweet/schema/errors.hpp"

#include <cassert>

namespace sweet::schema {

namespace {

/// Appends JSON `text` without the whitespace between tokens (strings are copied as they are).
/// The input comes from a document already validated, so only string boundaries matter.
void append_minified(std::string& out, std::string_view text) {
    bool in_string = false;
    bool escaped = false;
    for (const char c : text) {
        if (in_string) {
            out.push_back(c);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                in_string = false;
            }
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        if (c == '"') in_string = true;
        out.push_back(c);
    }
}

}  // namespace

void Location::write(json::Writer& w) const {
    w.begin_array();
    write_segments(w);
    w.end_array();
}

void Location::write_segments(json::Writer& w) const {
    if (parent_ != nullptr) parent_->write_segments(w);
    if (is_index_) {
        w.unsigned_integer(index_);
    } else {
        w.string(key_);
    }
}

void ErrorInput::write(json::Writer& w) const {
    switch (kind_) {
        case Kind::none:
            w.null();
            break;
        case Kind::string:
            w.string(text_);
            break;
        case Kind::number:
            number_.write(w);
            break;
        case Kind::json: {
            std::string minified;
            minified.reserve(text_.size());
            append_minified(minified, text_);
            w.raw(minified.empty() ? std::string_view("null") : std::string_view(minified));
            break;
        }
    }
}

void ContextValue::write(json::Writer& w) const {
    if (is_string_) {
        w.string(text_);
    } else {
        number_.write(w);
    }
}

void ValidationErrors::add(std::string_view type, const Location& loc, std::string_view msg, const ErrorInput& input,
                           std::initializer_list<ContextEntry> ctx) {
    if (full()) {
        ++dropped_;
        return;
    }
    entries_.push_back(',');
    json::Writer w(entries_);
    w.begin_object();
    w.key("type");
    w.string(type);
    w.key("loc");
    loc.write(w);
    w.key("msg");
    w.string(msg);
    w.key("input");
    input.write(w);
    if (ctx.size() != 0) {
        w.key("ctx");
        w.begin_object();
        for (const ContextEntry& entry : ctx) {
            w.key(entry.key);
            entry.value.write(w);
        }
        w.end_object();
    }
    w.end_object();
    ++count_;
}

std::string ValidationErrors::detail() const {
    std::string out;
    out.reserve(entries_.size() + 2);
    out.push_back('[');
    if (!entries_.empty()) out.append(entries_, 1);  // without the first entry's comma
    out.push_back(']');
    return out;
}

std::string ValidationErrors::body() && {
    std::string out;
    out.reserve(entries_.size() + 13);
    out.append("{\"detail\":");
    out.append(detail());
    out.push_back('}');
    entries_.clear();
    count_ = 0;
    return out;
}

void ValidationErrors::rearrange(Mark since, std::span<const Span> runs) {
    assert(since.offset <= entries_.size());
    std::string tail;
    std::size_t count = since.count;
    tail.reserve(entries_.size() - since.offset);
    for (const Span& run : runs) {
        assert(run.begin.offset >= since.offset && run.end.offset <= entries_.size() &&
               run.begin.offset <= run.end.offset);
        tail.append(entries_, run.begin.offset, run.end.offset - run.begin.offset);
        count += run.end.count - run.begin.count;
    }
    entries_.resize(since.offset);
    entries_.append(tail);
    count_ = count;
}

}  // namespace sweet::schema
