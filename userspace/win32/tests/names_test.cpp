// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Named events: CreateEvent/OpenEvent by name over EVOBJ_IOC_OPEN. On a
// module without named events every named call fails with
// ERROR_NOT_SUPPORTED (never an unnamed event), and the rest skip.
#include <string>
#include <fcntl.h>
#include <unistd.h>

#include "win32_helpers.hpp"

namespace {

using namespace win32_test;

// A name of this process only, so that runs do not meet.
std::string unique(const char* base)
{
    return std::string(base) + "-" + std::to_string(::getpid());
}

bool kernel_has_names()
{
    HANDLE h = CreateEventA(nullptr, FALSE, FALSE, unique("evobj-win32-probe").c_str());
    if (h) {
        CloseHandle(h);
        return true;
    }
    return false;
}

class Win32Name : public Device {
protected:
    void SetUp() override
    {
        Device::SetUp();
        if (IsSkipped() || HasFatalFailure())
            return;
        if (!kernel_has_names())
            GTEST_SKIP() << "the evobj module has no named events (EVOBJ_IOC_OPEN)";
    }
};

TEST_F(Device, NamedCreateIsNeverSilentlyUnnamed)
{
    // Either the module has named events, and a second create finds the
    // first, or it has not, and every named call says so.
    const std::string name = unique("evobj-win32-never-unnamed");
    SetLastError(0xdeadbeef);
    owned first(CreateEventA(nullptr, FALSE, FALSE, name.c_str()));
    if (!first) {
        EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_NOT_SUPPORTED));
        EXPECT_FAILS_WITH(CreateEventW(nullptr, FALSE, FALSE, u"x"), nullptr, ERROR_NOT_SUPPORTED);
        EXPECT_FAILS_WITH(OpenEventA(EVENT_ALL_ACCESS, FALSE, "x"), nullptr, ERROR_NOT_SUPPORTED);
        return;
    }
    SetLastError(0xdeadbeef);
    owned second(CreateEventA(nullptr, FALSE, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(second), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    SetEvent(first);
    EXPECT_EQ(WaitForSingleObject(second, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Name, CreateThenOpenTheSameEvent)
{
    const std::string name = unique("evobj-win32-a");
    SetLastError(0xdeadbeef);
    owned first(CreateEventA(nullptr, FALSE, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(first), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    SetLastError(0xdeadbeef);
    // Asked for manual-reset and set: the existing event's type and state win.
    owned second(CreateEventA(nullptr, TRUE, TRUE, name.c_str()));
    ASSERT_NE(HANDLE(second), nullptr);
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    EXPECT_EQ(WaitForSingleObject(second, 0), WAIT_TIMEOUT);
    SetEvent(second);
    EXPECT_EQ(WaitForSingleObject(first, 0), WAIT_OBJECT_0);
    EXPECT_EQ(WaitForSingleObject(second, 0), WAIT_TIMEOUT); // auto-reset, consumed
    owned opened(OpenEventA(EVENT_ALL_ACCESS, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(opened), nullptr);
    SetEvent(opened);
    EXPECT_EQ(WaitForSingleObject(first, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Name, OpenErrors)
{
    EXPECT_FAILS_WITH(OpenEventA(EVENT_ALL_ACCESS, FALSE, unique("evobj-win32-none").c_str()),
                      nullptr, ERROR_FILE_NOT_FOUND);
    EXPECT_FAILS_WITH(OpenEventW(EVENT_ALL_ACCESS, FALSE, u"evobj-win32-none-w"), nullptr,
                      ERROR_FILE_NOT_FOUND);
    EXPECT_FAILS_WITH(OpenEventA(EVENT_ALL_ACCESS, FALSE, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(OpenEventW(EVENT_ALL_ACCESS, FALSE, nullptr), nullptr, ERROR_INVALID_PARAMETER);
    EXPECT_FAILS_WITH(OpenEventA(EVENT_ALL_ACCESS, FALSE, ""), nullptr, ERROR_INVALID_NAME);
}

TEST_F(Win32Name, NamesAreCaseSensitive)
{
    const std::string name = unique("evobj-win32-Case");
    std::string lower = name;
    lower[12] = 'c';
    owned a(CreateEventA(nullptr, TRUE, FALSE, name.c_str()));
    SetLastError(0xdeadbeef);
    owned b(CreateEventA(nullptr, TRUE, FALSE, lower.c_str()));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    SetEvent(a);
    EXPECT_EQ(WaitForSingleObject(b, 0), WAIT_TIMEOUT);
}

TEST_F(Win32Name, WideNamesAreUtf8)
{
    // U+00F1, U+20AC and U+1F600 (a surrogate pair in UTF-16).
    owned a(CreateEventA(nullptr, TRUE, FALSE, "evobj-\xC3\xB1-\xE2\x82\xAC-\xF0\x9F\x98\x80"));
    ASSERT_NE(HANDLE(a), nullptr);
    SetLastError(0xdeadbeef);
    owned w(CreateEventW(nullptr, TRUE, FALSE, u"evobj-\u00F1-\u20AC-\U0001F600"));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    SetEvent(w);
    EXPECT_EQ(WaitForSingleObject(a, 0), WAIT_OBJECT_0);
    owned o(OpenEventW(SYNCHRONIZE, FALSE, u"evobj-\u00F1-\u20AC-\U0001F600"));
    EXPECT_EQ(WaitForSingleObject(o, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Name, GlobalAndLocalPrefixesNameTheSameEvent)
{
    const std::string name = unique("evobj-win32-prefix");
    owned plain(CreateEventA(nullptr, TRUE, FALSE, name.c_str()));
    SetLastError(0xdeadbeef);
    owned global(CreateEventA(nullptr, TRUE, FALSE, ("Global\\" + name).c_str()));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_ALREADY_EXISTS));
    owned local(OpenEventA(EVENT_ALL_ACCESS, FALSE, ("Local\\" + name).c_str()));
    ASSERT_NE(HANDLE(local), nullptr);
    SetEvent(local);
    EXPECT_EQ(WaitForSingleObject(global, 0), WAIT_OBJECT_0);
    EXPECT_FAILS_WITH(CreateEventA(nullptr, TRUE, FALSE, "Session\\1\\x"), nullptr,
                      ERROR_PATH_NOT_FOUND);
    EXPECT_FAILS_WITH(CreateEventA(nullptr, TRUE, FALSE, "a\\b"), nullptr, ERROR_PATH_NOT_FOUND);
    EXPECT_FAILS_WITH(CreateEventA(nullptr, TRUE, FALSE, "Global\\"), nullptr, ERROR_INVALID_NAME);
}

TEST_F(Win32Name, LongNames)
{
    const std::string longest(255, 'n');
    owned ok(CreateEventA(nullptr, TRUE, FALSE, longest.c_str()));
    EXPECT_NE(HANDLE(ok), nullptr);
    const std::string too_long(256, 'n');
    EXPECT_FAILS_WITH(CreateEventA(nullptr, TRUE, FALSE, too_long.c_str()), nullptr,
                      ERROR_FILENAME_EXCED_RANGE);
    EXPECT_FAILS_WITH(OpenEventA(EVENT_ALL_ACCESS, FALSE, too_long.c_str()), nullptr,
                      ERROR_FILENAME_EXCED_RANGE);
    // The prefix is not part of the name's length.
    owned prefixed(CreateEventA(nullptr, TRUE, FALSE, ("Global\\" + longest).c_str()));
    EXPECT_NE(HANDLE(prefixed), nullptr);
}

TEST_F(Win32Name, NameLivesAsLongAsItsEvent)
{
    const std::string name = unique("evobj-win32-life");
    HANDLE h = CreateEventA(nullptr, TRUE, TRUE, name.c_str());
    ASSERT_NE(h, nullptr);
    CloseHandle(h);
    EXPECT_FAILS_WITH(OpenEventA(EVENT_ALL_ACCESS, FALSE, name.c_str()), nullptr,
                      ERROR_FILE_NOT_FOUND);
    SetLastError(0xdeadbeef);
    owned fresh(CreateEventA(nullptr, TRUE, FALSE, name.c_str()));
    EXPECT_EQ(GetLastError(), static_cast<DWORD>(ERROR_SUCCESS));
    EXPECT_EQ(WaitForSingleObject(fresh, 0), WAIT_TIMEOUT); // a new event
}

TEST_F(Win32Name, OpenedAccessIsEnforced)
{
    const std::string name = unique("evobj-win32-access");
    owned ev(CreateEventA(nullptr, TRUE, FALSE, name.c_str()));
    owned sync(OpenEventA(SYNCHRONIZE, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(sync), nullptr);
    EXPECT_FAILS_WITH(SetEvent(sync), FALSE, ERROR_ACCESS_DENIED);
    owned modify(OpenEventA(EVENT_MODIFY_STATE, FALSE, name.c_str()));
    EXPECT_TRUE(SetEvent(modify));
    EXPECT_EQ(WaitForSingleObject(sync, 0), WAIT_OBJECT_0);
}

TEST_F(Win32Name, InheritableNamedHandles)
{
    const std::string name = unique("evobj-win32-inherit");
    SECURITY_ATTRIBUTES sa{sizeof sa, nullptr, TRUE};
    owned created(CreateEventA(&sa, TRUE, FALSE, name.c_str()));
    owned opened(OpenEventA(EVENT_ALL_ACCESS, TRUE, name.c_str()));
    owned private_open(OpenEventA(EVENT_ALL_ACCESS, FALSE, name.c_str()));
    ASSERT_NE(HANDLE(created), nullptr);
    ASSERT_NE(HANDLE(opened), nullptr);
    ASSERT_NE(HANDLE(private_open), nullptr);
    EXPECT_FALSE(::fcntl(evobj_win32_fd(created), F_GETFD) & FD_CLOEXEC);
    EXPECT_FALSE(::fcntl(evobj_win32_fd(opened), F_GETFD) & FD_CLOEXEC);
    EXPECT_TRUE(::fcntl(evobj_win32_fd(private_open), F_GETFD) & FD_CLOEXEC);
}

} // namespace
