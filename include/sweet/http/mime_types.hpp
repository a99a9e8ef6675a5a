#pragma once
/// @file mime_types.hpp
/// Media types: which Content-Type a file extension gets, and reading the media-type values
/// clients send (`multipart/form-data; boundary="x"`, `form-data; name="f"; filename="a.txt"`).
///
/// @code
///   content_type_for_path("css/site.css")          // "text/css; charset=utf-8"
///   content_type_for_path("blob", "text/plain")     // "text/plain" (no extension: the fallback)
///   media_type_is("Multipart/Form-Data; boundary=x", "multipart/form-data")   // true
///   auto v = parse_parameterized("form-data; name=\"f\"; filename=\"a b.txt\"");
///   v->value == "form-data", *v->param("filename") == "a b.txt"
/// @endcode
///
/// Text types (text/*) carry `charset=utf-8`: Sweet assumes the files it serves are UTF-8, as
/// nearly every web asset is. JSON, XML and SVG carry none (their encoding is part of the format).

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sweet/core/ascii.hpp"
#include "sweet/http/parser.hpp"
#include "sweet/http/simd_scan.hpp"

namespace sweet::http {

// ---------------------------------------------------------------------------------------------
// File extension -> Content-Type
// ---------------------------------------------------------------------------------------------

/// One row of the extension table: a lower-case extension without its dot, and its type.
struct MimeMapping {
    std::string_view extension;
    std::string_view content_type;
};

/// The extensions Sweet knows, sorted by extension (the lookup is a binary search).
inline constexpr std::array kMimeTable = {
    MimeMapping{"7z", "application/x-7z-compressed"},
    MimeMapping{"aac", "audio/aac"},
    MimeMapping{"apng", "image/apng"},
    MimeMapping{"avi", "video/x-msvideo"},
    MimeMapping{"avif", "image/avif"},
    MimeMapping{"bin", "application/octet-stream"},
    MimeMapping{"bmp", "image/bmp"},
    MimeMapping{"css", "text/css; charset=utf-8"},
    MimeMapping{"csv", "text/csv; charset=utf-8"},
    MimeMapping{"doc", "application/msword"},
    MimeMapping{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    MimeMapping{"eot", "application/vnd.ms-fontobject"},
    MimeMapping{"epub", "application/epub+zip"},
    MimeMapping{"flac", "audio/flac"},
    MimeMapping{"gif", "image/gif"},
    MimeMapping{"glb", "model/gltf-binary"},
    MimeMapping{"gltf", "model/gltf+json"},
    MimeMapping{"gz", "application/gzip"},
    MimeMapping{"heic", "image/heic"},
    MimeMapping{"htm", "text/html; charset=utf-8"},
    MimeMapping{"html", "text/html; charset=utf-8"},
    MimeMapping{"ico", "image/vnd.microsoft.icon"},
    MimeMapping{"ics", "text/calendar; charset=utf-8"},
    MimeMapping{"jar", "application/java-archive"},
    MimeMapping{"jpeg", "image/jpeg"},
    MimeMapping{"jpg", "image/jpeg"},
    MimeMapping{"js", "text/javascript; charset=utf-8"},
    MimeMapping{"json", "application/json"},
    MimeMapping{"jsonld", "application/ld+json"},
    MimeMapping{"jxl", "image/jxl"},
    MimeMapping{"m4a", "audio/mp4"},
    MimeMapping{"map", "application/json"},
    MimeMapping{"md", "text/markdown; charset=utf-8"},
    MimeMapping{"mjs", "text/javascript; charset=utf-8"},
    MimeMapping{"mov", "video/quicktime"},
    MimeMapping{"mp3", "audio/mpeg"},
    MimeMapping{"mp4", "video/mp4"},
    MimeMapping{"mpeg", "video/mpeg"},
    MimeMapping{"oga", "audio/ogg"},
    MimeMapping{"ogg", "audio/ogg"},
    MimeMapping{"ogv", "video/ogg"},
    MimeMapping{"otf", "font/otf"},
    MimeMapping{"pdf", "application/pdf"},
    MimeMapping{"png", "image/png"},
    MimeMapping{"rtf", "application/rtf"},
    MimeMapping{"svg", "image/svg+xml"},
    MimeMapping{"tar", "application/x-tar"},
    MimeMapping{"tif", "image/tiff"},
    MimeMapping{"tiff", "image/tiff"},
    MimeMapping{"toml", "application/toml"},
    MimeMapping{"ttf", "font/ttf"},
    MimeMapping{"txt", "text/plain; charset=utf-8"},
    MimeMapping{"wasm", "application/wasm"},
    MimeMapping{"wav", "audio/wav"},
    MimeMapping{"weba", "audio/webm"},
    MimeMapping{"webm", "video/webm"},
    MimeMapping{"webmanifest", "application/manifest+json"},
    MimeMapping{"webp", "image/webp"},
    MimeMapping{"woff", "font/woff"},
    MimeMapping{"woff2", "font/woff2"},
    MimeMapping{"xhtml", "application/xhtml+xml"},
    MimeMapping{"xls", "application/vnd.ms-excel"},
    MimeMapping{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    MimeMapping{"xml", "application/xml"},
    MimeMapping{"yaml", "application/yaml"},
    MimeMapping{"yml", "application/yaml"},
    MimeMapping{"zip", "application/zip"},
};

namespace detail {
constexpr bool mime_table_is_sorted() {
    for (std::size_t i = 1; i < kMimeTable.size(); ++i) {
        if (!(kMimeTable[i - 1].extension < kMimeTable[i].extension)) return false;
    }
    for (const MimeMapping& m : kMimeTable) {
        for (char c : m.extension) {
            if (ascii_lower(c) != c) return false;
        }
    }
    return true;
}
static_assert(mime_table_is_sorted(), "kMimeTable must stay sorted by lower-case extension (binary search)");
}  // namespace detail

/// The Content-Type for extension `ext` ("html", "HTML"; without the dot), or nullopt when the
/// table does not know it.
constexpr std::optional<std::string_view> content_type_for_extension(std::string_view ext) noexcept {
    char lower[16] = {};
    if (ext.empty() || ext.size() > sizeof lower) return std::nullopt;  // no known extension is longer
    for (std::size_t i = 0; i < ext.size(); ++i) lower[i] = ascii_lower(ext[i]);
    const std::string_view key(lower, ext.size());
    std::size_t lo = 0;
    std::size_t hi = kMimeTable.size();
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        if (kMimeTable[mid].extension < key) lo = mid + 1;
        else hi = mid;
    }
    if (lo < kMimeTable.size() && kMimeTable[lo].extension == key) return kMimeTable[lo].content_type;
    return std::nullopt;
}

/// The Content-Type for a file by the extension of its last path segment ("a/b.tar.gz" ->
/// "gz"); `fallback` when it has none or an unknown one. A leading dot is not an extension
/// (".profile" has none).
constexpr std::string_view content_type_for_path(std::string_view path,
                                                 std::string_view fallback = "application/octet-stream") noexcept {
    const std::size_t slash = path.find_last_of('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const std::size_t dot = name.find_last_of('.');
    if (dot == std::string_view::npos || dot == 0) return fallback;
    return content_type_for_extension(name.substr(dot + 1)).value_or(fallback);
}

// ---------------------------------------------------------------------------------------------
// Parameterised header values (RFC 9110 5.6.6, RFC 6266): `value *( OWS ";" OWS name=value )`
// ---------------------------------------------------------------------------------------------

/// True when `s` is a non-empty RFC 9110 token (header names, media types, parameter names).
constexpr bool is_token(std::string_view s) noexcept {
    if (s.empty()) return false;
    for (char c : s) {
        if (!simd::is_tchar(c)) return false;
    }
    return true;
}

/// One `name=value` parameter: `name` as sent, `value` with quoting removed.
struct HeaderParameter {
    std::string_view name;
    std::string value;
};

/// A header value split into its leading value and its parameters.
struct ParameterizedValue {
    std::string_view value;                ///< "multipart/form-data", "form-data" (as sent, trimmed)
    std::vector<HeaderParameter> params;   ///< in order sent

    /// The first parameter named `name` (case-insensitive), or nullptr.
    [[nodiscard]] const std::string* param(std::string_view name) const noexcept {
        for (const HeaderParameter& p : params) {
            if (ascii_iequals(p.name, name)) return &p.value;
        }
        return nullptr;
    }
};

/// Parses `value; name=token; name="quoted string"`. Returns nullopt when the text does not
/// follow that shape: a leading value that is empty or contains ';' rules, a parameter without
/// '=' or with a name that is not a token, an unterminated quoted string, or bytes after a
/// closing quote other than whitespace before the next ';'. Empty parameters ("a;;b=1", a
/// trailing ';') are skipped.
///
/// Unquoted values may hold any visible character except ';', '"' and '\' (real clients send
/// boundaries with '=' or '/' unquoted, which a strict token rule would refuse). In quoted
/// strings a backslash escapes only '"' and '\'; before any other character it is kept, since
/// browsers send Windows paths in filenames without escaping them.
inline std::optional<ParameterizedValue> parse_parameterized(std::string_view text) {
    using simd::is_ows;
    ParameterizedValue out;
    std::size_t i = text.find(';');
    out.value = detail::trim_ows(text.substr(0, i));
    if (out.value.empty()) return std::nullopt;
    for (char c : out.value) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || u == 0x7F || (u < 0x20 && c != '\t')) return std::nullopt;
    }
    while (i < text.size()) {
        ++i;  // past ';'
        while (i < text.size() && is_ows(text[i])) ++i;
        if (i == text.size()) break;
        if (text[i] == ';') continue;  // empty parameter
        const std::size_t name_start = i;
        while (i < text.size() && simd::is_tchar(text[i])) ++i;
        const std::string_view name = text.substr(name_start, i - name_start);
        if (name.empty() || i == text.size() || text[i] != '=') return std::nullopt;
        ++i;  // past '='
        HeaderParameter param{name, {}};
        if (i < text.size() && text[i] == '"') {
            ++i;
            bool closed = false;
            while (i < text.size()) {
                const char c = text[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i < text.size() && (text[i] == '"' || text[i] == '\\')) {
                    param.value.push_back(text[i++]);
                    continue;
                }
                if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7F) return std::nullopt;
                param.value.push_back(c);
            }
            if (!closed) return std::nullopt;
            while (i < text.size() && is_ows(text[i])) ++i;
            if (i < text.size() && text[i] != ';') return std::nullopt;
        } else {
            const std::size_t value_start = i;
            while (i < text.size() && text[i] != ';') {
                const char c = text[i];
                if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return std::nullopt;
                ++i;
            }
            const std::string_view raw = detail::trim_ows(text.substr(value_start, i - value_start));
            for (char c : raw) {
                if (is_ows(c)) return std::nullopt;  // "a=b c" is two words, not a value
            }
            if (raw.empty()) return std::nullopt;
            param.value.assign(raw);
        }
        out.params.push_back(std::move(param));
    }
    return out;
}

/// True when media type `content_type` ("Text/HTML; charset=utf-8") has the essence `essence`
/// ("text/html"): compared without parameters, case-insensitively.
constexpr bool media_type_is(std::string_view content_type, std::string_view essence) noexcept {
    const std::size_t semicolon = content_type.find(';');
    return ascii_iequals(detail::trim_ows(content_type.substr(0, semicolon)), essence);
}

}  // namespace sweet::http
