/// @file multipart.cpp
/// The incremental multipart/form-data parser and the whole-form collector on top of it.

#include "sweet/http/multipart.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>
#include <utility>

#include "sweet/core/ascii.hpp"
#include "sweet/http/mime_types.hpp"
#include "sweet/http/percent.hpp"

namespace sweet::http {

namespace {

// RFC 2046 5.1.1: bchars := bcharsnospace / " ", 1 to 70 of them, not ending in a space.
// None is CR or LF, which the delimiter search relies on (see scan_for_delimiter).
bool is_boundary_char(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
        case '\'': case '(': case ')': case '+': case '_': case ',': case '-':
        case '.': case '/': case ':': case '=': case '?': case ' ': return true;
        default: return false;
    }
}

bool is_valid_boundary(std::string_view b) noexcept {
    if (b.empty() || b.size() > 70 || b.back() == ' ') return false;
    return std::all_of(b.begin(), b.end(), is_boundary_char);
}

Error malformed(std::string_view why) {
    std::string message = "malformed multipart body: ";
    message.append(why);
    return Error::client(400, std::move(message));
}

std::string errno_text(int err) { return std::error_code(err, std::generic_category()).message(); }

/// Decodes an RFC 8187 ext-value (`UTF-8''na%C3%AFve.txt`) into UTF-8; nullopt when malformed
/// or in a charset other than UTF-8 and ISO-8859-1 (the only two the RFC requires).
std::optional<std::string> decode_ext_value(std::string_view v) {
    const std::size_t q1 = v.find('\'');
    if (q1 == std::string_view::npos) return std::nullopt;
    const std::size_t q2 = v.find('\'', q1 + 1);
    if (q2 == std::string_view::npos) return std::nullopt;
    const std::string_view charset = v.substr(0, q1);
    const std::string_view encoded = v.substr(q2 + 1);
    std::string raw(encoded.size(), '\0');
    std::size_t n = 0;
    if (!percent_decode(encoded, raw.data(), n, false)) return std::nullopt;
    raw.resize(n);
    if (ascii_iequals(charset, "utf-8")) return raw;
    if (ascii_iequals(charset, "iso-8859-1")) {
        std::string utf8;
        for (char ch : raw) {
            const auto c = static_cast<unsigned char>(ch);
            if (c < 0x80) {
                utf8.push_back(ch);
            } else {
                utf8.push_back(static_cast<char>(0xC0 | (c >> 6)));
                utf8.push_back(static_cast<char>(0x80 | (c & 0x3F)));
            }
        }
        return utf8;
    }
    return std::nullopt;
}

/// Parses a part's header lines (each ending in CRLF; the blank line excluded).
Result<PartInfo> parse_part_headers(std::string_view block) {
    PartInfo info;
    bool have_disposition = false;
    bool have_type = false;
    std::size_t i = 0;
    while (i < block.size()) {
        const std::size_t eol = block.find("\r\n", i);  // the block ends in CRLF, so there is one
        const std::string_view line = block.substr(i, eol - i);
        i = eol + 2;
        if (line.find_first_of("\r\n") != std::string_view::npos) return malformed("bare CR or LF in a part's headers");
        if (line.empty() || line.front() == ' ' || line.front() == '\t') return malformed("folded or empty part header line");
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
            return malformed("a part header line is not \"Name: value\"");
        }
        const std::string_view name = line.substr(0, colon);
        const std::string_view value = detail::trim_ows(line.substr(colon + 1));
        for (char c : value) {
            const auto u = static_cast<unsigned char>(c);
            if ((u < 0x20 && c != '\t') || u == 0x7F) return malformed("control character in a part header");
        }
        info.headers.emplace_back(std::string(name), std::string(value));
        if (ascii_iequals(name, "content-disposition")) {
            if (have_disposition) return malformed("a part has two Content-Disposition headers");
            have_disposition = true;
            const std::optional<ParameterizedValue> cd = parse_parameterized(value);
            if (!cd) return malformed("invalid Content-Disposition in a part");
            if (!ascii_iequals(cd->value, "form-data")) return malformed("a part's Content-Disposition is not form-data");
            const std::string* field = cd->param("name");
            if (field == nullptr) return malformed("a part's Content-Disposition has no name");
            info.name = *field;
            if (const std::string* ext = cd->param("filename*")) info.filename = decode_ext_value(*ext);
            if (!info.filename) {
                if (const std::string* plain = cd->param("filename")) info.filename = *plain;
            }
        } else if (ascii_iequals(name, "content-type")) {
            if (have_type) return malformed("a part has two Content-Type headers");
            have_type = true;
            if (value.empty()) return malformed("empty Content-Type in a part");
            info.content_type.assign(value);
        }
    }
    if (!have_disposition) return malformed("a part has no Content-Disposition header");
    return info;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// MultipartParser
// ---------------------------------------------------------------------------------------------

MultipartParser::MultipartParser(std::string_view boundary, MultipartSink& sink, const MultipartLimits& limits)
    : sink_(&sink), limits_(limits) {
    if (!is_valid_boundary(boundary)) {
        state_ = State::failed;
        error_ = malformed("invalid boundary");
        return;
    }
    delimiter_.reserve(boundary.size() + 4);
    delimiter_.append("\r\n--");
    delimiter_.append(boundary);
    // The first delimiter may open the body without a CRLF before it: start as if one had been
    // matched. If the body starts otherwise, those two bytes go to the (ignored) preamble.
    matched_ = 2;
}

Result<std::string> MultipartParser::boundary_from_content_type(std::string_view content_type) {
    if (!media_type_is(content_type, "multipart/form-data")) {
        return Error::client(415, "expected Content-Type multipart/form-data");
    }
    const std::optional<ParameterizedValue> parsed = parse_parameterized(content_type);
    if (!parsed) return Error::client(400, "invalid parameters in the multipart Content-Type");
    const std::string* boundary = parsed->param("boundary");
    if (boundary == nullptr) return Error::client(400, "multipart Content-Type without a boundary");
    if (!is_valid_boundary(*boundary)) {
        return Error::client(400, "invalid multipart boundary (1-70 letters, digits or '()+_,-./:=? and spaces)");
    }
    return *boundary;
}

Result<void> MultipartParser::fail(Error error) {
    state_ = State::failed;
    error_ = std::move(error);
    return error_;
}

Result<void> MultipartParser::emit(std::string_view data) {
    if (state_ != State::body || data.empty()) return {};  // preamble bytes are dropped
    // Exactly the bytes up to the limit reach the sink, then the error: the same whatever the
    // split of the input.
    const bool too_large = part_bytes_ + data.size() > part_limit_;
    if (too_large) data = data.substr(0, static_cast<std::size_t>(part_limit_ - part_bytes_));
    if (!data.empty()) {
        part_bytes_ += data.size();
        Result<void> r = sink_->on_part_data(data);
        if (!r) return fail(std::move(r).error());
    }
    if (too_large) {
        return fail(Error::client(413, std::string(part_is_file_ ? "file" : "field") + " \"" + part_name_.substr(0, 100) +
                                           "\" is larger than " + std::to_string(part_limit_) + " bytes"));
    }
    return {};
}

// Passes on data up to the next delimiter in in[pos...]. Bytes at the end of `in` that could
// start a delimiter are held back (as the count `matched_`: they equal delimiter_[0, matched_)).
// A held-back prefix that turns out not to be a delimiter is ordinary data, and no delimiter
// can start inside it: a delimiter starts with CR and holds no other CR, so a proper prefix of
// it has no proper suffix that is also a prefix. That is why the bytes never need storing.
Result<void> MultipartParser::scan_for_delimiter(std::string_view in, std::size_t& pos, bool& found) {
    found = false;
    const std::string_view delim = delimiter_;
    while (pos < in.size()) {
        if (matched_ > 0) {
            const std::size_t n = std::min(delim.size() - matched_, in.size() - pos);
            if (in.substr(pos, n) == delim.substr(matched_, n)) {
                matched_ += n;
                pos += n;
                if (matched_ == delim.size()) {
                    matched_ = 0;
                    found = true;
                }
                return {};  // found, or `in` is used up inside a delimiter
            }
            const std::size_t held = matched_;
            matched_ = 0;
            if (Result<void> r = emit(delim.substr(0, held)); !r) return r;
            continue;  // in[pos] may itself start a delimiter
        }
        const std::string_view rest = in.substr(pos);
        const std::size_t at = rest.find(delim);
        if (at != std::string_view::npos) {
            if (Result<void> r = emit(rest.substr(0, at)); !r) return r;
            pos += at + delim.size();
            found = true;
            return {};
        }
        // No whole delimiter: hold back the longest tail that begins one.
        std::size_t keep_from = rest.size();
        for (std::size_t j = rest.size() > delim.size() ? rest.size() - delim.size() + 1 : 0; j < rest.size(); ++j) {
            if (rest[j] == '\r' && delim.starts_with(rest.substr(j))) {
                keep_from = j;
                break;
            }
        }
        if (Result<void> r = emit(rest.substr(0, keep_from)); !r) return r;
        matched_ = rest.size() - keep_from;
        pos = in.size();
    }
    return {};
}

// Collects the header section; header_buf_ starts with the CRLF that ended the delimiter
// line, so the section ends at the first CRLF CRLF, also when it is empty.
Result<void> MultipartParser::take_headers(std::string_view in, std::size_t& pos) {
    const std::size_t limit = limits_.max_part_header_bytes + 2;
    const std::size_t old = header_buf_.size();
    const std::size_t n = std::min(limit - std::min(limit, old), in.size() - pos);
    header_buf_.append(in.substr(pos, n));
    const std::size_t end = header_buf_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
    if (end == std::string::npos) {
        pos += n;
        if (header_buf_.size() >= limit) {
            return fail(Error::client(413, "a part's headers are larger than " + std::to_string(limits_.max_part_header_bytes) + " bytes"));
        }
        return {};
    }
    pos += end + 4 - old;
    Result<PartInfo> info = parse_part_headers(std::string_view(header_buf_).substr(2, end));
    if (!info) return fail(std::move(info).error());
    if (++parts_ > limits_.max_parts) {
        return fail(Error::client(413, "more than " + std::to_string(limits_.max_parts) + " parts"));
    }
    part_is_file_ = info->is_file();
    part_limit_ = part_is_file_ ? limits_.max_file_bytes : limits_.max_field_bytes;
    part_bytes_ = 0;
    part_name_ = info->name;
    header_buf_.clear();
    state_ = State::body;
    Result<void> r = sink_->on_part_begin(*info);
    if (!r) return fail(std::move(r).error());
    return {};
}

Result<void> MultipartParser::feed(std::string_view chunk) {
    if (state_ == State::failed) return error_;
    // The total limit strikes at the byte that crosses it, whatever the split of the input: the
    // bytes before it are parsed first, so an error they hold is the one reported.
    const std::uint64_t room = limits_.max_total_bytes - total_;
    const bool over = chunk.size() > room;
    if (over) chunk = chunk.substr(0, static_cast<std::size_t>(room));
    total_ += chunk.size();
    if (Result<void> r = parse(chunk); !r) return r;
    if (over) {
        return fail(Error::client(413, "multipart body larger than " + std::to_string(limits_.max_total_bytes) + " bytes"));
    }
    return {};
}

Result<void> MultipartParser::parse(std::string_view chunk) {
    std::size_t pos = 0;
    while (pos < chunk.size()) {
        switch (state_) {
            case State::preamble:
            case State::body: {
                bool found = false;
                if (Result<void> r = scan_for_delimiter(chunk, pos, found); !r) return r;
                if (!found) break;
                if (state_ == State::body) {
                    Result<void> r = sink_->on_part_end();
                    if (!r) return fail(std::move(r).error());
                }
                state_ = State::after_delimiter;
                break;
            }
            case State::after_delimiter: {
                const char c = chunk[pos++];
                if (c == '-') state_ = State::after_dash;
                else if (c == ' ' || c == '\t') state_ = State::padding;
                else if (c == '\r') state_ = State::expect_lf;
                else return fail(malformed("a boundary is followed by something other than CRLF or \"--\""));
                break;
            }
            case State::after_dash:
                if (chunk[pos++] != '-') return fail(malformed("a boundary is followed by a single '-'"));
                state_ = State::epilogue;
                return {};
            case State::padding: {
                const char c = chunk[pos++];
                if (c == '\r') state_ = State::expect_lf;
                else if (c != ' ' && c != '\t') return fail(malformed("a boundary line holds something after the boundary"));
                break;
            }
            case State::expect_lf:
                if (chunk[pos++] != '\n') return fail(malformed("a boundary line ends in CR without LF"));
                header_buf_.assign("\r\n");
                state_ = State::headers;
                break;
            case State::headers:
                if (Result<void> r = take_headers(chunk, pos); !r) return r;
                break;
            case State::epilogue:
                return {};  // RFC 2046: whatever follows the closing delimiter is ignored
            case State::failed:
                return error_;
        }
    }
    return {};
}

Result<void> MultipartParser::finish() {
    if (state_ == State::failed) return error_;
    if (state_ != State::epilogue) return fail(malformed("the body ends before the closing boundary"));
    return {};
}

// ---------------------------------------------------------------------------------------------
// UploadedFile
// ---------------------------------------------------------------------------------------------

namespace {

/// Writes all of `data`; 507 when the disk is full, 500 for other errors.
Result<void> write_all(int fd, std::string_view data, std::string_view what) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            std::string detail = "writing " + std::string(what) + ": " + errno_text(err);
            if (err == ENOSPC || err == EDQUOT) return Error{507, "no space left to store the upload", std::move(detail)};
            return Error::internal(std::move(detail));
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return {};
}

/// An anonymous file in `dir` ("" = $TMPDIR or /tmp): O_TMPFILE where the file system has it,
/// else mkstemp followed by unlink, so either way nothing is left behind when it is closed.
Result<int> open_spool_file(const std::string& dir_option) {
    std::string dir = dir_option;
    if (dir.empty()) {
        const char* tmp = std::getenv("TMPDIR");
        dir = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
    }
    int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL) {
        return Error::internal("cannot create a temporary file in " + dir + ": " + errno_text(errno));
    }
    std::string path = dir + "/sweet-upload-XXXXXX";
    fd = ::mkostemp(path.data(), O_CLOEXEC);
    if (fd < 0) return Error::internal("cannot create a temporary file in " + dir + ": " + errno_text(errno));
    ::unlink(path.c_str());
    return fd;
}

}  // namespace

UploadedFile::UploadedFile(std::string field_name, std::string filename, std::string content_type)
    : field_name_(std::move(field_name)), filename_(std::move(filename)), content_type_(std::move(content_type)) {}

UploadedFile::UploadedFile(UploadedFile&& other) noexcept
    : field_name_(std::move(other.field_name_)),
      filename_(std::move(other.filename_)),
      content_type_(std::move(other.content_type_)),
      memory_(std::move(other.memory_)),
      size_(other.size_),
      fd_(std::exchange(other.fd_, -1)) {
    other.size_ = 0;
}

UploadedFile& UploadedFile::operator=(UploadedFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        field_name_ = std::move(other.field_name_);
        filename_ = std::move(other.filename_);
        content_type_ = std::move(other.content_type_);
        memory_ = std::move(other.memory_);
        size_ = std::exchange(other.size_, 0);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

UploadedFile::~UploadedFile() {
    if (fd_ >= 0) ::close(fd_);
}

Result<void> UploadedFile::append(std::string_view data, std::uint64_t memory_limit, const std::string& spool_dir) {
    if (fd_ < 0) {
        if (size_ + data.size() <= memory_limit) {
            memory_.append(data);
            size_ += data.size();
            return {};
        }
        Result<int> fd = open_spool_file(spool_dir);
        if (!fd) return std::move(fd).error();
        fd_ = *fd;
        if (Result<void> r = write_all(fd_, memory_, "an upload to a temporary file"); !r) return r;
        std::string().swap(memory_);  // the bytes are on disk now: release the memory
    }
    if (Result<void> r = write_all(fd_, data, "an upload to a temporary file"); !r) return r;
    size_ += data.size();
    return {};
}

Result<std::string> UploadedFile::read_all() const {
    if (fd_ < 0) return memory_;
    std::string out(static_cast<std::size_t>(size_), '\0');
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return Error::internal("reading a spooled upload: " + errno_text(errno));
        if (n == 0) return Error::internal("a spooled upload is shorter than its recorded size");
        done += static_cast<std::size_t>(n);
    }
    return out;
}

Result<void> UploadedFile::save_as(const std::string& path) const {
    const int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (out < 0) return Error::internal("cannot create " + path + ": " + errno_text(errno));
    Result<void> result;
    if (fd_ < 0) {
        result = write_all(out, memory_, path);
    } else {
        // copy_file_range copies inside the kernel (or shares extents); pread/write where it cannot.
        off_t in_offset = 0;
        bool fallback = false;
        while (static_cast<std::uint64_t>(in_offset) < size_) {
            const ssize_t n = ::copy_file_range(fd_, &in_offset, out, nullptr, static_cast<std::size_t>(size_) - static_cast<std::size_t>(in_offset), 0);
            if (n > 0) continue;
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP) && in_offset == 0) {
                fallback = true;
            } else if (n < 0) {
                result = Error::internal("copying an upload to " + path + ": " + errno_text(errno));
            } else {
                result = Error::internal("a spooled upload is shorter than its recorded size");
            }
            break;
        }
        if (fallback) {
            char buf[64 * 1024];
            std::uint64_t offset = 0;
            while (result && offset < size_) {
                const ssize_t n = ::pread(fd_, buf, sizeof buf, static_cast<off_t>(offset));
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0) {
                    result = Error::internal("reading a spooled upload: " + (n < 0 ? errno_text(errno) : std::string("unexpected end")));
                    break;
                }
                result = write_all(out, std::string_view(buf, static_cast<std::size_t>(n)), path);
                offset += static_cast<std::uint64_t>(n);
            }
        }
    }
    if (::close(out) != 0 && result) result = Error::internal("closing " + path + ": " + errno_text(errno));
    if (!result) ::unlink(path.c_str());
    return result;
}

// ---------------------------------------------------------------------------------------------
// parse_multipart
// ---------------------------------------------------------------------------------------------

namespace {

/// Collects parts into a MultipartForm.
class FormCollector final : public MultipartSink {
public:
    explicit FormCollector(const MultipartLimits& limits) : limits_(limits) {}

    Result<void> on_part_begin(const PartInfo& part) override {
        in_file_ = part.is_file();
        if (in_file_) form.files.emplace_back(part.name, *part.filename, part.content_type);
        else form.fields.push_back(MultipartForm::Field{part.name, {}, part.content_type});
        return {};
    }
    Result<void> on_part_data(std::string_view data) override {
        if (in_file_) return form.files.back().append(data, limits_.max_memory_file_bytes, limits_.spool_directory);
        form.fields.back().value.append(data);
        return {};
    }
    Result<void> on_part_end() override { return {}; }

    MultipartForm form;

private:
    const MultipartLimits& limits_;
    bool in_file_ = false;
};

}  // namespace

struct MultipartBodySink::State {
    MultipartLimits limits;
    FormCollector collector{limits};
    std::optional<MultipartParser> parser;
    Error error;            // why the body was refused or stopped
    bool failed = false;
    bool ended = false;     // on_body_end was called
    bool taken = false;
};

MultipartBodySink::MultipartBodySink(std::string_view content_type, std::optional<std::uint64_t> content_length,
                                     MultipartLimits limits)
    : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.limits = std::move(limits);
    Result<std::string> boundary = MultipartParser::boundary_from_content_type(content_type);
    if (!boundary) {
        s.error = std::move(boundary).error();
        s.failed = true;
        return;
    }
    if (content_length && *content_length > s.limits.max_total_bytes) {
        // Known from the head: refused before a byte of the body is read.
        s.error = Error::client(413, "multipart body larger than " + std::to_string(s.limits.max_total_bytes) + " bytes");
        s.failed = true;
        return;
    }
    s.parser.emplace(*boundary, s.collector, s.limits);
}

MultipartBodySink::~MultipartBodySink() = default;

bool MultipartBodySink::accepting() const noexcept { return !state_->failed; }

bool MultipartBodySink::on_body_data(std::string_view data) {
    State& s = *state_;
    if (s.failed) return false;
    if (Result<void> r = s.parser->feed(data); !r) {
        s.error = std::move(r).error();
        s.failed = true;
        s.collector.form = {};  // spooled files of a refused upload go now, not with the request
        return false;
    }
    return true;
}

void MultipartBodySink::on_body_end() {
    State& s = *state_;
    s.ended = true;
    if (s.failed) return;
    if (Result<void> r = s.parser->finish(); !r) {
        s.error = std::move(r).error();
        s.failed = true;
    }
}

Result<MultipartForm> MultipartBodySink::take_form() {
    State& s = *state_;
    if (s.failed) return s.error;
    if (s.taken) return Error::internal("MultipartBodySink::take_form called twice");
    if (!s.ended) return Error::client(400, "the multipart body is incomplete");
    s.taken = true;
    return std::move(s.collector.form);
}

Result<MultipartForm> parse_multipart(std::string_view content_type, std::string_view body, const MultipartLimits& limits) {
    Result<std::string> boundary = MultipartParser::boundary_from_content_type(content_type);
    if (!boundary) return std::move(boundary).error();
    FormCollector collector(limits);
    MultipartParser parser(*boundary, collector, limits);
    if (Result<void> r = parser.feed(body); !r) return std::move(r).error();
    if (Result<void> r = parser.finish(); !r) return std::move(r).error();
    return std::move(collector.form);
}

}  // namespace sweet::http
