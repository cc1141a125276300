/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * <evobj/win32.h> from C: the header compiles as C11 and the library
 * links into a C program. Exit status 0 if every check passed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <evobj/win32.h>

static int failures;

#define CHECK(cond)                                                      \
	do {                                                             \
		if (!(cond)) {                                           \
			fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); \
			failures++;                                      \
		}                                                        \
	} while (0)

static DWORD apc_arg;

static VOID CALLBACK apc(ULONG_PTR arg)
{
	apc_arg = (DWORD)arg;
}

int main(void)
{
	HANDLE ev = CreateEventA(NULL, FALSE, FALSE, NULL);
	HANDLE both[2];
	HANDLE dup = NULL;
	HANDLE sem;
	HANDLE mtx;
	LONG prev = -1;
	const char *required = getenv("EVOBJ_TESTS_REQUIRE_DEVICE");

	/* On a build host without the module: nothing to test. */
	if (!ev && GetLastError() == ERROR_NOT_SUPPORTED && !(required && !strcmp(required, "1"))) {
		printf("win32_c_test: skipped, no /dev/evobj\n");
		return 0;
	}
	CHECK(ev != NULL);
	CHECK(WaitForSingleObject(ev, 0) == WAIT_TIMEOUT);
	CHECK(SetEvent(ev));
	CHECK(WaitForSingleObject(ev, INFINITE) == WAIT_OBJECT_0);
	CHECK(DuplicateHandle(GetCurrentProcess(), ev, GetCurrentProcess(), &dup, 0, FALSE,
			      DUPLICATE_SAME_ACCESS));
	both[0] = CreateEventW(NULL, TRUE, TRUE, NULL);
	both[1] = dup;
	CHECK(WaitForMultipleObjects(2, both, FALSE, 0) == WAIT_OBJECT_0);
	CHECK(QueueUserAPC(apc, GetCurrentThread(), 77));
	CHECK(SleepEx(1000, TRUE) == WAIT_IO_COMPLETION && apc_arg == 77);
	CHECK(CloseHandle(both[0]) && CloseHandle(dup) && CloseHandle(ev));
	SetLastError(0);
	CHECK(!SetEvent(ev) && GetLastError() == ERROR_INVALID_HANDLE);

	/* A semaphore, where the module has them. */
	sem = CreateSemaphoreA(NULL, 1, 2, NULL);
	if (sem || GetLastError() != ERROR_NOT_SUPPORTED) {
		CHECK(sem != NULL);
		CHECK(ReleaseSemaphore(sem, 1, &prev) && prev == 1);
		SetLastError(0);
		CHECK(!ReleaseSemaphore(sem, 1, NULL) && GetLastError() == ERROR_TOO_MANY_POSTS);
		CHECK(WaitForSingleObject(sem, 0) == WAIT_OBJECT_0);
		SetLastError(0);
		CHECK(!SetEvent(sem) && GetLastError() == ERROR_INVALID_HANDLE);
		CHECK(CloseHandle(sem));
	}
	/* A mutex, where the module has them: recursive, and its owner's alone. */
	mtx = CreateMutexA(NULL, TRUE, NULL);
	if (mtx || GetLastError() != ERROR_NOT_SUPPORTED) {
		CHECK(mtx != NULL);
		CHECK(WaitForSingleObject(mtx, 0) == WAIT_OBJECT_0);
		CHECK(ReleaseMutex(mtx) && ReleaseMutex(mtx));
		SetLastError(0);
		CHECK(!ReleaseMutex(mtx) && GetLastError() == ERROR_NOT_OWNER);
		SetLastError(0);
		CHECK(!SetEvent(mtx) && GetLastError() == ERROR_INVALID_HANDLE);
		CHECK(CloseHandle(mtx));
	}
	printf("win32_c_test: %s\n", failures ? "FAILED" : "ok");
	return failures != 0;
}
