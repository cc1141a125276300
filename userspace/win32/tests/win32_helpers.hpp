// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// What the Win32 layer's tests share: the device fixture, a handle that
// closes itself, and a way to know that threads are blocked in a wait.
#pragma once

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include <evobj/win32.h>
#include <gtest/gtest.h>

#include "helpers.hpp"

namespace win32_test {

using namespace std::chrono_literals;
using evobj_test::Device;

// Closes its handle at the end of a test, whatever the test did.
class owned {
public:
    owned() = default;
    explicit owned(HANDLE h) : h_(h) {}
    owned(const owned&) = delete;
    owned& operator=(const owned&) = delete;
    ~owned() { reset(); }
    void reset(HANDLE h = nullptr)
    {
        if (h_)
            CloseHandle(h_);
        h_ = h;
    }
    HANDLE release()
    {
        HANDLE h = h_;
        h_ = nullptr;
        return h;
    }
    operator HANDLE() const { return h_; }

private:
    HANDLE h_ = nullptr;
};

inline HANDLE auto_event(bool set = false)
{
    return CreateEventA(nullptr, FALSE, set, nullptr);
}

inline HANDLE manual_event(bool set = false)
{
    return CreateEventA(nullptr, TRUE, set, nullptr);
}

// The number of waits queued on the event behind h (fdinfo "waiters:").
inline unsigned waiters(HANDLE h)
{
    std::ifstream in("/proc/self/fdinfo/" + std::to_string(evobj_win32_fd(h)));
    std::string key;
    unsigned value = 0;
    while (in >> key) {
        if (key == "waiters:") {
            in >> value;
            return value;
        }
    }
    return ~0U;
}

// Blocks until n waits are queued on h: a thread is then inside its
// wait, not about to enter it.
inline ::testing::AssertionResult await_waiters(HANDLE h, unsigned n)
{
    const auto until = std::chrono::steady_clock::now() + evobj_test::slack;
    unsigned now = 0;
    while ((now = waiters(h)) != n) {
        if (std::chrono::steady_clock::now() > until)
            return ::testing::AssertionFailure() << now << " waiters, expected " << n;
        std::this_thread::sleep_for(1ms);
    }
    return ::testing::AssertionSuccess();
}

// Expects a call's failure: its result, and GetLastError().
#define EXPECT_FAILS_WITH(call, result, error)                                                     \
    do {                                                                                           \
        SetLastError(0xdeadbeef);                                                                  \
        EXPECT_EQ((call), (result));                                                               \
        EXPECT_EQ(GetLastError(), static_cast<DWORD>(error));                                      \
    } while (0)

} // namespace win32_test
