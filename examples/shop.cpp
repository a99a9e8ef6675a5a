// The example app: a small product API that shows Sweet's features in a few lines each.
// `./scripts/serve-example.sh` builds and serves it on port 8000, then try:
//
//   curl localhost:8000/                                   the docs page is at /docs (works offline)
//   curl -X POST localhost:8000/api/products -H 'Content-Type: application/json' -H 'X-API-Key: secret-key'
//        -d '{"name":"Tea","price":4.5,"tags":["hot"]}'
//   curl 'localhost:8000/api/products?limit=5&tag=hot'    typed query parameters
//   curl -X POST localhost:8000/api/products -H 'Content-Type: application/json' -H 'X-API-Key: secret-key'
//        -d '{"name":"","price":-1}'                      a 422 listing both errors
//   curl --compressed -i localhost:8000/api/products       gzip, request id, security headers
//   curl localhost:8000/metrics                            Prometheus metrics
//   curl -F 'note=hi' -F 'file=@README.md' localhost:8000/upload   a multipart upload
//   curl -N localhost:8000/countdown                       a streamed response
#include <sweet/sweet.hpp>

#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace shop {

// ---- the data, declared once: parsing, validation, JSON output and the docs all come from it --

struct NewProduct {
    std::string name;
    double price = 0;
    std::vector<std::string> tags;
    std::optional<std::string> description;
};
constexpr auto sweet_schema(sweet::schema::of<NewProduct>) {
    using namespace sweet::schema;
    return object("NewProduct", field("name", &NewProduct::name, min_length(1), max_length(80)),
                  field("price", &NewProduct::price, gt(0), le(100'000)),
                  field("tags", &NewProduct::tags, max_items(10), defaulted),
                  field("description", &NewProduct::description, max_length(500)));
}

struct Product {
    std::int64_t id = 0;
    std::string name;
    double price = 0;
    std::vector<std::string> tags;
    std::optional<std::string> description;
};
constexpr auto sweet_schema(sweet::schema::of<Product>) {
    using namespace sweet::schema;
    return object("Product", field("id", &Product::id), field("name", &Product::name), field("price", &Product::price),
                  field("tags", &Product::tags), field("description", &Product::description));
}

struct ListQuery {
    int limit = 20;
    std::optional<std::string> tag;
};
constexpr auto sweet_schema(sweet::schema::of<ListQuery>) {
    using namespace sweet::schema;
    return object("ListQuery", field("limit", &ListQuery::limit, ge(1), le(100), defaulted), field("tag", &ListQuery::tag));
}

// ---- a dependency: one catalog shared by every worker, so it locks ------------------------------

class Catalog {
public:
    Product add(const NewProduct& p) {
        std::lock_guard lock(mutex_);
        Product product{next_id_++, p.name, p.price, p.tags, p.description};
        products_[product.id] = product;
        return product;
    }
    std::optional<Product> find(std::int64_t id) {
        std::lock_guard lock(mutex_);
        auto it = products_.find(id);
        if (it == products_.end()) return std::nullopt;
        return it->second;
    }
    std::vector<Product> list(const ListQuery& q) {
        std::lock_guard lock(mutex_);
        std::vector<Product> out;
        for (const auto& [id, p] : products_) {
            if (static_cast<int>(out.size()) == q.limit) break;
            if (!q.tag || std::find(p.tags.begin(), p.tags.end(), *q.tag) != p.tags.end()) out.push_back(p);
        }
        return out;
    }

private:
    std::mutex mutex_;
    std::map<std::int64_t, Product> products_;
    std::int64_t next_id_ = 1;
};

// A hook: writes need an API key. It runs on_request, before the body is even looked at, so an
// unauthenticated client learns nothing about validation (a real app would check the key
// through a dependency).
sweet::Result<sweet::Step> require_api_key(sweet::Request& req) {
    if (req.method() == sweet::http::Method::get || req.method() == sweet::http::Method::head) return sweet::next();
    if (req.header("X-API-Key") != std::optional<std::string_view>("secret-key")) {
        return sweet::Error::client(401, "send X-API-Key");
    }
    return sweet::next();
}

// Writes "n", then again one second later with n-1, until 0.
void countdown(sweet::net::Reactor* reactor, sweet::ResponseStream stream, int n) {
    if (!stream.is_open()) return;  // the client left
    stream.write(fmt::format("{}\n", n));
    if (n == 0) return stream.end();
    reactor->add_timer(std::chrono::seconds(1), [=] { countdown(reactor, stream, n - 1); });
}

}  // namespace shop

int main(int argc, char** argv) {
    using namespace shop;
    // Arguments: [port] [directory of static files]
    sweet::ServerConfig config{.host = "0.0.0.0", .port = 8000, .api_title = "Sweet shop", .api_version = "1.0.0"};
    if (argc > 1) config.port = static_cast<std::uint16_t>(std::atoi(argv[1]));
    const std::string public_dir = argc > 2 ? argv[2] : "examples/public";
    sweet::App app{config};

    // Logs: JSON lines on stderr, one access record per request (with its request id).
    if (auto logging = sweet::configure_logging({.format = sweet::log::Format::json, .sinks = {"stderr"}}); !logging) {
        fmt::print(stderr, "{}\n", logging.error().message);
        return 1;
    }
    app.after_response(sweet::access_log());

    // Built-in middleware, app-wide.
    app.add_hooks(sweet::request_id());
    app.add_hooks(sweet::security_headers());
    app.add_hooks(sweet::cors({.allow_origins = {"https://*.example.com", "http://localhost:3000"}}));
    app.add_hooks(sweet::metrics());  // GET /metrics
    app.add_hooks(sweet::rate_limit({.rate = 50, .burst = 100}));
    app.add_hooks(sweet::compression());

    app.provide<Catalog>(sweet::shared(std::make_shared<Catalog>()));

    app.get<"/">([](sweet::Request&) { return sweet::Response::text("Welcome to the Sweet shop: see /docs\n"); });

    // A group: a prefix, its own hooks (composed at compile time), and its routes.
    auto api = app.group<"/api">(sweet::hooks(sweet::on_request(require_api_key)));

    api.post<"/products">(
        [](sweet::Request& req, sweet::Body<NewProduct> body, Catalog& catalog) {
            Product p = catalog.add(*body);
            sweet::request_log(req).info("product created", sweet::log::kv("product_id", p.id));
            return sweet::Response::json(p, 201);
        },
        sweet::RouteOptions{.summary = "Add a product", .tags = {"products"}}, sweet::responds<Product>(201, "The new product"));

    api.get<"/products">([](sweet::Request&, sweet::Query<ListQuery> q, Catalog& catalog) { return sweet::Response::json(catalog.list(*q)); },
                         sweet::RouteOptions{.summary = "List products", .tags = {"products"}},
                         sweet::responds<std::vector<Product>>(200, "Products"));

    api.get<"/products/{id:int}">(
        [](sweet::Request&, std::int64_t id, Catalog& catalog) -> sweet::Result<sweet::Response> {
            auto p = catalog.find(id);
            if (!p) return sweet::Error::client(404, "no such product");
            return sweet::Response::json(*p);
        },
        sweet::RouteOptions{.summary = "Get a product", .tags = {"products"}}, sweet::responds<Product>(200, "The product"));

    // Cookies: set one, read it back.
    app.post<"/login">([](sweet::Request&) -> sweet::Result<sweet::Response> {
        sweet::Response res = sweet::Response::text("logged in\n");
        if (auto set = sweet::set_cookie(res, {.name = "session", .value = "abc123", .path = "/", .http_only = true,
                                               .same_site = sweet::http::SameSite::lax});
            !set) {
            return set.error();
        }
        return res;
    });
    app.get<"/me">([](sweet::Request& req) {
        auto session = sweet::cookie(req, "session");
        return sweet::Response::text(session ? fmt::format("session {}\n", *session) : "not logged in\n");
    });

    // A multipart upload, parsed as it arrives (files go to disk, never into memory whole), with
    // its own limits (an oversized part is a 413, sent before the rest is read).
    app.post<"/upload">(
        [](sweet::Request&, sweet::Upload upload) {
            std::string out;
            for (const auto& f : upload->fields) out += fmt::format("field {} = {}\n", f.name, f.value);
            for (const auto& f : upload->files) out += fmt::format("file {} ({} bytes, {})\n", f.filename(), f.size(), f.content_type());
            return sweet::Response::text(out);
        },
        sweet::RouteOptions{.summary = "Upload files", .upload = {.max_file_bytes = 100 * 1024 * 1024}});

    // Static files (ETag, Range, no path traversal; large files leave by sendfile).
    app.get<"/static/{path...}">(sweet::static_files(public_dir));

    // A streamed response: the worker's timers write one line per second; nothing blocks.
    app.get<"/countdown">([](sweet::Request& req) {
        sweet::net::Reactor* reactor = &req.reactor();
        return sweet::Response::stream([reactor](sweet::ResponseStream stream) { countdown(reactor, stream, 3); });
    });

    return app.run();
}
