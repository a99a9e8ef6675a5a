/// @file run.cpp
/// `App::run`: listeners, one pinned worker thread per core (each with its own reactor and
/// HTTP server: shared-nothing), signals, and the graceful drain.

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "sweet/app/app.hpp"
#include "sweet/core/log.hpp"
#include "sweet/log/output.hpp"
#include "sweet/log/thread.hpp"
#include "sweet/net/listener.hpp"

namespace sweet {
namespace {

// The CPUs this process may run on (taskset and cgroups respected), in order.
std::vector<int> allowed_cpus() {
    std::vector<int> cpus;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        for (int i = 0; i < CPU_SETSIZE; ++i) {
            if (CPU_ISSET(i, &set)) cpus.push_back(i);
        }
    }
    if (cpus.empty()) cpus.push_back(0);
    return cpus;
}

net::Backend chosen_backend(net::Backend configured) {
    if (configured != net::Backend::automatic) return configured;
    if (const char* env = std::getenv("SWEET_BACKEND")) {
        net::Backend b;
        if (net::parse_backend(env, b)) return b;
        log::warn("ignoring SWEET_BACKEND={}: expected io_uring, epoll or auto", env);
    }
    return net::Backend::automatic;
}

http::ServerLimits limits_from(const ServerConfig& c) {
    http::ServerLimits l;
    l.parser.max_header_bytes = c.max_header_bytes;
    l.parser.max_uri_length = c.max_uri_length;
    l.parser.max_headers = c.max_headers;
    l.max_body_bytes = c.max_body_bytes;
    l.max_connections = c.max_connections;
    l.max_output_bytes = c.max_output_bytes;
    l.header_timeout = c.header_timeout;
    l.body_timeout = c.body_timeout;
    l.keepalive_timeout = c.keepalive_timeout;
    l.send_timeout = c.send_timeout;
    l.linger_timeout = c.linger_timeout;
    l.server_name = c.server_name;
    return l;
}

// What the main thread and one worker share. Written before the worker starts or through
// the mutex; the reactor pointer is published before `ready` is set.
struct WorkerSlot {
    int listen_fd = -1;
    int cpu = -1;
    net::Reactor* reactor = nullptr;
    http::HttpServer* server = nullptr;
    std::string failure;
    bool ready = false;
    bool finished = false;
};

struct Shared {
    std::mutex mutex;
    std::condition_variable changed;
};

// SIGHUP: logrotate has moved the log files away; start new ones at the same paths.
void reopen_log_files() {
    if (Result<void> reopened = log::reopen(); !reopened) log::error("SIGHUP: {}", reopened.error().message);
}

// How long the end of run() waits for network log sinks to send what they still hold.
constexpr std::chrono::milliseconds kLogDrainTimeout{1000};

}  // namespace

int App::run() {
    if (config_.log) {
        if (Result<void> configured = configure_logging(*config_.log); !configured) {
            log::error("cannot start: {}", configured.error().message);
            return 1;
        }
        if (config_.log->access_log && !access_log_installed_) {
            access_log_installed_ = true;
            after_response(access_log());
        }
    }
    if (Result<void> ok = validate(); !ok) {
        log::error("cannot start: {}", ok.error().message);
        return 1;
    }
    const std::vector<int> cpus = allowed_cpus();
    const unsigned workers = config_.workers != 0 ? config_.workers : static_cast<unsigned>(cpus.size());
    const net::Backend backend = chosen_backend(config_.backend);

    // Listeners first, on the main thread, so a taken port is one clear error before any
    // thread starts.
    net::ListenOptions listen{config_.host, config_.port, config_.backlog, true};
    if (Result<void> free = net::check_port_free(listen); !free) {
        log::error("{}", free.error().detail);
        return 1;
    }
    std::vector<WorkerSlot> slots(workers);
    for (unsigned i = 0; i < workers; ++i) {
        Result<int> fd = net::open_listener(listen);
        if (!fd) {
            log::error("{}", fd.error().detail);
            for (auto& s : slots) {
                if (s.listen_fd >= 0) ::close(s.listen_fd);
            }
            return 1;
        }
        slots[i].listen_fd = *fd;
        slots[i].cpu = cpus[i % cpus.size()];
        if (listen.port == 0) listen.port = net::bound_port(*fd);  // the others join the same port
    }

    // Signals are taken by the main thread only (sigtimedwait below); workers never see them.
    sigset_t signals;
    sigemptyset(&signals);
    if (config_.handle_signals) {
        sigaddset(&signals, SIGTERM);
        sigaddset(&signals, SIGINT);
        sigaddset(&signals, SIGHUP);  // reopens log files (logrotate) instead of ending the process
        ::signal(SIGPIPE, SIG_IGN);
    }
    sigset_t previous_mask;
    pthread_sigmask(SIG_BLOCK, &signals, &previous_mask);

    Shared shared;
    const http::ServerLimits limits = limits_from(config_);
    const std::size_t main_producer = workers;  // mailbox slot of the main thread
    std::vector<std::thread> threads;
    threads.reserve(workers);
    for (unsigned i = 0; i < workers; ++i) {
        threads.emplace_back([this, i, &slots, &shared, &limits, backend, workers] {
            WorkerSlot& slot = slots[i];
            // Records logged on this thread are buffered and handed to the sinks once per loop
            // batch (below), and at the end of the thread by the scope.
            log::WorkerScope log_scope(static_cast<int>(i));
            if (config_.pin_workers) {
                cpu_set_t set;
                CPU_ZERO(&set);
                CPU_SET(slot.cpu, &set);
                pthread_setaffinity_np(pthread_self(), sizeof set, &set);
            }
            std::unique_ptr<net::Reactor> reactor;
            try {
                // Created on its own thread: io_uring's SINGLE_ISSUER ties the ring to it.
                reactor = net::Reactor::create(backend, net::ReactorOptions{config_.ring_entries, config_.recv_buffer_size,
                                                                            config_.recv_buffer_count});
            } catch (const std::exception& e) {
                std::lock_guard lock(shared.mutex);
                slot.failure = fmt::format("worker {}: cannot create the {} reactor: {}", i, net::backend_name(backend), e.what());
                slot.finished = true;
                ::close(slot.listen_fd);
                shared.changed.notify_all();
                return;
            }
            reactor->enable_mailbox(workers + 1);
            reactor->on_batch_end([] { log::flush_thread(); });
            http::HttpServer server(*reactor, *this, limits, static_cast<int>(i));
            reactor->listen(slot.listen_fd, server);
            {
                std::lock_guard lock(shared.mutex);
                slot.reactor = reactor.get();
                slot.server = &server;
                slot.ready = true;
                shared.changed.notify_all();
            }
            reactor->run();
            // The loop has ended (after a drain, no connection is left). Anything still open when
            // the reactor was stopped directly is released with the reactor below: its sockets
            // close when the ring (or epoll set) is torn down with the process.
            {
                std::lock_guard lock(shared.mutex);
                slot.finished = true;
                slot.reactor = nullptr;
                slot.server = nullptr;
                shared.changed.notify_all();
            }
        });
    }

    // Wait until every worker is serving (or failed).
    std::string failure;
    net::Backend in_use = backend;
    {
        std::unique_lock lock(shared.mutex);
        shared.changed.wait(lock, [&] {
            for (auto& s : slots) {
                if (!s.ready && !s.finished) return false;
            }
            return true;
        });
        for (auto& s : slots) {
            if (!s.failure.empty() && failure.empty()) failure = s.failure;
            if (s.reactor != nullptr) in_use = s.reactor->backend();
        }
    }
    bound_port_.store(listen.port, std::memory_order_release);

    if (failure.empty()) {
        if (!config_.quiet) {
            const bool v6 = config_.host.find(':') != std::string::npos;
            log::info("listening on http://{}{}{}:{} ({} worker{}, {})", v6 ? "[" : "", config_.host, v6 ? "]" : "", listen.port,
                      workers, workers == 1 ? "" : "s", net::backend_name(in_use));
        }
        // Serve until a signal or stop().
        timespec tick{0, 100'000'000};
        while (!stop_requested_.load(std::memory_order_acquire)) {
            const int sig = config_.handle_signals ? sigtimedwait(&signals, nullptr, &tick) : (nanosleep(&tick, nullptr), -1);
            if (sig == SIGTERM || sig == SIGINT) {
                if (!config_.quiet) log::info("received {}, draining (up to {} ms)", sig == SIGTERM ? "SIGTERM" : "SIGINT",
                                               config_.drain_timeout.count());
                break;
            }
            if (sig == SIGHUP) reopen_log_files();
        }
    } else {
        log::error("{}", failure);
    }

    // Graceful drain: each worker stops accepting, finishes in-flight requests, closes idle
    // connections, and stops its loop when none are left or the drain timeout fires.
    {
        std::lock_guard lock(shared.mutex);
        for (auto& s : slots) {
            if (s.reactor == nullptr) continue;
            net::Reactor* reactor = s.reactor;
            http::HttpServer* server = s.server;
            const auto timeout = config_.drain_timeout;
            reactor->post(main_producer, [reactor, server, timeout] {
                reactor->stop_listening();
                reactor->add_timer(timeout, [server] { server->close_all(); });
                server->start_drain([reactor] { reactor->stop(); });
            });
        }
    }
    // Wait for the workers. A second signal cuts the drain short; a handler stuck in an endless
    // loop must not keep the process alive forever.
    {
        const auto all_finished = [&] {
            for (auto& s : slots) {
                if (!s.finished) return false;
            }
            return true;
        };
        const auto give_up_at = std::chrono::steady_clock::now() + config_.drain_timeout + std::chrono::seconds(5);
        bool cut_short = false;
        std::unique_lock lock(shared.mutex);
        while (!shared.changed.wait_for(lock, std::chrono::milliseconds(100), all_finished)) {
            timespec now{0, 0};
            const int sig = config_.handle_signals ? sigtimedwait(&signals, nullptr, &now) : -1;
            if (sig == SIGHUP) reopen_log_files();
            if ((sig == SIGTERM || sig == SIGINT) && !cut_short) {
                cut_short = true;
                if (!config_.quiet) log::info("second signal: closing every connection now");
                for (auto& s : slots) {
                    if (s.reactor == nullptr) continue;
                    http::HttpServer* server = s.server;
                    s.reactor->post(main_producer, [server] { server->close_all(); });
                }
            }
            if (std::chrono::steady_clock::now() > give_up_at) {
                log::error("workers did not stop within the drain timeout; exiting anyway");
                std::_Exit(1);
            }
        }
    }
    for (auto& t : threads) t.join();
    // Swallow signals that arrived during the drain so restoring the mask does not deliver
    // them with their default action (which would kill the process after a clean shutdown).
    timespec zero{0, 0};
    while (config_.handle_signals && sigtimedwait(&signals, nullptr, &zero) > 0) {
    }
    pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
    bound_port_.store(0, std::memory_order_release);
    if (!config_.quiet && failure.empty()) log::info("stopped");
    log::drain(kLogDrainTimeout);
    return failure.empty() ? 0 : 1;
}

}  // namespace sweet
