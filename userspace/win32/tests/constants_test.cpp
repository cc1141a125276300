// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// Windows' numeric values and type sizes: ported code compares against
// numbers it took from Windows, and stores handles and DWORDs in fields
// of Windows' sizes.
#include <cstdint>
#include <thread>
#include <type_traits>

#include <evobj/win32.h>
#include <gtest/gtest.h>

static_assert(sizeof(DWORD) == 4 && std::is_unsigned_v<DWORD>);
static_assert(sizeof(LONG) == 4 && std::is_signed_v<LONG>);
static_assert(sizeof(BOOL) == 4);
static_assert(sizeof(WCHAR) == 2);
static_assert(sizeof(HANDLE) == sizeof(void*));
static_assert(sizeof(ULONG_PTR) == sizeof(void*));
static_assert(std::is_same_v<PAPCFUNC, void (*)(ULONG_PTR)>);
static_assert(std::is_same_v<LPSECURITY_ATTRIBUTES, SECURITY_ATTRIBUTES*>);

TEST(Win32Constants, WaitValues)
{
    EXPECT_EQ(WAIT_OBJECT_0, 0U);
    EXPECT_EQ(WAIT_ABANDONED, 0x80U);
    EXPECT_EQ(WAIT_ABANDONED_0, 0x80U);
    EXPECT_EQ(WAIT_IO_COMPLETION, 0xC0U);
    EXPECT_EQ(WAIT_TIMEOUT, 258U);
    EXPECT_EQ(WAIT_FAILED, 0xFFFFFFFFU);
    EXPECT_EQ(INFINITE, 0xFFFFFFFFU);
    EXPECT_EQ(MAXIMUM_WAIT_OBJECTS, 64);
}

TEST(Win32Constants, Errors)
{
    EXPECT_EQ(ERROR_SUCCESS, 0);
    EXPECT_EQ(ERROR_FILE_NOT_FOUND, 2);
    EXPECT_EQ(ERROR_PATH_NOT_FOUND, 3);
    EXPECT_EQ(ERROR_TOO_MANY_OPEN_FILES, 4);
    EXPECT_EQ(ERROR_ACCESS_DENIED, 5);
    EXPECT_EQ(ERROR_INVALID_HANDLE, 6);
    EXPECT_EQ(ERROR_NOT_ENOUGH_MEMORY, 8);
    EXPECT_EQ(ERROR_GEN_FAILURE, 31);
    EXPECT_EQ(ERROR_NOT_SUPPORTED, 50);
    EXPECT_EQ(ERROR_INVALID_PARAMETER, 87);
    EXPECT_EQ(ERROR_INVALID_NAME, 123);
    EXPECT_EQ(ERROR_ALREADY_EXISTS, 183);
    EXPECT_EQ(ERROR_FILENAME_EXCED_RANGE, 206);
    EXPECT_EQ(ERROR_NOT_ENOUGH_QUOTA, 1816);
}

TEST(Win32Constants, AccessAndFlags)
{
    EXPECT_EQ(EVENT_ALL_ACCESS, 0x1F0003);
    EXPECT_EQ(EVENT_MODIFY_STATE, 0x2);
    EXPECT_EQ(EVENT_QUERY_STATE, 0x1);
    EXPECT_EQ(SYNCHRONIZE, 0x100000);
    EXPECT_EQ(CREATE_EVENT_MANUAL_RESET, 1);
    EXPECT_EQ(CREATE_EVENT_INITIAL_SET, 2);
    EXPECT_EQ(DUPLICATE_CLOSE_SOURCE, 1);
    EXPECT_EQ(DUPLICATE_SAME_ACCESS, 2);
    EXPECT_EQ(TRUE, 1);
    EXPECT_EQ(FALSE, 0);
    EXPECT_EQ(reinterpret_cast<std::intptr_t>(INVALID_HANDLE_VALUE), -1);
}

TEST(Win32Constants, PseudoHandles)
{
    EXPECT_EQ(reinterpret_cast<std::intptr_t>(GetCurrentProcess()), -1);
    EXPECT_EQ(reinterpret_cast<std::intptr_t>(GetCurrentThread()), -2);
}

TEST(Win32LastError, IsPerThread)
{
    SetLastError(1234);
    DWORD other = 0;
    std::thread([&] {
        other = GetLastError();
        SetLastError(42);
    }).join();
    EXPECT_EQ(other, 0U);
    EXPECT_EQ(GetLastError(), 1234U);
}
