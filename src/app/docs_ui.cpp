/// @file docs_ui.cpp
/// The /docs page. Its assets come from npm's swagger-ui-dist, embedded at build time when
/// cmake/SweetDocsUi.cmake found them (SWEET_HAVE_DOCS_UI); otherwise `available()` is false
/// and /docs answers 404 with a pointer to the docs.

#include "sweet/app/docs_ui.hpp"

#include <array>

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

}  // namespace

#if defined(SWEET_HAVE_DOCS_UI)
// Defined by the generated assembly file that .incbin's the swagger-ui-dist files.
extern "C" {
extern const char sweet_docs_ui_bundle_js[];
extern const char sweet_docs_ui_bundle_js_end[];
extern const char sweet_docs_ui_css[];
extern const char sweet_docs_ui_css_end[];
}

bool available() noexcept { return true; }

std::optional<Asset> find(std::string_view name) noexcept {
    if (name == "swagger-ui-bundle.js") {
        return Asset{"text/javascript; charset=utf-8",
                     std::string_view(sweet_docs_ui_bundle_js, static_cast<std::size_t>(sweet_docs_ui_bundle_js_end - sweet_docs_ui_bundle_js))};
    }
    if (name == "swagger-ui.css") {
        return Asset{"text/css; charset=utf-8", std::string_view(sweet_docs_ui_css, static_cast<std::size_t>(sweet_docs_ui_css_end - sweet_docs_ui_css))};
    }
    return std::nullopt;
}
#else
bool available() noexcept { return false; }
std::optional<Asset> find(std::string_view) noexcept { return std::nullopt; }
#endif

std::string page(std::string_view title, std::string_view openapi_url, std::string_view assets_base) {
    const std::string t = html_escape(title);
    const std::string base = html_escape(assets_base);
    const std::string url = html_escape(openapi_url);
    std::string html;
    html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    html += "<title>" + t + " - docs</title>\n";
    html += "<link rel=\"stylesheet\" href=\"" + base + "/swagger-ui.css\">\n</head>\n<body>\n<div id=\"swagger-ui\"></div>\n";
    html += "<script src=\"" + base + "/swagger-ui-bundle.js\"></script>\n";
    // The document's URL goes through a data attribute so no user text lands inside a script.
    html += "<div id=\"sweet-docs\" data-openapi=\"" + url + "\" hidden></div>\n";
    html += "<script>\nwindow.ui = SwaggerUIBundle({url: document.getElementById('sweet-docs').dataset.openapi, "
            "dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true});\n</script>\n</body>\n</html>\n";
    return html;
}

}  // namespace sweet::docs_ui
