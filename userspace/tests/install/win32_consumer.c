/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * A C program built only from an installed evobj-win32, with the opt-in
 * <windows.h> (pkg-config evobj-win32-compat, or evobj::win32_compat).
 * Runs with or without the module: without it, CreateEvent fails with
 * ERROR_NOT_SUPPORTED.
 */
#include <stdio.h>
#include <windows.h>

int main(void)
{
	HANDLE ev = CreateEvent(NULL, TRUE, FALSE, NULL);

	if (!ev) {
		printf("CreateEvent: error %u\n", (unsigned)GetLastError());
		return GetLastError() == ERROR_NOT_SUPPORTED ? 0 : 1;
	}
	if (!SetEvent(ev) || WaitForSingleObject(ev, 0) != WAIT_OBJECT_0 || !CloseHandle(ev)) {
		printf("event misbehaves\n");
		return 1;
	}
	printf("win32: created, set and waited on an event\n");
	return 0;
}
