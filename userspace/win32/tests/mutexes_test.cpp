// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Mutexes: CreateMutex[Ex]A/W, OpenMutexA/W, ReleaseMutex (recursion,
// ERROR_NOT_OWNER), a thread's ownership, abandonment by a thread that
// ends holding them (WAIT_ABANDONED, WAIT_ABANDONED_0 + i in mixed waits,
// through cached wait sets too), by exit() and by SIGKILL (the kernel),
// SignalObjectAndWait releasing one, the other kinds' calls refusing a
// mutex handle, access rights, DuplicateHandle and adopted fds, and named
// mutexes shared by threads and processes.
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <string>
#include <thread>

#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

std::string unique(const char* base)
{
    static std::atomic<int> counter{0};
    return std::string(base) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Needs the module with mutexes: without them CreateMutex fails with
// ERROR_NOT_SUPPORTED, and these tests skip (but not in the VM).
class Win32Mutex : public Device {
protected:
    void SetUp() override
    {
        Device::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        HANDLE h = CreateMutexA(nullptr, FALSE, nullptr);
        if (h) {
            CloseHandle(h);
            return;
        }
        if (GetLastError() == ERROR_NOT_SUPPORTED && !evobj_test::device_required())
            GTEST_SKIP() << "the evobj module has no mutexes";
        FAIL() << "CreateMutexA: error " << GetLastError();
    }
};

// What another thread's wait on h returns.
DWORD wait_in_thread(HANDLE h, DWORD ms = 0, bool release = true)
{
    DWORD r = WAIT_FAILED;
    std::thread([&] {
        r = WaitForSingleObject(h, ms);
        if (release && (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED)) {
            EXPECT_TRUE(ReleaseMutex(h));
        }
    }).join();
    return r;
}

// A thread that acquires h `times` times and ends holding it.
void acquire_and_end(HANDLE h, int times = 1)
{
    std::thread([&] {
        for (int i = 0; i < times; ++i) {
            const DWORD r = WaitForSingleObject(h, 0);
            EXPECT_TRUE(r == WAIT_OBJECT_0 || (i == 0 && r == WAIT_ABANDONED)) << r;
        }
    }).join();
}

TEST(Win32MutexConstants, WindowsValues)
{
    EXPECT_EQ(ERROR_NOT_OWNER, 288);
    EXPECT_EQ(MUTEX_ALL_ACCESS, 0x1F0001);
    EXPECT_EQ(MUTANT_ALL_ACCESS, 0x1F0001);
    EXPECT_EQ(MUTEX_MODIFY_STATE, 0x1);
    EXPECT_EQ(MUTANT_QUERY_STATE, 0x1);
    EXPECT_EQ(CREATE_MUTEX_INITIAL_OWNER, 0x1);
    EXPECT_EQ(WAIT_ABANDONED_0, 0x80U);
}

TEST_F(Win32Mutex, RecursionAndReleaseByItsOwnerOnly)
{
    SetLastError(0xdeadbeef);
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    ASSERT_NE(HANDLE(m), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_FAILS_WITH(ReleaseMutex(m), FALSE, ERROR_NOT_OWNER); // nobody's
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_EQ(wait_in_thread(m), WAIT_TIMEOUT);
    DWORD err = 0;
    std::thread([&] {
        SetLastError(0);
        EXPECT_FALSE(ReleaseMutex(m));
        err = GetLastError();
    }).join();
    EXPECT_EQ(err, static_cast<DWORD>(ERROR_NOT_OWNER));
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_EQ(wait_in_thread(m), WAIT_TIMEOUT); // still ours, once
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_FAILS_WITH(ReleaseMutex(m), FALSE, ERROR_NOT_OWNER);
    EXPECT_EQ(wait_in_thread(m), WAIT_OBJECT_0);
}

TEST_F(Win32Mutex, InitialOwnerIsTheCreatingThread)
{
    owned m(CreateMutexA(nullptr, TRUE, nullptr));
    ASSERT_NE(HANDLE(m), nullptr);
    EXPECT_EQ(wait_in_thread(m), WAIT_TIMEOUT);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0); // recursion: count 2
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_EQ(wait_in_thread(m), WAIT_OBJECT_0);

    owned ex(CreateMutexExA(nullptr, nullptr, CREATE_MUTEX_INITIAL_OWNER, MUTEX_ALL_ACCESS));
    ASSERT_NE(HANDLE(ex), nullptr);
    EXPECT_EQ(wait_in_thread(ex), WAIT_TIMEOUT);
    EXPECT_TRUE(ReleaseMutex(ex));
    owned exw(CreateMutexExW(nullptr, nullptr, 0, MUTEX_ALL_ACCESS));
    ASSERT_NE(HANDLE(exw), nullptr);
    EXPECT_FAILS_WITH(ReleaseMutex(exw), FALSE, ERROR_NOT_OWNER);
    EXPECT_FAILS_WITH(CreateMutexExA(nullptr, nullptr, 0x2, MUTEX_ALL_ACCESS), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(CreateMutexExW(nullptr, nullptr, 0x2, MUTEX_ALL_ACCESS), nullptr, ERROR_INVALID_PARAMETER);
}

TEST_F(Win32Mutex, AWaiterBlocksUntilTheRelease)
{
    owned m(CreateMutexA(nullptr, TRUE, nullptr));
    std::atomic<bool> got{false};
    std::thread t([&] {
        EXPECT_EQ(WaitForSingleObject(m, INFINITE), WAIT_OBJECT_0);
        got = true;
        EXPECT_TRUE(ReleaseMutex(m));
    });
    ASSERT_TRUE(await_waiters(m, 1));
    EXPECT_FALSE(got);
    EXPECT_TRUE(ReleaseMutex(m));
    t.join();
    EXPECT_TRUE(got);
}

TEST_F(Win32Mutex, AThreadThatEndsHoldingItAbandonsIt)
{
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    acquire_and_end(m, 3); // recursion too: one abandonment
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_ABANDONED);
    // Ours now, count 1, and no longer abandoned.
    EXPECT_EQ(wait_in_thread(m), WAIT_TIMEOUT);
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_FAILS_WITH(ReleaseMutex(m), FALSE, ERROR_NOT_OWNER);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(m));
}

TEST_F(Win32Mutex, ABlockedWaiterLearnsOfTheAbandonment)
{
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    owned go(auto_event());
    DWORD r = WAIT_FAILED;
    std::thread holder([&] {
        EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
        EXPECT_EQ(WaitForSingleObject(go, INFINITE), WAIT_OBJECT_0);
    });
    ASSERT_TRUE(await_waiters(go, 1));
    std::thread waiter([&] {
        r = WaitForSingleObject(m, INFINITE);
        EXPECT_TRUE(ReleaseMutex(m));
    });
    ASSERT_TRUE(await_waiters(m, 1));
    EXPECT_TRUE(SetEvent(go));
    holder.join();
    waiter.join();
    EXPECT_EQ(r, WAIT_ABANDONED);
}

TEST_F(Win32Mutex, AThreadThatReleasedItAbandonsNothing)
{
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    std::thread([&] {
        EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
        EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
        EXPECT_TRUE(ReleaseMutex(m));
        EXPECT_TRUE(ReleaseMutex(m));
    }).join();
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(m));
}

TEST_F(Win32Mutex, InitialOwnershipIsAbandonedToo)
{
    HANDLE m = nullptr;
    std::thread([&] { m = CreateMutexA(nullptr, TRUE, nullptr); }).join();
    ASSERT_NE(m, nullptr);
    owned own(m);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_ABANDONED);
    EXPECT_TRUE(ReleaseMutex(m));
}

TEST_F(Win32Mutex, AClosedHandleDoesNotSaveItFromAbandonment)
{
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    std::thread([&] {
        HANDLE dup = nullptr;
        ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), m, GetCurrentProcess(), &dup, 0, FALSE,
                                    DUPLICATE_SAME_ACCESS));
        EXPECT_EQ(WaitForSingleObject(dup, 0), WAIT_OBJECT_0);
        EXPECT_TRUE(CloseHandle(dup));
    }).join();
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_ABANDONED);
    EXPECT_TRUE(ReleaseMutex(m));
}

TEST_F(Win32Mutex, WaitAnyOverMixedHandlesSaysWhichWasAbandoned)
{
    owned ev(auto_event());
    owned sem(CreateSemaphoreA(nullptr, 0, 1, nullptr));
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    const HANDLE hs[] = {ev, sem, m};
    // Several rounds: from the second on, the thread waits on a wait set.
    for (int round = 0; round < 3; ++round) {
        acquire_and_end(m);
        EXPECT_EQ(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_ABANDONED_0 + 2) << round;
        // Ours: the mutex satisfies our waits, which say so plainly now.
        EXPECT_EQ(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_OBJECT_0 + 2) << round;
        EXPECT_TRUE(ReleaseMutex(m));
        EXPECT_TRUE(ReleaseMutex(m));
        EXPECT_FAILS_WITH(ReleaseMutex(m), FALSE, ERROR_NOT_OWNER);
    }
    // A signaled object before it wins.
    acquire_and_end(m);
    EXPECT_TRUE(SetEvent(ev));
    EXPECT_EQ(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForMultipleObjects(3, hs, FALSE, 0), WAIT_ABANDONED_0 + 2);
    EXPECT_TRUE(ReleaseMutex(m));
}

TEST_F(Win32Mutex, WaitAllOverMixedHandlesAcquiresAtomically)
{
    owned ev(auto_event(true));
    owned a(CreateMutexA(nullptr, FALSE, nullptr));
    owned b(CreateMutexA(nullptr, FALSE, nullptr));
    const HANDLE hs[] = {ev, a, b};
    // b is another thread's: nothing is taken.
    owned go(auto_event());
    std::thread holder([&] {
        EXPECT_EQ(WaitForSingleObject(b, 0), WAIT_OBJECT_0);
        EXPECT_EQ(WaitForSingleObject(go, INFINITE), WAIT_OBJECT_0);
        EXPECT_TRUE(ReleaseMutex(b));
    });
    ASSERT_TRUE(await_waiters(go, 1));
    EXPECT_EQ(WaitForMultipleObjects(3, hs, TRUE, 0), WAIT_TIMEOUT);
    EXPECT_EQ(wait_in_thread(a), WAIT_OBJECT_0); // a was not taken
    EXPECT_TRUE(SetEvent(go));
    holder.join();
    EXPECT_EQ(WaitForMultipleObjects(3, hs, TRUE, 0), WAIT_OBJECT_0);
    EXPECT_EQ(wait_in_thread(a), WAIT_TIMEOUT);
    EXPECT_EQ(wait_in_thread(b), WAIT_TIMEOUT);
    EXPECT_TRUE(ReleaseMutex(a));
    EXPECT_TRUE(ReleaseMutex(b));

    // Abandoned: WAIT_ABANDONED_0 + the index of a mutex of the list.
    acquire_and_end(b);
    EXPECT_TRUE(SetEvent(ev));
    const DWORD r = WaitForMultipleObjects(3, hs, TRUE, 0);
    EXPECT_GE(r, WAIT_ABANDONED_0);
    EXPECT_LT(r, WAIT_ABANDONED_0 + 3);
    EXPECT_EQ(wait_in_thread(a), WAIT_TIMEOUT);
    EXPECT_TRUE(ReleaseMutex(a));
    EXPECT_TRUE(ReleaseMutex(b));
}

TEST_F(Win32Mutex, AcquisitionsOfAWaitAllAreAbandonedToo)
{
    owned a(CreateMutexA(nullptr, FALSE, nullptr));
    owned b(CreateMutexA(nullptr, FALSE, nullptr));
    const HANDLE hs[] = {a, b};
    std::thread([&] { EXPECT_EQ(WaitForMultipleObjects(2, hs, TRUE, 0), WAIT_OBJECT_0); }).join();
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_ABANDONED);
    EXPECT_EQ(WaitForSingleObject(b, 0), WAIT_ABANDONED);
    EXPECT_TRUE(ReleaseMutex(a));
    EXPECT_TRUE(ReleaseMutex(b));
}

TEST_F(Win32Mutex, SignalObjectAndWaitReleasesIt)
{
    owned m(CreateMutexA(nullptr, TRUE, nullptr));
    owned done(auto_event());
    std::thread t([&] {
        EXPECT_EQ(WaitForSingleObject(m, INFINITE), WAIT_OBJECT_0);
        EXPECT_TRUE(SetEvent(done));
        EXPECT_TRUE(ReleaseMutex(m));
    });
    ASSERT_TRUE(await_waiters(m, 1));
    EXPECT_EQ(SignalObjectAndWait(m, done, 5000, FALSE), WAIT_OBJECT_0);
    t.join();
    EXPECT_FAILS_WITH(ReleaseMutex(m), FALSE, ERROR_NOT_OWNER);
}

TEST_F(Win32Mutex, SignalObjectAndWaitOnAMutexNotOwnedFailsFirst)
{
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    owned ev(auto_event(true));
    EXPECT_FAILS_WITH(SignalObjectAndWait(m, ev, 0, FALSE), WAIT_FAILED, ERROR_NOT_OWNER);
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0); // the wait never happened
    // Recursion: one release per call.
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(SetEvent(ev));
    EXPECT_EQ(SignalObjectAndWait(m, ev, 0, FALSE), WAIT_OBJECT_0);
    EXPECT_EQ(wait_in_thread(m), WAIT_TIMEOUT);
    EXPECT_EQ(SignalObjectAndWait(m, ev, 0, FALSE), WAIT_TIMEOUT);
    EXPECT_EQ(wait_in_thread(m), WAIT_OBJECT_0);
}

TEST_F(Win32Mutex, SignalObjectAndWaitForAMutex)
{
    owned ev(manual_event());
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    acquire_and_end(m);
    EXPECT_EQ(SignalObjectAndWait(ev, m, 0, FALSE), WAIT_ABANDONED);
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(m));
}

TEST_F(Win32Mutex, OtherKindsCallsRefuseAMutexAndReleaseMutexOthers)
{
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    owned ev(auto_event());
    owned sem(CreateSemaphoreA(nullptr, 0, 1, nullptr));
    EXPECT_FAILS_WITH(SetEvent(m), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(ResetEvent(m), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(PulseEvent(m), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(ReleaseSemaphore(m, 1, nullptr), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(ReleaseMutex(ev), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(ReleaseMutex(sem), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(ReleaseMutex(nullptr), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(m));
}

TEST_F(Win32Mutex, AccessRights)
{
    const std::string name = unique("evobj-win32-mutex-access");
    owned m(CreateMutexA(nullptr, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(m), nullptr);
    // SYNCHRONIZE alone waits, and releases (ReleaseMutex needs no right).
    owned sync(OpenMutexA(SYNCHRONIZE, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(sync), nullptr);
    EXPECT_EQ(WaitForSingleObject(sync, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(sync));
    owned query(OpenMutexA(MUTEX_MODIFY_STATE, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(query), nullptr);
    EXPECT_FAILS_WITH(WaitForSingleObject(query, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
    // GENERIC_EXECUTE maps to SYNCHRONIZE.
    owned exec(OpenMutexA(GENERIC_EXECUTE, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(exec), nullptr);
    EXPECT_EQ(WaitForSingleObject(exec, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(exec));
}

TEST_F(Win32Mutex, ADuplicateOrAnAdoptedFdIsAMutexToo)
{
    owned m(CreateMutexA(nullptr, FALSE, nullptr));
    HANDLE dup = nullptr;
    ASSERT_TRUE(DuplicateHandle(GetCurrentProcess(), m, GetCurrentProcess(), &dup, 0, FALSE,
                                DUPLICATE_SAME_ACCESS));
    owned d(dup);
    EXPECT_EQ(WaitForSingleObject(m, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(d)); // the same mutex through another handle
    EXPECT_FAILS_WITH(SetEvent(d), FALSE, ERROR_INVALID_HANDLE);
    const int fd = ::fcntl(evobj_win32_fd(m), F_DUPFD_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    owned adopted(evobj_win32_handle_from_fd(fd));
    ASSERT_NE(HANDLE(adopted), nullptr);
    EXPECT_FAILS_WITH(SetEvent(adopted), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_EQ(WaitForSingleObject(adopted, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(ReleaseMutex(m));
    EXPECT_EQ(wait_in_thread(adopted), WAIT_OBJECT_0);
}

TEST_F(Win32Mutex, NamedSharedByThreadsAndNotAcquiredWhenItExists)
{
    const std::string name = unique("evobj-win32-mutex");
    SetLastError(0xdeadbeef);
    owned first(CreateMutexA(nullptr, TRUE, name.c_str()));
    ASSERT_NE(HANDLE(first), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    std::thread([&] {
        SetLastError(0xdeadbeef);
        owned second(CreateMutexA(nullptr, TRUE, ("Local\\" + name).c_str()));
        ASSERT_NE(HANDLE(second), nullptr);
        EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
        // Not acquired: bInitialOwner of an existing name is ignored.
        EXPECT_EQ(WaitForSingleObject(second, 0), WAIT_TIMEOUT);
        EXPECT_FAILS_WITH(ReleaseMutex(second), FALSE, ERROR_NOT_OWNER);
    }).join();
    owned third(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(third), nullptr);
    EXPECT_TRUE(ReleaseMutex(third));
    EXPECT_EQ(wait_in_thread(first), WAIT_OBJECT_0);
}

TEST_F(Win32Mutex, NamedWideSpellings)
{
    const std::string name = unique("evobj-win32-mutex-w");
    const std::u16string wname(name.begin(), name.end());
    owned first(CreateMutexW(nullptr, FALSE, wname.c_str()));
    ASSERT_NE(HANDLE(first), nullptr);
    SetLastError(0xdeadbeef);
    owned second(CreateMutexExW(nullptr, wname.c_str(), CREATE_MUTEX_INITIAL_OWNER, MUTEX_ALL_ACCESS));
    ASSERT_NE(HANDLE(second), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    EXPECT_FAILS_WITH(ReleaseMutex(second), FALSE, ERROR_NOT_OWNER);
    owned third(OpenMutexW(SYNCHRONIZE, FALSE, wname.c_str()));
    ASSERT_NE(HANDLE(third), nullptr);
    EXPECT_EQ(WaitForSingleObject(third, 0), WAIT_OBJECT_0);
    EXPECT_EQ(wait_in_thread(first), WAIT_TIMEOUT);
    EXPECT_TRUE(ReleaseMutex(first));
}

TEST_F(Win32Mutex, OpenOfAMissingOrBadName)
{
    EXPECT_FAILS_WITH(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, unique("evobj-win32-none").c_str()), nullptr,
                      ERROR_FILE_NOT_FOUND);
    EXPECT_FAILS_WITH(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(OpenMutexW(MUTEX_ALL_ACCESS, FALSE, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, ""), nullptr, ERROR_INVALID_NAME);
    EXPECT_FAILS_WITH(CreateMutexA(nullptr, FALSE, "a\\b"), nullptr, ERROR_PATH_NOT_FOUND);
}

TEST_F(Win32Mutex, ANameOfAnotherKindIsAnInvalidHandle)
{
    const std::string ev_name = unique("evobj-win32-mkind-ev");
    owned ev(CreateEventA(nullptr, FALSE, FALSE, ev_name.c_str()));
    ASSERT_NE(HANDLE(ev), nullptr);
    EXPECT_FAILS_WITH(CreateMutexA(nullptr, TRUE, ev_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(OpenMutexA(MUTEX_ALL_ACCESS, FALSE, ev_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
    const std::string sem_name = unique("evobj-win32-mkind-sem");
    owned sem(CreateSemaphoreA(nullptr, 0, 1, sem_name.c_str()));
    EXPECT_FAILS_WITH(CreateMutexA(nullptr, FALSE, sem_name.c_str()), nullptr, ERROR_INVALID_HANDLE);

    const std::string m_name = unique("evobj-win32-mkind-m");
    owned m(CreateMutexA(nullptr, FALSE, m_name.c_str()));
    ASSERT_NE(HANDLE(m), nullptr);
    EXPECT_FAILS_WITH(CreateEventA(nullptr, TRUE, FALSE, m_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(OpenEventA(EVENT_ALL_ACCESS, FALSE, m_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(CreateSemaphoreA(nullptr, 0, 1, m_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(OpenSemaphoreA(SEMAPHORE_ALL_ACCESS, FALSE, m_name.c_str()), nullptr, ERROR_INVALID_HANDLE);
}

// A child process that takes the named mutex `name` in a thread of its
// own, which is still running when the child's main thread calls exit()
// (`how` 'x'), or in its main thread, which then exit()s ('m') or is
// killed by SIGKILL ('k'); returns what the parent's wait then says.
DWORD child_holding(const std::string& name, char how)
{
    owned m(CreateMutexA(nullptr, FALSE, name.c_str()));
    EXPECT_NE(HANDLE(m), nullptr);
    int ready[2];
    if (::pipe(ready) != 0)
        return WAIT_FAILED;
    const pid_t pid = ::fork();
    if (pid == 0) {
        HANDLE c = OpenMutexA(SYNCHRONIZE, FALSE, name.c_str());
        if (how == 'x') {
            int inner[2]; // the thread's word to the child's main thread alone
            if (::pipe(inner) != 0)
                ::_exit(1);
            struct arg {
                HANDLE h;
                int fd;
            } a{c, inner[1]};
            pthread_t t;
            ::pthread_create(
                &t, nullptr,
                [](void* p) -> void* {
                    auto* a = static_cast<arg*>(p);
                    const char ok = WaitForSingleObject(a->h, 0) == WAIT_OBJECT_0 ? 'y' : 'n';
                    static_cast<void>(::write(a->fd, &ok, 1));
                    for (;;)
                        ::pause();
                },
                &a);
            char buf = 0;
            static_cast<void>(::read(inner[0], &buf, 1)); // the thread holds it now
            static_cast<void>(::write(ready[1], &buf, 1));
            ::usleep(20000);
            std::exit(0);
        }
        const char ok = WaitForSingleObject(c, 0) == WAIT_OBJECT_0 ? 'y' : 'n';
        static_cast<void>(::write(ready[1], &ok, 1));
        if (how == 'k')
            ::raise(SIGKILL);
        std::exit(0);
    }
    char ok = 0;
    EXPECT_EQ(::read(ready[0], &ok, 1), 1);
    EXPECT_EQ(ok, 'y');
    int status = 0;
    ::waitpid(pid, &status, 0);
    ::close(ready[0]);
    ::close(ready[1]);
    const DWORD r = WaitForSingleObject(m, 0);
    if (r == WAIT_OBJECT_0 || r == WAIT_ABANDONED) {
        EXPECT_TRUE(ReleaseMutex(m));
    }
    return r;
}

TEST_F(Win32Mutex, AProcessThatExitsAbandonsWhatItsThreadsHold)
{
    EXPECT_EQ(child_holding(unique("evobj-win32-exit-main"), 'm'), WAIT_ABANDONED);
    EXPECT_EQ(child_holding(unique("evobj-win32-exit-thread"), 'x'), WAIT_ABANDONED);
}

TEST_F(Win32Mutex, AKilledProcessAbandonsToo)
{
    // SIGKILL runs no hook of the layer's: the kernel abandons what the
    // process's waits acquired when its address space goes.
    EXPECT_EQ(child_holding(unique("evobj-win32-sigkill"), 'k'), WAIT_ABANDONED);
}

} // namespace
