/// @file app.cpp
/// `App`: the request chain (middleware -> routing -> handler -> errors).

#include "sweet/app/app.hpp"

#include <exception>

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

void App::add_bound_route(http::Method method, std::string_view pattern, Handler handler) {
    const auto id = static_cast<routing::RouteId>(handlers_.size());
    Result<void> added = router_.add(method, pattern, id);
    if (!added && setup_error_.empty()) {
        setup_error_ = fmt::format("route {} {}: {}", http::method_name(method), pattern, added.error().message);
    }
    handlers_.push_back(std::move(handler));
    routes_.emplace_back(method, std::string(pattern));
}

App& App::add_route(http::Method method, std::string pattern, Handler handler) {
    add_bound_route(method, pattern, std::move(handler));
    return *this;
}

App& App::use(Middleware middleware) {
    middleware_.push_back(std::move(middleware));
    return *this;
}

App& App::on_error(ErrorHandler handler) {
    error_handler_ = std::move(handler);
    return *this;
}

Result<void> App::validate() {
    if (!setup_error_.empty()) return Error{500, setup_error_, {}};
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
    try {
        for (auto& middleware : middleware_) {
            Result<Step> step = middleware(req);
            if (!step) return render_error(req, step.error());
            if (step->responded()) return std::move(step->response());
        }
        if (req.method() == http::Method::other) {
            // RFC 9110 section 9.1: a method the server does not know is 501, not 405.
            return render_error(req, Error::client(501, fmt::format("method {} is not implemented", req.method_name())));
        }
        if (req.method() == http::Method::options && req.raw_path() == "*") {
            return Response::empty(204).set_header("Allow", allow_header(all_methods_));  // the server as a whole
        }
        std::string_view params[routing::kMaxParams];
        routing::MatchResult unmatched{};
        unmatched.kind = routing::MatchResult::Kind::not_found;
        for (auto& table : tables_) {
            routing::MatchResult m = table->match(req.method(), req.path(), params);
            if (m.kind == routing::MatchResult::Kind::found) {
                req.set_route(m.pattern, m.param_names, {params, m.param_count});
                return finish(req, table->dispatch(m.route, req));
            }
            if (m.kind == routing::MatchResult::Kind::method_not_allowed) unmatched = m;
        }
        routing::MatchResult m = router_.match(req.method(), req.path(), params);
        if (m.kind == routing::MatchResult::Kind::found) {
            req.set_route(m.pattern, m.param_names, {params, m.param_count});
            return finish(req, handlers_[m.route](req));
        }
        if (m.kind == routing::MatchResult::Kind::not_found) m = unmatched;
        return answer_unmatched(req, m);
    } catch (const std::exception& e) {
        return render_error(req, Error::internal(fmt::format("exception: {}", e.what())));
    } catch (...) {
        return render_error(req, Error::internal("non-standard exception"));
    }
}

Response App::finish(Request& req, Result<Response> result) {
    if (result) return std::move(result).value();
    return render_error(req, result.error());
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

Response App::render_error(Request& req, const Error& error) {
    if (error.status >= 500) {
        log::error("{} {} failed with {}: {}", req.method_name(), req.target(), error.status,
                   error.detail.empty() ? error.message : error.detail);
    }
    try {
        return error_handler_(req, error);
    } catch (...) {
        // A failing error handler must not take the server down.
        log::error("the error handler threw while handling {} {}", req.method_name(), req.target());
        return Response::text("Internal Server Error\n", 500);
    }
}

}  // namespace sweet
