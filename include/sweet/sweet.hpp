#pragma once
/// @file sweet.hpp
/// Everything an application needs: `#include <sweet/sweet.hpp>`.
///
/// Layers, each including only the ones below it (docs/architecture.md):
///   core/, json/, schema/, log/   foundation: Result, Arena, queues, timers; JSON; struct schemas; logging
///   net/       the reactor (io_uring or epoll), listeners, cross-core mailboxes
///   http/      HTTP/1.1 parsing, requests, responses, cookies, forms, multipart, the per-worker server
///   routing/   compile-time route patterns, the radix-trie router, typed handler binding
///   app/       App, groups, hooks, dependencies, typed parameters, OpenAPI, logging glue
///   features/  CORS, request ids, security headers, compression, rate limits, metrics, static files

#include <fmt/format.h>

#include "sweet/app/app.hpp"
#include "sweet/app/config.hpp"
#include "sweet/app/dependencies.hpp"
#include "sweet/app/group.hpp"
#include "sweet/app/hooks.hpp"
#include "sweet/app/logging.hpp"
#include "sweet/app/middleware.hpp"
#include "sweet/app/route_options.hpp"
#include "sweet/app/typed_params.hpp"
#include "sweet/core/result.hpp"
#include "sweet/features/compression.hpp"
#include "sweet/features/cors.hpp"
#include "sweet/features/metrics.hpp"
#include "sweet/features/rate_limit.hpp"
#include "sweet/features/request_id.hpp"
#include "sweet/features/security_headers.hpp"
#include "sweet/features/static_files.hpp"
#include "sweet/http/body_sink.hpp"
#include "sweet/http/cookies.hpp"
#include "sweet/http/file_body.hpp"
#include "sweet/http/form.hpp"
#include "sweet/http/http_date.hpp"
#include "sweet/http/multipart.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"
#include "sweet/json/value.hpp"
#include "sweet/log/log.hpp"
#include "sweet/schema/schema.hpp"

namespace sweet {
using http::Method;
using routing::routes;
}  // namespace sweet
