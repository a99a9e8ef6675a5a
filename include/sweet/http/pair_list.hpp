#pragma once
/// @file pair_list.hpp
/// `PairList<Syntax>`: the `name=value` pieces of a delimited text ("a=1&b=2", "a=1; b=2") as
/// views, in order, without copying or allocating. `Syntax` says what separates the pieces and
/// how one piece becomes a pair or is skipped; `QueryParams` (sweet/http/percent.hpp) and
/// `CookieList` (sweet/http/cookies.hpp) are its two users.

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>

namespace sweet::http {

/// Iterates the pairs of `text` as `Syntax` reads them. `Syntax` provides `using Pair = ...`,
/// `static constexpr char separator`, and `static constexpr std::optional<Pair> parse(std::string_view
/// piece)` (nullopt skips the piece).
template <class Syntax>
class PairList {
public:
    using Pair = typename Syntax::Pair;

    /// Iterates `text` (which the yielded views point into).
    constexpr explicit PairList(std::string_view text) noexcept : text_(text) {}

    /// Forward iterator over the pairs.
    class iterator {
    public:
        using iterator_category = std::forward_iterator_tag;
        using value_type = Pair;
        using difference_type = std::ptrdiff_t;
        using pointer = const Pair*;
        using reference = const Pair&;

        constexpr iterator() noexcept = default;
        constexpr reference operator*() const noexcept { return pair_; }
        constexpr pointer operator->() const noexcept { return &pair_; }
        constexpr iterator& operator++() noexcept {
            load(next_);
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            ++*this;
            return old;
        }
        /// Iterators over the same text are equal when at the same pair.
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept { return a.pos_ == b.pos_; }

    private:
        friend class PairList;
        constexpr iterator(std::string_view text, std::size_t from) noexcept : text_(text) { load(from); }

        // Moves to the first pair at or after `from` that the syntax does not skip.
        constexpr void load(std::size_t from) noexcept {
            while (from < text_.size()) {
                std::size_t end = text_.find(Syntax::separator, from);
                if (end == std::string_view::npos) end = text_.size();
                const std::size_t after = end == text_.size() ? end : end + 1;
                if (const std::optional<Pair> pair = Syntax::parse(text_.substr(from, end - from))) {
                    pos_ = from;
                    next_ = after;
                    pair_ = *pair;
                    return;
                }
                from = after;
            }
            pos_ = next_ = text_.size();
            pair_ = {};
        }

        std::string_view text_;
        std::size_t pos_ = 0;   // offset of the current piece; text_.size() at the end
        std::size_t next_ = 0;  // offset of the piece after it
        Pair pair_{};
    };

    /// The first pair.
    [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(text_, 0); }
    /// Past the last pair.
    [[nodiscard]] constexpr iterator end() const noexcept { return iterator(text_, text_.size()); }

private:
    std::string_view text_;
};

}  // namespace sweet::http
