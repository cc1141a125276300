// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::wait_result: how a wait with options ended (<evobj/wait.hpp>,
// <evobj/wait_set.hpp>, and evobj::mutex's own waits).
#pragma once

#include <cstddef>
#include <cstdint>

namespace evobj {

/// How a wait ended.
enum class wait_status : std::uint8_t { signaled, alerted, timed_out };

/// How a wait with options ended, which object won, and whether a mutex
/// it acquired had been abandoned.
class wait_result {
public:
    constexpr wait_result(wait_status s, std::size_t index = 0, bool abandoned = false) noexcept
        : status_(s), abandoned_(abandoned), index_(index)
    {
    }

    [[nodiscard]] constexpr wait_status status() const noexcept { return status_; }
    [[nodiscard]] constexpr bool signaled() const noexcept { return status_ == wait_status::signaled; }
    [[nodiscard]] constexpr bool alerted() const noexcept { return status_ == wait_status::alerted; }
    [[nodiscard]] constexpr bool timed_out() const noexcept { return status_ == wait_status::timed_out; }
    /// When signaled(): the winning index of a wait-any (the lowest
    /// signaled one), 0 for a wait-all.
    [[nodiscard]] constexpr std::size_t index() const noexcept { return index_; }
    /// The wait succeeded (signaled() or alerted()) and acquired a mutex
    /// whose owner had been killed (mutex::kill): for a wait-any, the
    /// winning object (or the alert, if alerted()); for a wait-all, some
    /// mutex of the list (EOWNERDEAD, Win32's WAIT_ABANDONED_0 + index).
    /// The mutex is the waiter's now, and no longer abandoned.
    [[nodiscard]] constexpr bool abandoned() const noexcept { return abandoned_; }

    friend constexpr bool operator==(const wait_result&, const wait_result&) noexcept = default;

private:
    wait_status status_;
    bool abandoned_;
    std::size_t index_;
};

} // namespace evobj
