// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::event: the operations on one event fd.
#include <evobj/event.hpp>

#include <cerrno>
#include <cstdint>
#include <utility>

#include <linux/evobj.h>

#include <evobj/device.hpp>
#include <evobj/wait.hpp>

#include "syscall.hpp"
#include "word.hpp"

namespace evobj {
namespace {

sys::word as_word(const detail::word_mapping& m) noexcept
{
    return {m.addr, m.generation, m.sync};
}

} // namespace

event::event(event&& other) noexcept
    : fd_(std::move(other.fd_)), dev_(std::move(other.dev_)),
      word_(std::exchange(other.word_, {}))
{
}

event& event::operator=(event&& other) noexcept
{
    if (this != &other) {
        unmap_word();
        fd_ = std::move(other.fd_);
        dev_ = std::move(other.dev_);
        word_ = std::exchange(other.word_, {});
    }
    return *this;
}

event::~event()
{
    unmap_word();
}

event::native_handle_type event::release() noexcept
{
    unmap_word();
    dev_.reset();
    return fd_.release();
}

void event::map_word(evobj::kind kind) noexcept
{
    const int saved = errno;
    const sys::word w = sys::map_word(fd_.get(), kind == kind::synchronization);
    word_ = {w.addr, w.generation, w.sync};
    errno = saved;
}

void event::unmap_word() noexcept
{
    const int saved = errno;
    sys::word w = as_word(word_);
    sys::unmap_word(w);
    word_ = {};
    errno = saved;
}

event event::create(evobj::kind kind, bool signaled)
{
    return device::instance().create(kind, signaled);
}

opened event::open(std::string_view name, evobj::kind kind, evobj::disposition disp, unsigned mode,
                   bool signaled)
{
    return device::instance().open_event(name, kind, disp, mode, signaled);
}

bool event::set() const
{
    if (std::uint32_t* w = as_word(word_).get())
        if (const sys::fast r = sys::change(w, EVOBJ_WORD_SIGNALED); r != sys::fast::kernel)
            return r == sys::fast::was_set;
    std::uint32_t prev = 0;
    detail::check(sys::set(fd_.get(), &prev), "EVOBJ_IOC_SET");
    return prev != 0;
}

bool event::reset() const
{
    if (std::uint32_t* w = as_word(word_).get())
        if (const sys::fast r = sys::change(w, 0); r != sys::fast::kernel)
            return r == sys::fast::was_set;
    std::uint32_t prev = 0;
    detail::check(sys::reset(fd_.get(), &prev), "EVOBJ_IOC_RESET");
    return prev != 0;
}

bool event::pulse() const
{
    // With the word free nobody waits, and a pulse only resets.
    if (std::uint32_t* w = as_word(word_).get())
        if (const sys::fast r = sys::change(w, 0); r != sys::fast::kernel)
            return r == sys::fast::was_set;
    std::uint32_t prev = 0;
    detail::check(sys::pulse(fd_.get(), &prev), "EVOBJ_IOC_PULSE");
    return prev != 0;
}

event_state event::query() const
{
    evobj_state st{};
    detail::check(sys::read(fd_.get(), st), "EVOBJ_IOC_READ");
    return {static_cast<evobj::kind>(st.type), st.signaled != 0};
}

bool event::is_set() const
{
    if (const std::uint32_t* w = as_word(word_).get())
        return sys::signaled(w);
    return query().signaled;
}

void event::wait() const
{
    // An infinite wait cannot time out; the result carries no information.
    static_cast<void>(wait_until(deadline::infinite()));
}

bool event::wait_until(deadline when) const
{
    if (std::uint32_t* w = as_word(word_).get()) {
        const bool test = when.nanoseconds() == 0;
        if (const sys::fast r = sys::try_wait(w, word_.sync, test); r != sys::fast::kernel)
            return r == sys::fast::was_set;
    }
    return wait_any({*this}, when).has_value();
}

void event::arm_timer(std::chrono::steady_clock::time_point first,
                      std::chrono::nanoseconds period) const
{
    if (period < period.zero())
        detail::throw_error(EINVAL, "EVOBJ_IOC_TIMER");
    // expires == 0 is the kernel's "disarm" when period is 0, and the
    // kernel rejects negative times: anything not after the epoch is
    // "already past", which 1 ns expresses exactly.
    const auto since_epoch = first.time_since_epoch().count();
    evobj_timer args{};
    args.expires = since_epoch > 0 ? static_cast<std::uint64_t>(since_epoch) : 1U;
    args.period = static_cast<std::uint64_t>(period.count());
    detail::check(sys::timer(fd_.get(), args), "EVOBJ_IOC_TIMER");
}

void event::disarm_timer() const
{
    evobj_timer args{}; // expires 0, period 0
    detail::check(sys::timer(fd_.get(), args), "EVOBJ_IOC_TIMER");
}

} // namespace evobj
