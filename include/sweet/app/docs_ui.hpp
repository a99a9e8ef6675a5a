#pragma once
/// @file docs_ui.hpp
/// The interactive API docs page (Swagger UI, from npm's swagger-ui-dist) served by the app
/// itself, so /docs works with no internet access. The assets are compiled into the library
/// (src/app/docs_ui.cpp); `available()` is false when the library was built without them.

#include <optional>
#include <string>
#include <string_view>

namespace sweet::docs_ui {

/// One static file of the docs page.
struct Asset {
    std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
    std::string_view bytes;         ///< the file, as shipped by swagger-ui-dist
};

/// True when the Swagger UI assets were compiled in.
[[nodiscard]] bool available() noexcept;

/// The asset called `name` ("swagger-ui-bundle.js", "swagger-ui.css", ...), or nullopt.
[[nodiscard]] std::optional<Asset> find(std::string_view name) noexcept;

/// The HTML page that loads the assets from `assets_base` ("/docs") and the document from
/// `openapi_url` ("/openapi.json"); `title` is the page title (HTML-escaped here).
[[nodiscard]] std::string page(std::string_view title, std::string_view openapi_url, std::string_view assets_base);

}  // namespace sweet::docs_ui
