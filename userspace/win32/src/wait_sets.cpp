// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The wait sets that WaitForMultipleObjects[Ex] uses on its own (see
// win32.hpp): each thread keeps the list of its latest multi-object
// wait and, once the same list comes again, a wait set of it.
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include <unistd.h>

#include <linux/evobj.h>

#include "sys.hpp"
#include "win32.hpp"

namespace evobj::win32 {
namespace {

// One thread's latest list and its set. Only the thread writes fds and
// count, and only while set is -1; a close elsewhere reads them only
// under sets_lock while set is not -1. So the set fd changes hands by
// exchange, under sets_lock: whoever takes it closes it.
struct thread_cache {
    std::int32_t fds[MAXIMUM_WAIT_OBJECTS];
    unsigned count = 0;
    bool failed = false; // no set could be made for this list: use the list
    std::atomic<int> set{-1};
    thread_cache* prev = nullptr; // in caches, under sets_lock
    thread_cache* next = nullptr;
    bool listed = false;

    ~thread_cache();
};

// The caches that hold a set, so that a close can find them; and their
// set fds. Taken inside table_lock, never the other way round.
std::mutex sets_lock;
thread_cache* caches = nullptr;

// Under sets_lock.
void unlist(thread_cache* c) noexcept
{
    if (!c->listed)
        return;
    (c->prev ? c->prev->next : caches) = c->next;
    if (c->next)
        c->next->prev = c->prev;
    c->prev = c->next = nullptr;
    c->listed = false;
}

void close_quietly(int fd) noexcept
{
    const int saved = errno;
    ::close(fd);
    errno = saved;
}

// The thread's set, if any, goes (its list stays).
void drop_set(thread_cache& c) noexcept
{
    int set;
    {
        const std::lock_guard guard(sets_lock);
        set = c.set.exchange(-1, std::memory_order_relaxed);
    }
    if (set >= 0)
        close_quietly(set);
}

thread_cache::~thread_cache()
{
    drop_set(*this);
    const std::lock_guard guard(sets_lock);
    unlist(this);
}

thread_local thread_cache my_cache;

// EVOBJ_WIN32_WAIT_SETS=0 turns the sets off (to compare, or to rule
// them out); read once.
bool enabled() noexcept
{
    static const bool on = [] {
        const char* v = std::getenv("EVOBJ_WIN32_WAIT_SETS");
        return !v || std::strcmp(v, "0") != 0;
    }();
    return on;
}

// The call's list as a set, published in the thread's cache; -1 if the
// kernel refuses one (the fd limit, memory): the list then, until it
// changes.
int make_set(thread_cache& c, const handle_ref* refs) noexcept
{
    const int dev = device_fd();
    if (dev < 0) {
        c.failed = true;
        return -1;
    }
    evobj_waitset args{};
    args.fds = reinterpret_cast<std::uintptr_t>(c.fds);
    args.count = c.count;
    args.flags = EVOBJ_CLOEXEC;
    int set = -1;
    const int saved = errno;
    if (sys::waitset(dev, args, set) != 0) {
        errno = saved;
        c.failed = true;
        return -1;
    }
    const std::lock_guard guard(sets_lock);
    if (!c.listed) {
        c.next = caches;
        if (caches)
            caches->prev = &c;
        caches = &c;
        c.listed = true;
    }
    // The call holds every member's fd, so no close can look at these
    // slots before the call ends (its release of the fds publishes them).
    for (unsigned i = 0; i < c.count; ++i)
        refs[i].s->in_set.store(true, std::memory_order_relaxed);
    c.set.store(set, std::memory_order_relaxed);
    return set;
}

} // namespace

int cached_set(const std::int32_t* fds, unsigned count, const handle_ref* refs) noexcept
{
    if (!enabled())
        return -1;
    thread_cache& c = my_cache;
    const std::size_t bytes = count * sizeof(*fds);
    if (count == c.count && std::memcmp(fds, c.fds, bytes) == 0) {
        // A close of a member has taken the set (and closed it) before
        // the member's fd could be reused: a set here holds these events.
        const int set = c.set.load(std::memory_order_relaxed);
        if (set >= 0 || c.failed)
            return set;
        return make_set(c, refs); // the same list again
    }
    drop_set(c);
    std::memcpy(c.fds, fds, bytes);
    c.count = count;
    c.failed = false;
    return -1;
}

void forget_sets_with(int fd) noexcept
{
    const std::lock_guard guard(sets_lock);
    for (thread_cache* c = caches; c; c = c->next) {
        if (c->set.load(std::memory_order_relaxed) < 0)
            continue;
        for (unsigned i = 0; i < c->count; ++i) {
            if (c->fds[i] == fd) {
                close_quietly(c->set.exchange(-1, std::memory_order_relaxed));
                break;
            }
        }
    }
}

} // namespace evobj::win32
