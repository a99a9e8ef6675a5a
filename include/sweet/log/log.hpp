#pragma once
/// @file log.hpp
/// Structured logging, everything in one include: levels, typed fields, loggers, sinks, the
/// per-thread buffers and `configure`. docs/logging.md teaches it by example.

#include "sweet/log/config.hpp"
#include "sweet/log/field.hpp"
#include "sweet/log/level.hpp"
#include "sweet/log/logger.hpp"
#include "sweet/log/output.hpp"
#include "sweet/log/record.hpp"
#include "sweet/log/sink.hpp"
#include "sweet/log/thread.hpp"
