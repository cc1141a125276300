// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::semaphore: the operations on one semaphore fd. Every one is a
// system call: a count does not fit the one-bit mapped word that events
// use (evobj(4): mmap of a semaphore is ENODEV).
#include <evobj/semaphore.hpp>

#include <cstdint>

#include <linux/evobj.h>

#include <evobj/device.hpp>
#include <evobj/wait.hpp>

#include "syscall.hpp"

namespace evobj {

semaphore semaphore::create(std::uint32_t count, std::uint32_t max, unsigned flags)
{
    return device::instance().create_semaphore(count, max, flags);
}

opened_semaphore semaphore::open(std::string_view name, std::uint32_t count, std::uint32_t max,
                                 evobj::disposition disp, unsigned mode, unsigned flags)
{
    return device::instance().open_semaphore(name, count, max, disp, mode, flags);
}

std::uint32_t semaphore::release(std::uint32_t n) const
{
    std::uint32_t prev = 0;
    detail::check(sys::release(fd_.get(), n, &prev), "EVOBJ_IOC_RELEASE");
    return prev;
}

semaphore_state semaphore::query() const
{
    evobj_semaphore_state st{};
    detail::check(sys::read_semaphore(fd_.get(), st), "EVOBJ_IOC_READ_SEMAPHORE");
    return {st.count, st.max};
}

void semaphore::wait() const
{
    // An infinite wait cannot time out; the result carries no information.
    static_cast<void>(wait_until(deadline::infinite()));
}

bool semaphore::wait_until(deadline when) const
{
    return wait_any({*this}, when).has_value();
}

} // namespace evobj
