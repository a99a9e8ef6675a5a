#pragma once
/// @file multipart.hpp
/// `multipart/form-data` (RFC 7578 on RFC 2046): HTML forms with file uploads.
///
/// Three levels:
///  - `MultipartParser`, an incremental push parser. Feed it the body in pieces split anywhere
///    (one byte at a time included); it calls a `MultipartSink` with each part's headers, its
///    data in pieces, and its end. It keeps only a part's header section (bounded) and a few
///    counters, never the data, so memory does not grow with the upload.
///  - `MultipartBodySink`, the parser as a `BodySink`: the server hands it the body as it
///    arrives (a handler taking `sweet::Upload` gets one), fields in memory, files spooled.
///  - `sweet::parse_multipart(req, limits)`, built on it: the whole form at once, fields as
///    strings, files kept in memory up to a threshold and spooled to an anonymous temporary file
///    beyond it.
///
/// @code
///   app.post<"/upload">([](sweet::Request& req) -> sweet::Result<sweet::Response> {
///       auto form = sweet::parse_multipart(req, {.max_file_bytes = 10 << 20});  // 400 / 413 / 415
///       if (!form) return form.error();
///       std::string_view title = form->field("title").value_or("");
///       if (const sweet::http::UploadedFile* f = form->file("photo")) {
///           if (auto saved = f->save_as("/srv/uploads/" + random_name()); !saved) return saved.error();
///       }
///       return sweet::Response::text("stored\n", 201);
///   });
/// @endcode
///
/// Errors are `sweet::Error`s a handler can return as they are: 415 when the request is not
/// multipart/form-data, 400 when the body or a part's headers are malformed, 413 when a limit
/// of `MultipartLimits` is exceeded (the message names the limit and the part).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/core/result.hpp"
#include "sweet/http/body_sink.hpp"
#include "sweet/http/request.hpp"

namespace sweet::http {

/// Limits of one multipart body. A size or count limit exceeded is an Error with status 413.
struct MultipartLimits {
    std::size_t max_parts = 128;                       ///< parts (fields and files together)
    std::size_t max_part_header_bytes = 8 * 1024;      ///< one part's header section, CRLFs included
    std::uint64_t max_field_bytes = 1024 * 1024;       ///< data of one part without a filename (a plain field)
    std::uint64_t max_file_bytes = 64 * 1024 * 1024;   ///< data of one part with a filename (a file)
    std::uint64_t max_total_bytes = 128 * 1024 * 1024; ///< the whole body as fed, boundaries and headers included

    // Only for sweet::parse_multipart (the push parser keeps no data):
    std::uint64_t max_memory_file_bytes = 1024 * 1024; ///< files up to this size stay in memory; larger ones go to a temp file
    std::string spool_directory{};                     ///< where temp files go; "" = $TMPDIR, else /tmp
};

/// One part's header section, decoded.
struct PartInfo {
    std::string name;                       ///< the form field name (Content-Disposition name=)
    std::optional<std::string> filename;    ///< present for file parts; may be "" (a file input left empty). filename* (RFC 8187, UTF-8 or ISO-8859-1) wins over filename. Never use it as a path as is.
    std::string content_type = "text/plain";   ///< as sent; RFC 7578's default when absent
    std::vector<std::pair<std::string, std::string>> headers;  ///< every header field of the part, as sent

    /// True for a file part (it had a filename parameter).
    [[nodiscard]] bool is_file() const noexcept { return filename.has_value(); }
};

/// Receives what `MultipartParser` finds. Returning an Error stops the parser: `feed` returns
/// that error (e.g. a 500 when a file cannot be written) and the parser stays failed.
class MultipartSink {
public:
    /// A part starts; its headers are complete.
    virtual Result<void> on_part_begin(const PartInfo& part) = 0;
    /// More data of the current part (never empty). The view is valid during the call only.
    virtual Result<void> on_part_data(std::string_view data) = 0;
    /// The current part is complete.
    virtual Result<void> on_part_end() = 0;

protected:
    ~MultipartSink() = default;
};

/// The incremental multipart/form-data parser (see the file comment). Strict where RFC 2046
/// is: lines end in CRLF, a delimiter is CRLF "--" boundary at the start of a line, followed by
/// optional spaces/tabs and CRLF, or by "--" for the last one. The preamble before the first
/// delimiter and the epilogue after the last are ignored. Each part needs a
/// `Content-Disposition: form-data; name="..."` header.
class MultipartParser {
public:
    /// A parser for the body whose boundary is `boundary` (as returned by
    /// `boundary_from_content_type`), reporting to `sink`. An invalid boundary makes `feed`
    /// fail with 400.
    MultipartParser(std::string_view boundary, MultipartSink& sink, const MultipartLimits& limits = {});

    /// The boundary parameter of a Content-Type value. 415 when the type is not
    /// multipart/form-data; 400 when the boundary is missing or not 1-70 characters of RFC 2046's
    /// set (letters, digits, and '()+_,-./:=? and space, not ending in space).
    static Result<std::string> boundary_from_content_type(std::string_view content_type);

    /// Parses the next piece of the body. After an error it does nothing and returns that
    /// error again; after the closing delimiter it ignores the rest (the epilogue).
    Result<void> feed(std::string_view chunk);

    /// Declares the end of the body: 400 unless the closing delimiter was seen.
    Result<void> finish();

    /// True once the closing delimiter has been parsed.
    [[nodiscard]] bool done() const noexcept { return state_ == State::epilogue; }
    /// Bytes fed so far.
    [[nodiscard]] std::uint64_t bytes_fed() const noexcept { return total_; }
    /// Parts begun so far.
    [[nodiscard]] std::size_t part_count() const noexcept { return parts_; }

private:
    enum class State : std::uint8_t {
        preamble,        // before the first delimiter (data discarded)
        after_delimiter, // just after "--boundary": "--", padding or CRLF follows
        after_dash,      // after "--boundary-": the second '-' must follow
        padding,         // transport padding (spaces, tabs) before CRLF
        expect_lf,       // after the CR that ends the delimiter line
        headers,         // a part's header section
        body,            // a part's data
        epilogue,        // after the closing delimiter (data discarded)
        failed,
    };

    Result<void> fail(Error error);
    Result<void> scan_for_delimiter(std::string_view in, std::size_t& pos, bool& found);
    Result<void> emit(std::string_view data);
    Result<void> take_headers(std::string_view in, std::size_t& pos);
    Result<void> parse(std::string_view chunk);  // feed() within the total limit
    Result<void> begin_part();

    MultipartSink* sink_;
    MultipartLimits limits_;
    std::string delimiter_;     // CRLF "--" boundary
    std::string header_buf_;    // the current part's header section so far
    std::size_t matched_ = 0;   // bytes of delimiter_ matched at the end of the input so far (held back)
    std::uint64_t total_ = 0;
    std::uint64_t part_bytes_ = 0;
    std::uint64_t part_limit_ = 0;
    std::size_t parts_ = 0;
    bool part_is_file_ = false;
    std::string part_name_;     // for error messages
    State state_ = State::preamble;
    Error error_;
};

// ---------------------------------------------------------------------------------------------
// The whole form at once
// ---------------------------------------------------------------------------------------------

/// An uploaded file: in memory when small, else in an anonymous temporary file (O_TMPFILE, or
/// mkstemp + unlink) that disappears when this object does. Move-only.
class UploadedFile {
public:
    /// An empty in-memory file for field `field_name` (made by the parser).
    UploadedFile(std::string field_name, std::string filename, std::string content_type);
    UploadedFile(UploadedFile&& other) noexcept;
    UploadedFile& operator=(UploadedFile&& other) noexcept;
    UploadedFile(const UploadedFile&) = delete;
    UploadedFile& operator=(const UploadedFile&) = delete;
    ~UploadedFile();

    /// The form field name.
    [[nodiscard]] const std::string& field_name() const noexcept { return field_name_; }
    /// The file name the client sent (maybe ""). Untrusted: may hold '/', "..", anything.
    [[nodiscard]] const std::string& filename() const noexcept { return filename_; }
    /// The Content-Type the client sent for this part.
    [[nodiscard]] const std::string& content_type() const noexcept { return content_type_; }
    /// Size in bytes.
    [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
    /// True when the contents are in memory (see `memory()`), false when spooled to a file.
    [[nodiscard]] bool in_memory() const noexcept { return fd_ < 0; }
    /// The contents when `in_memory()`; empty otherwise.
    [[nodiscard]] std::string_view memory() const noexcept { return memory_; }
    /// The temporary file's descriptor when spooled (read it with pread; do not close it), else -1.
    [[nodiscard]] int fd() const noexcept { return fd_; }
    /// The whole contents, from memory or read back from the temporary file (500 on a read error).
    [[nodiscard]] Result<std::string> read_all() const;
    /// Writes the contents to a new file at `path` (mode 0644 before the umask). Fails, leaving
    /// nothing behind, if `path` exists or cannot be written (500, detail says why).
    [[nodiscard]] Result<void> save_as(const std::string& path) const;

    /// Appends data; moves the contents to a temporary file in `spool_dir` once the size goes
    /// beyond `memory_limit` (used while parsing).
    Result<void> append(std::string_view data, std::uint64_t memory_limit, const std::string& spool_dir);

private:
    std::string field_name_;
    std::string filename_;
    std::string content_type_;
    std::string memory_;
    std::uint64_t size_ = 0;
    int fd_ = -1;
};

/// A parsed multipart form: its plain fields and its files, each in the order sent.
struct MultipartForm {
    /// A part without a filename.
    struct Field {
        std::string name;
        std::string value;
        std::string content_type;  ///< "text/plain" unless the client said otherwise
    };

    std::vector<Field> fields;
    std::vector<UploadedFile> files;

    /// The value of the first field named `name`, or nullopt.
    [[nodiscard]] std::optional<std::string_view> field(std::string_view name) const noexcept {
        for (const Field& f : fields) {
            if (f.name == name) return f.value;
        }
        return std::nullopt;
    }
    /// The first file of field `name`, or nullptr.
    [[nodiscard]] const UploadedFile* file(std::string_view name) const noexcept {
        for (const UploadedFile& f : files) {
            if (f.field_name() == name) return &f;
        }
        return nullptr;
    }
};

/// Parses a whole multipart/form-data body (`content_type` is the request's Content-Type).
Result<MultipartForm> parse_multipart(std::string_view content_type, std::string_view body, const MultipartLimits& limits = {});

/// A multipart/form-data body parsed as it arrives (a `BodySink`, see sweet/http/body_sink.hpp):
/// fields are kept in memory, files spooled to temporary files beyond
/// `limits.max_memory_file_bytes`, so an upload never sits in memory as a whole. The first
/// broken limit stops the body at the byte that breaks it. `sweet::Upload` uses it.
class MultipartBodySink final : public BodySink {
public:
    /// A sink for a request with this Content-Type and declared length (nullopt when chunked).
    /// Refuses at once (`accepting()` false): 415 for a type other than multipart/form-data, 400
    /// for a bad boundary, 413 for a Content-Length above `limits.max_total_bytes`.
    MultipartBodySink(std::string_view content_type, std::optional<std::uint64_t> content_length, MultipartLimits limits);
    ~MultipartBodySink() override;
    MultipartBodySink(const MultipartBodySink&) = delete;
    MultipartBodySink& operator=(const MultipartBodySink&) = delete;

    [[nodiscard]] bool accepting() const noexcept override;
    bool on_body_data(std::string_view data) override;
    void on_body_end() override;

    /// The form, or the error that stopped it (also 400 when the body ended before the closing
    /// boundary, or was never complete). Call once, after the body.
    Result<MultipartForm> take_form();

private:
    struct State;
    std::unique_ptr<State> state_;
};

}  // namespace sweet::http

namespace sweet {

/// Parses the multipart/form-data body of `req` (see `http::parse_multipart`): 415 without a
/// multipart/form-data Content-Type, 400 for a malformed body, 413 for a broken limit.
inline Result<http::MultipartForm> parse_multipart(const Request& req, const http::MultipartLimits& limits = {}) {
    return http::parse_multipart(req.header("Content-Type").value_or(std::string_view{}), req.body(), limits);
}

}  // namespace sweet
