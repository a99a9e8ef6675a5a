#pragma once
/// @file date_cache.hpp
/// The `Date` header value (RFC 9110 section 6.6.1), formatted once per second per worker.

#include <ctime>
#include <string_view>

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
            std::tm tm{};
            ::gmtime_r(&ts.tv_sec, &tm);
            length_ = std::strftime(text_, sizeof text_, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        }
        return {text_, length_};
    }

private:
    std::time_t second_ = -1;
    std::size_t length_ = 0;
    char text_[40] = {};
};

}  // namespace sweet::http
