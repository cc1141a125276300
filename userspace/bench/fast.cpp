// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The userspace fast path: set, set + reset, and set + a zero-timeout
// take of an auto-reset event, that nobody else waits on, through the
// mapped state word, with the protocol code that libevobj, the Win32
// layer and the pevents drop-in use (src/word.hpp), against the ioctls,
// and against an event as neosmart pevents builds one in userspace: a
// pthread mutex, a condition variable and a flag. That baseline is ours,
// written to the same design, not neosmart's code.

#include <cstdint>
#include <stdexcept>

#include <pthread.h>

#include "harness.hpp"
#include "sys.hpp"
#include "word.hpp"

namespace evobj::bench {
namespace {

// An auto-reset event as a userspace library makes one: a lock, a flag
// and a condition variable for the waiters, whom this benchmark never has.
class condvar_event {
public:
    condvar_event() = default;
    condvar_event(const condvar_event&) = delete;
    condvar_event& operator=(const condvar_event&) = delete;
    ~condvar_event()
    {
        pthread_cond_destroy(&cond_);
        pthread_mutex_destroy(&lock_);
    }

    void set()
    {
        pthread_mutex_lock(&lock_);
        state_ = true;
        if (waiters_ > 0)
            pthread_cond_signal(&cond_);
        pthread_mutex_unlock(&lock_);
    }
    void reset()
    {
        pthread_mutex_lock(&lock_);
        state_ = false;
        pthread_mutex_unlock(&lock_);
    }
    // WaitForEvent(e, 0): takes the event if signaled.
    bool try_wait()
    {
        pthread_mutex_lock(&lock_);
        const bool taken = state_;
        state_ = false;
        pthread_mutex_unlock(&lock_);
        return taken;
    }

private:
    pthread_mutex_t lock_ = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cond_ = PTHREAD_COND_INITIALIZER;
    bool state_ = false;
    int waiters_ = 0;
};

} // namespace

void bench_fast(context& ctx)
{
    const unique_fd dev = evobj_open_device();
    const unique_fd ev = evobj_create(dev.get(), EVOBJ_SYNCHRONIZATION);
    const int e = ev.get(), d = dev.get();
    sys::word mapped = sys::map_word(e, true);
    std::uint32_t* const w = mapped.get();
    if (!w)
        throw std::runtime_error("fast-path: mmap of an event fd failed: a module without the mapped word?");
    condvar_event cv;

    measure_group(ctx, "fast-path", "-", "set",
                  {{"mutex/condvar event (pevents' design)", true, loop([&cv] { cv.set(); })},
                   {"evobj mapped word", false, loop([w] { (void)sys::change(w, EVOBJ_WORD_SIGNALED); })},
                   {"evobj SET ioctl", false, loop([e] { evobj_set(e); })}});

    measure_group(ctx, "fast-path", "-", "set+reset",
                  {{"mutex/condvar event (pevents' design)", true, loop([&cv] {
                        cv.set();
                        cv.reset();
                    })},
                   {"evobj mapped word", false, loop([w] {
                        (void)sys::change(w, EVOBJ_WORD_SIGNALED);
                        (void)sys::change(w, 0);
                    })},
                   {"evobj SET + RESET ioctls", false, loop([e] {
                        evobj_set(e);
                        evobj_reset(e);
                    })}});

    // A set, then WaitForEvent(e, 0) taking it.
    const std::int32_t fd = e;
    measure_group(ctx, "fast-path", "-", "set+take",
                  {{"mutex/condvar event (pevents' design)", true, loop([&cv] {
                        cv.set();
                        (void)cv.try_wait();
                    })},
                   {"evobj mapped word", false, loop([w] {
                        (void)sys::change(w, EVOBJ_WORD_SIGNALED);
                        (void)sys::try_wait(w, true, true);
                    })},
                   {"evobj SET + WAIT_ANY ioctls", false, loop([d, e, &fd] {
                        evobj_set(e);
                        (void)evobj_wait_any(d, {&fd, 1});
                    })}});
    sys::unmap_word(mapped);
}

} // namespace evobj::bench
