/// @file output.cpp
/// The logger's machinery: the process-wide sink list and format, the per-thread record
/// buffers, and the two entry points every logging call ends in (`detail::emit`,
/// `detail::emit_formatted`).
///
/// Hot path (a record on a worker): format into the thread's own buffer; no lock, no shared
/// write, no allocation once the buffer has grown. The buffer reaches the sinks at the end of
/// the worker's event-loop batch, one `Sink::write` per sink for all its records.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <iterator>
#include <mutex>

#include "sweet/log/logger.hpp"
#include "sweet/log/output.hpp"
#include "sweet/log/thread.hpp"

namespace sweet::log {
namespace {

using SinkList = std::vector<std::shared_ptr<Sink>>;

// Buffers that grew past this (a burst, a huge record) are released after their flush so one
// spike does not pin memory in every thread forever.
constexpr std::size_t kRetainedCapacity = 1024 * 1024;

struct Output {
    std::mutex mutex;  // guards `sinks`; threads take it only when `generation` says it changed
    std::shared_ptr<const SinkList> sinks = std::make_shared<const SinkList>(SinkList{make_stderr_sink()});
    std::atomic<std::uint64_t> generation{1};
    std::atomic<Format> format{Format::text};
    std::atomic<std::size_t> flush_bytes{64 * 1024};
};

// Never destroyed: a detached thread may still log while static destructors run at exit.
Output& output() {
    static Output* const instance = new Output();
    return *instance;
}

struct ThreadLog {
    std::string buffer;               // complete records not yet handed to the sinks
    fmt::memory_buffer message;       // the formatted message of an fmt-style call
    std::shared_ptr<const SinkList> sinks;
    std::uint64_t generation = 0;     // of `sinks`; 0 = not loaded yet
    int worker = -1;                  // >= 0: a worker that flushes once per batch
    bool busy = false;                // inside a sink write or a message format: nested records are dropped
    std::int64_t cached_second = -1;  // the second `timestamp` holds the date and time of
    char timestamp[27] = {};          // "YYYY-MM-DDTHH:MM:SS.uuuuuuZ", rewritten in place

    ThreadLog() { buffer.reserve(4096); }
    ~ThreadLog() { flush(); }
    ThreadLog(const ThreadLog&) = delete;
    ThreadLog& operator=(const ThreadLog&) = delete;

    // Formats "now": the date and time of day once per second, the microseconds every time.
    std::string_view now() {
        using namespace std::chrono;
        const std::int64_t micros = duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
        std::int64_t second = micros / 1'000'000;
        std::int64_t fraction = micros % 1'000'000;
        if (fraction < 0) {  // before 1970: keep the fraction positive
            fraction += 1'000'000;
            --second;
        }
        if (second != cached_second) {
            std::string text;
            append_timestamp(text, system_clock::time_point(seconds(second)));
            if (text.size() != sizeof timestamp) return {};  // a year beyond 9999: no timestamp rather than a wrong one
            text.copy(timestamp, sizeof timestamp);
            cached_second = second;
        }
        for (int i = 25; i >= 20; --i) {
            timestamp[i] = static_cast<char>('0' + fraction % 10);
            fraction /= 10;
        }
        return {timestamp, sizeof timestamp};
    }

    void refresh_sinks() {
        Output& out = output();
        if (generation == out.generation.load(std::memory_order_acquire)) return;
        std::lock_guard lock(out.mutex);
        sinks = out.sinks;
        generation = out.generation.load(std::memory_order_relaxed);
    }

    void flush() noexcept {
        if (buffer.empty() || busy) return;
        busy = true;
        try {
            refresh_sinks();
            for (const auto& sink : *sinks) sink->write(buffer);
        } catch (...) {
            // A sink failed in an unexpected way (or memory ran out): the records are lost, the
            // program goes on. Sinks count their own losses.
        }
        busy = false;
        buffer.clear();
        if (buffer.capacity() > kRetainedCapacity) std::string().swap(buffer);
    }
};

thread_local ThreadLog t_log;

}  // namespace

namespace detail {

void emit(Level level, std::span<const Field> bound, std::string_view message, std::span<const Field> fields) noexcept {
    ThreadLog& t = t_log;
    if (t.busy) return;  // a sink or a formatter logged from inside the logger
    Output& out = output();
    try {
        const RecordHead head{level, t.now(), message, t.worker};
        append_record(t.buffer, out.format.load(std::memory_order_relaxed), head, bound, fields);
    } catch (...) {
        return;  // out of memory: this record is lost, not the process
    }
    if (t.worker < 0 || t.buffer.size() >= out.flush_bytes.load(std::memory_order_relaxed)) t.flush();
}

void emit_formatted(Level level, std::span<const Field> bound, fmt::string_view format, fmt::format_args args) noexcept {
    ThreadLog& t = t_log;
    if (t.busy) return;
    t.message.clear();
    t.busy = true;  // a formatter that logs would overwrite `message` under our feet
    try {
        fmt::vformat_to(std::back_inserter(t.message), format, args);
    } catch (const std::exception& e) {
        // The format string was checked at compile time, so this is a formatter's own failure.
        t.message.clear();
        fmt::format_to(std::back_inserter(t.message), "log message could not be formatted: {}", e.what());
    }
    t.busy = false;
    emit(level, bound, std::string_view(t.message.data(), t.message.size()), {});
}

}  // namespace detail

void attach_worker(int index) noexcept { t_log.worker = index < 0 ? -1 : index; }

void detach_worker() noexcept {
    t_log.flush();
    t_log.worker = -1;
}

void flush_thread() noexcept { t_log.flush(); }

int current_worker() noexcept { return t_log.worker; }

void set_sinks(std::vector<std::shared_ptr<Sink>> sinks) {
    Output& out = output();
    auto list = std::make_shared<const SinkList>(std::move(sinks));
    std::lock_guard lock(out.mutex);
    out.sinks = std::move(list);
    out.generation.fetch_add(1, std::memory_order_release);
}

std::vector<std::shared_ptr<Sink>> sinks() {
    Output& out = output();
    std::lock_guard lock(out.mutex);
    return *out.sinks;
}

void set_format(Format format) noexcept { output().format.store(format, std::memory_order_relaxed); }

Format format() noexcept { return output().format.load(std::memory_order_relaxed); }

void set_flush_bytes(std::size_t bytes) noexcept { output().flush_bytes.store(bytes == 0 ? 1 : bytes, std::memory_order_relaxed); }

Result<void> reopen() {
    Result<void> first;
    for (const auto& sink : sinks()) {
        Result<void> r = sink->reopen();
        if (!r && first) first = std::move(r);
    }
    return first;
}

void drain(std::chrono::milliseconds timeout) {
    t_log.flush();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (const auto& sink : sinks()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        sink->drain(left.count() > 0 ? left : std::chrono::milliseconds(0));
    }
}

std::uint64_t dropped_records() noexcept {
    std::uint64_t total = 0;
    try {
        for (const auto& sink : sinks()) total += sink->dropped();
    } catch (...) {
    }
    return total;
}

}  // namespace sweet::log
