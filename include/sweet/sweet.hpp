#pragma once
/// @file sweet.hpp
/// Everything an application needs: `#include <sweet/sweet.hpp>`.
///
/// Layers, each including only the ones before it:
///   core/     Result, Arena, SpscQueue, TimerHeap, UniqueFunction, logging
///   net/      the reactor (io_uring or epoll), listeners, cross-core mailboxes
///   http/     HTTP/1.1 parsing, requests, responses, the per-worker server
///   routing/  compile-time route patterns, the radix-trie router, typed handler binding
///   app/      App, ServerConfig, middleware and error handling

#include <fmt/format.h>

#include "sweet/app/app.hpp"
#include "sweet/app/config.hpp"
#include "sweet/app/middleware.hpp"
#include "sweet/core/result.hpp"
#include "sweet/http/request.hpp"
#include "sweet/http/response.hpp"

namespace sweet {
using http::Method;
using routing::routes;
}  // namespace sweet
