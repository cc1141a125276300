// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The mapped state word (evobj(4), "The mapped state word"): the
// userspace half of its protocol, shared by libevobj's event, the Win32
// layer and the pevents drop-in. While the kernel does not hold the word
// (EVOBJ_WORD_KERNEL clear) it is the event's state, and set, reset,
// pulse, a read and the take of a signaled event are one compare-and-swap
// here; anything else says "kernel", and the caller makes the ioctl.
//
// Private and header-only, hidden in each library, as sys.hpp is.
#pragma once

#include <atomic>
#include <cstdint>

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/evobj.h>

#pragma GCC visibility push(hidden)

namespace evobj::sys {

/// Bumped in every fork child: a word mapped in an earlier generation
/// is not mapped in this process (the kernel does not copy it), so it is
/// neither touched nor unmapped. One counter per library that includes
/// this, each with its own pthread_atfork handler.
inline std::atomic<unsigned>& fork_generation() noexcept
{
    static std::atomic<unsigned> generation{0};
    [[maybe_unused]] static const bool registered = [] {
        ::pthread_atfork(nullptr, nullptr,
                         [] { generation.fetch_add(1, std::memory_order_relaxed); });
        return true;
    }();
    return generation;
}

/// An event's word as a process holds it: nullptr if it is not mapped.
struct word {
    std::uint32_t* addr = nullptr;
    unsigned generation = 0;
    bool sync = false; // a synchronization event: a wait takes it

    /// The word if this process may use it, else nullptr.
    [[nodiscard]] std::uint32_t* get() const noexcept
    {
        return addr && generation == fork_generation().load(std::memory_order_relaxed) ? addr
                                                                                        : nullptr;
    }
};

/// Maps event fd `fd`'s word; an empty word if the kernel refuses (an
/// older module, another process maps it, vm.max_map_count, memory):
/// the event then works through the ioctls, as it always did.
inline word map_word(int fd, bool sync) noexcept
{
    const long page = ::sysconf(_SC_PAGESIZE);
    void* p = ::mmap(nullptr, static_cast<std::size_t>(page), PROT_READ | PROT_WRITE, MAP_SHARED,
                     fd, 0);
    if (p == MAP_FAILED)
        return {};
    return {static_cast<std::uint32_t*>(p), fork_generation().load(std::memory_order_relaxed),
            sync};
}

/// Unmaps `w` if this process has it; leaves `w` empty either way.
inline void unmap_word(word& w) noexcept
{
    if (std::uint32_t* p = w.get())
        ::munmap(p, static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)));
    w = {};
}

/// What a fast operation did.
enum class fast : std::uint8_t {
    was_clear, // done; the previous state was non-signaled (or: timed out)
    was_set,   // done; the previous state was signaled (or: taken)
    kernel,    // not done: make the ioctl
};

/// Set (`to` = EVOBJ_WORD_SIGNALED) or reset/pulse (`to` = 0) through
/// the word. A pulse with the word free has nobody to release, so it is
/// a reset. Anything but an exact 0 or 1 (the kernel's bit, or bits a
/// scribbler left) goes to the kernel, which rewrites the word.
inline fast change(std::uint32_t* w, std::uint32_t to) noexcept
{
    std::atomic_ref<std::uint32_t> a(*w);
    std::uint32_t cur = a.load(std::memory_order_acquire);
    for (int tries = 0; tries < 4; ++tries) {
        if (cur != 0 && cur != EVOBJ_WORD_SIGNALED)
            return fast::kernel;
        if (cur == to ||
            a.compare_exchange_weak(cur, to, std::memory_order_acq_rel, std::memory_order_acquire))
            return cur != 0 ? fast::was_set : fast::was_clear;
    }
    return fast::kernel; // contended: let the kernel order it
}

/// The state: the word says it whether or not the kernel holds it.
inline bool signaled(const std::uint32_t* w) noexcept
{
    return (std::atomic_ref<const std::uint32_t>(*w).load(std::memory_order_acquire) &
            EVOBJ_WORD_SIGNALED) != 0;
}

/// A wait on this one event, without an alert or a signal: was_set if it
/// is satisfied (a synchronization event taken), was_clear if it is not
/// and the wait is a test (`test`), kernel otherwise.
inline fast try_wait(std::uint32_t* w, bool sync, bool test) noexcept
{
    std::atomic_ref<std::uint32_t> a(*w);
    std::uint32_t cur = a.load(std::memory_order_acquire);
    if (!sync && (cur & EVOBJ_WORD_SIGNALED) != 0 &&
        (cur & ~(EVOBJ_WORD_SIGNALED | EVOBJ_WORD_KERNEL)) == 0)
        return fast::was_set;
    if (sync && cur == EVOBJ_WORD_SIGNALED &&
        a.compare_exchange_strong(cur, 0, std::memory_order_acq_rel, std::memory_order_acquire))
        return fast::was_set;
    if (test && cur == 0)
        return fast::was_clear;
    return fast::kernel;
}

} // namespace evobj::sys

#pragma GCC visibility pop
