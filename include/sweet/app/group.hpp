#pragma once
/// @file group.hpp
/// Route groups: a path prefix with its own hooks and providers, like FastAPI's APIRouter or
/// Fastify's register.
///
///     auto api = app.group<"/api">(sweet::hooks(sweet::pre_handler(require_token)));
///     api.provide<Db>(sweet::per_worker([] { return Db(); }));   // only for routes under /api
///     api.get<"/users/{id:int}">(get_user);                      // GET /api/users/{id:int}
///     auto v2 = api.group<"/v2">(sweet::hooks(sweet::on_response(add_version_header)));
///     v2.get<"/users">(list_users);                              // both groups' hooks, outer first
///
/// The prefix and the hooks are part of the group's type, so each route's chain is composed by
/// the compiler. A group lives only as long as you use it to register routes; the routes stay.

#include <utility>

#include "sweet/app/app.hpp"

namespace sweet {

/// Routes under `Prefix` sharing the hooks `GroupHooks` (a `Hooks<...>` bundle).
template <routing::FixedString Prefix, class GroupHooks>
class Group {
public:
    /// Made by `App::group` or `Group::group`.
    Group(App& app, GroupHooks hooks, di::Registry& registry) : app_(&app), hooks_(std::move(hooks)), registry_(&registry) {}

    /// A nested group: prefix `Prefix + Sub`, this group's hooks then `more`.
    template <routing::FixedString Sub, class... H>
    auto group(Hooks<H...> more = {}) {
        using Combined = decltype(hooks_ + more);
        return Group<routing::concat<Prefix, Sub>(), Combined>(*app_, hooks_ + more, app_->new_registry(*registry_));
    }

    /// Registers how to make a `T` for this group's routes (overrides the app's provider).
    template <class T, class F>
    Group& provide(ProviderSpec<F> spec) {
        registry_->add(di::key_of<T>(), di::make_provider<T>(std::move(spec)));
        return *this;
    }

    /// A route `Method Prefix+Pattern` (see `App::route`).
    template <http::Method Method, routing::FixedString Pattern, class F, class... Extras>
    Group& route(F&& handler, Extras&&... extras) {
        app_->template add_typed_route<Method, routing::concat<Prefix, Pattern>()>(hooks_, *registry_, std::forward<F>(handler),
                                                                                  std::forward<Extras>(extras)...);
        return *this;
    }
    /// GET route.
    template <routing::FixedString Pattern, class F, class... Extras>
    Group& get(F&& handler, Extras&&... extras) { return route<http::Method::get, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// POST route.
    template <routing::FixedString Pattern, class F, class... Extras>
    Group& post(F&& handler, Extras&&... extras) { return route<http::Method::post, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// PUT route.
    template <routing::FixedString Pattern, class F, class... Extras>
    Group& put(F&& handler, Extras&&... extras) { return route<http::Method::put, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// PATCH route.
    template <routing::FixedString Pattern, class F, class... Extras>
    Group& patch(F&& handler, Extras&&... extras) { return route<http::Method::patch, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }
    /// DELETE route.
    template <routing::FixedString Pattern, class F, class... Extras>
    Group& del(F&& handler, Extras&&... extras) { return route<http::Method::del, Pattern>(std::forward<F>(handler), std::forward<Extras>(extras)...); }

    /// The group's prefix.
    static constexpr std::string_view prefix() noexcept { return Prefix.view(); }

private:
    App* app_;
    GroupHooks hooks_;
    di::Registry* registry_;
};

template <routing::FixedString Prefix, class... H>
Group<Prefix, Hooks<H...>> App::group(Hooks<H...> hooks) {
    return Group<Prefix, Hooks<H...>>(*this, std::move(hooks), new_registry(registry_));
}

}  // namespace sweet
