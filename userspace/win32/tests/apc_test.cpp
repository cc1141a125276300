// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// QueueUserAPC, alertable waits, SleepEx and thread handles.
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

class Win32Apc : public Device {};

// What the APCs record: their argument, in order, and the thread that ran them.
thread_local std::vector<ULONG_PTR> ran_here;
std::atomic<int> ran_total{0};

void CALLBACK record(ULONG_PTR arg)
{
    ran_here.push_back(arg);
    ++ran_total;
}

HANDLE this_thread_handle(DWORD access = 0, DWORD options = DUPLICATE_SAME_ACCESS)
{
    HANDLE h = nullptr;
    if (!DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &h, access,
                         FALSE, options))
        return nullptr;
    return h;
}

TEST_F(Win32Apc, AlertableWaitRunsApcsFromAnotherThread)
{
    owned ev(auto_event());
    std::atomic<HANDLE> thread_handle{nullptr};
    std::atomic<DWORD> result{WAIT_FAILED};
    std::vector<ULONG_PTR> seen;
    std::thread waiter([&] {
        thread_handle = this_thread_handle();
        result = WaitForSingleObjectEx(ev, 10000, TRUE);
        seen = ran_here;
    });
    while (!thread_handle)
        std::this_thread::yield();
    owned th(thread_handle);
    ASSERT_TRUE(await_waiters(ev, 1));
    EXPECT_NE(QueueUserAPC(record, th, 42), 0U);
    waiter.join();
    EXPECT_EQ(result.load(), WAIT_IO_COMPLETION);
    EXPECT_EQ(seen, (std::vector<ULONG_PTR>{42})); // ran in the waiting thread
    EXPECT_TRUE(ran_here.empty());
}

TEST_F(Win32Apc, ApcQueuedBeforeTheWaitRunsInIt)
{
    ran_here.clear();
    owned ev(auto_event());
    ASSERT_NE(QueueUserAPC(record, GetCurrentThread(), 1), 0U);
    ASSERT_NE(QueueUserAPC(record, GetCurrentThread(), 2), 0U);
    EXPECT_EQ(WaitForSingleObjectEx(ev, 10000, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(ran_here, (std::vector<ULONG_PTR>{1, 2})); // all of them, in order
    ran_here.clear();
    ASSERT_NE(QueueUserAPC(record, GetCurrentThread(), 3), 0U);
    HANDLE h[] = {ev};
    EXPECT_EQ(WaitForMultipleObjectsEx(1, h, TRUE, 10000, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(ran_here, (std::vector<ULONG_PTR>{3}));
    ran_here.clear();
}

TEST_F(Win32Apc, NonAlertableWaitsLeaveApcsQueued)
{
    ran_here.clear();
    owned ev(auto_event());
    ASSERT_NE(QueueUserAPC(record, GetCurrentThread(), 7), 0U);
    EXPECT_EQ(WaitForSingleObject(ev, 20), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForSingleObjectEx(ev, 0, FALSE), WAIT_TIMEOUT);
    SleepEx(1, FALSE);
    EXPECT_TRUE(ran_here.empty());
    EXPECT_EQ(SleepEx(0, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(ran_here, (std::vector<ULONG_PTR>{7}));
    ran_here.clear();
}

TEST_F(Win32Apc, SignaledObjectWinsOverQueuedApc)
{
    // As NT checks objects before alerts: the APC waits for the next
    // alertable wait that does not complete at once.
    ran_here.clear();
    owned ev(auto_event(true));
    ASSERT_NE(QueueUserAPC(record, GetCurrentThread(), 9), 0U);
    EXPECT_EQ(WaitForSingleObjectEx(ev, 0, TRUE), WAIT_OBJECT_0);
    EXPECT_TRUE(ran_here.empty());
    EXPECT_EQ(WaitForSingleObjectEx(ev, 10000, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(ran_here, (std::vector<ULONG_PTR>{9}));
    ran_here.clear();
}

TEST_F(Win32Apc, SignalObjectAndWaitAlertable)
{
    ran_here.clear();
    owned sig(manual_event()), obj(auto_event());
    ASSERT_NE(QueueUserAPC(record, GetCurrentThread(), 5), 0U);
    EXPECT_EQ(SignalObjectAndWait(sig, obj, 10000, TRUE), WAIT_IO_COMPLETION);
    EXPECT_EQ(WaitForSingleObject(sig, 0), WAIT_OBJECT_0); // the signal was set once
    EXPECT_EQ(ran_here, (std::vector<ULONG_PTR>{5}));
    ran_here.clear();
}

TEST_F(Win32Apc, SleepEx)
{
    ran_here.clear();
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(SleepEx(30, FALSE), 0U);
    EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
    start = std::chrono::steady_clock::now();
    EXPECT_EQ(SleepEx(30, TRUE), 0U); // no APC: sleeps the whole time
    EXPECT_GE(std::chrono::steady_clock::now() - start, 30ms);
    Sleep(0);
    EXPECT_EQ(SleepEx(0, FALSE), 0U);

    // An APC from another thread cuts an alertable sleep short.
    std::atomic<HANDLE> thread_handle{nullptr};
    std::atomic<DWORD> result{0};
    std::thread sleeper([&] {
        thread_handle = this_thread_handle();
        result = SleepEx(INFINITE, TRUE);
    });
    while (!thread_handle)
        std::this_thread::yield();
    owned th(thread_handle);
    std::this_thread::sleep_for(20ms);
    EXPECT_NE(QueueUserAPC(record, th, 11), 0U);
    sleeper.join();
    EXPECT_EQ(result.load(), WAIT_IO_COMPLETION);
}

TEST_F(Win32Apc, QueueUserApcErrors)
{
    owned ev(auto_event());
    owned th(this_thread_handle());
    ASSERT_NE(HANDLE(th), nullptr);
    EXPECT_FAILS_WITH(QueueUserAPC(nullptr, th, 0), 0U, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(QueueUserAPC(record, nullptr, 0), 0U, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(QueueUserAPC(record, INVALID_HANDLE_VALUE, 0), 0U, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(QueueUserAPC(record, ev, 0), 0U, ERROR_INVALID_HANDLE); // not a thread
    owned sync_only(this_thread_handle(SYNCHRONIZE, 0));
    ASSERT_NE(HANDLE(sync_only), nullptr);
    EXPECT_FAILS_WITH(QueueUserAPC(record, sync_only, 0), 0U, ERROR_ACCESS_DENIED);
    // A thread handle is no event.
    EXPECT_FAILS_WITH(SetEvent(th), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(SignalObjectAndWait(th, ev, 0, FALSE), WAIT_FAILED, ERROR_INVALID_HANDLE);
}

TEST_F(Win32Apc, ThreadHandleIsSignaledWhenTheThreadEnds)
{
    std::atomic<HANDLE> thread_handle{nullptr};
    std::atomic<bool> go{false};
    std::thread t([&] {
        thread_handle = this_thread_handle();
        while (!go)
            std::this_thread::yield();
    });
    while (!thread_handle)
        std::this_thread::yield();
    owned th(thread_handle);
    EXPECT_EQ(WaitForSingleObject(th, 0), WAIT_TIMEOUT);
    go = true;
    EXPECT_EQ(WaitForSingleObject(th, 10000), WAIT_OBJECT_0);
    t.join();
    // An APC to an ended thread has nowhere to run.
    EXPECT_FAILS_WITH(QueueUserAPC(record, th, 0), 0U, ERROR_GEN_FAILURE);
}

TEST_F(Win32Apc, ForkedChildHasItsOwnAlertAndEnd)
{
    // A forked child neither takes the parent thread's alerts nor, when
    // it exits, marks the parent thread ended.
    ran_here.clear();
    owned self(this_thread_handle());
    ASSERT_NE(QueueUserAPC(record, GetCurrentThread(), 21), 0U);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const DWORD r = SleepEx(0, TRUE); // the child's APC queue is its own, and empty
        std::exit(r == 0 && ran_here.empty() ? 0 : 1); // exit(): runs thread_local destructors
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(WaitForSingleObject(self, 0), WAIT_TIMEOUT); // this thread has not ended
    EXPECT_EQ(SleepEx(0, TRUE), WAIT_IO_COMPLETION); // and its alert is still there
    EXPECT_EQ(ran_here, (std::vector<ULONG_PTR>{21}));
    ran_here.clear();
}

} // namespace
