// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The calling thread's mutex owner id: its gettid(), cached per thread.
// A fork() child's thread has another id than the parent thread it was
// copied from, so the cache is tied to the fork generation of word.hpp.
//
// Private and header-only, hidden in each library, as sys.hpp is.
#pragma once

#include <cstdint>

#include <unistd.h>

#include "word.hpp"

#pragma GCC visibility push(hidden)

namespace evobj::sys {

/// gettid() of the calling thread, never 0.
inline std::uint32_t current_owner() noexcept
{
    struct cache {
        std::uint32_t tid = 0;
        unsigned generation = 0;
    };
    static thread_local cache c;
    const unsigned gen = fork_generation().load(std::memory_order_relaxed);
    if (c.tid == 0 || c.generation != gen) {
        c.tid = static_cast<std::uint32_t>(::gettid());
        c.generation = gen;
    }
    return c.tid;
}

} // namespace evobj::sys

#pragma GCC visibility pop
