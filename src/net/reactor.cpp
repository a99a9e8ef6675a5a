/// @file reactor.cpp
/// The backend-independent half of the reactor: timers, the cross-core mailbox, the wake-up
/// eventfd and backend selection.

#include "sweet/net/reactor.hpp"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include "backends.hpp"

namespace sweet::net {

std::string_view backend_name(Backend b) noexcept {
    switch (b) {
        case Backend::io_uring: return "io_uring";
        case Backend::epoll: return "epoll";
        case Backend::automatic: return "automatic";
    }
    return "automatic";
}

bool parse_backend(std::string_view text, Backend& out) noexcept {
    if (text == "io_uring" || text == "uring") {
        out = Backend::io_uring;
    } else if (text == "epoll") {
        out = Backend::epoll;
    } else if (text == "auto" || text == "automatic" || text.empty()) {
        out = Backend::automatic;
    } else {
        return false;
    }
    return true;
}

Mailbox::Mailbox(std::size_t producers, std::size_t capacity) {
    queues_.reserve(producers);
    for (std::size_t i = 0; i < producers; ++i) queues_.push_back(std::make_unique<SpscQueue<Task>>(capacity));
}

bool Mailbox::push(std::size_t producer, Task task) {
    if (producer >= queues_.size()) return false;
    return queues_[producer]->try_push(std::move(task));
}

std::size_t Mailbox::drain() {
    std::size_t ran = 0;
    for (auto& q : queues_) {
        // Bounded per call so a chatty producer cannot starve network events.
        for (std::size_t i = 0; i < q->capacity(); ++i) {
            auto task = q->try_pop();
            if (!task) break;
            (*task)();
            ++ran;
        }
    }
    return ran;
}

Reactor::Reactor() {
    wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (wake_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

Reactor::~Reactor() {
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

std::unique_ptr<Reactor> Reactor::create(Backend backend, const ReactorOptions& options) {
    if (backend == Backend::epoll) return make_epoll_reactor(options);
    if (backend == Backend::io_uring) return make_io_uring_reactor(options);
    try {
        return make_io_uring_reactor(options);
    } catch (const std::system_error&) {
        // Kernels without io_uring (or with it disabled by sysctl/seccomp) still get a server.
        return make_epoll_reactor(options);
    }
}

void Reactor::enable_mailbox(std::size_t producers, std::size_t capacity) {
    mailbox_ = std::make_unique<Mailbox>(producers, capacity);
}

bool Reactor::post(std::size_t producer, Task task) {
    if (!mailbox_ || !mailbox_->push(producer, std::move(task))) return false;
    wake();
    return true;
}

void Reactor::stop() {
    stop_requested_.store(true, std::memory_order_release);
    wake();
}

void Reactor::wake() noexcept {
    // One eventfd write per batch: later posters see the flag and skip the system call. The
    // consumer clears the flag (acquire) before draining, so nothing posted is ever missed.
    if (!wake_pending_.exchange(true, std::memory_order_acq_rel)) {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto n = ::write(wake_fd_, &one, sizeof one);
    }
}

void Reactor::on_wakeup() {
    std::uint64_t value = 0;
    [[maybe_unused]] const auto n = ::read(wake_fd_, &value, sizeof value);
    wake_pending_.exchange(false, std::memory_order_acq_rel);
    if (mailbox_) mailbox_->drain();
}

int Reactor::before_wait_ms() {
    now_ = Clock::now();
    timers_.run_due(now_);
    if (mailbox_) mailbox_->drain();
    auto next = timers_.next_deadline();
    if (!next) return -1;
    now_ = Clock::now();
    if (*next <= now_) return 0;
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(*next - now_).count() + 1;
    return ms > 60'000 ? 60'000 : static_cast<int>(ms);
}

}  // namespace sweet::net
