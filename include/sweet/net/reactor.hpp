#pragma once
/// @file reactor.hpp
/// The reactor: one event loop per worker thread, owning every socket, timer and foreign file
/// descriptor of that worker. Two backends share this interface: io_uring (default on kernels
/// that have it) and epoll (older kernels, or `Backend::epoll`). The protocol layer (HTTP)
/// derives from `Connection` and never touches sockets directly.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "sweet/core/spsc_queue.hpp"
#include "sweet/core/timer_heap.hpp"
#include "sweet/core/unique_function.hpp"

namespace sweet::net {

/// Readable bytes that follow every buffer passed to `Connection::on_data` (their values are
/// unspecified). SIMD parsers (simdjson needs 64) may read past the data without a copy.
inline constexpr std::size_t kReceivePadding = 64;

/// Which event-notification mechanism a reactor uses.
enum class Backend : std::uint8_t {
    automatic,  ///< io_uring when the kernel supports what Sweet uses, else epoll
    io_uring,   ///< io_uring: multishot accept and receive, provided buffer ring, batched submits
    epoll,      ///< epoll, edge-triggered: the portable fallback
};

/// "io_uring", "epoll" or "automatic".
std::string_view backend_name(Backend b) noexcept;
/// Parses "io_uring", "epoll" or "auto"/"automatic" (for config files and the SWEET_BACKEND variable).
bool parse_backend(std::string_view text, Backend& out) noexcept;

/// Tuning knobs of one reactor.
struct ReactorOptions {
    unsigned ring_entries = 4096;            ///< io_uring submission queue size
    unsigned recv_buffer_size = 16 * 1024;   ///< size of each provided receive buffer (and of epoll's read buffer)
    unsigned recv_buffer_count = 1024;       ///< buffers in the io_uring provided-buffer ring (power of two)
};

/// One accepted TCP connection, as the reactor sees it. The protocol layer derives from it and
/// receives events through the virtual functions. Calls happen on the owning worker thread only.
class Connection {
public:
    Connection() = default;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    virtual ~Connection() = default;

    /// Bytes arrived. `data` is valid only during the call (it may be a kernel-provided buffer
    /// that is recycled right after), so keep what you need by copying it. At least
    /// `kReceivePadding` readable bytes follow it.
    virtual void on_data(std::string_view data) = 0;
    /// The peer shut down its sending side (read returned 0). Sends may still be possible.
    virtual void on_peer_closed() = 0;
    /// The buffer given to the last `Reactor::send` (or the file region given to
    /// `Reactor::send_file`) has been fully written.
    virtual void on_sent() = 0;
    /// The socket is closed and no event will follow. The object may free itself here.
    virtual void on_closed() = 0;

    /// The socket's file descriptor (for socket options; never read or write it directly).
    [[nodiscard]] int fd() const noexcept { return io.fd; }

    /// Reactor-owned bookkeeping. The protocol layer must not touch it.
    struct IoState {
        int fd = -1;
        std::uint32_t flags = 0;          ///< backend-specific state bits
        std::uint32_t pending = 0;        ///< operations in flight (io_uring)
        const char* send_data = nullptr;  ///< rest of the current send (nullptr while sending a file)
        std::size_t send_left = 0;        ///< bytes of the current send (buffer or file) not yet written
        int file_fd = -1;                 ///< the file being sent by `send_file` (not owned)
        std::uint64_t file_offset = 0;    ///< next byte of that file to send

        /// Records a buffer send (for backends).
        void start_buffer_send(const char* data, std::size_t size) noexcept {
            send_data = data;
            send_left = size;
            file_fd = -1;
        }
        /// Records a file send (for backends).
        void start_file_send(int file, std::uint64_t offset, std::size_t size) noexcept {
            send_data = nullptr;
            send_left = size;
            file_fd = file;
            file_offset = offset;
        }
    } io;
};

/// Decides what to do with a freshly accepted socket: return a `Connection` to serve it, or
/// nullptr to refuse it (the reactor then closes it).
class Acceptor {
public:
    virtual ~Acceptor() = default;
    /// Called for each accepted socket (already non-blocking, with TCP_NODELAY set).
    virtual Connection* on_accept(int fd) = 0;
};

/// Readiness interest and events for foreign file descriptors (`Reactor::watch`).
enum FdEvent : unsigned {
    readable = 1u,  ///< data to read, or EOF
    writable = 2u,  ///< room to write
    hangup = 4u,    ///< error or hang-up (reported even if not asked for)
};

/// Identifies one foreign-fd watch.
using WatchId = std::uint64_t;

/// A cross-thread task: a closure run on the receiving reactor's thread.
using Task = UniqueFunction<void()>;

/// Cross-core messages into one reactor: one single-producer single-consumer queue per producer
/// thread (each other worker, and the main thread). Owned by the reactor; see `Reactor::post`.
class Mailbox {
public:
    /// `producers` queues of `capacity` tasks each.
    Mailbox(std::size_t producers, std::size_t capacity);
    /// Producer `producer` (one thread per index) enqueues `task`; false when that queue is full
    /// (back-pressure instead of unbounded memory).
    bool push(std::size_t producer, Task task);
    /// Consumer side: runs every queued task; returns how many ran.
    std::size_t drain();
    /// Number of producer slots.
    [[nodiscard]] std::size_t producers() const noexcept { return queues_.size(); }

private:
    std::vector<std::unique_ptr<SpscQueue<Task>>> queues_;
};

/// A worker's event loop. Create one with `Reactor::create`, add listeners, connections arrive
/// through the `Acceptor`, then call `run()` on the worker thread until `stop()`.
class Reactor {
public:
    /// Makes a reactor with the requested backend. `automatic` picks io_uring when the kernel
    /// accepts the features Sweet uses, else epoll. Throws std::system_error on failure.
    static std::unique_ptr<Reactor> create(Backend backend, const ReactorOptions& options = {});

    /// Creates the wake-up eventfd; backends set up the rest.
    Reactor();
    Reactor(const Reactor&) = delete;
    Reactor& operator=(const Reactor&) = delete;
    virtual ~Reactor();

    /// The backend actually in use.
    [[nodiscard]] virtual Backend backend() const noexcept = 0;

    // ---- listening ------------------------------------------------------------------------
    /// Starts accepting on `listen_fd` (a bound, listening, non-blocking socket the reactor
    /// now owns); accepted sockets go to `acceptor`.
    virtual void listen(int listen_fd, Acceptor& acceptor) = 0;
    /// Stops accepting and closes every listening socket (graceful shutdown starts here).
    virtual void stop_listening() = 0;

    // ---- connections ----------------------------------------------------------------------
    /// Starts serving an accepted socket through `conn` (called by the reactor itself after
    /// `Acceptor::on_accept`; public for sockets obtained another way).
    virtual void add_connection(int fd, Connection& conn) = 0;
    /// Writes `size` bytes from `data`, which must stay valid and unchanged until
    /// `conn.on_sent()`. Only one send may be in flight per connection.
    virtual void send(Connection& conn, const char* data, std::size_t size) = 0;
    /// Writes `size` bytes of the open file `file_fd` from `offset` with sendfile(2): page cache
    /// to socket, no copy through user space. `file_fd` must stay open until `conn.on_sent()`.
    /// Only one send (of either kind) may be in flight per connection. A file that ends before
    /// `size` bytes closes the connection: the response promised them.
    virtual void send_file(Connection& conn, int file_fd, std::uint64_t offset, std::size_t size) = 0;
    /// Stops delivering `on_data` (back-pressure: the peer's writes then wait in the kernel).
    virtual void pause_receive(Connection& conn) = 0;
    /// Delivers `on_data` again after `pause_receive`.
    virtual void resume_receive(Connection& conn) = 0;
    /// Half-closes: sends FIN after pending data; receiving continues (lingering close).
    virtual void shutdown_write(Connection& conn) = 0;
    /// Closes the connection: any send in flight is abandoned and `on_closed` follows (later,
    /// never from inside this call).
    virtual void close(Connection& conn) = 0;

    // ---- foreign file descriptors (e.g. a hiredis async connection) -----------------------
    /// Watches `fd` (not owned) for `events` (FdEvent bits); `callback(events)` runs on readiness.
    /// Level-triggered: the callback runs again while the condition holds.
    virtual WatchId watch(int fd, unsigned events, UniqueFunction<void(unsigned)> callback) = 0;
    /// Changes the interest set of a watch (0 pauses it).
    virtual void update_watch(WatchId id, unsigned events) = 0;
    /// Stops watching; the callback is destroyed and never runs again.
    virtual void unwatch(WatchId id) = 0;

    // ---- timers ---------------------------------------------------------------------------
    /// Runs `fn` once after `delay` on this reactor's thread.
    TimerId add_timer(std::chrono::milliseconds delay, TimerHeap::Callback fn) {
        // A fresh clock read: now() may be stale when called outside the loop.
        return timers_.add(Clock::now() + delay, std::move(fn));
    }
    /// Runs `fn` once at `deadline`.
    TimerId add_timer_at(Clock::time_point deadline, TimerHeap::Callback fn) { return timers_.add(deadline, std::move(fn)); }
    /// Cancels a timer; false when it already ran or was cancelled.
    bool cancel_timer(TimerId id) { return timers_.cancel(id); }
    /// The loop's clock, read once per loop iteration (cheap to call often).
    [[nodiscard]] Clock::time_point now() const noexcept { return now_; }

    // ---- cross-core messages --------------------------------------------------------------
    /// Enables cross-thread posting into this reactor with one SPSC queue per producer.
    /// Call before `run()`. Producer indexes are assigned by the caller (worker index, etc.).
    void enable_mailbox(std::size_t producers, std::size_t capacity = 4096);
    /// Posts `task` from producer `producer` (any thread, but one thread per index) and wakes
    /// the loop if it sleeps. False when the queue is full.
    bool post(std::size_t producer, Task task);

    // ---- the loop -------------------------------------------------------------------------
    /// Runs `fn` on the loop's thread each time the loop is about to wait for events: once
    /// after every batch of events, timers and posted tasks, and never while the loop sleeps.
    /// For work that is cheaper once per batch than once per event (a worker hands its buffered
    /// log records to the sinks here). One callback per reactor: a new one replaces the old.
    /// Keep it short; I/O it starts on this reactor is served in the next batch.
    void on_batch_end(UniqueFunction<void()> fn) { batch_end_ = std::move(fn); }
    /// Runs the loop on the calling thread until `stop()`.
    virtual void run() = 0;
    /// Makes `run()` return after the current iteration. Thread-safe.
    void stop();
    /// True after `stop()`.
    [[nodiscard]] bool stopping() const noexcept { return stop_requested_.load(std::memory_order_acquire); }

    /// Counters, for tests and metrics.
    struct Stats {
        std::uint64_t accepted = 0;       ///< connections accepted
        std::uint64_t enter_calls = 0;    ///< io_uring_enter or epoll_wait calls
        std::uint64_t send_calls = 0;     ///< sends submitted (io_uring) or send() syscalls (epoll)
    };
    /// This reactor's counters.
    [[nodiscard]] const Stats& stats() const noexcept { return stats_; }

protected:
    /// Backends call this before sleeping: refreshes `now()`, runs due timers and posted tasks.
    /// Returns how long the loop may sleep in milliseconds (-1: nothing scheduled).
    int before_wait_ms();
    /// Backends call this after waking: refreshes `now()`.
    void after_wait() noexcept { now_ = Clock::now(); }
    /// Backends call this when the wake-up eventfd became readable: clears it and runs posted tasks.
    void on_wakeup();
    /// The eventfd that `post` and `stop` write to wake the loop; the backend watches it.
    [[nodiscard]] int wake_fd() const noexcept { return wake_fd_; }
    /// Backends call this right before they wait for events (see `on_batch_end`).
    void end_batch() {
        if (batch_end_) batch_end_();
    }

    TimerHeap timers_;
    Clock::time_point now_ = Clock::now();
    Stats stats_;

private:
    void wake() noexcept;

    std::unique_ptr<Mailbox> mailbox_;
    UniqueFunction<void()> batch_end_;
    int wake_fd_ = -1;
    std::atomic<bool> wake_pending_{false};
    std::atomic<bool> stop_requested_{false};
};

}  // namespace sweet::net
