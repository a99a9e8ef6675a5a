#pragma once
/// @file route_options.hpp
/// What a route says about itself beyond its handler: documentation (summary, tags, response
/// models) and per-route limits. Given at registration, in any order after the handler:
///
///     app.post<"/users">(create_user,
///                        sweet::RouteOptions{.summary = "Create a user", .tags = {"users"}},
///                        sweet::responds<User>(201, "The new user"));
///
/// Also the shape of one OpenAPI operation, which the endpoint fills from its signature.

#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "sweet/http/multipart.hpp"
#include "sweet/json/writer.hpp"
#include "sweet/routing/route_pattern.hpp"
#include "sweet/schema/schema.hpp"

namespace sweet {

/// A documented response of a route.
struct ResponseDoc {
    int status = 200;          ///< HTTP status
    std::string description{};   ///< shown in the docs ("" -> the reason phrase)
    std::string schema_json{};   ///< JSON Schema of the body ("" -> no body documented)
    std::string content_type = "application/json";  ///< media type of the body
};

/// Documentation and limits of one route.
struct RouteOptions {
    std::string summary{};              ///< one line, shown next to the path in the docs
    std::string description{};          ///< longer text (CommonMark)
    std::vector<std::string> tags{};    ///< groups operations in the docs
    std::string operation_id{};         ///< unique id ("" -> made from method and path)
    bool deprecated = false;          ///< marked deprecated in the docs
    bool include_in_schema = true;    ///< false hides the route from /openapi.json
    std::uint64_t max_body_bytes = 0; ///< 0: the server's max_body_bytes; else a lower limit for this route (413)
    http::MultipartLimits upload{};   ///< limits of a `sweet::Upload` body (which replace max_body_bytes for it)
    std::vector<ResponseDoc> responses{};  ///< documented responses (see `responds<T>`)
};

/// Documents a response whose body is a `T` (any type with a JSON Schema).
template <class T>
struct Responds {
    using type = T;           ///< the body's type
    int status = 200;         ///< HTTP status
    std::string description{};  ///< "" -> the reason phrase
};

template <class T>
inline constexpr bool is_responds_v = false;
template <class T>
inline constexpr bool is_responds_v<Responds<T>> = true;
/// `sweet::responds<User>(201, "Created")`: documents that the route answers `status` with a `T`.
template <class T>
Responds<T> responds(int status = 200, std::string description = {}) {
    return Responds<T>{status, std::move(description)};
}

/// One parameter of an OpenAPI operation.
struct ParameterDoc {
    std::string name{};         ///< as sent
    std::string in{};           ///< "path", "query" or "header"
    std::string schema_json{};  ///< its JSON Schema
    std::string description{};  ///< from the schema's description
    bool required = false;    ///< path parameters always are
};

/// One OpenAPI operation (method + path), filled from the route's signature and options.
struct OperationDoc {
    std::string method{};                   ///< lower-case ("get")
    std::string path{};                     ///< OpenAPI form ("/users/{id}")
    RouteOptions options;                 ///< summary, tags, documented responses
    std::vector<ParameterDoc> parameters{}; ///< path, query and header parameters
    std::string body_schema_json{};         ///< the body's schema ("" -> none)
    std::string body_media_type = "application/json";  ///< the body's media type
    bool body_required = false;           ///< a Body<T> (not optional)
    bool validates = false;               ///< the route can answer 422
};

/// The JSON Schema of a path parameter of `type` received as C++ type `T` (the handler's
/// parameter type): integers carry the type's range, which is exactly what the route accepts.
template <class T = void>
std::string path_param_schema(routing::ParamType type) {
    const auto integer = [](auto lowest, auto highest) {
        return "{\"type\":\"integer\",\"minimum\":" + std::to_string(lowest) + ",\"maximum\":" + std::to_string(highest) + "}";
    };
    switch (type) {
        case routing::ParamType::integer:
            if constexpr (std::is_integral_v<T>) return integer(std::numeric_limits<T>::min(), std::numeric_limits<T>::max());
            return integer(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
        case routing::ParamType::unsigned_integer:
            if constexpr (std::is_integral_v<T>) return integer(T{0}, std::numeric_limits<T>::max());
            return integer(0, std::numeric_limits<std::uint64_t>::max());
        case routing::ParamType::floating: return R"({"type":"number"})";
        case routing::ParamType::boolean: return R"({"type":"boolean"})";
        case routing::ParamType::uuid: return R"({"type":"string","format":"uuid"})";
        case routing::ParamType::string:
        case routing::ParamType::path: return R"({"type":"string"})";
    }
    return R"({"type":"string"})";
}

}  // namespace sweet
