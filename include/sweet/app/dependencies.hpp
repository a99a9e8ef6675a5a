#pragma once
/// @file dependencies.hpp
/// Dependency injection: handlers and hooks ask for what they need as typed parameters
/// (`Db&`, `const Settings&`, `Tx&`), and providers registered on the app (or a group) make it.
///
///     app.provide<Settings>(sweet::shared(std::make_shared<Settings>(load())));   // one, thread-safe
///     app.provide<Db>(sweet::per_worker([](Settings& s) { return Db(s.dsn); }));  // one per worker thread
///     app.provide<Tx>(sweet::per_request([](Db& db) { return Tx(db); }));        // once per request
///     app.provide<Uuid>(sweet::per_use([] { return Uuid::random(); }));           // every time it is asked for
///     app.get<"/users/{id:int}">([](sweet::Request&, std::int64_t id, Tx& tx) { ... });
///
/// Lifetimes:
///   shared      one instance for the whole app, made at start-up; it must be thread-safe.
///   per_worker  one instance per worker thread, made on that thread at its first use and
///               destroyed when the worker ends: no locking needed.
///   per_request made at most once per request (on first use) and destroyed when the request's
///               response is ready -- also when a hook or the handler failed.
///   per_use     a new instance for every parameter that asks for one, destroyed with the request.
/// Provider functions may take `Request&` (per_request and per_use only) and other dependencies.
/// Every dependency of every route and hook is checked when the app starts: a missing provider
/// or a cycle is a start-up error naming the route and the type, never a per-request failure.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sweet/core/result.hpp"
#include "sweet/core/unique_function.hpp"
#include "sweet/http/request.hpp"

namespace sweet {

/// How long a provided instance lives (see the file comment).
enum class Lifetime : std::uint8_t { shared, per_worker, per_request, per_use };

namespace di {

/// The lifetime's name for messages.
inline const char* lifetime_name(Lifetime l) noexcept {
    switch (l) {
        case Lifetime::shared: return "shared";
        case Lifetime::per_worker: return "per_worker";
        case Lifetime::per_request: return "per_request";
        case Lifetime::per_use: return "per_use";
    }
    return "?";
}

/// A unique id per type, without RTTI.
using TypeKey = const void*;
template <class T>
inline constexpr char type_tag = 0;
/// The key of type `T`.
template <class T>
constexpr TypeKey key_of() noexcept { return &type_tag<T>; }

/// A readable name of `T` for start-up errors ("app::Db"), taken from the compiler.
template <class T>
std::string_view type_name() noexcept {
    std::string_view p = __PRETTY_FUNCTION__;  // "... type_name() [with T = app::Db; ...]" or "[T = app::Db]"
    const auto start = p.find("T = ");
    if (start == std::string_view::npos) return p;
    p.remove_prefix(start + 4);
    const auto end = p.find_first_of(";]");
    return p.substr(0, end);
}

class Registry;
class RequestScope;

/// Type-erased provider: knows its type, lifetime and what it needs, and hands out instances.
class ProviderBase {
public:
    virtual ~ProviderBase() = default;
    /// A pointer to an instance for the request `req` (made if needed; `req` may be null for
    /// shared and per_worker providers). Never null once bound.
    virtual void* get(Request* req) = 0;
    /// Resolves what this provider needs in `registry`; the first problem as text, or "".
    virtual std::string bind(const Registry& registry) = 0;
    /// Makes the shared instance (shared lifetime only), at start-up; throws what the provider
    /// function throws, or std::logic_error when it made nothing.
    virtual void start() {}
    /// The providers bound for what this one needs (after `bind`), for the cycle check.
    [[nodiscard]] virtual std::vector<const ProviderBase*> bound_needs() const { return {}; }

    Lifetime lifetime = Lifetime::shared;    ///< how long instances live
    std::string_view type;                   ///< the provided type's name
    std::vector<TypeKey> needs;              ///< types the provider function takes
    std::vector<std::string_view> need_names;
    std::size_t slot = 0;                    ///< per_worker: index into the worker's slots
};

/// Providers by type. A group's registry falls back to its parent's (the app's).
class Registry {
public:
    /// A registry that falls back to `parent` (may be null).
    explicit Registry(const Registry* parent = nullptr) : parent_(parent) {}
    /// Registers `provider` for `key`, replacing an earlier one in this registry.
    void add(TypeKey key, std::unique_ptr<ProviderBase> provider) { providers_[key] = std::move(provider); }
    /// The provider for `key` here or in a parent; nullptr when none.
    [[nodiscard]] ProviderBase* find(TypeKey key) const {
        for (const Registry* r = this; r != nullptr; r = r->parent_) {
            if (auto it = r->providers_.find(key); it != r->providers_.end()) return it->second.get();
        }
        return nullptr;
    }
    /// Binds every provider here (what they need, cycles) and makes shared instances; the first
    /// problem as an Error.
    Result<void> start() const {
        for (const auto& [key, provider] : providers_) {
            if (std::string problem = provider->bind(*this); !problem.empty()) return Error{500, problem, {}};
        }
        for (const auto& [key, provider] : providers_) {
            std::vector<const ProviderBase*> path;
            if (std::string cycle = find_cycle(provider.get(), path); !cycle.empty()) return Error{500, cycle, {}};
        }
        for (const auto& [key, provider] : providers_) {
            try {
                provider->start();
            } catch (const std::exception& e) {
                return Error{500, "the provider of " + std::string(provider->type) + " failed: " + e.what(), {}};
            }
        }
        return {};
    }

private:
    static std::string find_cycle(const ProviderBase* p, std::vector<const ProviderBase*>& path) {
        for (const ProviderBase* seen : path) {
            if (seen == p) {
                std::string text = "dependency cycle: ";
                for (const ProviderBase* q : path) (text += q->type) += " -> ";
                return text += p->type;
            }
        }
        path.push_back(p);
        // Follow what each provider really bound (a group's override binds in its own registry).
        for (const ProviderBase* next : p->bound_needs()) {
            if (std::string c = find_cycle(next, path); !c.empty()) return c;
        }
        path.pop_back();
        return {};
    }

    const Registry* parent_;
    std::unordered_map<TypeKey, std::unique_ptr<ProviderBase>> providers_;
};

/// Instances made for one request (per_request and per_use), destroyed in reverse order of
/// creation when the scope ends. Lives on the stack of the app's request handling.
class RequestScope {
public:
    RequestScope() = default;
    RequestScope(const RequestScope&) = delete;
    RequestScope& operator=(const RequestScope&) = delete;
    ~RequestScope() {
        while (!owned_.empty()) owned_.pop_back();
    }
    /// The per_request instance of `p`, or nullptr when not made yet.
    [[nodiscard]] void* find(const ProviderBase* p) const noexcept {
        for (const auto& e : owned_) {
            if (e.provider == p) return e.instance.get();
        }
        return nullptr;
    }
    /// Takes ownership of an instance made for `p`.
    void keep(const ProviderBase* p, std::shared_ptr<void> instance) { owned_.push_back({p, std::move(instance)}); }

private:
    struct Entry {
        const ProviderBase* provider;
        std::shared_ptr<void> instance;
    };
    std::vector<Entry> owned_;
};

/// What the app keeps per request behind `Request::context()`: the scope of request-scoped
/// instances (null once the response is ready) and the matched route (for after_response).
struct RequestContext {
    RequestScope* scope = nullptr;  ///< live while the request is being handled
    void* endpoint = nullptr;       ///< the matched Endpoint, or null
};

/// The request scope of `req`; throws when there is none (a per_request dependency used after
/// the response was made, e.g. from an after_response hook).
inline RequestScope& scope_of(Request* req) {
    auto* ctx = req != nullptr ? static_cast<RequestContext*>(req->context()) : nullptr;
    if (ctx == nullptr || ctx->scope == nullptr) {
        throw std::logic_error("a per_request or per_use dependency was used outside the handling of a request");
    }
    return *ctx->scope;
}

/// Slot storage of the current worker thread for per_worker instances.
inline std::vector<std::shared_ptr<void>>& worker_slots() {
    thread_local std::vector<std::shared_ptr<void>> slots;
    return slots;
}
/// Hands out per_worker slot numbers.
inline std::size_t next_worker_slot() {
    static std::atomic<std::size_t> next{0};
    return next.fetch_add(1, std::memory_order_relaxed);
}

template <class T>
inline constexpr bool is_request_param_v = std::is_same_v<T, Request&> || std::is_same_v<T, const Request&>;

/// The parameter types of a callable (single, non-template call operator or function pointer).
template <class F>
struct CallableArgs : CallableArgs<decltype(&F::operator())> {};
template <class R, class... A>
struct CallableArgs<R (*)(A...)> {
    using result = R;
    using args = std::tuple<A...>;
};
template <class C, class R, class... A>
struct CallableArgs<R (C::*)(A...) const> : CallableArgs<R (*)(A...)> {};
template <class C, class R, class... A>
struct CallableArgs<R (C::*)(A...)> : CallableArgs<R (*)(A...)> {};
template <class C, class R, class... A>
struct CallableArgs<R (C::*)(A...) const noexcept> : CallableArgs<R (*)(A...)> {};
template <class C, class R, class... A>
struct CallableArgs<R (C::*)(A...) noexcept> : CallableArgs<R (*)(A...)> {};

/// The type a dependency parameter asks for: `Db&` and `const Db&` ask for `Db`.
template <class P>
using dependency_type_t = std::remove_cvref_t<P>;

/// True when handler/hook parameter type `P` can be a dependency: a reference to a class type.
template <class P>
inline constexpr bool is_dependency_param_v =
    std::is_lvalue_reference_v<P> && std::is_class_v<std::remove_cvref_t<P>> && !is_request_param_v<P>;

/// A fixed list of dependencies, bound once at start-up, resolved per call without lookups.
template <class... Deps>
class DependencyList {
public:
    /// Resolves each type in `registry`; the missing ones as text naming `who`, or "".
    std::string bind([[maybe_unused]] const Registry& registry, [[maybe_unused]] std::string_view who) {
        std::string problem;
        std::size_t i = 0;
        ((providers_[i] = registry.find(key_of<Deps>()),
          problem += providers_[i] == nullptr && problem.empty()
                         ? std::string(who) + " needs a " + std::string(type_name<Deps>()) +
                               ", but no provider is registered for it (app.provide<" + std::string(type_name<Deps>()) +
                               ">(...))"
                         : std::string(),
          ++i),
         ...);
        return problem;
    }
    /// The instance of the `I`-th dependency for `req`.
    template <std::size_t I>
    auto& get(Request* req) const {
        using T = std::tuple_element_t<I, std::tuple<Deps...>>;
        return *static_cast<T*>(providers_[I]->get(req));
    }
    /// The provider bound for the `i`-th dependency (after `bind`).
    [[nodiscard]] const ProviderBase* provider(std::size_t i) const noexcept { return providers_[i]; }
    /// How many dependencies.
    static constexpr std::size_t size() noexcept { return sizeof...(Deps); }
    /// The keys, for cycle and docs checks.
    static std::vector<TypeKey> keys() { return {key_of<Deps>()...}; }
    /// The names, for messages.
    static std::vector<std::string_view> names() { return {type_name<Deps>()...}; }

private:
    ProviderBase* providers_[sizeof...(Deps) == 0 ? 1 : sizeof...(Deps)] = {};
};

/// The dependency list of the parameters of `Args` from position `From` on.
template <std::size_t From, class Args>
struct DependenciesFrom;
template <std::size_t From, class... A>
struct DependenciesFrom<From, std::tuple<A...>> {
    template <std::size_t... I>
    static auto make(std::index_sequence<I...>)
        -> DependencyList<dependency_type_t<std::tuple_element_t<From + I, std::tuple<A...>>>...>;
    using type = decltype(make(std::make_index_sequence<sizeof...(A) - From>{}));
};

/// Calls `f(fixed..., deps...)` where deps are `f`'s parameters after the fixed ones.
template <std::size_t FixedCount, class F, class List, class... Fixed>
decltype(auto) call_with(F& f, const List& deps, Request* req, Fixed&&... fixed) {
    using Args = typename CallableArgs<std::decay_t<F>>::args;
    constexpr std::size_t kDeps = std::tuple_size_v<Args> - FixedCount;
    return [&]<std::size_t... I>(std::index_sequence<I...>) -> decltype(auto) {
        return std::invoke(f, std::forward<Fixed>(fixed)..., deps.template get<I>(req)...);
    }(std::make_index_sequence<kDeps>{});
}

/// The provider made by `per_worker`, `shared`, `per_request`, `per_use`.
template <class T, class F>
class Provider final : public ProviderBase {
public:
    using Args = typename CallableArgs<std::decay_t<F>>::args;
    static constexpr bool kTakesRequest =
        std::tuple_size_v<Args> > 0 && is_request_param_v<std::tuple_element_t<0, std::conditional_t<std::tuple_size_v<Args> == 0, std::tuple<int>, Args>>>;
    static constexpr std::size_t kFixed = kTakesRequest ? 1 : 0;
    using Deps = typename DependenciesFrom<kFixed, Args>::type;

    Provider(Lifetime l, F f) : make_(std::move(f)) {
        lifetime = l;
        type = type_name<T>();
        needs = Deps::keys();
        need_names = Deps::names();
        if (l == Lifetime::per_worker) slot = next_worker_slot();
    }
    std::string bind(const Registry& registry) override {
        std::string problem = deps_.bind(registry, "the provider of " + std::string(type));
        // A longer-lived instance must not hold on to a shorter-lived one.
        for (std::size_t i = 0; problem.empty() && i < Deps::size(); ++i) {
            const ProviderBase* need = deps_.provider(i);
            if (static_cast<int>(need->lifetime) > static_cast<int>(lifetime)) {
                problem = "the provider of " + std::string(type) + " (" + lifetime_name(lifetime) + ") needs " +
                          std::string(need->type) + ", which lives shorter (" + lifetime_name(need->lifetime) + ")";
            }
        }
        return problem;
    }
    void start() override {
        if (lifetime == Lifetime::shared && !instance_) {
            instance_ = make(nullptr);  // takes no Request (checked)
            if (!instance_) throw std::logic_error("it made no instance (a null pointer)");
        }
    }
    std::vector<const ProviderBase*> bound_needs() const override {
        std::vector<const ProviderBase*> out;
        for (std::size_t i = 0; i < Deps::size(); ++i) {
            if (const ProviderBase* p = deps_.provider(i)) out.push_back(p);
        }
        return out;
    }
    void* get(Request* req) override {
        switch (lifetime) {
            case Lifetime::shared:
                if (!instance_) start();  // start-up order: a shared provider first used by another
                return instance_.get();
            case Lifetime::per_worker: {
                auto& slots = worker_slots();
                if (slots.size() <= slot) slots.resize(slot + 1);
                if (!slots[slot]) slots[slot] = made_or_throw(req);
                return slots[slot].get();
            }
            case Lifetime::per_request: {
                RequestScope& scope = scope_of(req);
                if (void* found = scope.find(this)) return found;
                std::shared_ptr<T> made = made_or_throw(req);
                T* raw = made.get();
                scope.keep(this, std::move(made));
                return raw;
            }
            case Lifetime::per_use: {
                RequestScope& scope = scope_of(req);
                std::shared_ptr<T> made = made_or_throw(req);
                T* raw = made.get();
                scope.keep(nullptr, std::move(made));  // never found again: each use gets a new one
                return raw;
            }
        }
        return nullptr;
    }

private:
    // A provider that yields a null pointer is a bug in the app: a 500, never a null reference.
    std::shared_ptr<T> made_or_throw(Request* req) {
        std::shared_ptr<T> made = make(req);
        if (!made) throw std::logic_error("the provider of " + std::string(type) + " made no instance (a null pointer)");
        return made;
    }

    std::shared_ptr<T> make(Request* req) {
        auto made = [&]() -> decltype(auto) {
            if constexpr (kTakesRequest) {
                return call_with<1>(make_, deps_, req, *req);  // only per_request/per_use (checked)
            } else {
                return call_with<0>(make_, deps_, req);
            }
        };
        using R = std::remove_cvref_t<decltype(made())>;
        if constexpr (std::is_same_v<R, std::shared_ptr<T>> || std::is_convertible_v<R, std::shared_ptr<T>>) {
            return made();
        } else if constexpr (std::is_convertible_v<R, std::unique_ptr<T>>) {
            return std::shared_ptr<T>(made());
        } else {
            static_assert(std::is_constructible_v<T, R>,
                          "a provider function must return the provided type T, a std::unique_ptr<T> or a std::shared_ptr<T>");
            return std::make_shared<T>(made());
        }
    }

    F make_;
    Deps deps_;
    std::shared_ptr<T> instance_;
};

}  // namespace di

/// How to make a provided type: a lifetime and a function (see `per_worker`, `shared`, ...).
template <class F>
struct ProviderSpec {
    Lifetime lifetime;  ///< how long instances live
    F make;             ///< makes one instance
};

/// One instance per worker thread, made by `make` on that thread at first use.
template <class F>
ProviderSpec<std::decay_t<F>> per_worker(F&& make) { return {Lifetime::per_worker, std::forward<F>(make)}; }
/// One instance for the whole app, made by `make` at start-up; it must be thread-safe.
template <class F>
ProviderSpec<std::decay_t<F>> shared(F&& make) { return {Lifetime::shared, std::forward<F>(make)}; }
/// One existing instance for the whole app; it must be thread-safe.
template <class T>
auto shared(std::shared_ptr<T> instance) {
    return shared([instance = std::move(instance)] { return instance; });
}
/// At most one instance per request, made on first use, destroyed when the response is ready.
template <class F>
ProviderSpec<std::decay_t<F>> per_request(F&& make) { return {Lifetime::per_request, std::forward<F>(make)}; }
/// A new instance every time a parameter asks for one (a factory), destroyed with the request.
template <class F>
ProviderSpec<std::decay_t<F>> per_use(F&& make) { return {Lifetime::per_use, std::forward<F>(make)}; }

namespace di {
/// Builds the provider for `T` from `spec`, checking what can be checked at compile time.
template <class T, class F>
std::unique_ptr<ProviderBase> make_provider(ProviderSpec<F> spec) {
    using P = Provider<T, F>;
    if constexpr (P::kTakesRequest) {
        if (spec.lifetime == Lifetime::shared || spec.lifetime == Lifetime::per_worker) {
            // Reported at start-up through a provider that always fails to bind.
            struct Invalid final : ProviderBase {
                std::string bind(const Registry&) override {
                    return "the provider of " + std::string(type) +
                           " takes sweet::Request&, which only per_request and per_use providers may";
                }
                void* get(Request*) override { return nullptr; }
            };
            auto bad = std::make_unique<Invalid>();
            bad->type = type_name<T>();
            return bad;
        }
    }
    return std::make_unique<P>(spec.lifetime, std::move(spec.make));
}
}  // namespace di

}  // namespace sweet
