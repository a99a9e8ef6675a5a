/// @file openapi.cpp
/// The OpenAPI 3.1 document, built from the routes (their patterns, typed parameters, options)
/// and the schemas of the structs they use; and the built-in /openapi.json and /docs routes.

#include <algorithm>
#include <iterator>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "sweet/app/app.hpp"
#include "sweet/app/docs_ui.hpp"
#include "sweet/json/writer.hpp"

namespace sweet {

namespace {

// "/users/{id:int}/{rest...}" -> "/users/{id}/{rest}": OpenAPI names parameters only.
std::string openapi_path(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size());
    std::size_t i = 0;
    while (i < pattern.size()) {
        if (pattern[i] != '{') {
            out.push_back(pattern[i++]);
            continue;
        }
        const std::size_t close = pattern.find('}', i);
        std::string_view inside = pattern.substr(i + 1, close - i - 1);
        inside = inside.substr(0, inside.find(':'));
        if (inside.size() >= 3 && inside.substr(inside.size() - 3) == "...") inside.remove_suffix(3);
        out += '{';
        out += inside;
        out += '}';
        i = close + 1;
    }
    return out;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    return out;
}

// Declares, from the pattern, the path parameters an operation does not describe itself
// (routes registered at run time, mounted tables): OpenAPI requires every one.
void add_missing_path_parameters(OperationDoc& op, std::string_view pattern) {
    const routing::ParsedPattern parsed = routing::parse_pattern(pattern);
    for (std::size_t i = 0; i < parsed.param_count; ++i) {
        const auto& p = parsed.params[i];
        const bool known = std::any_of(op.parameters.begin(), op.parameters.end(),
                                       [&](const ParameterDoc& d) { return d.in == "path" && d.name == p.name; });
        if (!known) op.parameters.push_back(ParameterDoc{std::string(p.name), "path", path_param_schema(p.type), {}, true});
    }
}

// "get /users/{id}" -> "get_users__id_": a stable operationId when none is given.
std::string default_operation_id(std::string_view method, std::string_view path) {
    std::string id(method);
    id += '_';
    for (char c : path) {
        const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        id += word ? c : '_';
    }
    return id;
}

// FastAPI's names and shapes for the 422 body, so clients generated for either agree.
constexpr std::string_view kValidationError =
    R"({"title":"ValidationError","type":"object","required":["loc","msg","type"],"properties":{)"
    R"("loc":{"title":"Location","type":"array","items":{"anyOf":[{"type":"string"},{"type":"integer"}]}},)"
    R"("msg":{"title":"Message","type":"string"},"type":{"title":"Error Type","type":"string"},)"
    R"("input":{"title":"Input"},"ctx":{"title":"Context","type":"object"}}})";
constexpr std::string_view kHttpValidationError =
    R"({"title":"HTTPValidationError","type":"object","properties":{"detail":{"title":"Detail","type":"array",)"
    R"("items":{"$ref":"#/components/schemas/ValidationError"}}}})";

void write_operation(json::Writer& w, const OperationDoc& op) {
    w.begin_object();
    if (!op.options.tags.empty()) {
        w.key("tags");
        w.begin_array();
        for (const auto& tag : op.options.tags) w.string(tag);
        w.end_array();
    }
    if (!op.options.summary.empty()) {
        w.key("summary");
        w.string(op.options.summary);
    }
    if (!op.options.description.empty()) {
        w.key("description");
        w.string(op.options.description);
    }
    w.key("operationId");
    w.string(op.options.operation_id.empty() ? default_operation_id(op.method, op.path) : op.options.operation_id);
    if (op.options.deprecated) {
        w.key("deprecated");
        w.boolean(true);
    }
    if (!op.parameters.empty()) {
        w.key("parameters");
        w.begin_array();
        for (const auto& p : op.parameters) {
            w.begin_object();
            w.key("name");
            w.string(p.name);
            w.key("in");
            w.string(p.in);
            w.key("required");
            w.boolean(p.required);
            if (!p.description.empty()) {
                w.key("description");
                w.string(p.description);
            }
            w.key("schema");
            w.raw(p.schema_json);
            w.end_object();
        }
        w.end_array();
    }
    if (!op.body_schema_json.empty()) {
        w.key("requestBody");
        w.begin_object();
        w.key("required");
        w.boolean(op.body_required);
        w.key("content");
        w.begin_object();
        w.key(op.body_media_type);
        w.begin_object();
        w.key("schema");
        w.raw(op.body_schema_json);
        w.end_object();
        w.end_object();
        w.end_object();
    }
    w.key("responses");
    w.begin_object();
    // One entry per status: a status documented twice keeps its last description; a documented
    // 422 replaces the built-in validation error.
    std::vector<const ResponseDoc*> responses;
    for (const auto& r : op.options.responses) {
        auto same = std::find_if(responses.begin(), responses.end(), [&](const ResponseDoc* d) { return d->status == r.status; });
        if (same != responses.end()) {
            *same = &r;
        } else {
            responses.push_back(&r);
        }
    }
    bool documented_success = false;
    bool documented_422 = false;
    for (const ResponseDoc* r : responses) {
        documented_success = documented_success || (r->status >= 200 && r->status < 300);
        documented_422 = documented_422 || r->status == 422;
    }
    if (!documented_success) {
        w.key("200");
        w.begin_object();
        w.key("description");
        w.string("Successful Response");
        w.end_object();
    }
    for (const ResponseDoc* response : responses) {
        const ResponseDoc& r = *response;
        w.key(std::to_string(r.status));
        w.begin_object();
        w.key("description");
        w.string(r.description.empty() ? std::string(http::reason_phrase(r.status)) : r.description);
        if (!r.schema_json.empty()) {
            w.key("content");
            w.begin_object();
            w.key(r.content_type);
            w.begin_object();
            w.key("schema");
            w.raw(r.schema_json);
            w.end_object();
            w.end_object();
        }
        w.end_object();
    }
    if (op.validates && !documented_422) {
        w.key("422");
        w.raw(R"({"description":"Validation Error","content":{"application/json":{"schema":{"$ref":"#/components/schemas/HTTPValidationError"}}}})");
    }
    w.end_object();
    w.end_object();
}

}  // namespace

std::string App::openapi_json() {
    // Operations grouped by path, in registration order of each path's first route.
    schema::Components components(config_.forbid_unknown_fields ? schema::UnknownFields::forbid : schema::UnknownFields::ignore);
    std::vector<std::pair<std::string, std::vector<OperationDoc>>> paths;
    bool any_validation = false;
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        Endpoint& endpoint = *endpoints_[i];
        if (!endpoint.options.include_in_schema) continue;
        OperationDoc op;
        op.method = lower(http::method_name(routes_[i].first));
        op.path = openapi_path(routes_[i].second);
        op.options = endpoint.options;
        endpoint.describe(op, components);
        for (auto& doc : endpoint.docs) doc(op, components);
        add_missing_path_parameters(op, routes_[i].second);
        any_validation = any_validation || op.validates;
        auto it = std::find_if(paths.begin(), paths.end(), [&](const auto& p) { return p.first == op.path; });
        if (it == paths.end()) {
            paths.emplace_back(op.path, std::vector<OperationDoc>{});
            it = std::prev(paths.end());
        }
        it->second.push_back(std::move(op));
    }

    // Routes of mounted tables: documented by their patterns (their handlers are type-erased
    // behind the table, so only path parameters are known).
    for (auto& table : tables_) {
        table->for_each_route([&](http::Method m, std::string_view pattern) {
            OperationDoc op;
            op.method = lower(http::method_name(m));
            op.path = openapi_path(pattern);
            add_missing_path_parameters(op, pattern);
            op.validates = !op.parameters.empty();
            auto it = std::find_if(paths.begin(), paths.end(), [&](const auto& p) { return p.first == op.path; });
            if (it == paths.end()) {
                paths.emplace_back(op.path, std::vector<OperationDoc>{});
                it = std::prev(paths.end());
            }
            it->second.push_back(std::move(op));
        });
    }
    // operationIds must be unique: a default one that repeats gets a number.
    std::vector<std::string> used;
    for (auto& [path, ops] : paths) {
        for (auto& op : ops) {
            std::string id = op.options.operation_id.empty() ? default_operation_id(op.method, op.path) : op.options.operation_id;
            std::string unique = id;
            for (int n = 2; std::find(used.begin(), used.end(), unique) != used.end(); ++n) unique = id + "_" + std::to_string(n);
            used.push_back(unique);
            op.options.operation_id = std::move(unique);
        }
    }

    std::string out;
    json::Writer w(out);
    w.begin_object();
    w.key("openapi");
    w.string("3.1.0");
    w.key("info");
    w.begin_object();
    w.key("title");
    w.string(config_.api_title);
    w.key("version");
    w.string(config_.api_version);
    if (!config_.api_description.empty()) {
        w.key("description");
        w.string(config_.api_description);
    }
    w.end_object();
    w.key("paths");
    w.begin_object();
    for (const auto& [path, ops] : paths) {
        w.key(path);
        w.begin_object();
        for (const auto& op : ops) {
            w.key(op.method);
            write_operation(w, op);
        }
        w.end_object();
    }
    w.end_object();
    w.key("components");
    w.begin_object();
    w.key("schemas");
    w.begin_object();
    for (const auto& entry : components.entries()) {
        w.key(entry.name);
        w.raw(entry.schema);
    }
    if (any_validation) {
        w.key("HTTPValidationError");
        w.raw(kHttpValidationError);
        w.key("ValidationError");
        w.raw(kValidationError);
    }
    w.end_object();
    w.end_object();
    w.end_object();
    return out;
}

void App::add_builtin_routes() {
    if (!config_.openapi_path.empty()) {
        // Built once, at the first request, after every route is registered; shared by workers.
        add_bound_route(http::Method::get, config_.openapi_path, [this](Request&) -> Result<Response> {
            std::call_once(openapi_once_, [this] { openapi_cache_ = openapi_json(); });
            return Response::json_text(openapi_cache_);
        });
        endpoints_.back()->options.include_in_schema = false;
    }
    if (!config_.docs_path.empty() && !config_.openapi_path.empty()) {
        std::string page = docs_ui::page(config_.api_title, config_.openapi_path, config_.docs_path);
        add_bound_route(http::Method::get, config_.docs_path, [page = std::move(page)](Request&) -> Result<Response> {
            if (!docs_ui::available()) {
                return Error::client(404, "the docs page was not built into this library (see docs/openapi.md)");
            }
            return Response::html(page);
        });
        endpoints_.back()->options.include_in_schema = false;
        add_bound_route(http::Method::get, config_.docs_path + "/{asset}", [](Request& req) -> Result<Response> {
            // Compressed variants, ETags and cache rules are the asset table's business.
            if (auto response = docs_ui::asset_response(req, req.param("asset").value_or(""))) return std::move(*response);
            return Error::client(404, "no such docs asset");
        });
        endpoints_.back()->options.include_in_schema = false;
    }
}

}  // namespace sweet
