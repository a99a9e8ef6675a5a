#pragma once
/// @file spsc_queue.hpp
/// Bounded single-producer single-consumer ring: the lock-free channel between two cores.

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <optional>
#include <utility>

namespace sweet {

/// A fixed-capacity FIFO that exactly one thread pushes to and exactly one thread pops from.
/// Head and tail live on separate cache lines, and each side caches the other's index so a
/// push or pop touches shared memory only when the cached view says the ring is full or empty.
template <class T>
class SpscQueue {
public:
    /// `capacity` is rounded up to a power of two.
    explicit SpscQueue(std::size_t capacity) {
        std::size_t cap = 2;
        while (cap < capacity) cap <<= 1;
        mask_ = cap - 1;
        slots_ = std::allocator<Slot>{}.allocate(cap);
    }
    SpscQueue(const SpscQueue&) = delete;
    SpscQueue& operator=(const SpscQueue&) = delete;
    ~SpscQueue() {
        while (try_pop()) {
        }
        std::allocator<Slot>{}.deallocate(slots_, mask_ + 1);
    }

    /// Producer side: enqueues `value`, or returns false (and leaves `value` alone) when full.
    template <class U>
    bool try_push(U&& value) {
        const std::size_t tail = tail_.load(std::memory_order_relaxed);
        if (tail - head_cache_ > mask_) {
            head_cache_ = head_.load(std::memory_order_acquire);
            if (tail - head_cache_ > mask_) return false;
        }
        ::new (static_cast<void*>(&slots_[tail & mask_])) T(std::forward<U>(value));
        tail_.store(tail + 1, std::memory_order_release);
        return true;
    }

    /// Consumer side: dequeues the oldest element, or returns nullopt when empty.
    std::optional<T> try_pop() {
        const std::size_t head = head_.load(std::memory_order_relaxed);
        if (head == tail_cache_) {
            tail_cache_ = tail_.load(std::memory_order_acquire);
            if (head == tail_cache_) return std::nullopt;
        }
        T* slot = std::launder(reinterpret_cast<T*>(&slots_[head & mask_]));
        std::optional<T> out(std::move(*slot));
        slot->~T();
        head_.store(head + 1, std::memory_order_release);
        return out;
    }

    /// Consumer side: true when nothing is queued (a snapshot).
    [[nodiscard]] bool empty() const noexcept {
        return head_.load(std::memory_order_acquire) == tail_.load(std::memory_order_acquire);
    }
    /// Maximum number of queued elements.
    [[nodiscard]] std::size_t capacity() const noexcept { return mask_ + 1; }

private:
    struct Slot {
        alignas(T) unsigned char bytes[sizeof(T)];
    };
    static constexpr std::size_t kLine = 64;

    Slot* slots_ = nullptr;
    std::size_t mask_ = 0;
    alignas(kLine) std::atomic<std::size_t> head_{0};  // written by the consumer
    std::size_t tail_cache_ = 0;                        // consumer's view of tail_
    alignas(kLine) std::atomic<std::size_t> tail_{0};  // written by the producer
    std::size_t head_cache_ = 0;                        // producer's view of head_
};

}  // namespace sweet
