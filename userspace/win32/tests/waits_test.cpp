// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// WaitForSingleObject, WaitForMultipleObjects and SignalObjectAndWait:
// the contract's wait rules seen through the Win32 API.
#include <array>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <dirent.h>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

class Win32Wait : public Device {};

TEST_F(Win32Wait, TimeoutIsRelativeMilliseconds)
{
    owned ev(auto_event());
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(WaitForSingleObject(ev, 50), WAIT_TIMEOUT);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_GE(took, 50ms);
    EXPECT_LT(took, evobj_test::slack);
}

TEST_F(Win32Wait, InfiniteWaitsUntilSet)
{
    owned ev(auto_event());
    std::thread setter([&] {
        ASSERT_TRUE(await_waiters(ev, 1));
        SetEvent(ev);
    });
    EXPECT_EQ(WaitForSingleObject(ev, INFINITE), WAIT_OBJECT_0);
    setter.join();
}

TEST_F(Win32Wait, LowestIndexWins)
{
    std::array<owned, 4> ev;
    std::array<HANDLE, 4> h{};
    for (int i = 0; i < 4; ++i)
        h[i] = (ev[i].reset(auto_event()), HANDLE(ev[i]));
    SetEvent(h[3]);
    SetEvent(h[1]);
    EXPECT_EQ(WaitForMultipleObjects(4, h.data(), FALSE, 0), WAIT_OBJECT_0 + 1);
    // Only the winner was consumed.
    EXPECT_EQ(WaitForMultipleObjects(4, h.data(), FALSE, 0), WAIT_OBJECT_0 + 3);
    EXPECT_EQ(WaitForMultipleObjects(4, h.data(), FALSE, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Wait, WaitAnySameHandleTwiceIsAllowed)
{
    owned ev(auto_event(true));
    HANDLE h[] = {ev, ev};
    EXPECT_EQ(WaitForMultipleObjects(2, h, FALSE, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Wait, SixtyFourHandles)
{
    std::vector<owned> ev(MAXIMUM_WAIT_OBJECTS);
    std::vector<HANDLE> h;
    for (auto& e : ev) {
        e.reset(auto_event());
        h.push_back(e);
    }
    SetEvent(h[63]);
    EXPECT_EQ(WaitForMultipleObjects(64, h.data(), FALSE, 0), WAIT_OBJECT_0 + 63);
    for (HANDLE x : h)
        SetEvent(x);
    EXPECT_EQ(WaitForMultipleObjects(64, h.data(), TRUE, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForMultipleObjects(64, h.data(), FALSE, 0), WAIT_TIMEOUT); // all consumed
}

TEST_F(Win32Wait, BadCounts)
{
    std::vector<owned> ev(MAXIMUM_WAIT_OBJECTS + 1);
    std::vector<HANDLE> h;
    for (auto& e : ev) {
        e.reset(auto_event(true));
        h.push_back(e);
    }
    for (BOOL all : {FALSE, TRUE}) {
        EXPECT_FAILS_WITH(WaitForMultipleObjects(0, h.data(), all, 0), WAIT_FAILED,
                          ERROR_INVALID_PARAMETER);
        EXPECT_FAILS_WITH(WaitForMultipleObjects(65, h.data(), all, 0), WAIT_FAILED,
                          ERROR_INVALID_PARAMETER);
        EXPECT_FAILS_WITH(WaitForMultipleObjectsEx(65, h.data(), all, 0, TRUE), WAIT_FAILED,
                          ERROR_INVALID_PARAMETER);
        EXPECT_FAILS_WITH(WaitForMultipleObjects(1, nullptr, all, 0), WAIT_FAILED,
                          ERROR_INVALID_PARAMETER);
    }
    // A failed wait consumed nothing.
    EXPECT_EQ(WaitForSingleObject(h[0], 0), WAIT_OBJECT_0);
}

TEST_F(Win32Wait, WaitAllRejectsOneObjectTwice)
{
    owned ev(auto_event(true)), other(auto_event(true));
    HANDLE twice[] = {ev, other, ev};
    EXPECT_FAILS_WITH(WaitForMultipleObjects(3, twice, TRUE, 0), WAIT_FAILED, ERROR_INVALID_PARAMETER);
    // The same handle with other low bits is the same handle.
    HANDLE low_bits[] = {ev, reinterpret_cast<HANDLE>(reinterpret_cast<std::uintptr_t>(HANDLE(ev)) | 2)};
    EXPECT_FAILS_WITH(WaitForMultipleObjects(2, low_bits, TRUE, 0), WAIT_FAILED,
                      ERROR_INVALID_PARAMETER);
    // Two handles to one event (the kernel finds it).
    HANDLE dup = nullptr;
    ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup, 0, FALSE,
                                DUPLICATE_SAME_ACCESS));
    owned dup_owner(dup);
    HANDLE via_dup[] = {ev, dup};
    EXPECT_FAILS_WITH(WaitForMultipleObjects(2, via_dup, TRUE, 0), WAIT_FAILED,
                      ERROR_INVALID_PARAMETER);
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0); // nothing consumed
    EXPECT_EQ(WaitForSingleObject(other, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Wait, WaitAllIsAtomic)
{
    owned a(auto_event(true)), b(auto_event()), c(auto_event(true));
    HANDLE h[] = {a, b, c};
    // Not all signaled: nothing is consumed, with or without a timeout.
    EXPECT_EQ(WaitForMultipleObjects(3, h, TRUE, 0), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForMultipleObjects(3, h, TRUE, 20), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(c, 0), WAIT_OBJECT_0);

    // A blocked wait-all holds nothing back from other waiters.
    std::atomic<DWORD> result{WAIT_FAILED};
    std::thread all([&] { result = WaitForMultipleObjects(3, h, TRUE, 10000); });
    ASSERT_TRUE(await_waiters(a, 1));
    SetEvent(a);
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    // All three at one instant: the wait-all takes them together.
    SetEvent(a);
    SetEvent(c);
    SetEvent(b);
    all.join();
    EXPECT_EQ(result.load(), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForMultipleObjects(3, h, FALSE, 0), WAIT_TIMEOUT); // all consumed
}

TEST_F(Win32Wait, AutoResetWakesInFifoOrder)
{
    owned ev(auto_event());
    std::mutex m;
    std::vector<int> order;
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&, i] {
            if (WaitForSingleObject(ev, 10000) == WAIT_OBJECT_0) {
                const std::lock_guard g(m);
                order.push_back(i);
            }
        });
        ASSERT_TRUE(await_waiters(ev, static_cast<unsigned>(i + 1))); // queued in order
    }
    // One set at a time, each once the previous waiter has said who it is.
    for (std::size_t i = 0; i < 3; ++i) {
        SetEvent(ev);
        const auto until = std::chrono::steady_clock::now() + evobj_test::slack;
        for (;;) {
            {
                const std::lock_guard g(m);
                if (order.size() > i)
                    break;
            }
            ASSERT_LT(std::chrono::steady_clock::now(), until);
            std::this_thread::sleep_for(1ms);
        }
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
}

TEST_F(Win32Wait, SignalObjectAndWaitPingPong)
{
    owned ping(auto_event()), pong(auto_event());
    constexpr int rounds = 200;
    std::thread peer([&] {
        for (int i = 0; i < rounds; ++i)
            if (WaitForSingleObject(ping, 10000) != WAIT_OBJECT_0 || !SetEvent(pong))
                return;
    });
    int done = 0;
    for (int i = 0; i < rounds; ++i)
        if (SignalObjectAndWait(ping, pong, 10000, FALSE) == WAIT_OBJECT_0)
            ++done;
    peer.join();
    EXPECT_EQ(done, rounds);
}

TEST_F(Win32Wait, SignalObjectAndWaitResults)
{
    owned sig(manual_event()), obj(auto_event());
    EXPECT_EQ(SignalObjectAndWait(sig, obj, 10, FALSE), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForSingleObject(sig, 0), WAIT_OBJECT_0); // set even though the wait timed out
    ResetEvent(sig);
    // The signal is also the awaited object: the set completes the wait.
    owned self(auto_event());
    EXPECT_EQ(SignalObjectAndWait(self, self, 0, FALSE), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(self, 0), WAIT_TIMEOUT);
    // A signal handle without modify access: nothing is set.
    owned sync_only(CreateEventExA(nullptr, nullptr, CREATE_EVENT_MANUAL_RESET, SYNCHRONIZE));
    EXPECT_FAILS_WITH(SignalObjectAndWait(sync_only, obj, 0, FALSE), WAIT_FAILED, ERROR_ACCESS_DENIED);
    EXPECT_EQ(WaitForSingleObject(sync_only, 0), WAIT_TIMEOUT);
    // An object to wait on that refuses waits: the signal is not set.
    owned modify_only(CreateEventExA(nullptr, nullptr, 0, EVENT_MODIFY_STATE));
    EXPECT_FAILS_WITH(SignalObjectAndWait(sig, modify_only, 0, FALSE), WAIT_FAILED,
                      ERROR_ACCESS_DENIED);
    EXPECT_EQ(WaitForSingleObject(sig, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Wait, SignalAndWaitMissesNothingTheSetProvokes)
{
    // The peer answers the instant it wakes, with a pulse: only a wait
    // already queued when the signal was set can see it.
    owned ping(auto_event()), pong(manual_event());
    std::thread peer([&] {
        if (WaitForSingleObject(ping, 10000) == WAIT_OBJECT_0)
            PulseEvent(pong);
    });
    ASSERT_TRUE(await_waiters(ping, 1));
    EXPECT_EQ(SignalObjectAndWait(ping, pong, 10000, FALSE), WAIT_OBJECT_0);
    peer.join();
}

TEST_F(Win32Wait, CloseDuringWaitDoesNotDisturbIt)
{
    HANDLE ev = auto_event();
    HANDLE dup = nullptr;
    ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup, 0, FALSE,
                                DUPLICATE_SAME_ACCESS));
    owned dup_owner(dup);
    std::atomic<DWORD> result{WAIT_FAILED};
    std::thread waiter([&] { result = WaitForSingleObject(ev, 10000); });
    ASSERT_TRUE(await_waiters(dup, 1));
    EXPECT_TRUE(CloseHandle(ev)); // closed from another thread mid-wait
    // The handle is gone for new calls at once...
    EXPECT_FAILS_WITH(SetEvent(ev), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(WaitForSingleObject(ev, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    // ...and its fd is not reused while the wait still uses it.
    owned fresh(auto_event());
    EXPECT_NE(HANDLE(fresh), ev);
    // The wait goes on, on the object, and completes through another handle.
    SetEvent(dup);
    waiter.join();
    EXPECT_EQ(result.load(), WAIT_OBJECT_0);
}

TEST_F(Win32Wait, CloseDuringWaitThenTimeout)
{
    HANDLE ev = auto_event();
    std::atomic<DWORD> result{WAIT_FAILED};
    std::thread waiter([&] { result = WaitForSingleObject(ev, 1500); }); // long enough to be seen waiting under TCG
    ASSERT_TRUE(await_waiters(ev, 1));
    EXPECT_TRUE(CloseHandle(ev));
    waiter.join();
    EXPECT_EQ(result.load(), WAIT_TIMEOUT);
}

// Open fds of this process.
int open_fds()
{
    int n = 0;
    if (DIR* d = ::opendir("/proc/self/fd")) {
        while (::readdir(d))
            ++n;
        ::closedir(d);
    }
    return n;
}

TEST_F(Win32Wait, ClosesRacingWithCallsLeakNothing)
{
    // One thread creates and closes handles as fast as it can; others
    // set and wait on whichever handle they last saw. Every call either
    // works or finds the handle closed, and once all are done every fd
    // is closed, including those whose close had to wait for a call.
    CloseHandle(auto_event()); // the device is open before counting
    const int before = open_fds();
    std::atomic<HANDLE> current{auto_event()};
    std::atomic<bool> stop{false};
    std::atomic<int> bad{0}, worked{0};
    std::vector<std::thread> users;
    for (int t = 0; t < 3; ++t)
        users.emplace_back([&] {
            while (!stop) {
                const HANDLE h = current.load();
                SetLastError(0);
                const BOOL set = SetEvent(h);
                const DWORD r = WaitForSingleObject(h, 1);
                if ((!set && GetLastError() != ERROR_INVALID_HANDLE) ||
                    (r == WAIT_FAILED && GetLastError() != ERROR_INVALID_HANDLE))
                    ++bad;
                else if (set && r == WAIT_OBJECT_0)
                    ++worked;
            }
        });
    for (int i = 0; i < 3000; ++i) {
        const HANDLE old = current.exchange(auto_event());
        EXPECT_TRUE(CloseHandle(old));
    }
    stop = true;
    for (auto& t : users)
        t.join();
    EXPECT_TRUE(CloseHandle(current.load()));
    EXPECT_EQ(bad.load(), 0);
    EXPECT_GT(worked.load(), 0);
    EXPECT_EQ(open_fds(), before);
}

} // namespace
