#pragma once
/// @file unique_function.hpp
/// A move-only `std::function` (C++23's `std::move_only_function` is not in C++20), so timers and
/// cross-core tasks can own move-only state such as a `std::unique_ptr`.

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace sweet {

template <class Signature>
class UniqueFunction;

/// Move-only callable wrapper. Small callables (up to 3 pointers) are stored inline, so posting
/// a lambda that captures a pointer or two allocates nothing.
template <class R, class... Args>
class UniqueFunction<R(Args...)> {
public:
    UniqueFunction() noexcept = default;
    UniqueFunction(std::nullptr_t) noexcept {}  // NOLINT: implicit like std::function

    template <class F>
        requires(!std::is_same_v<std::decay_t<F>, UniqueFunction> && std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
    UniqueFunction(F&& f) {  // NOLINT: implicit like std::function
        using Fn = std::decay_t<F>;
        if constexpr (sizeof(Fn) <= sizeof(storage_) && alignof(Fn) <= alignof(Storage) &&
                      std::is_nothrow_move_constructible_v<Fn>) {
            ::new (static_cast<void*>(&storage_)) Fn(std::forward<F>(f));
            ops_ = &inline_ops<Fn>;
        } else {
            *reinterpret_cast<Fn**>(&storage_) = new Fn(std::forward<F>(f));
            ops_ = &heap_ops<Fn>;
        }
    }

    UniqueFunction(UniqueFunction&& other) noexcept { move_from(other); }
    UniqueFunction& operator=(UniqueFunction&& other) noexcept {
        if (this != &other) {
            reset();
            move_from(other);
        }
        return *this;
    }
    UniqueFunction(const UniqueFunction&) = delete;
    UniqueFunction& operator=(const UniqueFunction&) = delete;
    ~UniqueFunction() { reset(); }

    /// True when a callable is held.
    explicit operator bool() const noexcept { return ops_ != nullptr; }

    /// Calls the held callable (which must exist).
    R operator()(Args... args) { return ops_->call(&storage_, std::forward<Args>(args)...); }

    /// Drops the held callable.
    void reset() noexcept {
        if (ops_) {
            ops_->destroy(&storage_);
            ops_ = nullptr;
        }
    }

private:
    struct Storage {
        alignas(std::max_align_t) unsigned char bytes[3 * sizeof(void*)];
    };
    struct Ops {
        R (*call)(void*, Args&&...);
        void (*move)(void* from, void* to) noexcept;
        void (*destroy)(void*) noexcept;
    };

    template <class Fn>
    static constexpr Ops inline_ops{
        [](void* s, Args&&... a) -> R { return (*static_cast<Fn*>(s))(std::forward<Args>(a)...); },
        [](void* from, void* to) noexcept {
            ::new (to) Fn(std::move(*static_cast<Fn*>(from)));
            static_cast<Fn*>(from)->~Fn();
        },
        [](void* s) noexcept { static_cast<Fn*>(s)->~Fn(); },
    };
    template <class Fn>
    static constexpr Ops heap_ops{
        [](void* s, Args&&... a) -> R { return (**static_cast<Fn**>(s))(std::forward<Args>(a)...); },
        [](void* from, void* to) noexcept { *static_cast<Fn**>(to) = *static_cast<Fn**>(from); },
        [](void* s) noexcept { delete *static_cast<Fn**>(s); },
    };

    void move_from(UniqueFunction& other) noexcept {
        if (other.ops_) {
            other.ops_->move(&other.storage_, &storage_);
            ops_ = other.ops_;
            other.ops_ = nullptr;
        }
    }

    Storage storage_;
    const Ops* ops_ = nullptr;
};

}  // namespace sweet
