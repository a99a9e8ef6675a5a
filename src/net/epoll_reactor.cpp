/// @file epoll_reactor.cpp
/// The epoll backend: edge-triggered sockets, one shared read buffer per worker (so an idle
/// connection holds none), sends tried at once and finished on EPOLLOUT.

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "backends.hpp"
#include "sweet/net/listener.hpp"

namespace sweet::net {
namespace {

enum : std::uint64_t { kTagConnection = 0, kTagListener = 1, kTagWatch = 2, kTagWake = 3, kTagMask = 7 };

// Connection::IoState::flags bits used by this backend.
enum : std::uint32_t {
    kPaused = 1u << 0,       // pause_receive() in effect
    kClosing = 1u << 1,      // close() called; on_closed pending
    kSending = 1u << 2,      // a send is waiting for EPOLLOUT
    kReadReady = 1u << 3,    // readable edge seen but not consumed (paused or budget spent)
    kPeerClosed = 1u << 4,   // read returned 0
    kSentPending = 1u << 5,  // on_sent must be delivered at the end of this iteration
    kHangupSeen = 1u << 6,   // EPOLLRDHUP/EPOLLHUP reported: read on until EOF
};

struct Watch {
    int fd;
    unsigned events;
    UniqueFunction<void(unsigned)> callback;
};

struct ListenerEntry {
    int fd;
    Acceptor* acceptor;
};

std::uint32_t to_epoll(unsigned events) {
    std::uint32_t e = 0;
    if (events & FdEvent::readable) e |= EPOLLIN;
    if (events & FdEvent::writable) e |= EPOLLOUT;
    return e;
}

class EpollReactor final : public Reactor {
public:
    explicit EpollReactor(const ReactorOptions& options) : read_buffer_((options.recv_buffer_size < 4096 ? 4096 : options.recv_buffer_size) + kReceivePadding) {
        epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
        if (epfd_ < 0) throw std::system_error(errno, std::generic_category(), "epoll_create1");
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.u64 = kTagWake;
        ::epoll_ctl(epfd_, EPOLL_CTL_ADD, wake_fd(), &ev);
    }
    ~EpollReactor() override {
        for (auto& l : listeners_) {
            if (l->fd >= 0) ::close(l->fd);
        }
        ::close(epfd_);
    }

    Backend backend() const noexcept override { return Backend::epoll; }

    void listen(int listen_fd, Acceptor& acceptor) override {
        listeners_.push_back(std::make_unique<ListenerEntry>(ListenerEntry{listen_fd, &acceptor}));
        epoll_event ev{};
        ev.events = EPOLLIN;  // level-triggered: the accept loop is bounded per wake-up
        ev.data.u64 = reinterpret_cast<std::uint64_t>(listeners_.back().get()) | kTagListener;
        ::epoll_ctl(epfd_, EPOLL_CTL_ADD, listen_fd, &ev);
    }

    void stop_listening() override {
        for (auto& l : listeners_) {
            ::epoll_ctl(epfd_, EPOLL_CTL_DEL, l->fd, nullptr);
            ::close(l->fd);
            l->fd = -1;
            // An event for it may still sit in the current epoll batch: free it afterwards.
            dead_listeners_.push_back(std::move(l));
        }
        listeners_.clear();
    }

    void add_connection(int fd, Connection& conn) override {
        conn.io = {};
        conn.io.fd = fd;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        ev.data.u64 = reinterpret_cast<std::uint64_t>(&conn) | kTagConnection;
        if (::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
            close(conn);
            return;
        }
        // Data may already be waiting (it arrived with the handshake): edge-triggered
        // registration reports it, so nothing else is needed here.
    }

    void send(Connection& conn, const char* data, std::size_t size) override {
        if (conn.io.flags & kClosing) return;
        conn.io.start_buffer_send(data, size);
        conn.io.flags |= kSending;
        write_some(conn);
    }

    void send_file(Connection& conn, int file_fd, std::uint64_t offset, std::size_t size) override {
        if (conn.io.flags & kClosing) return;
        conn.io.start_file_send(file_fd, offset, size);
        conn.io.flags |= kSending;
        write_some(conn);
    }
    void pause_receive(Connection& conn) override { conn.io.flags |= kPaused; }

    void resume_receive(Connection& conn) override {
        if (!(conn.io.flags & kPaused)) return;
        conn.io.flags &= ~kPaused;
        // The edge may have fired while paused; read again in case data is waiting.
        conn.io.flags |= kReadReady;
        mark_ready(conn);
    }

    void shutdown_write(Connection& conn) override {
        if (!(conn.io.flags & kClosing)) ::shutdown(conn.io.fd, SHUT_WR);
    }

    void close(Connection& conn) override {
        if (conn.io.flags & kClosing) return;
        conn.io.flags |= kClosing;
        if (conn.io.fd >= 0) {
            ::close(conn.io.fd);  // also removes it from the epoll set
            conn.io.fd = -1;
        }
        to_finish_.push_back(&conn);
    }

    WatchId watch(int fd, unsigned events, UniqueFunction<void(unsigned)> callback) override {
        auto w = std::make_unique<Watch>(Watch{fd, events, std::move(callback)});
        epoll_event ev{};
        ev.events = to_epoll(events);
        ev.data.u64 = reinterpret_cast<std::uint64_t>(w.get()) | kTagWatch;
        ::epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev);
        const WatchId id = ++last_watch_id_;
        watches_.emplace(id, std::move(w));
        return id;
    }

    void update_watch(WatchId id, unsigned events) override {
        auto it = watches_.find(id);
        if (it == watches_.end()) return;
        it->second->events = events;
        epoll_event ev{};
        ev.events = to_epoll(events);
        ev.data.u64 = reinterpret_cast<std::uint64_t>(it->second.get()) | kTagWatch;
        ::epoll_ctl(epfd_, EPOLL_CTL_MOD, it->second->fd, &ev);
    }

    void unwatch(WatchId id) override {
        auto it = watches_.find(id);
        if (it == watches_.end()) return;
        ::epoll_ctl(epfd_, EPOLL_CTL_DEL, it->second->fd, nullptr);
        // Events for this watch may still sit in the current epoll batch: keep the object
        // alive (callback dropped) until the batch is done.
        it->second->callback.reset();
        it->second->fd = -1;
        dead_watches_.push_back(std::move(it->second));
        watches_.erase(it);
    }

    void run() override {
        std::vector<epoll_event> events(512);
        while (!stopping()) {
            // Timers and posted tasks run first: they may leave work that must not wait.
            int timeout = before_wait_ms();
            if (!ready_.empty() || !to_finish_.empty() || !sent_.empty()) timeout = 0;
            if (stopping()) break;
            end_batch();
            ++stats_.enter_calls;
            const int n = ::epoll_wait(epfd_, events.data(), static_cast<int>(events.size()), timeout);
            after_wait();
            for (int i = 0; i < n; ++i) dispatch(events[static_cast<std::size_t>(i)]);
            process_ready();
            finish_iteration();
        }
        finish_iteration();
    }

private:
    void dispatch(const epoll_event& ev) {
        const std::uint64_t tag = ev.data.u64 & kTagMask;
        void* ptr = reinterpret_cast<void*>(ev.data.u64 & ~kTagMask);
        switch (tag) {
            case kTagWake: on_wakeup(); break;
            case kTagListener: accept_some(*static_cast<ListenerEntry*>(ptr)); break;
            case kTagWatch: {
                auto* w = static_cast<Watch*>(ptr);
                if (!w->callback) break;
                unsigned fired = 0;
                if (ev.events & EPOLLIN) fired |= FdEvent::readable;
                if (ev.events & EPOLLOUT) fired |= FdEvent::writable;
                if (ev.events & (EPOLLERR | EPOLLHUP)) fired |= FdEvent::hangup;
                // Run the callback from a local: it may unwatch its own watch.
                auto callback = std::move(w->callback);
                callback(fired);
                if (w->fd >= 0) w->callback = std::move(callback);
                break;
            }
            default: {
                auto& conn = *static_cast<Connection*>(ptr);
                if (conn.io.flags & kClosing) break;
                if (ev.events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
                    conn.io.flags |= kReadReady;
                    if (ev.events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) conn.io.flags |= kHangupSeen;
                    read_some(conn);
                }
                if ((ev.events & EPOLLOUT) && (conn.io.flags & kSending) && !(conn.io.flags & kClosing)) write_some(conn);
                break;
            }
        }
    }

    void accept_some(ListenerEntry& l) {
        if (l.fd < 0) return;  // stopped earlier in this batch
        // Bounded so one busy listener cannot monopolise the loop; level-triggered epoll
        // reports it again if more connections wait.
        for (int i = 0; i < 64; ++i) {
            const int fd = ::accept4(l.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0) return;
            ++stats_.accepted;
            configure_accepted_socket(fd);
            Connection* conn = l.acceptor->on_accept(fd);
            if (conn == nullptr) {
                ::close(fd);
                continue;
            }
            add_connection(fd, *conn);
        }
    }

    void read_some(Connection& conn) {
        // A budget per event keeps one fast sender from starving the others; leftovers go to
        // the ready list and are read after everyone else had a turn.
        for (int round = 0; round < 4; ++round) {
            if (conn.io.flags & (kPaused | kClosing)) return;
            const ssize_t n = ::recv(conn.io.fd, read_buffer_.data(), read_buffer_.size() - kReceivePadding, 0);
            if (n > 0) {
                conn.on_data(std::string_view(read_buffer_.data(), static_cast<std::size_t>(n)));
                // A short read means the socket is drained (saving the EAGAIN syscall), unless
                // the peer's FIN came in the same edge: then read on to see the EOF.
                if (static_cast<std::size_t>(n) < read_buffer_.size() - kReceivePadding && !(conn.io.flags & kHangupSeen)) {
                    conn.io.flags &= ~kReadReady;
                    return;
                }
                continue;
            }
            if (n == 0) {
                conn.io.flags &= ~kReadReady;
                if (!(conn.io.flags & kPeerClosed)) {
                    conn.io.flags |= kPeerClosed;
                    conn.on_peer_closed();
                }
                return;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                conn.io.flags &= ~kReadReady;
                return;
            }
            if (errno == EINTR) continue;
            close(conn);  // ECONNRESET and friends
            return;
        }
        mark_ready(conn);
    }

    void write_some(Connection& conn) {
        if (conn.io.file_fd >= 0) {
            const FileSendProgress progress = send_file_some(conn, stats_.send_calls);
            if (progress == FileSendProgress::would_block) return;  // EPOLLOUT will resume
            if (progress == FileSendProgress::failed) {
                close(conn);
                return;
            }
            conn.io.file_fd = -1;
        }
        while (conn.io.send_left > 0) {
            ++stats_.send_calls;
            const ssize_t n = ::send(conn.io.fd, conn.io.send_data, conn.io.send_left, MSG_NOSIGNAL);
            if (n > 0) {
                conn.io.send_data += n;
                conn.io.send_left -= static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // EPOLLOUT will resume
            if (n < 0 && errno == EINTR) continue;
            close(conn);
            return;
        }
        conn.io.flags &= ~kSending;
        // Deliver on_sent after the current event, never inside send(), so the protocol layer
        // is not re-entered while it is still queueing output.
        if (!(conn.io.flags & kSentPending)) {
            conn.io.flags |= kSentPending;
            sent_.push_back(&conn);
        }
    }

    void mark_ready(Connection& conn) { ready_.push_back(&conn); }

    void process_ready() {
        // Swap out: reads may mark connections ready again for the next iteration.
        std::vector<Connection*> batch;
        batch.swap(ready_);
        for (Connection* c : batch) {
            if ((c->io.flags & kReadReady) && !(c->io.flags & (kPaused | kClosing))) read_some(*c);
        }
    }

    void finish_iteration() {
        while (!sent_.empty() || !to_finish_.empty()) {
            std::vector<Connection*> sent;
            sent.swap(sent_);
            for (Connection* c : sent) {
                c->io.flags &= ~kSentPending;
                if (!(c->io.flags & kClosing)) c->on_sent();
            }
            std::vector<Connection*> done;
            done.swap(to_finish_);
            for (Connection* c : done) {
                std::erase(ready_, c);
                c->on_closed();
            }
        }
        dead_watches_.clear();
        dead_listeners_.clear();
    }

    int epfd_ = -1;
    std::vector<char> read_buffer_;
    std::vector<std::unique_ptr<ListenerEntry>> listeners_;
    std::vector<std::unique_ptr<ListenerEntry>> dead_listeners_;
    std::unordered_map<WatchId, std::unique_ptr<Watch>> watches_;
    std::vector<std::unique_ptr<Watch>> dead_watches_;
    WatchId last_watch_id_ = 0;
    std::vector<Connection*> ready_;
    std::vector<Connection*> sent_;
    std::vector<Connection*> to_finish_;
};

}  // namespace

std::unique_ptr<Reactor> make_epoll_reactor(const ReactorOptions& options) { return std::make_unique<EpollReactor>(options); }

}  // namespace sweet::net
