/// @file server.cpp
/// One worker's HTTP server: connection pool, buffer pool, timeout sweep and graceful drain.

#include "sweet/http/server.hpp"

#include <mutex>

#include "connection.hpp"

namespace sweet::http {

namespace {
// Timeouts are checked by one periodic sweep instead of a timer per connection: a request
// then costs no timer-heap operation, and the precision (a quarter second) is plenty.
constexpr std::chrono::milliseconds kSweepInterval{250};
// Pooled buffers larger than this are freed instead of kept.
constexpr std::size_t kMaxPooledBuffer = 256 * 1024;
constexpr std::size_t kMaxPooledBuffers = 256;
constexpr std::size_t kInitialBuffer = 4096;
}  // namespace

namespace {
// Every live server's statistics, for `worker_stats()`. Touched only when servers start and
// stop; requests update their own WorkerStats without this lock.
std::mutex g_stats_mutex;
std::vector<std::weak_ptr<WorkerStats>> g_stats;
}  // namespace

std::vector<std::shared_ptr<const WorkerStats>> worker_stats() {
    std::lock_guard lock(g_stats_mutex);
    std::vector<std::shared_ptr<const WorkerStats>> out;
    for (auto& weak : g_stats) {
        if (auto live = weak.lock()) out.push_back(std::move(live));
    }
    return out;
}

HttpServer::HttpServer(net::Reactor& reactor, RequestHandler& handler, ServerLimits limits, int worker)
    : reactor_(reactor),
      handler_(handler),
      limits_(std::move(limits)),
      headers_(limits_.parser.max_headers),
      timed_(handler.wants_after_response()),
      streams_bodies_(handler.streams_bodies()),
      stats_ptr_(std::make_shared<WorkerStats>()),
      stats_(*stats_ptr_) {
    stats_.worker = worker;
    {
        std::lock_guard lock(g_stats_mutex);
        std::erase_if(g_stats, [](const std::weak_ptr<WorkerStats>& w) { return w.expired(); });
        g_stats.push_back(stats_ptr_);
    }
    schedule_sweep();
}

HttpServer::~HttpServer() {
    reactor_.cancel_timer(sweep_timer_);
    std::lock_guard lock(g_stats_mutex);
    std::erase_if(g_stats, [this](const std::weak_ptr<WorkerStats>& w) { return w.expired() || w.lock() == stats_ptr_; });
}

net::Connection* HttpServer::on_accept(int fd) {
    if (draining_ || live_.size() >= limits_.max_connections) return nullptr;
    HttpConnection* conn;
    if (!free_.empty()) {
        conn = free_.back();
        free_.pop_back();
    } else {
        all_.push_back(std::make_unique<HttpConnection>(*this));
        conn = all_.back().get();
    }
    conn->live_index = live_.size();
    live_.push_back(conn);
    conn->start(fd);
    stats_.connections_accepted.fetch_add(1, std::memory_order_relaxed);
    stats_.connections_open.store(live_.size(), std::memory_order_relaxed);
    return conn;
}

void HttpServer::release(HttpConnection& conn) {
    // Swap-remove from the live list.
    const std::size_t i = conn.live_index;
    if (i < live_.size() && live_[i] == &conn) {
        live_[i] = live_.back();
        live_[i]->live_index = i;
        live_.pop_back();
    }
    stats_.connections_open.store(live_.size(), std::memory_order_relaxed);
    free_.push_back(&conn);
    notify_if_drained();
}

void HttpServer::ensure_buffer(std::string& buffer) {
    if (buffer.capacity() >= kInitialBuffer) return;
    if (!buffer_pool_.empty()) {
        buffer = std::move(buffer_pool_.back());
        buffer_pool_.pop_back();
    } else {
        buffer.reserve(kInitialBuffer);
    }
}

void HttpServer::give_buffer(std::string& buffer) {
    if (buffer.capacity() < kInitialBuffer) return;  // too small to be worth keeping
    if (buffer.capacity() <= kMaxPooledBuffer && buffer_pool_.size() < kMaxPooledBuffers) {
        buffer.clear();
        buffer_pool_.push_back(std::move(buffer));
    }
    std::string().swap(buffer);  // the connection keeps no memory while idle
}

void HttpServer::sweep_timeouts() {
    const Clock::time_point now = reactor_.now();
    // Iterate backwards and re-check the bound: cheap insurance should a check ever remove a
    // connection synchronously (closes are deferred by the reactor today).
    for (std::size_t i = live_.size(); i-- > 0;) {
        if (i < live_.size()) live_[i]->check_timeout(now);
    }
    schedule_sweep();
}

void HttpServer::schedule_sweep() {
    sweep_timer_ = reactor_.add_timer(kSweepInterval, [this] { sweep_timeouts(); });
}

void HttpServer::notify_if_drained() {
    if (draining_ && live_.empty() && on_drained_) {
        auto done = std::move(on_drained_);
        on_drained_ = nullptr;
        done();
    }
}

void HttpServer::start_drain(UniqueFunction<void()> on_drained) {
    draining_ = true;
    on_drained_ = std::move(on_drained);
    if (live_.empty()) {
        notify_if_drained();
        return;
    }
    const std::vector<HttpConnection*> snapshot = live_;
    for (HttpConnection* c : snapshot) c->drain();
}

void HttpServer::close_all() {
    const std::vector<HttpConnection*> snapshot = live_;
    for (HttpConnection* c : snapshot) c->abort();
}

}  // namespace sweet::http
