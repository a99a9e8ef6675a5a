#pragma once
/// @file thread.hpp
/// Per-thread record buffers. Every thread formats records into its own buffer without a lock.
/// A thread that runs an event loop (a worker) registers itself as one: its records are then
/// handed to the sinks once per loop batch (`flush_thread` from `Reactor::on_batch_end`), or
/// earlier when the buffer passes `set_flush_bytes`. Any other thread flushes after each record.
///
///     log::WorkerScope scope(index);                          // on the worker thread
///     reactor.on_batch_end([] { log::flush_thread(); });
///     reactor.run();                                          // the scope's end flushes the rest

namespace sweet::log {

/// Marks the calling thread as worker `index`: its records carry "worker": index and are
/// flushed by the thread itself (call `flush_thread` at the end of every loop batch).
void attach_worker(int index) noexcept;
/// Flushes the calling thread's records and makes it an ordinary thread again.
void detach_worker() noexcept;
/// Hands the calling thread's buffered records to the sinks. Cheap when there are none.
void flush_thread() noexcept;
/// The calling thread's worker index, or -1.
[[nodiscard]] int current_worker() noexcept;

/// `attach_worker` for the lifetime of a scope.
class WorkerScope {
public:
    /// Attaches the calling thread as worker `index`.
    explicit WorkerScope(int index) noexcept { attach_worker(index); }
    /// Flushes and detaches.
    ~WorkerScope() { detach_worker(); }
    WorkerScope(const WorkerScope&) = delete;
    WorkerScope& operator=(const WorkerScope&) = delete;
};

}  // namespace sweet::log
