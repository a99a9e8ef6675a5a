#pragma once
/// @file timer_heap.hpp
/// Min-heap of deadlines with O(log n) insert, O(1) cancel and stable ids. Each reactor owns one
/// (`Reactor::add_timer`); the HTTP server's timeout sweep and streamed responses use it.

#include <chrono>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "sweet/core/unique_function.hpp"

namespace sweet {

/// Monotonic clock used by timers and timeouts.
using Clock = std::chrono::steady_clock;

/// Identifies one scheduled timer so it can be cancelled. Zero is never a valid id.
using TimerId = std::uint64_t;

/// A min-heap of (deadline, callback). Callbacks live in recycled slots; a timer id is the slot
/// index plus the slot's generation, so cancelling is an O(1) check and a stale id is harmless.
/// Cancelled entries stay in the heap until they reach the top and are skipped there.
class TimerHeap {
public:
    using Callback = UniqueFunction<void()>;

    /// Schedules `fn` to run at `deadline`. Returns an id for `cancel`.
    TimerId add(Clock::time_point deadline, Callback fn) {
        std::uint32_t index;
        if (!free_slots_.empty()) {
            index = free_slots_.back();
            free_slots_.pop_back();
        } else {
            index = static_cast<std::uint32_t>(slots_.size());
            slots_.emplace_back();
        }
        Slot& slot = slots_[index];
        ++slot.generation;
        slot.fn = std::move(fn);
        slot.armed = true;
        heap_.push_back({deadline, ++sequence_, index});
        sift_up(heap_.size() - 1);
        ++live_;
        return (std::uint64_t(slot.generation) << 32) | index;
    }

    /// Cancels a pending timer. Returns false when it already ran or was cancelled.
    bool cancel(TimerId id) {
        const auto index = static_cast<std::uint32_t>(id & 0xffffffffu);
        const auto generation = static_cast<std::uint32_t>(id >> 32);
        if (index >= slots_.size()) return false;
        Slot& slot = slots_[index];
        if (slot.generation != generation || !slot.armed) return false;
        slot.armed = false;
        slot.fn.reset();  // release captured state now, not when the entry surfaces
        --live_;
        // Bound the memory held by cancelled entries: once they are the majority, rebuild.
        if (heap_.size() > 64 && heap_.size() > 2 * live_) compact();
        return true;
    }

    /// The earliest live deadline, if any.
    std::optional<Clock::time_point> next_deadline() {
        drop_cancelled_top();
        if (heap_.empty()) return std::nullopt;
        return heap_.front().deadline;
    }

    /// Runs every timer whose deadline is at or before `now`, earliest first. Timers added by a
    /// callback run in a later call, never in this one, so a callback cannot starve the loop.
    /// Returns how many ran.
    std::size_t run_due(Clock::time_point now) {
        std::size_t ran = 0;
        const std::uint64_t newest_before_run = sequence_;
        while (true) {
            drop_cancelled_top();
            if (heap_.empty()) break;
            const Entry top = heap_.front();
            if (top.deadline > now || top.sequence > newest_before_run) break;
            pop_top();
            Slot& slot = slots_[top.slot];
            Callback fn = std::move(slot.fn);
            slot.armed = false;
            free_slots_.push_back(top.slot);
            --live_;
            fn();  // may add or cancel timers: `slot` must not be used after this
            ++ran;
        }
        return ran;
    }

    /// Number of pending (not cancelled, not run) timers.
    [[nodiscard]] std::size_t size() const noexcept { return live_; }

private:
    struct Entry {
        Clock::time_point deadline;
        std::uint64_t sequence;  // insertion order: ties run first-in first-out
        std::uint32_t slot;
    };
    struct Slot {
        Callback fn;
        std::uint32_t generation = 0;
        bool armed = false;
    };

    static bool earlier(const Entry& a, const Entry& b) {
        return a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence);
    }
    void sift_up(std::size_t i) {
        while (i > 0) {
            const std::size_t parent = (i - 1) / 2;
            if (!earlier(heap_[i], heap_[parent])) break;
            std::swap(heap_[i], heap_[parent]);
            i = parent;
        }
    }
    void sift_down(std::size_t i) {
        const std::size_t n = heap_.size();
        while (true) {
            const std::size_t l = 2 * i + 1, r = l + 1;
            std::size_t m = i;
            if (l < n && earlier(heap_[l], heap_[m])) m = l;
            if (r < n && earlier(heap_[r], heap_[m])) m = r;
            if (m == i) break;
            std::swap(heap_[i], heap_[m]);
            i = m;
        }
    }
    void pop_top() {
        heap_.front() = heap_.back();
        heap_.pop_back();
        if (!heap_.empty()) sift_down(0);
    }
    void drop_cancelled_top() {
        // A cancelled entry's slot is recycled only here, once no heap entry refers to it.
        while (!heap_.empty() && !slots_[heap_.front().slot].armed) {
            free_slots_.push_back(heap_.front().slot);
            pop_top();
        }
    }

    void compact() {
        std::size_t kept = 0;
        for (const Entry& e : heap_) {
            if (slots_[e.slot].armed) {
                heap_[kept++] = e;
            } else {
                free_slots_.push_back(e.slot);
            }
        }
        heap_.resize(kept);
        for (std::size_t i = heap_.size() / 2; i-- > 0;) sift_down(i);
    }

    std::vector<Entry> heap_;
    std::vector<Slot> slots_;
    std::vector<std::uint32_t> free_slots_;
    std::uint64_t sequence_ = 0;
    std::size_t live_ = 0;
};

}  // namespace sweet
