// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// CreateEvent*, SetEvent, ResetEvent, PulseEvent, access rights and
// handle values, through the Win32 API.
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

class Win32Event : public Device {};

TEST_F(Win32Event, AutoResetReleasesOneWaitAndConsumes)
{
    SetLastError(0xdeadbeef);
    owned ev(auto_event());
    ASSERT_NE(HANDLE(ev), nullptr);
    EXPECT_EQ(GetLastError(), 0U); // as Windows: a successful create clears it
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
    EXPECT_TRUE(SetEvent(ev));
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT); // consumed
}

TEST_F(Win32Event, ManualResetStaysSignaledUntilReset)
{
    owned ev(manual_event());
    ASSERT_NE(HANDLE(ev), nullptr);
    EXPECT_TRUE(SetEvent(ev));
    EXPECT_TRUE(SetEvent(ev)); // setting a set event changes nothing
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ResetEvent(ev));
    EXPECT_TRUE(ResetEvent(ev));
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Event, InitialState)
{
    owned a(auto_event(true)), m(manual_event(true));
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Event, WideAndEmptyNamesAreUnnamed)
{
    owned w(CreateEventW(nullptr, TRUE, TRUE, nullptr));
    ASSERT_NE(HANDLE(w), nullptr);
    EXPECT_EQ(WaitForSingleObject(w, 0), WAIT_OBJECT_0);
    // An empty name is no name: two creates make two events.
    owned a(CreateEventA(nullptr, TRUE, FALSE, "")), b(CreateEventW(nullptr, TRUE, FALSE, u""));
    ASSERT_NE(HANDLE(a), nullptr);
    ASSERT_NE(HANDLE(b), nullptr);
    EXPECT_EQ(GetLastError(), 0U);
    SetEvent(a);
    EXPECT_EQ(WaitForSingleObject(b, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Event, CreateEventExFlags)
{
    owned m(CreateEventExA(nullptr, nullptr, CREATE_EVENT_MANUAL_RESET | CREATE_EVENT_INITIAL_SET,
                           EVENT_ALL_ACCESS));
    ASSERT_NE(HANDLE(m), nullptr);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    owned a(CreateEventExW(nullptr, nullptr, CREATE_EVENT_INITIAL_SET, EVENT_ALL_ACCESS));
    ASSERT_NE(HANDLE(a), nullptr);
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    EXPECT_FAILS_WITH(CreateEventExA(nullptr, nullptr, 4, EVENT_ALL_ACCESS), nullptr,
                      ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(CreateEventExW(nullptr, nullptr, 0x80000000U, EVENT_ALL_ACCESS), nullptr,
                      ERROR_INVALID_PARAMETER);
}

TEST_F(Win32Event, AccessRightsAreEnforced)
{
    // CreateEventEx gives exactly the access asked for, as on Windows.
    owned none(CreateEventExA(nullptr, nullptr, 0, 0));
    ASSERT_NE(HANDLE(none), nullptr);
    EXPECT_FAILS_WITH(SetEvent(none), FALSE, ERROR_ACCESS_DENIED);
    EXPECT_FAILS_WITH(ResetEvent(none), FALSE, ERROR_ACCESS_DENIED);
    EXPECT_FAILS_WITH(PulseEvent(none), FALSE, ERROR_ACCESS_DENIED);
    EXPECT_FAILS_WITH(WaitForSingleObject(none, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);

    owned sync_only(CreateEventExA(nullptr, nullptr, CREATE_EVENT_INITIAL_SET, SYNCHRONIZE));
    EXPECT_FAILS_WITH(SetEvent(sync_only), FALSE, ERROR_ACCESS_DENIED);
    EXPECT_EQ(WaitForSingleObject(sync_only, 0), WAIT_OBJECT_0);

    owned modify_only(CreateEventExA(nullptr, nullptr, 0, EVENT_MODIFY_STATE));
    EXPECT_TRUE(SetEvent(modify_only));
    EXPECT_FAILS_WITH(WaitForSingleObject(modify_only, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);

    // Generic rights map to the event's: write = modify, execute = synchronize.
    owned generic(CreateEventExA(nullptr, nullptr, 0, GENERIC_WRITE | GENERIC_EXECUTE));
    EXPECT_TRUE(SetEvent(generic));
    EXPECT_EQ(WaitForSingleObject(generic, 0), WAIT_OBJECT_0);
    owned all(CreateEventExA(nullptr, nullptr, 0, GENERIC_ALL));
    EXPECT_TRUE(SetEvent(all));
    EXPECT_EQ(WaitForSingleObject(all, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Event, HandlesAreMultiplesOfFourAndIgnoreTheLowBits)
{
    owned ev(auto_event());
    const auto v = reinterpret_cast<std::uintptr_t>(HANDLE(ev));
    EXPECT_NE(v, 0U);
    EXPECT_EQ(v % 4, 0U);
    EXPECT_LT(v, 0x80000000U); // 32-bit handles, as Windows keeps them
    for (std::uintptr_t bits = 1; bits < 4; ++bits) {
        const auto h = reinterpret_cast<HANDLE>(v | bits);
        EXPECT_TRUE(SetEvent(h));
        EXPECT_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    }
}

TEST_F(Win32Event, PulseWakesCurrentWaitersAndLeavesReset)
{
    owned m(manual_event());
    std::atomic<int> woken{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i)
        threads.emplace_back([&] {
            if (WaitForSingleObject(m, 10000) == WAIT_OBJECT_0)
                ++woken;
        });
    ASSERT_TRUE(await_waiters(m, 3));
    EXPECT_TRUE(PulseEvent(m));
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(woken.load(), 3); // a manual event's pulse releases every waiter
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);

    owned a(auto_event());
    threads.clear();
    woken = 0;
    for (int i = 0; i < 2; ++i)
        threads.emplace_back([&] {
            if (WaitForSingleObject(a, 2000) == WAIT_OBJECT_0)
                ++woken;
        });
    ASSERT_TRUE(await_waiters(a, 2));
    EXPECT_TRUE(PulseEvent(a));
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(woken.load(), 1); // an auto event's pulse releases one
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Event, PulseWithoutWaitersIsLost)
{
    owned m(manual_event()), a(auto_event());
    EXPECT_TRUE(PulseEvent(m));
    EXPECT_TRUE(PulseEvent(a));
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_TIMEOUT);
    // A set event that is pulsed ends reset.
    SetEvent(m);
    EXPECT_TRUE(PulseEvent(m));
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Event, PulseIsInvisibleToZeroTimeoutWaits)
{
    // A wait that cannot block is a test, never queued: no pulse can
    // satisfy it, however they interleave.
    owned m(manual_event());
    std::atomic<bool> stop{false};
    std::atomic<int> seen{0};
    std::thread observer([&] {
        while (!stop)
            if (WaitForSingleObject(m, 0) != WAIT_TIMEOUT)
                ++seen;
    });
    for (int i = 0; i < 2000; ++i)
        PulseEvent(m);
    stop = true;
    observer.join();
    EXPECT_EQ(seen.load(), 0);
}

TEST_F(Win32Event, InvalidHandles)
{
    owned ev(auto_event());
    HANDLE closed = auto_event();
    ASSERT_TRUE(CloseHandle(closed));
    const HANDLE bad[] = {nullptr, INVALID_HANDLE_VALUE, GetCurrentThread(), closed,
                          reinterpret_cast<HANDLE>(std::uintptr_t{0x7ffffffc}),
                          reinterpret_cast<HANDLE>(~std::uintptr_t{0} << 40)};
    for (HANDLE h : bad) {
        SCOPED_TRACE(reinterpret_cast<std::uintptr_t>(h));
        EXPECT_FAILS_WITH(SetEvent(h), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILS_WITH(ResetEvent(h), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILS_WITH(PulseEvent(h), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILS_WITH(WaitForSingleObject(h, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
        EXPECT_FAILS_WITH(WaitForSingleObjectEx(h, 0, TRUE), WAIT_FAILED, ERROR_INVALID_HANDLE);
        HANDLE pair[] = {ev, h};
        EXPECT_FAILS_WITH(WaitForMultipleObjects(2, pair, FALSE, 0), WAIT_FAILED,
                          ERROR_INVALID_HANDLE);
        EXPECT_FAILS_WITH(SignalObjectAndWait(h, ev, 0, FALSE), WAIT_FAILED, ERROR_INVALID_HANDLE);
        EXPECT_FAILS_WITH(SignalObjectAndWait(ev, h, 0, FALSE), WAIT_FAILED, ERROR_INVALID_HANDLE);
        EXPECT_FAILS_WITH(evobj_win32_fd(h), -1, ERROR_INVALID_HANDLE);
        if (h != GetCurrentThread())
            EXPECT_FAILS_WITH(CloseHandle(h), FALSE, ERROR_INVALID_HANDLE);
    }
    EXPECT_TRUE(CloseHandle(GetCurrentThread())); // a no-op, as on Windows
}

TEST_F(Win32Event, ForeignFdsAreNotHandles)
{
    // An fd that is no evobj event is never taken for a handle, even one
    // that an exec would inherit.
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    for (int fd : p) {
        const auto h = reinterpret_cast<HANDLE>((static_cast<std::uintptr_t>(fd) + 1) * 4);
        EXPECT_FAILS_WITH(SetEvent(h), FALSE, ERROR_INVALID_HANDLE);
        EXPECT_FAILS_WITH(evobj_win32_handle_from_fd(fd), nullptr, ERROR_INVALID_HANDLE);
        ::close(fd);
    }
    EXPECT_FAILS_WITH(evobj_win32_handle_from_fd(-1), nullptr, ERROR_INVALID_HANDLE);
}

} // namespace
