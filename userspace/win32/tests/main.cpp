// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// The test binary's entry point: GoogleTest, or, when a test re-executes
// the binary with --win32-child, the child's side of that test.
#include <cstdlib>
#include <cstring>

#include <evobj/win32.h>
#include <gtest/gtest.h>

int main(int argc, char** argv)
{
    if (argc == 4 && std::strcmp(argv[1], "--win32-child") == 0 && std::strcmp(argv[2], "set") == 0) {
        // The handle value from the parent, as Windows code gets an
        // inherited handle: on the command line.
        const auto h = reinterpret_cast<HANDLE>(std::strtoull(argv[3], nullptr, 0));
        if (SetEvent(h))
            return 0;
        return GetLastError() == ERROR_INVALID_HANDLE ? 3 : 4;
    }
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
