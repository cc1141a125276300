// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Semaphores: CreateSemaphore[Ex]A/W and their checks, ReleaseSemaphore
// (the previous count, ERROR_TOO_MANY_POSTS, ERROR_INVALID_PARAMETER),
// the unit every wait takes, WaitForMultipleObjects over semaphores and
// events, FIFO order, SignalObjectAndWait releasing one unit, the event
// calls refusing a semaphore handle, access rights, DuplicateHandle and
// adopted fds, and named semaphores in the events' namespace.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

static_assert(std::is_same_v<LPLONG, LONG*>);

// A name of this process only, so that runs do not meet.
std::string unique(const char* base)
{
    static std::atomic<int> counter{0};
    return std::string(base) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Needs the module with semaphores: without them CreateSemaphore fails
// with ERROR_NOT_SUPPORTED, and these tests skip (but not in the VM).
class Win32Semaphore : public Device {
protected:
    void SetUp() override
    {
        Device::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        HANDLE h = CreateSemaphoreA(nullptr, 0, 1, nullptr);
        if (h) {
            CloseHandle(h);
            return;
        }
        if (GetLastError() == ERROR_NOT_SUPPORTED && !evobj_test::device_required())
            GTEST_SKIP() << "the evobj module has no semaphores";
        FAIL() << "CreateSemaphoreA: error " << GetLastError();
    }
};

// Blocks until `order` has n entries (a woken waiter records itself
// some time after the kernel completed its wait), then returns a copy.
std::vector<int> await_order(std::mutex& lock, const std::vector<int>& order, std::size_t n)
{
    const auto until = std::chrono::steady_clock::now() + evobj_test::slack;
    for (;;) {
        {
            const std::lock_guard g(lock);
            if (order.size() >= n || std::chrono::steady_clock::now() > until)
                return order;
        }
        std::this_thread::sleep_for(1ms);
    }
}

// The count, read by a release of one unit that is then taken back.
LONG count_of(HANDLE sem)
{
    LONG prev = -1;
    if (!ReleaseSemaphore(sem, 1, &prev))
        return -1; // at its maximum (or not a semaphore)
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
    return prev;
}

TEST(Win32SemaphoreConstants, WindowsValues)
{
    EXPECT_EQ(ERROR_TOO_MANY_POSTS, 298);
    EXPECT_EQ(SEMAPHORE_MODIFY_STATE, 0x2);
    EXPECT_EQ(SEMAPHORE_ALL_ACCESS, 0x1F0003);
}

TEST_F(Win32Semaphore, CreateRefusesBadCounts)
{
    EXPECT_FAILS_WITH(CreateSemaphoreA(nullptr, 0, 0, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(CreateSemaphoreA(nullptr, 0, -1, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(CreateSemaphoreA(nullptr, -1, 1, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(CreateSemaphoreA(nullptr, 2, 1, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(CreateSemaphoreW(nullptr, 2, 1, u"evobj-w"), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(CreateSemaphoreExA(nullptr, 0, 1, nullptr, 1, SEMAPHORE_ALL_ACCESS), nullptr,
                      ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(CreateSemaphoreExW(nullptr, 0, 1, nullptr, 1, SEMAPHORE_ALL_ACCESS), nullptr,
                      ERROR_INVALID_PARAMETER);
    // The largest maximum is LONG's.
    owned big(CreateSemaphoreA(nullptr, 0x7fffffff, 0x7fffffff, nullptr));
    EXPECT_NE(HANDLE(big), nullptr);
}

TEST_F(Win32Semaphore, CreateSetsNoErrorAndTheInitialCountCounts)
{
    SetLastError(0xdeadbeef);
    owned sem(CreateSemaphoreA(nullptr, 2, 3, nullptr));
    ASSERT_NE(HANDLE(sem), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
    owned ex(CreateSemaphoreExW(nullptr, 1, 1, nullptr, 0, SEMAPHORE_ALL_ACCESS));
    ASSERT_NE(HANDLE(ex), nullptr);
    EXPECT_EQ(WaitForSingleObject(ex, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(ex, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Semaphore, ReleaseReturnsThePreviousCount)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 10, nullptr));
    LONG prev = -1;
    ASSERT_TRUE(ReleaseSemaphore(sem, 1, &prev));
    EXPECT_EQ(prev, 0);
    ASSERT_TRUE(ReleaseSemaphore(sem, 4, &prev));
    EXPECT_EQ(prev, 1);
    EXPECT_TRUE(ReleaseSemaphore(sem, 2, nullptr)); // lpPreviousCount is optional
    ASSERT_TRUE(ReleaseSemaphore(sem, 1, &prev));
    EXPECT_EQ(prev, 7);
}

TEST_F(Win32Semaphore, ReleasePastTheMaximumIsTooManyPosts)
{
    owned sem(CreateSemaphoreA(nullptr, 2, 3, nullptr));
    EXPECT_FAILS_WITH(ReleaseSemaphore(sem, 2, nullptr), FALSE, ERROR_TOO_MANY_POSTS);
    LONG prev = -1;
    ASSERT_TRUE(ReleaseSemaphore(sem, 1, &prev)); // nothing changed: still 2
    EXPECT_EQ(prev, 2);
    EXPECT_FAILS_WITH(ReleaseSemaphore(sem, 1, &prev), FALSE, ERROR_TOO_MANY_POSTS);
    EXPECT_FAILS_WITH(ReleaseSemaphore(sem, 0x7fffffff, &prev), FALSE, ERROR_TOO_MANY_POSTS);
}

TEST_F(Win32Semaphore, ReleaseCountMustBePositive)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 3, nullptr));
    EXPECT_FAILS_WITH(ReleaseSemaphore(sem, 0, nullptr), FALSE, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(ReleaseSemaphore(sem, -1, nullptr), FALSE, ERROR_INVALID_PARAMETER);
    EXPECT_EQ(count_of(sem), 0);
}

TEST_F(Win32Semaphore, EventCallsOnASemaphoreAndReleaseOnAnEventAreInvalidHandles)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 1, nullptr));
    owned ev(auto_event());
    EXPECT_FAILS_WITH(SetEvent(sem), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(ResetEvent(sem), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(PulseEvent(sem), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_TIMEOUT); // SetEvent released nothing
    EXPECT_FAILS_WITH(ReleaseSemaphore(ev, 1, nullptr), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(ReleaseSemaphore(nullptr, 1, nullptr), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(ReleaseSemaphore(GetCurrentThread(), 1, nullptr), FALSE, ERROR_INVALID_HANDLE);
}

TEST_F(Win32Semaphore, CloseHandleClosesIt)
{
    HANDLE sem = CreateSemaphoreA(nullptr, 1, 2, nullptr);
    ASSERT_NE(sem, nullptr);
    EXPECT_TRUE(CloseHandle(sem));
    EXPECT_FAILS_WITH(ReleaseSemaphore(sem, 1, nullptr), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(WaitForSingleObject(sem, 0), WAIT_FAILED, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(CloseHandle(sem), FALSE, ERROR_INVALID_HANDLE);
}

TEST_F(Win32Semaphore, AWaiterBlocksUntilAReleaseAndTakesTheUnit)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 1, nullptr));
    std::atomic<DWORD> result{WAIT_FAILED};
    std::thread t([&] { result = WaitForSingleObject(sem, INFINITE); });
    ASSERT_TRUE(await_waiters(sem, 1));
    LONG prev = -1;
    ASSERT_TRUE(ReleaseSemaphore(sem, 1, &prev));
    EXPECT_EQ(prev, 0);
    t.join();
    EXPECT_EQ(result, WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Semaphore, WaitAnyOverMixedHandlesTakesOneUnitOfTheWinner)
{
    owned ev(auto_event());
    owned sem(CreateSemaphoreA(nullptr, 2, 2, nullptr));
    const HANDLE hs[] = {ev, sem};
    EXPECT_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_OBJECT_0 + 1);
    EXPECT_EQ(count_of(sem), 1);
    SetEvent(ev);
    EXPECT_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_OBJECT_0 + 1);
    EXPECT_EQ(WaitForMultipleObjects(2, hs, FALSE, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Semaphore, WaitAllOverMixedHandlesTakesOneUnitEach)
{
    owned a(CreateSemaphoreA(nullptr, 2, 5, nullptr));
    owned b(CreateSemaphoreA(nullptr, 1, 1, nullptr));
    owned sync(auto_event(true));
    owned manual(manual_event(true));
    const HANDLE hs[] = {a, sync, b, manual};
    EXPECT_EQ(WaitForMultipleObjects(4, hs, TRUE, 0), WAIT_OBJECT_0);
    EXPECT_EQ(count_of(a), 1);
    EXPECT_EQ(count_of(b), 0);
    EXPECT_EQ(WaitForSingleObject(sync, 0), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForSingleObject(manual, 0), WAIT_OBJECT_0);
    // b is empty: nothing is taken from the others. Twice, for the
    // thread's cached wait set (wait_sets.cpp) to serve the second.
    SetEvent(sync);
    EXPECT_EQ(WaitForMultipleObjects(4, hs, TRUE, 0), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForMultipleObjects(4, hs, TRUE, 0), WAIT_TIMEOUT);
    EXPECT_EQ(count_of(a), 1);
    ASSERT_TRUE(ReleaseSemaphore(b, 1, nullptr));
    EXPECT_EQ(WaitForMultipleObjects(4, hs, TRUE, 0), WAIT_OBJECT_0);
    EXPECT_EQ(count_of(a), 0);
    EXPECT_EQ(count_of(b), 0);
    EXPECT_EQ(WaitForSingleObject(sync, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Semaphore, WaitAllBlocksUntilEveryHandleIsSignaled)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 2, nullptr));
    owned ev(auto_event());
    std::atomic<DWORD> result{WAIT_FAILED};
    std::atomic<bool> done{false};
    std::thread t([&] {
        const HANDLE hs[] = {sem, ev};
        result = WaitForMultipleObjects(2, hs, TRUE, INFINITE);
        done = true;
    });
    ASSERT_TRUE(await_waiters(sem, 1));
    ASSERT_TRUE(ReleaseSemaphore(sem, 1, nullptr));
    std::this_thread::sleep_for(evobj_test::short_timeout);
    EXPECT_FALSE(done);
    SetEvent(ev);
    t.join();
    EXPECT_EQ(result, WAIT_OBJECT_0);
    EXPECT_EQ(count_of(sem), 0);
}

TEST_F(Win32Semaphore, ReleaseWakesWaitersInFifoOrder)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 10, nullptr));
    std::mutex lock;
    std::vector<int> order;
    std::vector<std::thread> threads;
    for (int i = 0; i < 3; ++i) {
        threads.emplace_back([&, i] {
            EXPECT_EQ(WaitForSingleObject(sem, INFINITE), WAIT_OBJECT_0);
            const std::lock_guard g(lock);
            order.push_back(i);
        });
        ASSERT_TRUE(await_waiters(sem, static_cast<unsigned>(i + 1)));
    }
    // One unit at a time, each to the longest waiting.
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(ReleaseSemaphore(sem, 1, nullptr));
        ASSERT_TRUE(await_waiters(sem, static_cast<unsigned>(2 - i)));
        std::vector<int> expected;
        for (int j = 0; j <= i; ++j)
            expected.push_back(j);
        EXPECT_EQ(await_order(lock, order, expected.size()), expected);
    }
    for (std::thread& t : threads)
        t.join();
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Semaphore, SignalObjectAndWaitReleasesOneUnit)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 1, nullptr));
    owned ev(manual_event(true));
    EXPECT_EQ(SignalObjectAndWait(sem, ev, 0, FALSE), WAIT_OBJECT_0);
    // Released to its maximum, 1.
    EXPECT_FAILS_WITH(ReleaseSemaphore(sem, 1, nullptr), FALSE, ERROR_TOO_MANY_POSTS);
    // At the maximum: fails before it waits, the event untouched.
    owned sync(auto_event(true));
    EXPECT_FAILS_WITH(SignalObjectAndWait(sem, sync, 0, FALSE), WAIT_FAILED, ERROR_TOO_MANY_POSTS);
    EXPECT_EQ(WaitForSingleObject(sync, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Semaphore, SignalObjectAndWaitWakesTheSemaphoresWaiter)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 1, nullptr));
    owned never(manual_event());
    std::atomic<DWORD> result{WAIT_FAILED};
    std::thread t([&] { result = WaitForSingleObject(sem, INFINITE); });
    ASSERT_TRUE(await_waiters(sem, 1));
    EXPECT_EQ(SignalObjectAndWait(sem, never, 50, FALSE), WAIT_TIMEOUT);
    t.join();
    EXPECT_EQ(result, WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Semaphore, SignalObjectAndWaitOnASemaphore)
{
    owned ev(auto_event());
    owned sem(CreateSemaphoreA(nullptr, 1, 1, nullptr));
    EXPECT_EQ(SignalObjectAndWait(ev, sem, 0, FALSE), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0); // set by the call
    EXPECT_EQ(SignalObjectAndWait(ev, sem, 0, FALSE), WAIT_TIMEOUT);
}

TEST_F(Win32Semaphore, AccessRights)
{
    owned wait_only(CreateSemaphoreExA(nullptr, 1, 2, nullptr, 0, SYNCHRONIZE));
    ASSERT_NE(HANDLE(wait_only), nullptr);
    EXPECT_FAILS_WITH(ReleaseSemaphore(wait_only, 1, nullptr), FALSE, ERROR_ACCESS_DENIED);
    owned never(manual_event());
    EXPECT_FAILS_WITH(SignalObjectAndWait(wait_only, never, 0, FALSE), WAIT_FAILED, ERROR_ACCESS_DENIED);
    EXPECT_EQ(WaitForSingleObject(wait_only, 0), WAIT_OBJECT_0);
    owned release_only(CreateSemaphoreExA(nullptr, 0, 2, nullptr, 0, SEMAPHORE_MODIFY_STATE));
    EXPECT_TRUE(ReleaseSemaphore(release_only, 1, nullptr));
    EXPECT_FAILS_WITH(WaitForSingleObject(release_only, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    owned generic(CreateSemaphoreExA(nullptr, 0, 2, nullptr, 0, GENERIC_WRITE | GENERIC_EXECUTE));
    EXPECT_TRUE(ReleaseSemaphore(generic, 1, nullptr));
    EXPECT_EQ(WaitForSingleObject(generic, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Semaphore, ADuplicateIsASemaphoreToo)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 2, nullptr));
    HANDLE dup = nullptr;
    ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), sem, GetCurrentProcess(), &dup, 0, FALSE,
                                DUPLICATE_SAME_ACCESS));
    owned d(dup);
    EXPECT_FAILS_WITH(SetEvent(d), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_TRUE(ReleaseSemaphore(d, 1, nullptr));
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Semaphore, AnAdoptedFdKeepsItsKind)
{
    owned sem(CreateSemaphoreA(nullptr, 0, 2, nullptr));
    const int fd = ::fcntl(evobj_win32_fd(sem), F_DUPFD_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    owned adopted(evobj_win32_handle_from_fd(fd));
    ASSERT_NE(HANDLE(adopted), nullptr);
    EXPECT_FAILS_WITH(SetEvent(adopted), FALSE, ERROR_INVALID_HANDLE);
    LONG prev = -1;
    EXPECT_TRUE(ReleaseSemaphore(adopted, 1, &prev));
    EXPECT_EQ(prev, 0);
    EXPECT_EQ(WaitForSingleObject(sem, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Semaphore, NamedCreateThenOpenTheSameSemaphore)
{
    const std::string name = unique("evobj-win32-sem");
    SetLastError(0xdeadbeef);
    owned first(CreateSemaphoreA(nullptr, 1, 3, name.c_str()));
    ASSERT_NE(HANDLE(first), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    // The existing semaphore's counts win, and the call says it existed.
    SetLastError(0xdeadbeef);
    owned second(CreateSemaphoreA(nullptr, 0, 1, ("Global\\" + name).c_str()));
    ASSERT_NE(HANDLE(second), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    LONG prev = -1;
    ASSERT_TRUE(ReleaseSemaphore(second, 1, &prev));
    EXPECT_EQ(prev, 1);
    owned third(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(third), nullptr);
    ASSERT_TRUE(ReleaseSemaphore(third, 1, &prev));
    EXPECT_EQ(prev, 2);
    EXPECT_FAILS_WITH(ReleaseSemaphore(first, 1, &prev), FALSE, ERROR_TOO_MANY_POSTS);
    EXPECT_EQ(WaitForSingleObject(first, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Semaphore, NamedWideSpellings)
{
    const std::string name = unique("evobj-win32-sem-w");
    const std::u16string wname(name.begin(), name.end());
    owned first(CreateSemaphoreW(nullptr, 0, 1, wname.c_str()));
    ASSERT_NE(HANDLE(first), nullptr);
    SetLastError(0xdeadbeef);
    owned second(CreateSemaphoreExW(nullptr, 0, 1, wname.c_str(), 0, SEMAPHORE_ALL_ACCESS));
    ASSERT_NE(HANDLE(second), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    owned third(OpenSemaphoreW(SYNCHRONIZE, FALSE, wname.c_str()));
    ASSERT_NE(HANDLE(third), nullptr);
    EXPECT_FAILS_WITH(ReleaseSemaphore(third, 1, nullptr), FALSE, ERROR_ACCESS_DENIED);
    ASSERT_TRUE(ReleaseSemaphore(first, 1, nullptr));
    EXPECT_EQ(WaitForSingleObject(third, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Semaphore, OpenOfAMissingOrBadName)
{
    EXPECT_FAILS_WITH(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, unique("evobj-win32-none").c_str()), nullptr,
                      ERROR_FILE_NOT_FOUND);
    EXPECT_FAILS_WITH(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(OpenSemaphoreW(SEMAPHORE_ALL_ACCESS, FALSE, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, ""), nullptr, ERROR_INVALID_NAME);
    EXPECT_FAILS_WITH(CreateSemaphoreA(nullptr, 0, 1, "a\\b"), nullptr, ERROR_PATH_NOT_FOUND);
}

TEST_F(Win32Semaphore, ANameOfTheOtherKindIsAnInvalidHandle)
{
    const std::string ev_name = unique("evobj-win32-kind-ev");
    owned ev(CreateEventA(nullptr, FALSE, FALSE, ev_name.c_str()));
    ASSERT_NE(HANDLE(ev), nullptr);
    EXPECT_FAILS_WITH(CreateSemaphoreA(nullptr, 0, 1, ev_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, ev_name.c_str()), nullptr, ERROR_INVALID_HANDLE);

    const std::string sem_name = unique("evobj-win32-kind-sem");
    owned sem(CreateSemaphoreA(nullptr, 0, 1, sem_name.c_str()));
    ASSERT_NE(HANDLE(sem), nullptr);
    EXPECT_FAILS_WITH(CreateEventA(nullptr, TRUE, FALSE, sem_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(OpenEventA(EVENT_ALL_ACCESS, FALSE, sem_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
}

TEST_F(Win32Semaphore, AnUnnamedSemaphoreIsNotInheritableUnlessAsked)
{
    owned plain(CreateSemaphoreA(nullptr, 0, 1, nullptr));
    EXPECT_NE(::fcntl(evobj_win32_fd(plain), F_GETFD) & FD_CLOEXEC, 0);
    SECURITY_ATTRIBUTES sa{sizeof(sa), nullptr, TRUE};
    owned inheritable(CreateSemaphoreA(&sa, 0, 1, nullptr));
    EXPECT_EQ(::fcntl(evobj_win32_fd(inheritable), F_GETFD) & FD_CLOEXEC, 0);
    owned named(CreateSemaphoreA(&sa, 0, 1, unique("evobj-win32-inherit").c_str()));
    EXPECT_EQ(::fcntl(evobj_win32_fd(named), F_GETFD) & FD_CLOEXEC, 0);
}

} // namespace
