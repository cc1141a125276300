// SPDX-License-Identifier: LGPL-2.1-or-later OR MIT
//
// evobjctl's subcommands and what they share.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace evobjctl {

/// Each takes the arguments after its name and returns the exit status.
int demo_main(std::span<char* const> args);
int bench_main(std::span<char* const> args);
int list_main(std::span<char* const> args);
int open_main(std::span<char* const> args);
/// set, reset, pulse, state and wait, on an inherited event fd.
int fd_main(std::string_view command, std::span<char* const> args);

/// An event name as the kernel's fdinfo shows it: bytes outside
/// printable ASCII, and backslashes, as \ooo octal.
std::string escape_name(std::string_view name);

/// Opens and closes /dev/evobj once; if that fails, explains why on
/// stderr (module not loaded, permission denied, ...) and returns false.
bool device_usable();

/// True if `arg` is -h or --help.
bool is_help(std::string_view arg);

/// Exit statuses.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  // a step failed, or an error
inline constexpr int exit_usage = 2;    // bad command line

} // namespace evobjctl
