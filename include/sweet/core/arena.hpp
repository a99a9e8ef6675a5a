#pragma once
/// @file arena.hpp
/// Per-core bump allocator for request-lifetime memory. Each worker owns one; everything a
/// request allocates from it is released at once, in O(1), by `reset()` after the response.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string_view>
#include <vector>

namespace sweet {

/// A bump allocator made of chunks. Allocation is a pointer increment; `reset()` rewinds to the
/// first chunk and keeps the others for reuse, so a steady load allocates from the system once.
/// Not thread-safe: one arena belongs to one worker thread.
class Arena {
public:
    /// `chunk_size` is the size of each chunk; larger requests get a chunk of their own.
    explicit Arena(std::size_t chunk_size = 16 * 1024) : chunk_size_(chunk_size) {}
    Arena(const Arena&) = delete;
    Arena& operator=(const Arena&) = delete;
    ~Arena() {
        for (Chunk& c : chunks_) std::free(c.data);
    }

    /// Returns `size` bytes aligned to `align` (a power of two), valid until `reset()`.
    void* allocate(std::size_t size, std::size_t align = alignof(std::max_align_t)) {
        std::uintptr_t p = (reinterpret_cast<std::uintptr_t>(cursor_) + (align - 1)) & ~(std::uintptr_t(align) - 1);
        if (cursor_ != nullptr && p + size <= reinterpret_cast<std::uintptr_t>(end_)) {
            cursor_ = reinterpret_cast<char*>(p + size);
            bytes_in_use_ += size;
            return reinterpret_cast<void*>(p);
        }
        return allocate_slow(size, align);
    }

    /// Allocates an array of `n` default-initialised `T` (T must be trivially destructible:
    /// the arena never runs destructors).
    template <class T>
    T* allocate_array(std::size_t n) {
        static_assert(std::is_trivially_destructible_v<T>, "Arena memory is released without running destructors");
        return static_cast<T*>(allocate(sizeof(T) * n, alignof(T)));
    }

    /// Copies `s` into the arena and returns a view of the copy.
    std::string_view copy(std::string_view s) {
        if (s.empty()) return {};
        char* p = static_cast<char*>(allocate(s.size(), 1));
        std::memcpy(p, s.data(), s.size());
        return {p, s.size()};
    }

    /// Releases everything allocated since the last reset, in O(1): rewinds to the first chunk.
    /// Oversized chunks (from allocations larger than `chunk_size`) are freed so one big request
    /// does not pin memory forever.
    void reset() noexcept {
        if (has_oversized_) release_oversized();
        current_ = 0;
        if (!chunks_.empty()) {
            cursor_ = chunks_[0].data;
            end_ = chunks_[0].data + chunks_[0].size;
        }
        bytes_in_use_ = 0;
    }

    /// Bytes handed out since the last reset (for tests and metrics).
    [[nodiscard]] std::size_t bytes_in_use() const noexcept { return bytes_in_use_; }
    /// Bytes held from the system, in use or not.
    [[nodiscard]] std::size_t bytes_reserved() const noexcept {
        std::size_t n = 0;
        for (const Chunk& c : chunks_) n += c.size;
        return n;
    }

private:
    struct Chunk {
        char* data;
        std::size_t size;
    };

    void* allocate_slow(std::size_t size, std::size_t align) {
        // Move to the next retained chunk that can hold the request, or add a chunk.
        while (current_ + 1 < chunks_.size() && !chunks_.empty() && cursor_ != nullptr) {
            ++current_;
            cursor_ = chunks_[current_].data;
            end_ = cursor_ + chunks_[current_].size;
            std::uintptr_t p = (reinterpret_cast<std::uintptr_t>(cursor_) + (align - 1)) & ~(std::uintptr_t(align) - 1);
            if (p + size <= reinterpret_cast<std::uintptr_t>(end_)) {
                cursor_ = reinterpret_cast<char*>(p + size);
                bytes_in_use_ += size;
                return reinterpret_cast<void*>(p);
            }
        }
        std::size_t want = size + align;
        std::size_t chunk = want > chunk_size_ ? want : chunk_size_;
        char* data = static_cast<char*>(std::malloc(chunk));
        if (data == nullptr) throw std::bad_alloc();
        if (chunk > chunk_size_) has_oversized_ = true;
        chunks_.push_back({data, chunk});
        current_ = chunks_.size() - 1;
        cursor_ = data;
        end_ = data + chunk;
        std::uintptr_t p = (reinterpret_cast<std::uintptr_t>(cursor_) + (align - 1)) & ~(std::uintptr_t(align) - 1);
        cursor_ = reinterpret_cast<char*>(p + size);
        bytes_in_use_ += size;
        return reinterpret_cast<void*>(p);
    }

    void release_oversized() noexcept {
        std::size_t kept = 0;
        for (Chunk& c : chunks_) {
            if (c.size > chunk_size_) {
                std::free(c.data);
            } else {
                chunks_[kept++] = c;
            }
        }
        chunks_.resize(kept);
        has_oversized_ = false;
        if (chunks_.empty()) {
            cursor_ = end_ = nullptr;
        }
    }

    std::size_t chunk_size_;
    std::vector<Chunk> chunks_;
    std::size_t current_ = 0;
    char* cursor_ = nullptr;
    char* end_ = nullptr;
    std::size_t bytes_in_use_ = 0;
    bool has_oversized_ = false;
};

/// A standard allocator drawing from an `Arena`; `deallocate` is a no-op (reset frees all).
template <class T>
class ArenaAllocator {
public:
    using value_type = T;
    explicit ArenaAllocator(Arena& arena) noexcept : arena_(&arena) {}
    template <class U>
    ArenaAllocator(const ArenaAllocator<U>& other) noexcept : arena_(other.arena()) {}  // NOLINT
    T* allocate(std::size_t n) { return static_cast<T*>(arena_->allocate(n * sizeof(T), alignof(T))); }
    void deallocate(T*, std::size_t) noexcept {}
    [[nodiscard]] Arena* arena() const noexcept { return arena_; }
    template <class U>
    bool operator==(const ArenaAllocator<U>& o) const noexcept { return arena_ == o.arena(); }

private:
    Arena* arena_;
};

}  // namespace sweet
