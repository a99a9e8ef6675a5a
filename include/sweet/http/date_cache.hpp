#pragma once
/// @file date_cache.hpp
/// The `Date` header value (RFC 9110 section 6.6.1), formatted once per second per worker.

#include <ctime>
#include <string_view>

#include "sweet/http/http_date.hpp"

namespace sweet::http {

/// Caches "Sun, 06 Nov 1994 08:49:37 GMT" for the current second. One per worker, no locks.
class DateCache {
public:
    /// The current date in IMF-fixdate form. Cheap: one coarse clock read per call.
    std::string_view get() noexcept {
        timespec ts{};
        ::clock_gettime(CLOCK_REALTIME_COARSE, &ts);
        if (ts.tv_sec != second_) {
            second_ = ts.tv_sec;
            // Not strftime: its day and month names follow the C locale, which a program may change.
            if (auto date = format_http_date(static_cast<std::int64_t>(ts.tv_sec))) text_ = *date;
        }
        return text_.view();
    }

private:
    std::time_t second_ = -1;
    HttpDate text_{};
};

}  // namespace sweet::http
