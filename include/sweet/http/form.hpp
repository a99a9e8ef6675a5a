#pragma once
/// @file form.hpp
/// HTML forms sent as `application/x-www-form-urlencoded` (WHATWG URL standard, section 5):
/// `name=Ada+Lovelace&lang=en&lang=fr`, decoded, with limits.
///
/// @code
///   app.post<"/signup">([](sweet::Request& req) -> sweet::Result<sweet::Response> {
///       sweet::Result<sweet::http::Form> form = sweet::parse_form(req);       // 415 / 400 / 413 on bad input
///       if (!form) return form.error();
///       std::string_view name = form->get("name").value_or("");
///       for (std::string_view lang : form->get_all("lang")) ...
///       for (const auto& [key, value] : *form) ...                               // every field, in order
///   });
/// @endcode
///
/// `parse_form(text)` also reads a query string (`parse_form(req.query_string())`): the syntax
/// is the same. Multipart forms (file uploads) are in `sweet/http/multipart.hpp`.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sweet/core/result.hpp"
#include "sweet/http/mime_types.hpp"
#include "sweet/http/percent.hpp"
#include "sweet/http/request.hpp"

namespace sweet::http {

/// Limits of one urlencoded form; breaking one is an Error with status 413.
struct FormLimits {
    std::size_t max_fields = 1000;             ///< name=value pairs (empty pieces between '&' do not count)
    std::size_t max_name_bytes = 1024;         ///< one field name, as sent (before decoding)
    std::size_t max_value_bytes = 1024 * 1024; ///< one field value, as sent (before decoding)
    std::size_t max_total_bytes = 1024 * 1024; ///< the whole form text (the server's max_body_bytes applies first)
};

/// The decoded fields of a form, in the order sent. Move-only: the fields view one buffer the
/// form owns, valid as long as the form.
class Form {
public:
    /// One decoded field: '+' became ' ' and %XX escapes were decoded, in name and value.
    struct Field {
        std::string_view name;
        std::string_view value;
    };

    Form() = default;
    Form(Form&&) noexcept = default;
    Form& operator=(Form&&) noexcept = default;
    Form(const Form&) = delete;
    Form& operator=(const Form&) = delete;

    /// The value of the first field named `name`, or nullopt.
    [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const noexcept {
        for (const Field& f : fields_) {
            if (f.name == name) return f.value;
        }
        return std::nullopt;
    }
    /// Every value of fields named `name` (checkboxes, multi-selects), in order.
    [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const {
        std::vector<std::string_view> out;
        for (const Field& f : fields_) {
            if (f.name == name) out.push_back(f.value);
        }
        return out;
    }
    /// True when a field named `name` was sent (even with an empty value).
    [[nodiscard]] bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

    /// Number of fields.
    [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
    /// True when there are no fields.
    [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }
    /// Iteration over every field, in order.
    [[nodiscard]] std::vector<Field>::const_iterator begin() const noexcept { return fields_.begin(); }
    [[nodiscard]] std::vector<Field>::const_iterator end() const noexcept { return fields_.end(); }

private:
    friend Result<Form> parse_form(std::string_view text, const FormLimits& limits);
    std::unique_ptr<char[]> storage_;  // decoded bytes; a heap block, so moving the Form keeps the views valid
    std::vector<Field> fields_;
};

/// Decodes urlencoded `text`. Pieces are separated by '&'; empty pieces are skipped; a piece
/// without '=' is a field with an empty value; '+' is a space. Errors: 400 for an invalid
/// %-escape ('%' not followed by two hex digits), 413 when a limit is broken (the message names
/// which). Decoded bytes are not checked for UTF-8: a field may hold any byte, NUL included.
inline Result<Form> parse_form(std::string_view text, const FormLimits& limits = {}) {
    if (text.size() > limits.max_total_bytes) {
        return Error::client(413, "form is larger than " + std::to_string(limits.max_total_bytes) + " bytes");
    }
    Form form;
    std::size_t count = 0;
    for (const QueryParam& p : QueryParams(text)) {
        if (++count > limits.max_fields) {
            return Error::client(413, "form has more than " + std::to_string(limits.max_fields) + " fields");
        }
        if (p.key.size() > limits.max_name_bytes) {
            return Error::client(413, "form field name longer than " + std::to_string(limits.max_name_bytes) + " bytes");
        }
        if (p.value.size() > limits.max_value_bytes) {
            return Error::client(413, "form field value longer than " + std::to_string(limits.max_value_bytes) + " bytes");
        }
    }
    form.fields_.reserve(count);
    form.storage_ = std::make_unique<char[]>(text.size() + 1);  // decoded text is never longer
    char* out = form.storage_.get();
    for (const QueryParam& p : QueryParams(text)) {
        std::size_t name_size = 0;
        if (!percent_decode(p.key, out, name_size, true)) return Error::client(400, "invalid %-escape in a form field name");
        const std::string_view name(out, name_size);
        out += name_size;
        std::size_t value_size = 0;
        if (!percent_decode(p.value, out, value_size, true)) {
            return Error::client(400, "invalid %-escape in form field \"" + std::string(name.substr(0, 64)) + "\"");
        }
        form.fields_.push_back(Form::Field{name, std::string_view(out, value_size)});
        out += value_size;
    }
    return form;
}

}  // namespace sweet::http

namespace sweet {

/// Decodes the body of `req` as a urlencoded form. 415 when the Content-Type is not
/// `application/x-www-form-urlencoded` (parameters such as charset are allowed), then as
/// `http::parse_form`.
inline Result<http::Form> parse_form(const Request& req, const http::FormLimits& limits = {}) {
    const std::optional<std::string_view> type = req.header("Content-Type");
    if (!type || !http::media_type_is(*type, "application/x-www-form-urlencoded")) {
        return Error::client(415, "expected Content-Type application/x-www-form-urlencoded");
    }
    return http::parse_form(req.body(), limits);
}

}  // namespace sweet
