// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// A program built only from an installed evobj (find_package or
// pkg-config): proves the headers are complete and the library links.
// Runs with or without the module loaded.
#include <cerrno>
#include <cstdio>
#include <system_error>

#include <evobj/evobj.hpp>
#include <evobj/uapi/linux/evobj.h>

static_assert(evobj::max_wait == EVOBJ_MAX_WAIT);

int main()
{
    std::printf("evobj %s\n", evobj::version_string);
    try {
        const evobj::event ev = evobj::event::create(evobj::kind::notification);
        const bool was_set = ev.set();
        if (was_set || !ev.is_set() || !ev.wait_for(std::chrono::seconds(0))) {
            std::printf("event misbehaves\n");
            return 1;
        }
        std::printf("created, set and waited on an event\n");
    } catch (const std::system_error& e) {
        // Without the module the device is missing: that is the one
        // acceptable failure here.
        if (e.code().value() != ENOENT) {
            std::printf("unexpected error: %s\n", e.what());
            return 1;
        }
        std::printf("no device (%s): library linked fine\n", e.what());
    }
    return 0;
}
