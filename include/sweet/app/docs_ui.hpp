#pragma once
/// @file docs_ui.hpp
/// The interactive API docs page (Swagger UI, from npm's swagger-ui-dist) served by the app
/// itself, so /docs works with no internet access. The assets are compiled into the library
/// (cmake/SweetDocsUi.cmake, src/app/docs_ui.cpp); `available()` is false when the library was
/// built without them (SWEET_DOCS_UI=OFF, or AUTO without the npm files).
///
/// The page and its assets:
///   <docs_path>                          the HTML page (`page()`)
///   <docs_path>/swagger-ui-bundle.js     Swagger UI (also embedded gzip-compressed)
///   <docs_path>/swagger-ui.css           its style sheet (also embedded gzip-compressed)
///   <docs_path>/favicon-32x32.png        the icon
///   <docs_path>/sweet-docs.js            starts Swagger UI: the page has no inline script, so
///                                        it works under `Content-Security-Policy: script-src 'self'`

#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet::docs_ui {

/// One static file of the docs page.
struct Asset {
    std::string_view content_type;  ///< e.g. "text/javascript; charset=utf-8"
    std::string_view bytes;         ///< the file, as shipped by swagger-ui-dist
    std::string_view etag;          ///< strong entity tag of `bytes`, quoted ("\"1a70e7-9f3c...\"")
    std::string_view version;       ///< a hash of `bytes` in hex: the `?v=` of the page's URL for this file
    std::string_view gzip_bytes;    ///< the same file gzip-compressed at build time; empty when not precompressed
    std::string_view gzip_etag;     ///< entity tag of `gzip_bytes` (differs from `etag`); empty with it
};

/// True when the Swagger UI assets were compiled in.
[[nodiscard]] bool available() noexcept;

/// The names of the assets served below the page's path (empty when `!available()`).
[[nodiscard]] std::span<const std::string_view> asset_names() noexcept;

/// The asset called `name` ("swagger-ui-bundle.js", "swagger-ui.css", ...), or nullopt.
[[nodiscard]] std::optional<Asset> find(std::string_view name) noexcept;

/// The response to GET or HEAD of asset `name`, or nullopt when there is no such asset:
///  - the gzip variant (`Content-Encoding: gzip`) when there is one and `Accept-Encoding`
///    accepts gzip, else the file as is; either way `Vary: Accept-Encoding` if a variant exists;
///  - `ETag` of the variant sent; `Cache-Control: public, max-age=31536000, immutable` when the
///    query's `v` is the asset's `version` (the URLs `page()` writes: another build has other
///    URLs), else `no-cache` (revalidate each time; an unchanged asset then costs a bodiless 304);
///  - 304 Not Modified when `If-None-Match` names that ETag (weak comparison) or is `*`.
[[nodiscard]] std::optional<Response> asset_response(const Request& request, std::string_view name);

/// The HTML page that loads the assets from `assets_base` ("/docs"; each URL carries the
/// asset's `?v=<version>`) and the document from `openapi_url` ("/openapi.json"); `title` is
/// the page title. All three are HTML-escaped here and no user text lands inside a script.
[[nodiscard]] std::string page(std::string_view title, std::string_view openapi_url, std::string_view assets_base);

}  // namespace sweet::docs_ui
