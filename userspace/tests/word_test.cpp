// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobj::event through its mapped state word: the operations that need
// no system call, seen by the kernel; a waiter in the kernel still woken;
// a fork child, which has no mapping, and an adopted event, which maps
// nothing, working through the ioctls; and a stress of the fast path
// against kernel waits with exact accounting.
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/evobj.h>

#include <gtest/gtest.h>

#include <evobj/evobj.hpp>

#include "helpers.hpp"

namespace {

using namespace std::chrono_literals;
using evobj::kind;

class Word : public evobj_test::Device {};

// The kernel's view, by ioctl, whatever the library does.
bool kernel_signaled(int fd)
{
    evobj_state st{};
    EXPECT_EQ(0, ::ioctl(fd, EVOBJ_IOC_READ, &st));
    return st.signaled != 0;
}

// A second mapping of the event's word: the same mm may map it again.
struct peek {
    explicit peek(int fd)
        : p(static_cast<std::uint32_t*>(
              ::mmap(nullptr, ::sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, fd, 0)))
    {
    }
    ~peek()
    {
        if (p != MAP_FAILED)
            ::munmap(p, ::sysconf(_SC_PAGESIZE));
    }
    peek(const peek&) = delete;
    peek& operator=(const peek&) = delete;
    [[nodiscard]] std::uint32_t value() const { return std::atomic_ref<std::uint32_t>(*p).load(); }
    std::uint32_t* p;
};

TEST_F(Word, ChangesGoThroughTheWordAndTheKernelSeesThem)
{
    const auto ev = evobj::event::create(kind::synchronization);
    const peek w(ev.native_handle());
    ASSERT_NE(MAP_FAILED, static_cast<void*>(w.p));
    EXPECT_FALSE(ev.set());
    EXPECT_EQ(EVOBJ_WORD_SIGNALED, w.value());
    EXPECT_TRUE(ev.is_set());
    EXPECT_TRUE(kernel_signaled(ev.native_handle())); // after which the word is free again
    EXPECT_EQ(EVOBJ_WORD_SIGNALED, w.value());
    EXPECT_TRUE(ev.try_wait()); // taken through the word
    EXPECT_EQ(0U, w.value());
    EXPECT_FALSE(kernel_signaled(ev.native_handle()));
    EXPECT_FALSE(ev.try_wait());
    EXPECT_FALSE(ev.set());
    EXPECT_TRUE(ev.reset());
    EXPECT_FALSE(kernel_signaled(ev.native_handle()));
    EXPECT_FALSE(ev.set());
    EXPECT_TRUE(ev.pulse()); // nobody waits: a reset
    EXPECT_FALSE(ev.is_set());
}

TEST_F(Word, NotificationWaitLeavesItSignaled)
{
    const auto ev = evobj::event::create(kind::notification, true);
    EXPECT_TRUE(ev.try_wait());
    EXPECT_TRUE(ev.try_wait());
    EXPECT_TRUE(kernel_signaled(ev.native_handle()));
}

TEST_F(Word, KernelWaiterIsWokenBySetThroughTheLibrary)
{
    const auto ev = evobj::event::create(kind::synchronization);
    const peek w(ev.native_handle());
    std::atomic<bool> done{false};
    std::thread t([&] {
        ev.wait();
        done = true;
    });
    // Once the waiter is queued the kernel holds the word.
    for (int i = 0; i < 5000 && !(w.value() & EVOBJ_WORD_KERNEL); ++i)
        std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(w.value() & EVOBJ_WORD_KERNEL);
    EXPECT_FALSE(done.load());
    EXPECT_FALSE(ev.set()); // through the ioctl: the waiter takes it
    t.join();
    EXPECT_TRUE(done.load());
    EXPECT_FALSE(ev.is_set());
    EXPECT_EQ(0U, w.value());
}

TEST_F(Word, ForkChildWorksThroughTheIoctls)
{
    const auto ev = evobj::event::create(kind::synchronization);
    const pid_t pid = ::fork();
    ASSERT_LE(0, pid);
    if (pid == 0) {
        // No mapping here: the library must not touch the parent's address.
        bool ok = !ev.set() && ev.is_set() && ev.try_wait() && !ev.try_wait() && !ev.set();
        ::_exit(ok ? 0 : 1);
    }
    int status = 0;
    ASSERT_EQ(pid, ::waitpid(pid, &status, 0));
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(0, WEXITSTATUS(status));
    EXPECT_TRUE(ev.is_set()); // the child's last set, seen through the word
    EXPECT_TRUE(ev.try_wait());
}

TEST_F(Word, AdoptedEventMapsNothingAndWorks)
{
    auto ev = evobj::event::create(kind::synchronization);
    const auto adopted = evobj::event::adopt(::fcntl(ev.native_handle(), F_DUPFD_CLOEXEC, 0));
    EXPECT_FALSE(adopted.set());
    EXPECT_TRUE(ev.is_set());
    EXPECT_TRUE(adopted.try_wait());
    EXPECT_FALSE(ev.is_set());
}

TEST_F(Word, MovedAndReleasedEventsKeepOrDropTheirWord)
{
    auto a = evobj::event::create(kind::notification);
    auto b = std::move(a);
    EXPECT_FALSE(b.set());
    EXPECT_TRUE(b.is_set());
    const int fd = b.release(); // unmaps: the fd alone goes on
    EXPECT_TRUE(kernel_signaled(fd));
    ::close(fd);
}

// Sets through the word or the ioctl race takes through the word and
// blocking kernel waits: every 0 -> 1 is one take, or the final state.
TEST_F(Word, StressAgainstKernelWaitsBalancesExactly)
{
    const auto ev = evobj::event::create(kind::synchronization);
    constexpr int sets = 20000;
    std::atomic<long> raised{0}, taken{0};
    std::atomic<int> setters_done{0};
    auto setter = [&] {
        for (int i = 0; i < sets; ++i)
            if (!ev.set())
                ++raised;
        ++setters_done;
    };
    auto taker = [&](bool block) {
        while (setters_done.load() < 2) {
            if (block ? ev.wait_for(1ms) : ev.try_wait())
                ++taken;
        }
    };
    std::vector<std::thread> ts;
    ts.emplace_back(setter);
    ts.emplace_back(setter);
    ts.emplace_back(taker, true);
    ts.emplace_back(taker, false);
    for (auto& t : ts)
        t.join();
    EXPECT_GT(raised.load(), 0);
    EXPECT_EQ(raised.load(), taken.load() + (ev.is_set() ? 1 : 0));
}

} // namespace
