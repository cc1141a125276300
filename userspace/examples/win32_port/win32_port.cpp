// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// A producer/consumer written as Windows code, unchanged: it builds with
// MSVC against the real <windows.h>, and on Linux against evobj-win32's
// (pkg-config evobj-win32-compat, or CMake's evobj::win32_compat).
//
// The producer hands each item over with SignalObjectAndWait (set "work",
// wait for "done" in one call); the consumer waits on "stop" and "work"
// with WaitForMultipleObjectsEx; shutdown is an APC queued to the
// consumer thread, which sets "stop" from inside the consumer's wait.
#include <windows.h>

#include <cstdio>
#include <initializer_list>
#include <thread>

namespace {

HANDLE g_stop;  // manual-reset: the consumer must quit
HANDLE g_work;  // auto-reset: an item is ready
HANDLE g_done;  // auto-reset: the item was taken
HANDLE g_ready; // manual-reset: g_consumer is valid
HANDLE g_consumer; // a real handle to the consumer thread
int g_item;
long g_sum, g_count, g_apcs;

VOID CALLBACK shutdown_apc(ULONG_PTR stop_event)
{
    // Runs in the consumer thread, inside its alertable wait.
    ++g_apcs;
    SetEvent(reinterpret_cast<HANDLE>(stop_event));
}

void consumer()
{
    // GetCurrentThread() is a pseudo-handle; other threads need a real one.
    DuplicateHandle(GetCurrentProcess(), GetCurrentThread(), GetCurrentProcess(), &g_consumer, 0,
                    FALSE, DUPLICATE_SAME_ACCESS);
    SetEvent(g_ready);
    HANDLE waits[] = {g_stop, g_work};
    for (;;) {
        const DWORD r = WaitForMultipleObjectsEx(2, waits, FALSE, INFINITE, TRUE);
        if (r == WAIT_OBJECT_0) // stop wins over pending work: lowest index
            return;
        if (r == WAIT_OBJECT_0 + 1) {
            g_sum += g_item;
            ++g_count;
            SetEvent(g_done);
        } else if (r != WAIT_IO_COMPLETION) {
            std::printf("consumer: wait failed, error %u\n", static_cast<unsigned>(GetLastError()));
            return;
        }
    }
}

} // namespace

int main()
{
    g_stop = CreateEvent(nullptr, TRUE, FALSE, nullptr);
    g_work = CreateEvent(nullptr, FALSE, FALSE, nullptr);
    g_done = CreateEvent(nullptr, FALSE, FALSE, nullptr);
    g_ready = CreateEvent(nullptr, TRUE, FALSE, nullptr);
    if (!g_stop || !g_work || !g_done || !g_ready) {
        std::printf("CreateEvent failed, error %u\n", static_cast<unsigned>(GetLastError()));
        return 1;
    }
    std::thread t(consumer);
    WaitForSingleObject(g_ready, INFINITE);

    const int items = 1000;
    long expected = 0;
    for (int i = 1; i <= items; ++i) {
        g_item = i;
        expected += i;
        if (SignalObjectAndWait(g_work, g_done, 5000, FALSE) != WAIT_OBJECT_0) {
            std::printf("producer: item %d was not taken\n", i);
            break;
        }
    }

    QueueUserAPC(shutdown_apc, g_consumer, reinterpret_cast<ULONG_PTR>(g_stop));
    // The consumer's thread handle is signaled when it ends.
    const DWORD ended = WaitForSingleObject(g_consumer, 5000);
    t.join();

    std::printf("win32_port: %ld items, sum %ld (expected %d, %ld), %ld APC, consumer %s\n", g_count,
                g_sum, items, expected, g_apcs, ended == WAIT_OBJECT_0 ? "ended" : "still running");
    const bool ok = g_count == items && g_sum == expected && g_apcs == 1 && ended == WAIT_OBJECT_0;
    for (HANDLE h : {g_stop, g_work, g_done, g_ready, g_consumer})
        CloseHandle(h);
    return ok ? 0 : 1;
}
