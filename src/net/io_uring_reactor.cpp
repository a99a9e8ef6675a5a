/// @file io_uring_reactor.cpp
/// The io_uring backend. What it uses, and why:
///  - multishot accept: one submission accepts connections until cancelled;
///  - multishot receive into a provided buffer ring: the kernel picks a buffer only when data
///    arrives, so an idle connection holds no receive buffer, and one submission serves many
///    receives;
///  - SINGLE_ISSUER | DEFER_TASKRUN: completions are processed only when the loop asks, in one
///    `io_uring_enter` that also submits everything queued during the previous batch.
/// liburing 2.3 (Debian 12) lacks io_uring_setup_buf_ring, so the ring is registered by hand.

#include <liburing.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "backends.hpp"
#include "sweet/net/listener.hpp"

namespace sweet::net {
namespace {

// The low 3 bits of user_data say what completed; the rest is a pointer (8-byte aligned).
enum : std::uint64_t {
    kTagIgnore = 0,  // cancel, close, poll-update results: nothing to do
    kTagRecv = 1,
    kTagSend = 2,
    kTagAccept = 3,
    kTagWatch = 4,
    kTagWake = 5,
    kTagFileReady = 6,  // the socket of a file send is writable again
    kTagMask = 7,
};

// Connection::IoState::flags bits used by this backend.
enum : std::uint32_t {
    kRecvArmed = 1u << 0,   // a multishot receive is active
    kSending = 1u << 1,     // a send is in flight
    kPaused = 1u << 2,      // pause_receive() in effect
    kClosing = 1u << 3,     // close() called
    kPeerClosed = 1u << 4,  // EOF seen: do not re-arm the receive
    kFinished = 1u << 5,    // on_closed delivered or queued
    kRearm = 1u << 6,       // receive must be re-armed at the end of the batch (ENOBUFS)
};

struct ListenerEntry {
    int fd;
    Acceptor* acceptor;
    bool active;
};

struct Watch {
    int fd;
    unsigned events;
    UniqueFunction<void(unsigned)> callback;
    bool armed = false;
    bool active = true;
    WatchId id = 0;
};

bool kernel_at_least(int major, int minor) {
    utsname u{};
    if (::uname(&u) != 0) return false;
    int ma = 0, mi = 0;
    if (std::sscanf(u.release, "%d.%d", &ma, &mi) != 2) return false;
    return ma > major || (ma == major && mi >= minor);
}

class IoUringReactor final : public Reactor {
public:
    explicit IoUringReactor(const ReactorOptions& options)
        : buffer_size_(options.recv_buffer_size), buffer_count_(round_pow2(options.recv_buffer_count)) {
        // Multishot receive with provided buffer rings needs 6.0; older kernels use epoll.
        if (!kernel_at_least(6, 0)) throw std::system_error(ENOSYS, std::generic_category(), "io_uring needs Linux 6.0+");
        init_ring(options.ring_entries);
        init_buffer_ring();
        arm_wake();
    }

    ~IoUringReactor() override {
        for (auto& l : listeners_) {
            if (l->active) {
                ::shutdown(l->fd, SHUT_RDWR);
                ::close(l->fd);
            }
        }
        io_uring_unregister_buf_ring(&ring_, 0);
        io_uring_queue_exit(&ring_);
        if (buf_ring_ != nullptr) ::munmap(buf_ring_, buf_ring_bytes_);
        if (buffers_ != nullptr) ::munmap(buffers_, buffer_region_bytes());
    }

    Backend backend() const noexcept override { return Backend::io_uring; }

    void listen(int listen_fd, Acceptor& acceptor) override {
        listeners_.push_back(std::make_unique<ListenerEntry>(ListenerEntry{listen_fd, &acceptor, true}));
        arm_accept(*listeners_.back());
    }

    void stop_listening() override {
        for (auto& l : listeners_) {
            if (!l->active) continue;
            l->active = false;
            io_uring_sqe* sqe = get_sqe();
            io_uring_prep_cancel64(sqe, reinterpret_cast<std::uint64_t>(l.get()) | kTagAccept, 0);
            io_uring_sqe_set_data64(sqe, kTagIgnore);
            // The pending accept holds a reference to the socket, so close() alone would leave
            // it listening until the ring is torn down; shutdown() stops it now.
            ::shutdown(l->fd, SHUT_RDWR);
            ::close(l->fd);
        }
        // Submit now: until the accept is cancelled the socket stays in the SO_REUSEPORT group.
        io_uring_submit(&ring_);
    }

    void add_connection(int fd, Connection& conn) override {
        conn.io = {};
        conn.io.fd = fd;
        arm_recv(conn);
    }

    void send(Connection& conn, const char* data, std::size_t size) override {
        if (conn.io.flags & kClosing) return;
        conn.io.start_buffer_send(data, size);
        conn.io.flags |= kSending;
        ++conn.io.pending;
        submit_send(conn);
    }

    void send_file(Connection& conn, int file_fd, std::uint64_t offset, std::size_t size) override {
        if (conn.io.flags & kClosing) return;
        conn.io.start_file_send(file_fd, offset, size);
        conn.io.flags |= kSending;
        ++conn.io.pending;
        // Start from a writability poll rather than sending here: on_sent must never run inside
        // send_file (the protocol layer is still on the stack), and a socket with room completes
        // the poll in the next batch at once.
        arm_file_poll(conn);
    }

    void pause_receive(Connection& conn) override {
        if (conn.io.flags & kPaused) return;
        conn.io.flags |= kPaused;
        if (conn.io.flags & kRecvArmed) cancel(reinterpret_cast<std::uint64_t>(&conn) | kTagRecv);
    }

    void resume_receive(Connection& conn) override {
        if (!(conn.io.flags & kPaused)) return;
        conn.io.flags &= ~kPaused;
        // If the cancelled receive has not completed yet, its completion re-arms instead.
        if (!(conn.io.flags & (kRecvArmed | kClosing | kPeerClosed))) arm_recv(conn);
    }

    void shutdown_write(Connection& conn) override {
        if (!(conn.io.flags & kClosing)) ::shutdown(conn.io.fd, SHUT_WR);
    }

    void close(Connection& conn) override {
        if (conn.io.flags & kClosing) return;
        conn.io.flags |= kClosing;
        if (conn.io.pending > 0) {
            io_uring_sqe* sqe = get_sqe();
            io_uring_prep_cancel_fd(sqe, conn.io.fd, IORING_ASYNC_CANCEL_ALL);
            io_uring_sqe_set_data64(sqe, kTagIgnore);
        }
        maybe_finish(conn);
    }

    WatchId watch(int fd, unsigned events, UniqueFunction<void(unsigned)> callback) override {
        auto w = std::make_unique<Watch>();
        w->fd = fd;
        w->events = events;
        w->callback = std::move(callback);
        w->id = ++last_watch_id_;
        Watch* raw = w.get();
        watches_.emplace(w->id, std::move(w));
        if (events != 0) arm_watch(*raw);
        return raw->id;
    }

    void update_watch(WatchId id, unsigned events) override {
        auto it = watches_.find(id);
        if (it == watches_.end()) return;
        Watch& w = *it->second;
        w.events = events;
        if (w.armed) {
            io_uring_sqe* sqe = get_sqe();
            const std::uint64_t ud = reinterpret_cast<std::uint64_t>(&w) | kTagWatch;
            io_uring_prep_poll_update(sqe, ud, ud, poll_mask(events), IORING_POLL_UPDATE_EVENTS);
            io_uring_sqe_set_data64(sqe, kTagIgnore);
        } else if (events != 0) {
            arm_watch(w);
        }
    }

    void unwatch(WatchId id) override {
        auto it = watches_.find(id);
        if (it == watches_.end()) return;
        std::unique_ptr<Watch> w = std::move(it->second);
        watches_.erase(it);
        w->active = false;
        w->callback.reset();
        if (w->armed) {
            // Kept until the poll's final completion arrives (or the reactor is destroyed).
            io_uring_sqe* sqe = get_sqe();
            io_uring_prep_poll_remove(sqe, reinterpret_cast<std::uint64_t>(w.get()) | kTagWatch);
            io_uring_sqe_set_data64(sqe, kTagIgnore);
            Watch* raw = w.get();
            retired_watches_.emplace(raw, std::move(w));
        }
    }

    void run() override {
        while (true) {
            int timeout_ms = before_wait_ms();
            run_deferred();
            if (stopping()) break;
            if (!deferred_empty()) timeout_ms = 0;
            flush_buffer_returns();
            end_batch();
            ++stats_.enter_calls;
            io_uring_cqe* cqe = nullptr;
            if (timeout_ms < 0) {
                io_uring_submit_and_wait(&ring_, 1);
            } else {
                __kernel_timespec ts{};
                ts.tv_sec = timeout_ms / 1000;
                ts.tv_nsec = static_cast<long long>(timeout_ms % 1000) * 1'000'000;
                io_uring_submit_and_wait_timeout(&ring_, &cqe, 1, &ts, nullptr);
            }
            after_wait();
            unsigned head = 0, seen = 0;
            io_uring_for_each_cqe(&ring_, head, cqe) {
                handle(*cqe);
                ++seen;
            }
            io_uring_cq_advance(&ring_, seen);
        }
        run_deferred();
        io_uring_submit(&ring_);
    }

private:
    static unsigned round_pow2(unsigned v) {
        unsigned p = 1;
        while (p < v) p <<= 1;
        return p;
    }
    static unsigned poll_mask(unsigned events) {
        unsigned m = 0;
        if (events & FdEvent::readable) m |= POLLIN;
        if (events & FdEvent::writable) m |= POLLOUT;
        return m;
    }

    void init_ring(unsigned entries) {
        // Newest flags first; older 6.x kernels lack DEFER_TASKRUN (6.1) and get the next set.
        const unsigned flag_sets[] = {
            IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE,
            IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL | IORING_SETUP_CQSIZE,
            IORING_SETUP_CQSIZE,
        };
        int rc = -EINVAL;
        for (unsigned flags : flag_sets) {
            io_uring_params p{};
            p.flags = flags;
            p.cq_entries = entries * 4;  // multishot operations post many completions per submission
            rc = io_uring_queue_init_params(entries, &ring_, &p);
            if (rc == 0) {
                if (!(p.features & IORING_FEAT_EXT_ARG)) {
                    io_uring_queue_exit(&ring_);
                    throw std::system_error(ENOSYS, std::generic_category(), "io_uring lacks EXT_ARG");
                }
                // A registered ring fd spares the kernel a file-table lookup on every enter.
                // Optional: older kernels refuse it and we simply go on without.
                io_uring_register_ring_fd(&ring_);
                return;
            }
        }
        throw std::system_error(-rc, std::generic_category(), "io_uring_queue_init");
    }

    void init_buffer_ring() {
        buf_ring_bytes_ = sizeof(io_uring_buf) * buffer_count_;
        void* ring_mem = ::mmap(nullptr, buf_ring_bytes_, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
        if (ring_mem == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap buffer ring");
        buf_ring_ = static_cast<io_uring_buf_ring*>(ring_mem);
        io_uring_buf_ring_init(buf_ring_);
        io_uring_buf_reg reg{};
        reg.ring_addr = reinterpret_cast<std::uint64_t>(ring_mem);
        reg.ring_entries = buffer_count_;
        reg.bgid = 0;
        const int rc = io_uring_register_buf_ring(&ring_, &reg, 0);
        if (rc != 0) throw std::system_error(-rc, std::generic_category(), "io_uring_register_buf_ring");
        // Buffer memory is reserved, not touched: pages become resident only as data arrives.
        // kReceivePadding extra bytes after the last buffer: data delivered from any buffer is
        // followed by readable memory (the next buffer or this slack), which SIMD parsers need.
        void* mem = ::mmap(nullptr, buffer_region_bytes(), PROT_READ | PROT_WRITE,
                           MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
        if (mem == MAP_FAILED) throw std::system_error(errno, std::generic_category(), "mmap receive buffers");
        buffers_ = static_cast<char*>(mem);
        for (unsigned i = 0; i < buffer_count_; ++i) {
            io_uring_buf_ring_add(buf_ring_, buffers_ + std::size_t(i) * buffer_size_, buffer_size_,
                                  static_cast<unsigned short>(i), io_uring_buf_ring_mask(buffer_count_), static_cast<int>(i));
        }
        io_uring_buf_ring_advance(buf_ring_, static_cast<int>(buffer_count_));
    }

    io_uring_sqe* get_sqe() {
        io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
        while (sqe == nullptr) {
            io_uring_submit(&ring_);  // queue full: hand the batch to the kernel early
            sqe = io_uring_get_sqe(&ring_);
        }
        return sqe;
    }

    void cancel(std::uint64_t user_data) {
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_cancel64(sqe, user_data, 0);
        io_uring_sqe_set_data64(sqe, kTagIgnore);
    }

    void arm_accept(ListenerEntry& l) {
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_multishot_accept(sqe, l.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uint64_t>(&l) | kTagAccept);
    }

    void arm_recv(Connection& conn) {
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_recv_multishot(sqe, conn.io.fd, nullptr, 0, 0);
        sqe->flags |= IOSQE_BUFFER_SELECT;
        sqe->buf_group = 0;
        io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uint64_t>(&conn) | kTagRecv);
        conn.io.flags |= kRecvArmed;
        ++conn.io.pending;
    }

    void submit_send(Connection& conn) {
        ++stats_.send_calls;
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_send(sqe, conn.io.fd, conn.io.send_data, conn.io.send_left, MSG_NOSIGNAL);
        io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uint64_t>(&conn) | kTagSend);
    }

    void arm_file_poll(Connection& conn) {
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_poll_add(sqe, conn.io.fd, POLLOUT);
        io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uint64_t>(&conn) | kTagFileReady);
    }

    void arm_watch(Watch& w) {
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_poll_add(sqe, w.fd, poll_mask(w.events));
        io_uring_sqe_set_data64(sqe, reinterpret_cast<std::uint64_t>(&w) | kTagWatch);
        w.armed = true;
    }

    void arm_wake() {
        io_uring_sqe* sqe = get_sqe();
        io_uring_prep_poll_add(sqe, wake_fd(), POLLIN);
        io_uring_sqe_set_data64(sqe, kTagWake);
    }

    void return_buffer(unsigned bid) {
        io_uring_buf_ring_add(buf_ring_, buffers_ + std::size_t(bid) * buffer_size_, buffer_size_,
                              static_cast<unsigned short>(bid), io_uring_buf_ring_mask(buffer_count_), buffers_to_return_++);
    }
    void flush_buffer_returns() {
        if (buffers_to_return_ > 0) {
            io_uring_buf_ring_advance(buf_ring_, buffers_to_return_);
            buffers_to_return_ = 0;
        }
    }

    void handle(const io_uring_cqe& cqe) {
        const std::uint64_t ud = io_uring_cqe_get_data64(&cqe);
        const std::uint64_t tag = ud & kTagMask;
        void* ptr = reinterpret_cast<void*>(ud & ~kTagMask);
        switch (tag) {
            case kTagRecv: on_recv(*static_cast<Connection*>(ptr), cqe); break;
            case kTagSend: on_send(*static_cast<Connection*>(ptr), cqe.res); break;
            case kTagAccept: on_accept_cqe(*static_cast<ListenerEntry*>(ptr), cqe); break;
            case kTagWatch: on_watch(*static_cast<Watch*>(ptr), cqe.res); break;
            case kTagFileReady: on_file_ready(*static_cast<Connection*>(ptr), cqe.res); break;
            case kTagWake:
                on_wakeup();
                arm_wake();
                break;
            default: break;
        }
    }

    void on_recv(Connection& conn, const io_uring_cqe& cqe) {
        const bool more = (cqe.flags & IORING_CQE_F_MORE) != 0;
        if (cqe.res > 0) {
            const unsigned bid = cqe.flags >> IORING_CQE_BUFFER_SHIFT;
            // Data that raced a pause is still delivered: the protocol layer buffers it.
            if (!(conn.io.flags & kClosing)) {
                conn.on_data(std::string_view(buffers_ + std::size_t(bid) * buffer_size_, static_cast<std::size_t>(cqe.res)));
            }
            return_buffer(bid);
            // Return buffers early when many arrive in one batch, so the ring never runs dry.
            if (buffers_to_return_ >= 32) flush_buffer_returns();
        }
        if (more) return;
        conn.io.flags &= ~kRecvArmed;
        --conn.io.pending;
        if (cqe.res == 0) {
            if (!(conn.io.flags & (kPeerClosed | kClosing))) {
                conn.io.flags |= kPeerClosed;
                conn.on_peer_closed();
            }
        } else if (cqe.res == -ENOBUFS) {
            // All buffers were in use; try again once this batch has returned them.
            if (!(conn.io.flags & kRearm)) {
                conn.io.flags |= kRearm;
                rearm_.push_back(&conn);
            }
        } else if (cqe.res < 0 && cqe.res != -ECANCELED) {
            close(conn);  // ECONNRESET, ETIMEDOUT...
        } else if (!(conn.io.flags & (kPaused | kClosing | kPeerClosed))) {
            arm_recv(conn);  // the kernel ends multishot receives now and then; keep reading
        }
        maybe_finish(conn);
    }

    void on_send(Connection& conn, int res) {
        if (res > 0 && !(conn.io.flags & kClosing)) {
            conn.io.send_data += res;
            conn.io.send_left -= static_cast<std::size_t>(res);
            if (conn.io.send_left > 0) {
                submit_send(conn);  // short write: send the rest, same pending operation
                return;
            }
        }
        --conn.io.pending;
        conn.io.flags &= ~kSending;
        if (res < 0 && res != -ECANCELED) {
            close(conn);
        } else if (!(conn.io.flags & kClosing)) {
            conn.on_sent();
        }
        maybe_finish(conn);
    }

    // The socket of a file send has room (or failed): send what fits, then poll again or finish.
    void on_file_ready(Connection& conn, int res) {
        if (res >= 0 && !(conn.io.flags & kClosing)) {
            const FileSendProgress progress = send_file_some(conn, stats_.send_calls);
            if (progress == FileSendProgress::would_block) {
                arm_file_poll(conn);  // same pending operation
                return;
            }
            if (progress == FileSendProgress::failed) res = -EPIPE;
        }
        --conn.io.pending;
        conn.io.flags &= ~kSending;
        conn.io.file_fd = -1;
        if (res < 0 && res != -ECANCELED) {
            close(conn);
        } else if (!(conn.io.flags & kClosing)) {
            conn.on_sent();
        }
        maybe_finish(conn);
    }

    void on_accept_cqe(ListenerEntry& l, const io_uring_cqe& cqe) {
        if (cqe.res >= 0) {
            const int fd = cqe.res;
            ++stats_.accepted;
            if (!l.active) {
                ::close(fd);
            } else {
                configure_accepted_socket(fd);
                Connection* conn = l.acceptor->on_accept(fd);
                if (conn == nullptr) {
                    ::close(fd);
                } else {
                    add_connection(fd, *conn);
                }
            }
        }
        if (!(cqe.flags & IORING_CQE_F_MORE) && l.active) {
            if (cqe.res == -EMFILE || cqe.res == -ENFILE || cqe.res == -ENOMEM || cqe.res == -ENOBUFS) {
                // Out of descriptors: back off instead of spinning on the same error.
                add_timer(std::chrono::milliseconds(100), [this, &l] {
                    if (l.active) arm_accept(l);
                });
            } else {
                arm_accept(l);
            }
        }
    }

    void on_watch(Watch& w, int res) {
        w.armed = false;
        if (!w.active) {
            retired_watches_.erase(&w);
            return;
        }
        if (res > 0 && w.callback) {
            unsigned fired = 0;
            const unsigned r = static_cast<unsigned>(res);
            if (r & POLLIN) fired |= FdEvent::readable;
            if (r & POLLOUT) fired |= FdEvent::writable;
            if (r & (POLLERR | POLLHUP)) fired |= FdEvent::hangup;
            const WatchId id = w.id;
            // Run the callback from a local: it may unwatch (and so free) its own watch.
            auto callback = std::move(w.callback);
            callback(fired);
            auto it = watches_.find(id);
            if (it == watches_.end()) return;
            w.callback = std::move(callback);
        }
        // One-shot polls re-armed after each event give level-triggered behaviour, which is
        // what libraries like hiredis expect.
        if (w.active && w.events != 0 && !w.armed) arm_watch(w);
    }

    void maybe_finish(Connection& conn) {
        if ((conn.io.flags & kClosing) && conn.io.pending == 0 && !(conn.io.flags & kFinished)) {
            conn.io.flags |= kFinished;
            io_uring_sqe* sqe = get_sqe();
            io_uring_prep_close(sqe, conn.io.fd);
            io_uring_sqe_set_data64(sqe, kTagIgnore);
            conn.io.fd = -1;
            // on_closed runs from the loop, never from inside close() or a callback.
            finished_.push_back(&conn);
        }
    }

    bool deferred_empty() const noexcept { return finished_.empty() && rearm_.empty(); }

    void run_deferred() {
        while (!deferred_empty()) {
            std::vector<Connection*> rearm;
            rearm.swap(rearm_);
            flush_buffer_returns();
            for (Connection* c : rearm) {
                c->io.flags &= ~kRearm;
                if (!(c->io.flags & (kRecvArmed | kPaused | kClosing | kPeerClosed))) arm_recv(*c);
                maybe_finish(*c);
            }
            std::vector<Connection*> done;
            done.swap(finished_);
            for (Connection* c : done) {
                std::erase(rearm_, c);
                c->on_closed();
            }
        }
    }

    io_uring ring_{};
    std::size_t buffer_region_bytes() const noexcept { return std::size_t(buffer_size_) * buffer_count_ + kReceivePadding; }

    unsigned buffer_size_;
    unsigned buffer_count_;
    io_uring_buf_ring* buf_ring_ = nullptr;
    std::size_t buf_ring_bytes_ = 0;
    char* buffers_ = nullptr;
    int buffers_to_return_ = 0;
    std::vector<std::unique_ptr<ListenerEntry>> listeners_;
    std::unordered_map<WatchId, std::unique_ptr<Watch>> watches_;
    std::unordered_map<Watch*, std::unique_ptr<Watch>> retired_watches_;  // unwatched, poll still pending
    WatchId last_watch_id_ = 0;
    std::vector<Connection*> finished_;
    std::vector<Connection*> rearm_;
};

}  // namespace

std::unique_ptr<Reactor> make_io_uring_reactor(const ReactorOptions& options) {
    return std::make_unique<IoUringReactor>(options);
}

}  // namespace sweet::net
