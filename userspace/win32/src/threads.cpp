// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Thread objects: each thread's APC queue and alert event, its end as an
// event a thread handle waits on, and QueueUserAPC.
#include <cerrno>
#include <mutex>
#include <new>

#include <pthread.h>

#include <unistd.h>

#include <linux/evobj.h>

#include "sys.hpp"
#include "win32.hpp"

namespace evobj::win32 {
namespace {

// The calling thread's object. Its destructor, at thread exit, marks the
// thread ended (QueueUserAPC then fails), sets the event that its thread
// handles wait on, and drops the thread's own reference.
struct thread_slot {
    thread_obj* obj = nullptr;

    ~thread_slot()
    {
        if (!obj)
            return;
        {
            const std::lock_guard guard(obj->lock);
            obj->done = true;
            obj->apcs.clear();
        }
        sys::set(obj->exited);
        obj->put();
    }
};

thread_local thread_slot self_slot;

// A child of fork() starts with a copy of its parent's thread object,
// whose alert event is the parent thread's own kernel event: an
// alertable wait in the child could take an alert meant for the parent.
// The child forgets it (its fds are the child's copies, closed with it)
// and makes its own on first use.
void forget_after_fork() noexcept
{
    self_slot.obj = nullptr;
    hazards_after_fork();
    owners_after_fork();
}

std::once_flag atfork_once;

} // namespace

void after_fork_handler() noexcept
{
    std::call_once(atfork_once, [] { ::pthread_atfork(nullptr, nullptr, forget_after_fork); });
}

void thread_obj::put() noexcept
{
    if (refs.fetch_sub(1, std::memory_order_acq_rel) != 1)
        return;
    ::close(alert);
    ::close(exited);
    delete this;
}

thread_obj* current_thread() noexcept
{
    if (self_slot.obj)
        return self_slot.obj;
    after_fork_handler();
    const int dev = device_fd();
    if (dev < 0)
        return nullptr;
    thread_obj* obj = nullptr;
    try {
        obj = new thread_obj; // its APC queue allocates too: not new (std::nothrow)
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, nullptr);
    }
    int err = sys::create(dev, EVOBJ_SYNCHRONIZATION, EVOBJ_CLOEXEC, obj->alert);
    if (err == 0)
        err = sys::create(dev, EVOBJ_NOTIFICATION, EVOBJ_CLOEXEC, obj->exited);
    if (err != 0) {
        if (obj->alert >= 0)
            ::close(obj->alert);
        delete obj;
        return fail(error_from_errno(err), nullptr);
    }
    self_slot.obj = obj;
    return obj;
}

unsigned run_apcs(thread_obj* self)
{
    unsigned ran = 0;
    for (;;) {
        std::pair<PAPCFUNC, ULONG_PTR> apc;
        {
            const std::lock_guard guard(self->lock);
            if (self->apcs.empty())
                return ran;
            apc = self->apcs.front();
            self->apcs.pop_front();
        }
        // Unlocked: an APC may queue APCs, or wait alertably itself.
        apc.first(apc.second);
        ++ran;
    }
}

} // namespace evobj::win32

using namespace evobj::win32;

extern "C" DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData)
{
    if (!pfnAPC)
        return fail(ERROR_INVALID_PARAMETER, DWORD{0});
    thread_obj* target = nullptr;
    handle_ref ref;
    call c; // keeps the handle's thread object while it is used
    if (reinterpret_cast<std::uintptr_t>(hThread) == pseudo_thread) {
        if (!(target = current_thread()))
            return 0;
    } else {
        if (!c.use(&hThread, 1, &ref))
            return 0;
        if (ref.kind() != kind::thread)
            return fail(ERROR_INVALID_HANDLE, DWORD{0});
        if (!(ref.access() & THREAD_SET_CONTEXT))
            return fail(ERROR_ACCESS_DENIED, DWORD{0});
        target = ref.s->thread;
    }

    try {
        const std::lock_guard guard(target->lock);
        if (target->done)
            return fail(ERROR_GEN_FAILURE, DWORD{0}); // the thread has ended
        target->apcs.emplace_back(pfnAPC, dwData);
    } catch (const std::bad_alloc&) {
        return fail(ERROR_NOT_ENOUGH_MEMORY, DWORD{0});
    }
    // After queuing: the thread that takes the alert finds the APC.
    evobj::sys::set(target->alert);
    return 1;
}
