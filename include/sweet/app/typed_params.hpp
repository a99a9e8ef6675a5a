#pragma once
/// @file typed_params.hpp
/// Handler parameters that the app fills from the request and validates against a schema:
///
///     app.post<"/users/{org:int}/members">(
///         [](sweet::Request&, std::int64_t org,                 // path parameter
///            sweet::Body<NewMember> body,                       // JSON body -> struct
///            sweet::Query<Paging> paging,                       // ?limit=10&offset=0 -> struct
///            sweet::Headers<Auth> auth) { ... });               // headers -> struct
///
/// Each struct is described once with `sweet_schema` (see sweet/schema/schema.hpp). Every
/// failure of every parameter is listed in one 422 response in FastAPI's shape; malformed JSON
/// is a 400 with the position and reason; a body that is not declared as JSON is a 415.
/// A route that declares none of these pays nothing for them.

#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "sweet/app/route_options.hpp"
#include "sweet/core/ascii.hpp"
#include "sweet/core/result.hpp"
#include "sweet/http/multipart.hpp"
#include "sweet/http/percent.hpp"
#include "sweet/http/request.hpp"
#include "sweet/json/parse.hpp"
#include "sweet/json/value.hpp"
#include "sweet/json/writer.hpp"
#include "sweet/routing/handler_binding.hpp"
#include "sweet/schema/errors.hpp"
#include "sweet/schema/schema.hpp"

namespace sweet {

using schema::ValidationErrors;

namespace detail {
/// Holds the converted value of a typed parameter; `*p` and `p->` reach it.
template <class T>
struct TypedValue {
    T value{};  ///< the converted, validated value
    T& operator*() noexcept { return value; }
    const T& operator*() const noexcept { return value; }
    T* operator->() noexcept { return &value; }
    const T* operator->() const noexcept { return &value; }
};
}  // namespace detail

/// The request's JSON body, parsed and validated into a `T` (a struct with a schema, or
/// `sweet::json::Value` for any JSON).
template <class T>
struct Body : detail::TypedValue<T> {};
/// The query string's parameters, converted and validated into the fields of struct `T`.
template <class T>
struct Query : detail::TypedValue<T> {};
/// Request headers, converted and validated into the fields of struct `T` (field names are
/// header names, compared case-insensitively).
template <class T>
struct Headers : detail::TypedValue<T> {};

/// A multipart/form-data body (HTML forms with file uploads), received as it arrives: the server
/// hands the bytes to a parser while they come in, plain fields stay in memory, files go to
/// temporary files beyond `RouteOptions::upload.max_memory_file_bytes`, so an upload never sits
/// in memory as a whole. The route's `RouteOptions::upload` limits replace `max_body_bytes` and
/// strike at the byte that breaks them (413, sent without reading the rest). `upload->field(...)`
/// and `upload->file(...)` read the form (see sweet/http/multipart.hpp):
///
///     app.post<"/photos">([](sweet::Request&, sweet::Upload upload) -> sweet::Result<sweet::Response> {
///         const sweet::http::UploadedFile* photo = upload->file("photo");
///         if (photo == nullptr) return sweet::Error::client(422, "no photo");
///         if (auto saved = photo->save_as("/srv/photos/" + new_name()); !saved) return saved.error();
///         return sweet::Response::text("stored\n", 201);
///     }, sweet::RouteOptions{.upload = {.max_file_bytes = 50 << 20}});  // (the whole body: max_total_bytes, 128 MiB)
struct Upload : detail::TypedValue<http::MultipartForm> {};

/// How the app fills typed parameter `P` (specialized below for Body, Query, Headers, Upload).
template <class P>
struct TypedParam;

template <class P>
inline constexpr bool is_typed_param_v = false;
template <class T>
inline constexpr bool is_typed_param_v<Body<T>> = true;
template <class T>
inline constexpr bool is_typed_param_v<Query<T>> = true;
template <class T>
inline constexpr bool is_typed_param_v<Headers<T>> = true;
template <>
inline constexpr bool is_typed_param_v<Upload> = true;

}  // namespace sweet

namespace sweet::routing {
template <class T>
struct IsExtraHandlerParam<Body<T>> : std::true_type {};
template <class T>
struct IsExtraHandlerParam<Query<T>> : std::true_type {};
template <class T>
struct IsExtraHandlerParam<Headers<T>> : std::true_type {};
template <>
struct IsExtraHandlerParam<Upload> : std::true_type {};
}  // namespace sweet::routing

namespace sweet {

/// True for `application/json` and `application/<anything>+json`, with any parameters.
inline bool is_json_media_type(std::string_view content_type) noexcept {
    const std::size_t semicolon = content_type.find(';');
    std::string_view type = content_type.substr(0, semicolon);
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
    if (ascii_iequals(type, "application/json")) return true;
    constexpr std::string_view kPrefix = "application/";
    constexpr std::string_view kSuffix = "+json";
    return type.size() > kPrefix.size() + kSuffix.size() && ascii_iequals(type.substr(0, kPrefix.size()), kPrefix) &&
           ascii_iequals(type.substr(type.size() - kSuffix.size()), kSuffix);
}

template <class T>
struct TypedParam<Body<T>> {
    /// 415 unless the body is declared as JSON.
    static Result<void> check(Request& req) {
        if (req.body().empty()) return {};  // no body at all: a 422 "missing", like FastAPI
        const auto type = req.header("Content-Type");
        if (!type) return Error::client(415, "this route takes a JSON body: send Content-Type: application/json");
        if (!is_json_media_type(*type)) {
            return Error::client(415, fmt::format("this route takes a JSON body, not {}", *type));
        }
        return {};
    }
    /// Parses and validates; malformed JSON is a 400 with the position and the reason.
    static Result<void> extract(Request& req, Body<T>& out, ValidationErrors& errors, const schema::ParseOptions& parse) {
        static_assert(kBodyPadding >= 64, "simdjson reads up to 64 bytes past the body");
        if (req.body().empty()) {
            errors.add("missing", schema::Location("body"), "Field required");
            return {};
        }
        if constexpr (std::is_same_v<T, json::Value>) {
            // Any JSON: parsed strictly, nothing to validate.
            json::ParseOptions options;
            options.max_depth = parse.max_depth;
            json::ParseResult<json::Value> parsed = json::parse_padded(req.body(), options);
            if (!parsed) return parsed.error().to_error();
            out.value = std::move(parsed).value();
            return {};
        } else {
            const schema::BodyOutcome outcome =
                schema::parse_json(req.body(), true, out.value, errors, parse);
            if (outcome.status == schema::BodyStatus::malformed) return outcome.error.to_error();
            return {};
        }
    }
    /// The request body's schema.
    static void describe(OperationDoc& doc, schema::Components& components) {
        doc.body_schema_json.clear();
        json::Writer w(doc.body_schema_json);
        schema::write_json_schema<T>(w, components);
        doc.body_required = true;
    }
};

namespace detail {
/// Calls `fn(decoded value)` for every query parameter named `name` (decoded into the arena).
template <class Fn>
void for_each_query_value(Request& req, std::string_view name, Fn&& fn) {
    for (const http::QueryParam& pair : http::QueryParams(req.query_string())) {
        // A bad escape is kept as sent, like Python's unquote: the value then fails to convert
        // (a 422 naming it) instead of silently disappearing.
        if (req.decode_component(pair.key).value_or(pair.key) != name) continue;
        fn(req.decode_component(pair.value).value_or(pair.value));
    }
}

}  // namespace detail

template <class T>
struct TypedParam<Query<T>> {
    /// Nothing to check before validation.
    static Result<void> check(Request&) { return {}; }
    /// Converts and validates the query parameters into the struct's fields.
    static Result<void> extract(Request& req, Query<T>& out, ValidationErrors& errors, const schema::ParseOptions&) {
        schema::parse_strings(
            "query",
            [&req](std::string_view name) -> std::optional<std::string_view> {
                // A repeated single-valued parameter: the last one wins, as in FastAPI.
                std::optional<std::string_view> last;
                detail::for_each_query_value(req, name, [&](std::string_view v) { last = v; });
                return last;
            },
            [&req](std::string_view name, auto&& fn) { detail::for_each_query_value(req, name, fn); }, out.value, errors);
        return {};
    }
    /// One query parameter per field.
    static void describe(OperationDoc& doc, schema::Components& components) {
        schema::for_each_parameter<T>(components, [&](std::string_view name, bool required, std::string_view schema_json,
                                                      std::string_view description) {
            doc.parameters.push_back(ParameterDoc{std::string(name), "query", std::string(schema_json), std::string(description), required});
        });
    }
};

template <class T>
struct TypedParam<Headers<T>> {
    /// Nothing to check before validation.
    static Result<void> check(Request&) { return {}; }
    /// Converts and validates the headers into the struct's fields.
    static Result<void> extract(Request& req, Headers<T>& out, ValidationErrors& errors, const schema::ParseOptions&) {
        schema::parse_strings(
            "header", [&req](std::string_view name) { return req.header(name); },
            [&req](std::string_view name, auto&& fn) {
                for (const http::Header& h : req.headers()) {
                    if (ascii_iequals(h.name, name)) fn(h.value);
                }
            },
            out.value, errors);
        return {};
    }
    /// One header parameter per field.
    static void describe(OperationDoc& doc, schema::Components& components) {
        schema::for_each_parameter<T>(components, [&](std::string_view name, bool required, std::string_view schema_json,
                                                      std::string_view description) {
            doc.parameters.push_back(ParameterDoc{std::string(name), "header", std::string(schema_json), std::string(description), required});
        });
    }
};

template <>
struct TypedParam<Upload> {
    /// Nothing to check: the type and the limits were checked as the body arrived.
    static Result<void> check(Request&) { return {}; }
    /// The form the body sink built as the body arrived, or the error that stopped it (415, 400,
    /// 413). A body that was not streamed (none at all, or a request given to `App::handle`
    /// directly) is parsed whole, with default limits.
    static Result<void> extract(Request& req, Upload& out, ValidationErrors&, const schema::ParseOptions&) {
        Result<http::MultipartForm> form = [&] {
            if (auto* sink = dynamic_cast<http::MultipartBodySink*>(req.body_sink())) return sink->take_form();
            return parse_multipart(req);
        }();
        if (!form) return std::move(form).error();
        out.value = std::move(form).value();
        return {};
    }
    /// A multipart/form-data request body.
    static void describe(OperationDoc& doc, schema::Components&) {
        doc.body_schema_json = R"({"type":"object"})";
        doc.body_media_type = "multipart/form-data";
        doc.body_required = true;
    }
};

}  // namespace sweet
