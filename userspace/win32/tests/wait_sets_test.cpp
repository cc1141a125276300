// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The wait sets WaitForMultipleObjects makes on its own when a thread
// repeats a list: made on the second call, one per thread, and never
// outliving a member's handle (a closed named event loses its name, a
// reused handle value names the new event). Each test runs in a thread
// of its own, whose cache starts empty and goes with it.
#include <array>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include <dirent.h>
#include <unistd.h>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

class Win32WaitSet : public Device {
protected:
    void SetUp() override
    {
        Device::SetUp();
        if (const char* v = std::getenv("EVOBJ_WIN32_WAIT_SETS"); v && std::string(v) == "0")
            GTEST_SKIP() << "EVOBJ_WIN32_WAIT_SETS=0: the layer makes no wait sets";
    }
};

// The wait sets open in this process (fdinfo "ids:", which events lack).
unsigned open_sets()
{
    unsigned n = 0;
    DIR* d = ::opendir("/proc/self/fdinfo");
    if (!d)
        return ~0U;
    while (const dirent* e = ::readdir(d)) {
        std::ifstream in(std::string("/proc/self/fdinfo/") + e->d_name);
        for (std::string line; std::getline(in, line);)
            if (line.rfind("ids:", 0) == 0)
                ++n;
    }
    ::closedir(d);
    return n;
}

template <class F>
void in_thread(F f)
{
    std::thread t(f);
    t.join();
}

std::string unique(const char* base)
{
    return std::string(base) + "-" + std::to_string(::getpid());
}

TEST_F(Win32WaitSet, MadeOnTheSecondCallAndKept)
{
    const unsigned before = open_sets();
    in_thread([&] {
        std::array<owned, 3> ev;
        std::array<HANDLE, 3> h{};
        for (std::size_t i = 0; i < h.size(); ++i)
            h[i] = (ev[i].reset(manual_event(i == 2)), HANDLE(ev[i]));
        EXPECT_EQ(WaitForMultipleObjects(3, h.data(), FALSE, 0), WAIT_OBJECT_0 + 2);
        EXPECT_EQ(open_sets(), before); // once is no loop
        for (int i = 0; i < 10; ++i)
            EXPECT_EQ(WaitForMultipleObjects(3, h.data(), FALSE, 0), WAIT_OBJECT_0 + 2);
        EXPECT_EQ(open_sets(), before + 1); // one, reused
        // Another list: the old set goes; the new one on its second call.
        EXPECT_EQ(WaitForMultipleObjects(2, h.data() + 1, FALSE, 0), WAIT_OBJECT_0 + 1);
        EXPECT_EQ(open_sets(), before);
        EXPECT_EQ(WaitForMultipleObjects(2, h.data() + 1, FALSE, 0), WAIT_OBJECT_0 + 1);
        EXPECT_EQ(open_sets(), before + 1);
        // One handle is never a set, and leaves the thread's set alone.
        EXPECT_EQ(WaitForSingleObject(h[2], 0), WAIT_OBJECT_0);
        EXPECT_EQ(open_sets(), before + 1);
    });
    EXPECT_EQ(open_sets(), before); // the thread's end closed it
}

TEST_F(Win32WaitSet, ThroughTheSetTheRulesHold)
{
    in_thread([] {
        std::array<owned, 4> ev;
        std::array<HANDLE, 4> h{};
        for (std::size_t i = 0; i < h.size(); ++i)
            h[i] = (ev[i].reset(auto_event()), HANDLE(ev[i]));
        for (int round = 0; round < 4; ++round) {
            // Lowest index wins and only it is consumed.
            SetEvent(h[3]);
            SetEvent(h[1]);
            EXPECT_EQ(WaitForMultipleObjects(4, h.data(), FALSE, 0), WAIT_OBJECT_0 + 1);
            EXPECT_EQ(WaitForMultipleObjects(4, h.data(), FALSE, 0), WAIT_OBJECT_0 + 3);
            EXPECT_EQ(WaitForMultipleObjects(4, h.data(), FALSE, 10), WAIT_TIMEOUT);
            // Wait-all: nothing until all are set, then all at once.
            SetEvent(h[0]);
            SetEvent(h[2]);
            EXPECT_EQ(WaitForMultipleObjects(4, h.data(), TRUE, 0), WAIT_TIMEOUT);
            SetEvent(h[1]);
            SetEvent(h[3]);
            EXPECT_EQ(WaitForMultipleObjects(4, h.data(), TRUE, 0), WAIT_OBJECT_0);
            EXPECT_EQ(WaitForMultipleObjects(4, h.data(), FALSE, 0), WAIT_TIMEOUT);
            // The same handle twice is one object twice: refused in a wait-all.
            std::array<HANDLE, 2> twice{h[0], h[0]};
            EXPECT_FAILS_WITH(WaitForMultipleObjects(2, twice.data(), TRUE, 0), WAIT_FAILED,
                              ERROR_INVALID_PARAMETER);
            // An APC wins an alertable wait.
            ASSERT_NE(QueueUserAPC([](ULONG_PTR) {}, GetCurrentThread(), 0), 0U);
            EXPECT_EQ(WaitForMultipleObjectsEx(4, h.data(), FALSE, 10000, TRUE), WAIT_IO_COMPLETION);
        }
    });
}

TEST_F(Win32WaitSet, ClosingAMemberClosesTheSet)
{
    const std::string name = unique("evobj-win32-set");
    const unsigned before = open_sets();
    in_thread([&] {
        HANDLE named = CreateEventA(nullptr, TRUE, FALSE, name.c_str());
        if (!named && GetLastError() == ERROR_NOT_SUPPORTED)
            GTEST_SKIP() << "no named events in this module";
        ASSERT_NE(named, nullptr);
        owned other(manual_event(true));
        std::array<HANDLE, 2> h{named, other};
        EXPECT_EQ(WaitForMultipleObjects(2, h.data(), FALSE, 0), WAIT_OBJECT_0 + 1);
        EXPECT_EQ(WaitForMultipleObjects(2, h.data(), FALSE, 0), WAIT_OBJECT_0 + 1);
        ASSERT_EQ(open_sets(), before + 1);
        // The set held the event, and so its name: both go with the handle.
        EXPECT_TRUE(CloseHandle(named));
        EXPECT_EQ(open_sets(), before);
        EXPECT_FAILS_WITH(OpenEventA(SYNCHRONIZE, FALSE, name.c_str()), nullptr,
                          ERROR_FILE_NOT_FOUND);
    });
}

TEST_F(Win32WaitSet, AReusedHandleNamesTheNewEvent)
{
    in_thread([] {
        owned first(manual_event());
        HANDLE second = manual_event();
        ASSERT_NE(second, nullptr);
        std::array<HANDLE, 2> h{first, second};
        EXPECT_EQ(WaitForMultipleObjects(2, h.data(), FALSE, 0), WAIT_TIMEOUT);
        EXPECT_EQ(WaitForMultipleObjects(2, h.data(), FALSE, 0), WAIT_TIMEOUT);
        EXPECT_TRUE(CloseHandle(second));
        // The lowest free fd: the same handle value, another event.
        owned again(manual_event(true));
        if (HANDLE(again) != h[1])
            GTEST_SKIP() << "the handle value was not reused";
        EXPECT_EQ(WaitForMultipleObjects(2, h.data(), FALSE, 0), WAIT_OBJECT_0 + 1);
        EXPECT_EQ(WaitForMultipleObjects(2, h.data(), FALSE, 0), WAIT_OBJECT_0 + 1);
    });
}

TEST_F(Win32WaitSet, ACloseWhileTheSetIsWaitedOnWaitsForTheWait)
{
    const std::string name = unique("evobj-win32-set-busy");
    in_thread([&] {
        HANDLE named = CreateEventA(nullptr, FALSE, FALSE, name.c_str());
        if (!named && GetLastError() == ERROR_NOT_SUPPORTED)
            GTEST_SKIP() << "no named events in this module";
        ASSERT_NE(named, nullptr);
        owned other(auto_event());
        std::array<HANDLE, 2> h{named, other};
        EXPECT_EQ(WaitForMultipleObjects(2, h.data(), FALSE, 0), WAIT_TIMEOUT);
        std::thread closer([&] {
            ASSERT_TRUE(await_waiters(other, 1));
            EXPECT_TRUE(CloseHandle(named)); // the wait goes on, on the event
            SetEvent(other);
        });
        EXPECT_EQ(WaitForMultipleObjects(2, h.data(), FALSE, 10000), WAIT_OBJECT_0 + 1);
        closer.join();
        // The wait's end closed the fd, and the set with it.
        EXPECT_FAILS_WITH(OpenEventA(SYNCHRONIZE, FALSE, name.c_str()), nullptr,
                          ERROR_FILE_NOT_FOUND);
    });
}

} // namespace
