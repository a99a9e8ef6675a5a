/// @file app.cpp
/// `App`: the request chain (middleware -> routing -> handler -> errors).

#include "sweet/app/app.hpp"

#include <exception>
#include <new>

#include <fmt/format.h>

#include "sweet/core/log.hpp"

namespace sweet {

App::App(ServerConfig config) : config_(std::move(config)) {
    error_handler_ = [](Request&, const Error& e) {
        const int status = e.status >= 400 && e.status <= 599 ? e.status : 500;
        std::string body{http::reason_phrase(status)};
        if (!e.message.empty() && status < 500) {
            body += ": ";
            body += e.message;
        }
        body += '\n';
        return Response::text(std::move(body), status);
    };
}

App::~App() = default;

void App::add_endpoint(http::Method method, std::string_view pattern, std::unique_ptr<Endpoint> endpoint) {
    const auto id = static_cast<routing::RouteId>(endpoints_.size());
    Result<void> added = router_.add(method, pattern, id);
    if (!added && setup_error_.empty()) {
        setup_error_ = fmt::format("route {} {}: {}", http::method_name(method), pattern, added.error().message);
    }
    if (endpoint->registry == nullptr) endpoint->registry = &registry_;
    endpoints_.push_back(std::move(endpoint));
    routes_.emplace_back(method, std::string(pattern));
}

void App::add_bound_route(http::Method method, std::string_view pattern, Handler handler) {
    add_endpoint(method, pattern, std::make_unique<PlainEndpoint>(std::move(handler)));
}

App& App::add_route(http::Method method, std::string pattern, Handler handler) {
    add_bound_route(method, pattern, std::move(handler));
    return *this;
}

App& App::use(Middleware middleware) {
    hooks_.on_request.push_back(std::move(middleware));
    return *this;
}

App& App::on_error(ErrorHandler handler) {
    error_handler_ = std::move(handler);
    return *this;
}

Result<void> App::validate() {
    if (!builtin_routes_added_) {
        builtin_routes_added_ = true;
        add_builtin_routes();
    }
    if (!setup_error_.empty()) return Error{500, setup_error_, {}};
    // Dependencies: every provider, route and hook is bound now, so a missing provider is a
    // start-up error rather than a failing request.
    if (Result<void> started = registry_.start(); !started) return started;
    for (const auto& registry : registries_) {
        if (Result<void> started = registry.start(); !started) return started;
    }
    for (std::size_t i = 0; i < endpoints_.size(); ++i) {
        if (std::string problem = endpoints_[i]->bind(*endpoints_[i]->registry); !problem.empty()) {
            return Error{500, fmt::format("{} {}: {}", http::method_name(routes_[i].first), routes_[i].second, problem), {}};
        }
    }
    for (auto& binder : hook_binders_) {
        if (std::string problem = binder(registry_); !problem.empty()) return Error{500, problem, {}};
    }
    wants_after_response_ = !hooks_.after_response.empty();
    for (const auto& endpoint : endpoints_) wants_after_response_ = wants_after_response_ || endpoint->has_after_response;
    streams_bodies_ = false;
    for (const auto& endpoint : endpoints_) streams_bodies_ = streams_bodies_ || endpoint->streams_body;
    hooks_.parse.unknown_fields = config_.forbid_unknown_fields ? schema::UnknownFields::forbid : schema::UnknownFields::ignore;
    hooks_.parse.max_depth = config_.json_max_depth;
    hooks_.parse.max_errors = config_.max_validation_errors;

    // Methods the app serves anywhere, for `OPTIONS *`.
    all_methods_ = http::MethodSet{};
    all_methods_.add(http::Method::options);
    const auto note = [this](http::Method m) {
        all_methods_.add(m);
        if (m == http::Method::get) all_methods_.add(http::Method::head);
    };
    for (const auto& route : routes_) note(route.first);
    for (auto& table : tables_) table->for_each_route([&](http::Method m, std::string_view) { note(m); });
    for (auto& table : tables_) {
        std::string problem;
        table->for_each_route([&](http::Method m, std::string_view pattern) {
            if (problem.empty() && router_.overlaps(m, pattern)) {
                problem = fmt::format("route {} {} from a route table overlaps a route registered on the app; "
                                      "keep overlapping routes in one place",
                                      http::method_name(m), pattern);
            }
        });
        if (!problem.empty()) return Error{500, problem, {}};
    }
    return {};
}

Response App::handle(Request& req) {
    // Per-request state lives in the arena (released with the request) so after_response can
    // find the route; request-scoped dependencies live on this stack frame.
    di::RequestScope scope;
    void* memory = req.arena().allocate(sizeof(di::RequestContext), alignof(di::RequestContext));
    auto* context = new (memory) di::RequestContext{&scope, nullptr};
    req.set_context(context);
    Endpoint* endpoint = nullptr;
    Response res;
    // Exceptions become a logged 500 that reveals nothing; it still passes through on_response
    // (CORS, request id...) like any other response.
    const auto guarded = [&](auto&& step) {
        try {
            step();
        } catch (const std::exception& e) {
            res = render_error_for(req, Error::internal(fmt::format("exception: {}", e.what())), endpoint);
        } catch (...) {
            res = render_error_for(req, Error::internal("non-standard exception"), endpoint);
        }
    };
    guarded([&] { res = run_chain(req, endpoint); });
    guarded([&] { finish_response(req, res, endpoint); });  // if a hook throws, its 500 is sent as is
    context->scope = nullptr;  // `scope` ends here: request-scoped instances are destroyed now
    return res;
}

Response App::run_chain(Request& req, Endpoint*& matched) {
    // 1. Routing (first, so every hook can read the route).
    std::string_view params[routing::kMaxParams];
    routing::MatchResult m{};
    m.kind = routing::MatchResult::Kind::not_found;
    TableBase* table_hit = nullptr;
    const bool known_method = req.method() != http::Method::other;
    const bool asterisk = req.method() == http::Method::options && req.raw_path() == "*";
    if (known_method && !asterisk) {
        routing::MatchResult unmatched = m;
        for (auto& table : tables_) {
            routing::MatchResult t = table->match(req.method(), req.path(), params);
            if (t.kind == routing::MatchResult::Kind::found) {
                m = t;
                table_hit = table.get();
                break;
            }
            if (t.kind == routing::MatchResult::Kind::method_not_allowed) unmatched = t;
        }
        if (table_hit == nullptr) {
            m = router_.match(req.method(), req.path(), params);
            if (m.kind == routing::MatchResult::Kind::found) {
                matched = endpoints_[m.route].get();
            } else if (m.kind == routing::MatchResult::Kind::not_found) {
                m = unmatched;
            }
        }
        if (m.kind == routing::MatchResult::Kind::found) {
            // The values outlive this function (hooks after the handler, after_response read
            // them): they move to the request's arena, released after the response is written.
            auto* kept = static_cast<std::string_view*>(
                req.arena().allocate(sizeof(std::string_view) * (m.param_count + 1), alignof(std::string_view)));
            for (std::size_t i = 0; i < m.param_count; ++i) new (kept + i) std::string_view(params[i]);
            req.set_route(m.pattern, m.param_names, {kept, m.param_count});
        }
        if (auto* context = static_cast<di::RequestContext*>(req.context())) context->endpoint = matched;
    }
    // 2. App-wide on_request hooks, for every request.
    if (auto stopped = detail::AppHooks::stop_at(hooks_.on_request, req)) {
        if (*stopped) return std::move(*stopped).value();
        return render_error_for(req, stopped->error(), matched);
    }
    // 3. The route's chain, or the answer for an unmatched request.
    if (!known_method) {
        // RFC 9110 section 9.1: a method the server does not know is 501, not 405.
        return render_error(req, Error::client(501, fmt::format("method {} is not implemented", req.method_name())));
    }
    if (asterisk) return Response::empty(204).set_header("Allow", allow_header(all_methods_));  // the server as a whole
    if (table_hit != nullptr) {
        // A table's route gets the app-wide hooks of its chain like any other route.
        Result<Response> result =
            detail::run_plain_chain(req, hooks_, [&](Request& r) { return table_hit->dispatch(m.route, r); });
        if (result) return std::move(result).value();
        return render_error(req, result.error());
    }
    if (matched != nullptr) {
        Result<Response> result = matched->run(req, hooks_);
        if (result) return std::move(result).value();
        return render_error_for(req, result.error(), matched);
    }
    return answer_unmatched(req, m);
}

std::unique_ptr<http::BodySink> App::stream_body(Request& req) {
    // Only routes registered on the app take sweet::Upload (route tables never overlap them).
    if (req.method() == http::Method::other) return nullptr;
    std::string_view params[routing::kMaxParams];
    const routing::MatchResult m = router_.match(req.method(), req.path(), params);
    if (m.kind != routing::MatchResult::Kind::found) return nullptr;
    Endpoint& endpoint = *endpoints_[m.route];
    return endpoint.streams_body ? endpoint.body_sink(req) : nullptr;
}

void App::finish_response(Request& req, Response& res, Endpoint* endpoint) {
    // Inside-out: the route's and group's hooks, then the app's.
    if (endpoint != nullptr && endpoint->has_on_response) endpoint->on_response(req, res, *this);
    for (auto& hook : hooks_.on_response) {
        Result<void> r = hook(req, res);
        if (!r) res = render_error_for(req, r.error(), endpoint);
    }
}

void App::after_response(Request& req, const Response& res, const ResponseInfo& info) {
    auto* context = static_cast<di::RequestContext*>(req.context());
    auto* endpoint = context != nullptr ? static_cast<Endpoint*>(context->endpoint) : nullptr;
    // Each hook on its own: one that throws must not silence the others (access log, metrics).
    const auto guarded = [&](auto&& call) {
        try {
            call();
        } catch (const std::exception& e) {
            log::error("an after_response hook threw on {} {}: {}", req.method_name(), req.target(), e.what());
        } catch (...) {
            log::error("an after_response hook threw on {} {}", req.method_name(), req.target());
        }
    };
    if (endpoint != nullptr && endpoint->has_after_response) guarded([&] { endpoint->after_response(req, res, info); });
    for (auto& hook : hooks_.after_response) guarded([&] { hook(req, res, info); });
}

Response App::answer_unmatched(Request& req, const routing::MatchResult& m) {
    if (m.kind == routing::MatchResult::Kind::method_not_allowed) {
        std::string allow = allow_header(m.allowed);
        if (req.method() == http::Method::options) {
            return Response::empty(204).set_header("Allow", std::move(allow));
        }
        Response r = render_error(req, Error::client(405, fmt::format("{} is not allowed here", req.method_name())));
        r.set_header("Allow", std::move(allow));
        return r;
    }
    return render_error(req, Error::client(404, "no route matches this path"));
}

std::string App::allow_header(http::MethodSet methods) {
    std::string allow;
    for (int i = 0; i < http::kMethodCount; ++i) {
        const auto method = static_cast<http::Method>(i);
        if (!methods.contains(method)) continue;
        if (!allow.empty()) allow += ", ";
        allow += http::method_name(method);
    }
    return allow;
}

Response App::render_error_for(Request& req, const Error& error, Endpoint* endpoint) {
    if (error.status >= 500) {
        log::error("{} {} failed with {}: {}", req.method_name(), req.target(), error.status,
                   error.detail.empty() ? error.message : error.detail);
    }
    if (endpoint != nullptr && endpoint->has_on_error) {
        try {
            Response out;
            if (endpoint->on_error(req, error, out)) return out;
        } catch (...) {
            log::error("a route's error handler threw while handling {} {}", req.method_name(), req.target());
        }
    }
    try {
        return error_handler_(req, error);
    } catch (...) {
        // A failing error handler must not take the server down.
        log::error("the error handler threw while handling {} {}", req.method_name(), req.target());
        return Response::text("Internal Server Error\n", 500);
    }
}

Response App::render_error(Request& req, const Error& error) {
    // The matched route's (or group's) on_error answers when it has one.
    auto* context = static_cast<di::RequestContext*>(req.context());
    return render_error_for(req, error, context != nullptr ? static_cast<Endpoint*>(context->endpoint) : nullptr);
}

}  // namespace sweet
