// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// CloseHandle, DuplicateHandle, inheritance across fork+exec, handles
// passed to another process as fds, and handle <-> fd.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

class Win32Handle : public Device {};

bool cloexec(HANDLE h)
{
    return ::fcntl(evobj_win32_fd(h), F_GETFD) & FD_CLOEXEC;
}

HANDLE duplicate(HANDLE src, DWORD access, BOOL inherit, DWORD options)
{
    HANDLE h = nullptr;
    if (!DuplicateHandle(GetCurrentProcess(), src, GetCurrentProcess(), &h, access, inherit, options))
        return nullptr;
    return h;
}

TEST_F(Win32Handle, CloseHandleOnce)
{
    HANDLE ev = auto_event();
    ASSERT_NE(ev, nullptr);
    EXPECT_TRUE(CloseHandle(ev));
    EXPECT_FAILS_WITH(CloseHandle(ev), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(CloseHandle(nullptr), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(CloseHandle(INVALID_HANDLE_VALUE), FALSE, ERROR_INVALID_HANDLE);
}

TEST_F(Win32Handle, DuplicateNamesTheSameEvent)
{
    owned ev(auto_event());
    owned dup(duplicate(ev, 0, FALSE, DUPLICATE_SAME_ACCESS));
    ASSERT_NE(HANDLE(dup), nullptr);
    EXPECT_NE(HANDLE(dup), HANDLE(ev));
    SetEvent(dup);
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(dup, 0), WAIT_TIMEOUT);
    // Each closes on its own.
    ev.reset();
    SetEvent(dup);
    EXPECT_EQ(WaitForSingleObject(dup, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Handle, DuplicateAccess)
{
    owned sync_only(CreateEventExA(nullptr, nullptr, 0, SYNCHRONIZE));
    owned same(duplicate(sync_only, EVENT_ALL_ACCESS, FALSE, DUPLICATE_SAME_ACCESS));
    EXPECT_FAILS_WITH(SetEvent(same), FALSE, ERROR_ACCESS_DENIED); // dwDesiredAccess ignored
    owned ev(auto_event());
    owned restricted(duplicate(ev, SYNCHRONIZE, FALSE, 0));
    EXPECT_FAILS_WITH(SetEvent(restricted), FALSE, ERROR_ACCESS_DENIED);
    EXPECT_EQ(WaitForSingleObject(restricted, 0), WAIT_TIMEOUT);
    owned modify(duplicate(ev, EVENT_MODIFY_STATE, FALSE, 0));
    EXPECT_TRUE(SetEvent(modify));
    EXPECT_FAILS_WITH(WaitForSingleObject(modify, 0), WAIT_FAILED, ERROR_ACCESS_DENIED);
}

TEST_F(Win32Handle, DuplicateCloseSource)
{
    HANDLE ev = auto_event();
    owned dup(duplicate(ev, 0, FALSE, DUPLICATE_SAME_ACCESS | DUPLICATE_CLOSE_SOURCE));
    ASSERT_NE(HANDLE(dup), nullptr);
    EXPECT_FAILS_WITH(SetEvent(ev), FALSE, ERROR_INVALID_HANDLE);
    EXPECT_TRUE(SetEvent(dup));
    // No target: only the close happens.
    HANDLE other = auto_event();
    EXPECT_TRUE(DuplicateHandle(GetCurrentProcess(), other, GetCurrentProcess(), nullptr, 0, FALSE,
                                DUPLICATE_CLOSE_SOURCE));
    EXPECT_FAILS_WITH(CloseHandle(other), FALSE, ERROR_INVALID_HANDLE);
}

TEST_F(Win32Handle, DuplicateErrors)
{
    owned ev(auto_event());
    HANDLE out = nullptr;
    EXPECT_FAILS_WITH(DuplicateHandle(GetCurrentProcess(), nullptr, GetCurrentProcess(), &out, 0,
                                      FALSE, DUPLICATE_SAME_ACCESS),
                      FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &out, 0, FALSE, 4),
                      FALSE, ERROR_INVALID_PARAMETER);
    // Other processes' handles are not ours to name; nor are event handles processes.
    EXPECT_FAILS_WITH(DuplicateHandle(ev, ev, GetCurrentProcess(), &out, 0, FALSE,
                                      DUPLICATE_SAME_ACCESS),
                      FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(DuplicateHandle(GetCurrentProcess(), ev, nullptr, &out, 0, FALSE,
                                      DUPLICATE_SAME_ACCESS),
                      FALSE, ERROR_INVALID_HANDLE);
    EXPECT_FAILS_WITH(DuplicateHandle(GetCurrentProcess(), GetCurrentProcess(), GetCurrentProcess(),
                                      &out, 0, FALSE, DUPLICATE_SAME_ACCESS),
                      FALSE, ERROR_NOT_SUPPORTED);
    EXPECT_EQ(out, nullptr);
}

TEST_F(Win32Handle, InheritableHandlesSurviveExec)
{
    SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
    owned inheritable(CreateEventA(&sa, FALSE, FALSE, nullptr));
    owned private_ev(auto_event());
    EXPECT_FALSE(cloexec(inheritable));
    EXPECT_TRUE(cloexec(private_ev));
    owned dup_in(duplicate(private_ev, 0, TRUE, DUPLICATE_SAME_ACCESS));
    owned dup_out(duplicate(inheritable, 0, FALSE, DUPLICATE_SAME_ACCESS));
    EXPECT_FALSE(cloexec(dup_in));
    EXPECT_TRUE(cloexec(dup_out));
}

// The child (tests/main.cpp runs it): --win32-child set HANDLE sets the
// event by the handle value its parent passed, as Windows code does with
// an inherited handle. Exit status: 0 set, 3 invalid handle, 4 other.
pid_t spawn_setter(HANDLE h)
{
    char value[32];
    std::snprintf(value, sizeof value, "%#jx", static_cast<std::uintmax_t>(reinterpret_cast<std::uintptr_t>(h)));
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::execl("/proc/self/exe", "win32-child", "--win32-child", "set", value, nullptr);
        ::_exit(127);
    }
    return pid;
}

int exit_status(pid_t pid)
{
    int status = 0;
    if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
        return -1;
    return WEXITSTATUS(status);
}

TEST_F(Win32Handle, ChildUsesInheritedHandleValue)
{
    SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
    owned ev(CreateEventA(&sa, FALSE, FALSE, nullptr));
    ASSERT_NE(HANDLE(ev), nullptr);
    const pid_t pid = spawn_setter(ev);
    ASSERT_GT(pid, 0);
    EXPECT_EQ(WaitForSingleObject(ev, 10000), WAIT_OBJECT_0);
    EXPECT_EQ(exit_status(pid), 0);
}

TEST_F(Win32Handle, ChildCannotUseNonInheritableHandle)
{
    owned ev(auto_event());
    const pid_t pid = spawn_setter(ev);
    ASSERT_GT(pid, 0);
    EXPECT_EQ(exit_status(pid), 3); // ERROR_INVALID_HANDLE in the child
    EXPECT_EQ(WaitForSingleObject(ev, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Handle, HandlePassedToAnotherProcess)
{
    owned ev(auto_event());
    int sv[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        // Receive the fd, make it a handle, set the event through it.
        char byte;
        iovec iov{&byte, 1};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        if (::recvmsg(sv[1], &msg, MSG_CMSG_CLOEXEC) != 1)
            ::_exit(4);
        int fd;
        std::memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof fd);
        HANDLE h = evobj_win32_handle_from_fd(fd);
        ::_exit(h && SetEvent(h) && CloseHandle(h) ? 0 : 3);
    }
    char byte = 0;
    iovec iov{&byte, 1};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    const int fd = evobj_win32_fd(ev);
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
    ASSERT_EQ(::sendmsg(sv[0], &msg, 0), 1);
    EXPECT_EQ(WaitForSingleObject(ev, 10000), WAIT_OBJECT_0);
    EXPECT_EQ(exit_status(pid), 0);
    ::close(sv[0]);
    ::close(sv[1]);
}

TEST_F(Win32Handle, ForkedChildClosesWhatItsParentsThreadsWaitOn)
{
    // Another thread waits on the handle when the process forks: that
    // wait is not running in the child, whose close closes the fd at once.
    owned ev(auto_event());
    const int fd = evobj_win32_fd(ev);
    std::thread waiter([&] { WaitForSingleObject(ev, 10000); });
    ASSERT_TRUE(await_waiters(ev, 1));
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0)
        ::_exit(CloseHandle(ev) && ::fcntl(fd, F_GETFD) == -1 ? 0 : 1);
    SetEvent(ev);
    waiter.join();
    EXPECT_EQ(exit_status(pid), 0);
}

TEST_F(Win32Handle, FdPollsAndComesBack)
{
    owned ev(manual_event());
    const int fd = evobj_win32_fd(ev);
    ASSERT_GE(fd, 0);
    pollfd p{fd, POLLIN, 0};
    EXPECT_EQ(::poll(&p, 1, 0), 0);
    SetEvent(ev);
    EXPECT_EQ(::poll(&p, 1, 0), 1);
    EXPECT_TRUE(p.revents & POLLIN);
    // An fd that already is a handle gives that handle back.
    EXPECT_EQ(evobj_win32_handle_from_fd(fd), HANDLE(ev));
    // A dup'ed fd becomes a handle of its own, which owns and closes it.
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    HANDLE h = evobj_win32_handle_from_fd(copy);
    ASSERT_NE(h, nullptr);
    EXPECT_EQ(evobj_win32_fd(h), copy);
    EXPECT_EQ(WaitForSingleObject(h, 0), WAIT_OBJECT_0);
    EXPECT_TRUE(CloseHandle(h));
    EXPECT_EQ(::fcntl(copy, F_GETFD), -1); // closed with its handle
}

} // namespace
