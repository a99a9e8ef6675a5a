#pragma once
/// @file hiredis_adapter.hpp
/// Runs a hiredis asynchronous connection on a Sweet reactor, as a foreign file descriptor:
/// replies are handled on the worker thread, with no extra thread and no lock.
///
///     redisAsyncContext* ctx = redisAsyncConnect("127.0.0.1", 6379);
///     sweet::redis::attach(ctx, req.reactor());
///     redisAsyncCommand(ctx, on_reply, nullptr, "GET %s", "key");
///
/// Needs hiredis (Debian: libhiredis-dev); link PkgConfig::HIREDIS.

#include <hiredis/async.h>

#include "sweet/net/reactor.hpp"

namespace sweet::redis {

namespace detail {
/// State tying one redisAsyncContext to a reactor watch.
struct HiredisBinding {
    redisAsyncContext* context;
    net::Reactor* reactor;
    net::WatchId watch = 0;
    unsigned events = 0;

    void set(unsigned e) {
        events = e;
        if (watch == 0) {
            watch = reactor->watch(context->c.fd, events, [this](unsigned fired) {
                // hiredis may free the context (and call cleanup, deleting us) from inside
                // these calls, so read what we need first and touch nothing after.
                redisAsyncContext* ctx = context;
                const unsigned interest = events;
                if ((fired & (net::FdEvent::readable | net::FdEvent::hangup)) && (interest & net::FdEvent::readable)) {
                    redisAsyncHandleRead(ctx);
                    return;
                }
                if (fired & net::FdEvent::writable) redisAsyncHandleWrite(ctx);
            });
        } else {
            reactor->update_watch(watch, events);
        }
    }
};

inline void add_read(void* p) {
    auto* b = static_cast<HiredisBinding*>(p);
    b->set(b->events | net::FdEvent::readable);
}
inline void del_read(void* p) {
    auto* b = static_cast<HiredisBinding*>(p);
    b->set(b->events & ~unsigned(net::FdEvent::readable));
}
inline void add_write(void* p) {
    auto* b = static_cast<HiredisBinding*>(p);
    b->set(b->events | net::FdEvent::writable);
}
inline void del_write(void* p) {
    auto* b = static_cast<HiredisBinding*>(p);
    b->set(b->events & ~unsigned(net::FdEvent::writable));
}
inline void cleanup(void* p) {
    auto* b = static_cast<HiredisBinding*>(p);
    if (b->watch != 0) b->reactor->unwatch(b->watch);
    delete b;
}
}  // namespace detail

/// Drives `context` from `reactor` (same thread only). Returns false if the context already
/// has an event library attached. hiredis calls our cleanup when the context is freed.
inline bool attach(redisAsyncContext* context, net::Reactor& reactor) {
    if (context->ev.data != nullptr) return false;
    auto* binding = new detail::HiredisBinding{context, &reactor};
    context->ev.data = binding;
    context->ev.addRead = detail::add_read;
    context->ev.delRead = detail::del_read;
    context->ev.addWrite = detail::add_write;
    context->ev.delWrite = detail::del_write;
    context->ev.cleanup = detail::cleanup;
    return true;
}

}  // namespace sweet::redis
