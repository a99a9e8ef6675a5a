#pragma once
/// @file log.hpp
/// The logging calls Sweet's own code uses: `log::info/warn/error("listening on {}", x)` and
/// `log::write(level, ...)`. They are the structured logger's calls (sweet/log/logger.hpp), so
/// these lines follow its configuration: text or JSON lines, every configured sink, the level
/// threshold, and per-worker buffering. Applications include <sweet/log/log.hpp> for the rest
/// (typed fields, loggers, sinks, `log::configure`).

#include "sweet/log/logger.hpp"
