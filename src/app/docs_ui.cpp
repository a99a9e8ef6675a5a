/// @file docs_ui.cpp
/// The /docs page. Its assets come from npm's swagger-ui-dist, embedded at build time when
/// cmake/SweetDocsUi.cmake found them (SWEET_HAVE_DOCS_UI); otherwise `available()` is false
/// and /docs answers 404 with a pointer to the docs.

#include "sweet/app/docs_ui.hpp"

#include <array>
#include <cstddef>
#include <cstdint>

#include "sweet/core/ascii.hpp"

#if defined(SWEET_HAVE_DOCS_UI)
// Defined by the assembly file cmake/SweetDocsUi.cmake generates: each file lies between
// `<symbol>` and `<symbol>_end` (hidden, like the definitions).
#define SWEET_DOCS_UI_SYMBOLS(stem)                                             \
    [[gnu::visibility("hidden")]] extern const char sweet_docs_ui_##stem[];     \
    [[gnu::visibility("hidden")]] extern const char sweet_docs_ui_##stem##_end[];
extern "C" {
SWEET_DOCS_UI_SYMBOLS(bundle_js)
SWEET_DOCS_UI_SYMBOLS(bundle_js_gz)
SWEET_DOCS_UI_SYMBOLS(css)
SWEET_DOCS_UI_SYMBOLS(css_gz)
SWEET_DOCS_UI_SYMBOLS(favicon_png)
}
#undef SWEET_DOCS_UI_SYMBOLS
#endif

namespace sweet::docs_ui {

namespace {

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

/// One asset as compiled in, before its entity tags are computed.
struct RawAsset {
    std::string_view name;
    std::string_view content_type;
    std::string_view bytes;
    std::string_view gzip_bytes;
};

#if defined(SWEET_HAVE_DOCS_UI)
// Starts Swagger UI. A file of its own rather than an inline script, so a strict
// Content-Security-Policy (script-src 'self') does not break the page; the page passes the
// document's URL in a data attribute, so no request-dependent text is ever inside a script.
// validatorUrl: null because Swagger UI's default sends the document's URL to
// validator.swagger.io (a third party, and a request that fails offline).
constexpr std::string_view kInitScript =
    "// Starts Swagger UI on the page Sweet serves; the page's #sweet-docs element names the document.\n"
    "\"use strict\";\n"
    "window.ui = SwaggerUIBundle({\n"
    "  url: document.getElementById(\"sweet-docs\").dataset.openapi,\n"
    "  dom_id: \"#swagger-ui\",\n"
    "  deepLinking: true,\n"
    "  tryItOutEnabled: true,\n"
    "  validatorUrl: null\n"
    "});\n";

std::string_view embedded(const char* begin, const char* end) noexcept {
    return {begin, static_cast<std::size_t>(end - begin)};
}

// The names the page asks for (page() below), in the order of raw_assets().
constexpr std::array<std::string_view, 4> kAssetNames{"swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "sweet-docs.js"};

std::array<RawAsset, 4> raw_assets() noexcept {
    return {{
        {kAssetNames[0], "text/javascript; charset=utf-8", embedded(sweet_docs_ui_bundle_js, sweet_docs_ui_bundle_js_end),
         embedded(sweet_docs_ui_bundle_js_gz, sweet_docs_ui_bundle_js_gz_end)},
        {kAssetNames[1], "text/css; charset=utf-8", embedded(sweet_docs_ui_css, sweet_docs_ui_css_end),
         embedded(sweet_docs_ui_css_gz, sweet_docs_ui_css_gz_end)},
        {kAssetNames[2], "image/png", embedded(sweet_docs_ui_favicon_png, sweet_docs_ui_favicon_png_end), {}},
        {kAssetNames[3], "text/javascript; charset=utf-8", kInitScript, {}},
    }};
}
#else
constexpr std::array<std::string_view, 0> kAssetNames{};
std::array<RawAsset, 0> raw_assets() noexcept { return {}; }
#endif

constexpr std::size_t kAssetCount = kAssetNames.size();

/// A quoted strong entity tag: the size and a 64-bit FNV-1a hash of the bytes, in hex. It
/// changes whenever the embedded file does, and costs one pass over the bytes, once.
class EntityTag {
public:
    EntityTag() = default;
    explicit EntityTag(std::string_view bytes) noexcept {
        std::uint64_t hash = 0xcbf29ce484222325ULL;
        for (unsigned char c : bytes) {
            hash = (hash ^ c) * 0x100000001b3ULL;
        }
        text_[size_++] = '"';
        append_hex(bytes.size());
        text_[size_++] = '-';
        hash_start_ = size_;
        append_hex(hash);
        text_[size_++] = '"';
    }
    /// The tag, quotes included.
    [[nodiscard]] std::string_view view() const noexcept { return {text_.data(), size_}; }
    /// Only the hash, in hex: short, URL-safe, and different for every version of the bytes.
    [[nodiscard]] std::string_view hash_hex() const noexcept {
        return size_ == 0 ? std::string_view{} : std::string_view(text_.data() + hash_start_, size_ - 1 - hash_start_);
    }

private:
    void append_hex(std::uint64_t value) noexcept {
        char digits[16];
        std::size_t n = 0;
        do {
            digits[n++] = "0123456789abcdef"[value & 0xf];
            value >>= 4;
        } while (value != 0);
        while (n > 0) text_[size_++] = digits[--n];
    }

    std::array<char, 2 + 16 + 1 + 16> text_{};  // "<size>-<hash>" with quotes
    std::size_t size_ = 0;
    std::size_t hash_start_ = 0;
};

/// The assets with their entity tags, computed on first use (thread-safe static init).
struct AssetTable {
    std::array<RawAsset, kAssetCount> raw = raw_assets();
    std::array<EntityTag, kAssetCount> etags{};
    std::array<EntityTag, kAssetCount> gzip_etags{};

    AssetTable() noexcept {
        for (std::size_t i = 0; i < kAssetCount; ++i) {
            etags[i] = EntityTag(raw[i].bytes);
            if (!raw[i].gzip_bytes.empty()) gzip_etags[i] = EntityTag(raw[i].gzip_bytes);
        }
    }
};

const AssetTable& table() noexcept {
    static const AssetTable instance;
    return instance;
}

std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

/// The weight of one Accept-Encoding element's parameters ("q=0.5"): 0 when it is q=0 or
/// malformed (an element we cannot read is not a promise the client can decode), else 1-1000.
int element_weight(std::string_view params) noexcept {
    int weight = 1000;
    while (!params.empty()) {
        const std::size_t semicolon = params.find(';');
        std::string_view param = trim_ows(params.substr(0, semicolon));
        params = semicolon == std::string_view::npos ? std::string_view{} : params.substr(semicolon + 1);
        if (param.size() < 2 || ascii_lower(param[0]) != 'q' || param[1] != '=') continue;
        // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )   (RFC 9110 section 12.4.2)
        const std::string_view q = param.substr(2);
        if (q.empty() || (q[0] != '0' && q[0] != '1') || q.size() > 5 || (q.size() > 1 && q[1] != '.')) return 0;
        int value = q[0] == '1' ? 1000 : 0;
        int scale = 100;
        for (std::size_t i = 2; i < q.size(); ++i, scale /= 10) {
            if (q[i] < '0' || q[i] > '9' || (q[0] == '1' && q[i] != '0')) return 0;
            value += (q[i] - '0') * scale;
        }
        weight = value;
    }
    return weight;
}

/// True when the request's Accept-Encoding fields accept gzip: `gzip` or `x-gzip` with a
/// weight above 0, or else `*` with a weight above 0. No Accept-Encoding means no gzip (what
/// clients that decode it always send it, and raw tools like curl get readable bytes).
bool accepts_gzip(const Request& request) noexcept {
    int gzip_weight = -1;  // -1: not named
    int any_weight = -1;
    for (const http::Header& field : request.headers()) {
        if (!ascii_iequals(field.name, "accept-encoding")) continue;
        std::string_view list = field.value;
        while (!list.empty()) {
            const std::size_t comma = list.find(',');
            const std::string_view element = list.substr(0, comma);
            list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
            const std::size_t semicolon = element.find(';');
            const std::string_view coding = trim_ows(element.substr(0, semicolon));
            const int weight = semicolon == std::string_view::npos ? 1000 : element_weight(element.substr(semicolon + 1));
            if (ascii_iequals(coding, "gzip") || ascii_iequals(coding, "x-gzip")) {
                gzip_weight = weight > gzip_weight ? weight : gzip_weight;
            } else if (coding == "*") {
                any_weight = weight > any_weight ? weight : any_weight;
            }
        }
    }
    if (gzip_weight >= 0) return gzip_weight > 0;
    return any_weight > 0;
}

/// True when an If-None-Match field lists `etag` (weak comparison: a W/ prefix is ignored) or
/// is "*". A malformed list stops matching where it breaks, so the full response is sent.
bool none_match_lists(const Request& request, std::string_view etag) noexcept {
    for (const http::Header& field : request.headers()) {
        if (!ascii_iequals(field.name, "if-none-match")) continue;
        std::string_view list = field.value;
        while (true) {
            while (!list.empty() && (list.front() == ' ' || list.front() == '\t' || list.front() == ',')) list.remove_prefix(1);
            if (list.empty()) break;
            if (list.front() == '*') return true;
            if (list.starts_with("W/")) list.remove_prefix(2);
            if (list.empty() || list.front() != '"') break;
            const std::size_t close = list.find('"', 1);
            if (close == std::string_view::npos) break;
            if (list.substr(0, close + 1) == etag) return true;
            list.remove_prefix(close + 1);
        }
    }
    return false;
}

}  // namespace

bool available() noexcept { return kAssetCount != 0; }

std::span<const std::string_view> asset_names() noexcept { return kAssetNames; }

std::optional<Asset> find(std::string_view name) noexcept {
    const AssetTable& assets = table();
    for (std::size_t i = 0; i < kAssetCount; ++i) {
        const RawAsset& raw = assets.raw[i];
        if (raw.name != name) continue;
        return Asset{raw.content_type, raw.bytes, assets.etags[i].view(), assets.etags[i].hash_hex(), raw.gzip_bytes,
                     raw.gzip_bytes.empty() ? std::string_view{} : assets.gzip_etags[i].view()};
    }
    return std::nullopt;
}

std::optional<Response> asset_response(const Request& request, std::string_view name) {
    const std::optional<Asset> asset = find(name);
    if (!asset) return std::nullopt;
    const bool has_variants = !asset->gzip_bytes.empty();
    const bool gzip = has_variants && accepts_gzip(request);
    const std::string_view etag = gzip ? asset->gzip_etag : asset->etag;

    Response response(200);
    if (none_match_lists(request, etag)) {
        response.set_status(304);
    } else {
        response.set_content_type(std::string(asset->content_type));
        response.set_body(std::string(gzip ? asset->gzip_bytes : asset->bytes));
        if (gzip) response.set_header("Content-Encoding", "gzip");
    }
    // RFC 9110 section 15.4.5: a 304 carries the ETag, Cache-Control and Vary a 200 would.
    response.set_header("ETag", std::string(etag));
    // A URL naming this very version (the page's ?v=) can be kept for good: another build
    // has another URL. Any other URL may outlive the file, so it is revalidated each time.
    const std::optional<std::string_view> version = request.query("v");
    const bool versioned = version && *version == asset->version;
    response.set_header("Cache-Control", versioned ? "public, max-age=31536000, immutable" : "no-cache");
    if (has_variants) response.set_header("Vary", "Accept-Encoding");
    return response;
}

std::string page(std::string_view title, std::string_view openapi_url, std::string_view assets_base) {
    const std::string t = html_escape(title);
    const std::string url = html_escape(openapi_url);
    // "<base>/<name>?v=<version>", HTML-escaped: the version makes the URL cacheable for good.
    const auto asset_url = [base = html_escape(assets_base)](std::string_view name) {
        std::string out = base + "/" + std::string(name);
        if (const std::optional<Asset> asset = find(name)) out += "?v=" + std::string(asset->version);
        return out;
    };
    std::string html;
    html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<title>" + t + " - docs</title>\n";
    html += "<link rel=\"icon\" type=\"image/png\" href=\"" + asset_url("favicon-32x32.png") + "\">\n";
    html += "<link rel=\"stylesheet\" href=\"" + asset_url("swagger-ui.css") + "\">\n</head>\n<body>\n";
    // The document's URL goes through a data attribute so no user text lands inside a script.
    html += "<div id=\"sweet-docs\" data-openapi=\"" + url + "\" hidden></div>\n";
    html += "<div id=\"swagger-ui\"></div>\n";
    html += "<script src=\"" + asset_url("swagger-ui-bundle.js") + "\"></script>\n";
    html += "<script src=\"" + asset_url("sweet-docs.js") + "\"></script>\n</body>\n</html>\n";
    return html;
}

}  // namespace sweet::docs_ui
