// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::mutex: the operations on one mutex fd, each a system call (a
// mutex has no mapped word: evobj(4), mmap of one is ENODEV), and the
// calling thread's owner id.
#include <evobj/mutex.hpp>

#include <cstdint>

#include <linux/evobj.h>

#include <evobj/device.hpp>
#include <evobj/wait.hpp>

#include "owner.hpp"
#include "syscall.hpp"

namespace evobj {

owner_id this_thread_owner() noexcept
{
    return sys::current_owner();
}

mutex mutex::create(owner_id owner, std::uint32_t count, unsigned flags)
{
    return device::instance().create_mutex(owner, count, flags);
}

opened_mutex mutex::open(std::string_view name, owner_id owner, std::uint32_t count, evobj::disposition disp,
                         unsigned mode, unsigned flags)
{
    return device::instance().open_mutex(name, owner, count, disp, mode, flags);
}

std::uint32_t mutex::unlock(owner_id owner) const
{
    std::uint32_t prev = 0;
    detail::check(sys::unlock(fd_.get(), owner, &prev), "EVOBJ_IOC_UNLOCK");
    return prev;
}

void mutex::kill(owner_id owner) const
{
    detail::check(sys::kill(fd_.get(), owner), "EVOBJ_IOC_KILL");
}

mutex_state mutex::query() const
{
    evobj_mutex_state st{};
    detail::check(sys::read_mutex(fd_.get(), st), "EVOBJ_IOC_READ_MUTEX");
    return {st.owner, st.count, (st.flags & EVOBJ_MUTEX_ABANDONED) != 0};
}

wait_result mutex::wait(owner_id owner) const
{
    return wait_until(deadline::infinite(), owner);
}

wait_result mutex::try_wait(owner_id owner) const
{
    return wait_until(deadline::immediate(), owner);
}

wait_result mutex::wait_until(deadline when, owner_id owner) const
{
    return wait_any({*this}, when, wait_options{.alert = {}, .signal = {}, .owner = owner});
}

} // namespace evobj
