/* SPDX-License-Identifier: LGPL-2.1-or-later OR MIT */
/*
 * evobj::win32: the Win32 event, semaphore and mutex API (CreateEvent,
 * CreateSemaphore, CreateMutex, WaitForMultipleObjects,
 * SignalObjectAndWait, QueueUserAPC, ...) on evobj's kernel objects, for code ported from
 * Windows. C linkage, usable from C (C11) and C++.
 *
 * The Windows spellings and numeric values are kept, so that ported code
 * compiles unchanged; <evobj/win32-compat/windows.h> lets it keep its
 * `#include <windows.h>`. Documentation/win32.rst lists what differs.
 */
#ifndef EVOBJ_WIN32_H
#define EVOBJ_WIN32_H

#include <stddef.h>
#include <stdint.h>
#ifndef __cplusplus
#include <uchar.h>
#endif

/* The library is built with -fvisibility=hidden: these are its exports. */
#if defined(__GNUC__)
#define EVOBJ_WIN32_API __attribute__((visibility("default")))
#else
#define EVOBJ_WIN32_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- types (Windows' sizes: DWORD and LONG are 32 bits, as on Win64) --- */
#ifndef WINAPI
#define WINAPI
#endif
#ifndef CALLBACK
#define CALLBACK
#endif
#ifndef VOID
#define VOID void
#endif
typedef int BOOL;
typedef unsigned char BYTE;
typedef unsigned char BOOLEAN;
typedef uint32_t DWORD;
typedef int32_t LONG;
typedef LONG *PLONG;
typedef LONG *LPLONG;
typedef uint32_t ULONG;
typedef unsigned int UINT;
typedef uintptr_t ULONG_PTR;
typedef uintptr_t DWORD_PTR;
typedef intptr_t LONG_PTR;
typedef void *PVOID;
typedef void *LPVOID;
typedef void *HANDLE;
typedef HANDLE *PHANDLE;
typedef HANDLE *LPHANDLE;
typedef char CHAR;
typedef CHAR *LPSTR;
typedef const CHAR *LPCSTR;
/* UTF-16 code units, as Windows' WCHAR (not wchar_t, which is 32 bits here). */
typedef char16_t WCHAR;
typedef WCHAR *LPWSTR;
typedef const WCHAR *LPCWSTR;
typedef DWORD ACCESS_MASK;

typedef struct _SECURITY_ATTRIBUTES {
	DWORD nLength;
	LPVOID lpSecurityDescriptor;	/* ignored */
	BOOL bInheritHandle;		/* the handle survives exec */
} SECURITY_ATTRIBUTES, *PSECURITY_ATTRIBUTES, *LPSECURITY_ATTRIBUTES;

typedef VOID (CALLBACK *PAPCFUNC)(ULONG_PTR dwParam);

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

/* ---- handles ------------------------------------------------------------ */
#define INVALID_HANDLE_VALUE ((HANDLE)(LONG_PTR)-1)

#define DUPLICATE_CLOSE_SOURCE	0x00000001
#define DUPLICATE_SAME_ACCESS	0x00000002

/* ---- access rights ------------------------------------------------------ */
#define DELETE				0x00010000
#define READ_CONTROL			0x00020000
#define WRITE_DAC			0x00040000
#define WRITE_OWNER			0x00080000
#define SYNCHRONIZE			0x00100000
#define STANDARD_RIGHTS_REQUIRED	0x000F0000
#define STANDARD_RIGHTS_READ		READ_CONTROL
#define STANDARD_RIGHTS_WRITE		READ_CONTROL
#define STANDARD_RIGHTS_EXECUTE		READ_CONTROL
#define STANDARD_RIGHTS_ALL		0x001F0000
#define GENERIC_READ			0x80000000U
#define GENERIC_WRITE			0x40000000U
#define GENERIC_EXECUTE			0x20000000U
#define GENERIC_ALL			0x10000000U
#define EVENT_QUERY_STATE		0x0001
#define EVENT_MODIFY_STATE		0x0002
#define EVENT_ALL_ACCESS		0x001F0003
#define SEMAPHORE_MODIFY_STATE		0x0002
#define SEMAPHORE_ALL_ACCESS		0x001F0003
#define MUTANT_QUERY_STATE		0x0001
#define MUTANT_ALL_ACCESS		0x001F0001
#define MUTEX_MODIFY_STATE		MUTANT_QUERY_STATE
#define MUTEX_ALL_ACCESS		MUTANT_ALL_ACCESS
#define THREAD_SET_CONTEXT		0x0010
#define THREAD_ALL_ACCESS		0x001FFFFF

/* ---- CreateEventEx flags -------------------------------------------------- */
#define CREATE_EVENT_MANUAL_RESET	0x00000001
#define CREATE_EVENT_INITIAL_SET	0x00000002

/* ---- CreateMutexEx flags -------------------------------------------------- */
#define CREATE_MUTEX_INITIAL_OWNER	0x00000001

/* ---- waits ---------------------------------------------------------------- */
#define INFINITE		0xFFFFFFFFU
#define MAXIMUM_WAIT_OBJECTS	64
#define STATUS_WAIT_0		0x00000000U
#define STATUS_ABANDONED_WAIT_0	0x00000080U
#define STATUS_USER_APC		0x000000C0U
#define STATUS_TIMEOUT		0x00000102U
#define WAIT_OBJECT_0		STATUS_WAIT_0
#define WAIT_ABANDONED		STATUS_ABANDONED_WAIT_0
#define WAIT_ABANDONED_0	STATUS_ABANDONED_WAIT_0
#define WAIT_IO_COMPLETION	STATUS_USER_APC
#define WAIT_TIMEOUT		258U
#define WAIT_FAILED		0xFFFFFFFFU

#define MAX_PATH 260

/* ---- errors (GetLastError), Windows' values --------------------------------- */
#define ERROR_SUCCESS			0
#define NO_ERROR			0
#define ERROR_FILE_NOT_FOUND		2
#define ERROR_PATH_NOT_FOUND		3
#define ERROR_TOO_MANY_OPEN_FILES	4
#define ERROR_ACCESS_DENIED		5
#define ERROR_INVALID_HANDLE		6
#define ERROR_NOT_ENOUGH_MEMORY		8
#define ERROR_OUTOFMEMORY		14
#define ERROR_GEN_FAILURE		31
#define ERROR_NOT_SUPPORTED		50
#define ERROR_INVALID_PARAMETER		87
#define ERROR_INVALID_NAME		123
#define ERROR_ALREADY_EXISTS		183
#define ERROR_FILENAME_EXCED_RANGE	206
#define ERROR_NOT_OWNER			288
#define ERROR_TOO_MANY_POSTS		298
#define ERROR_NO_UNICODE_TRANSLATION	1113
#define ERROR_NO_SYSTEM_RESOURCES	1450
#define ERROR_NOT_ENOUGH_QUOTA		1816

/* ---- events ------------------------------------------------------------- */
EVOBJ_WIN32_API HANDLE WINAPI CreateEventA(LPSECURITY_ATTRIBUTES lpEventAttributes,
					   BOOL bManualReset, BOOL bInitialState,
					   LPCSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI CreateEventW(LPSECURITY_ATTRIBUTES lpEventAttributes,
					   BOOL bManualReset, BOOL bInitialState,
					   LPCWSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI CreateEventExA(LPSECURITY_ATTRIBUTES lpEventAttributes,
					     LPCSTR lpName, DWORD dwFlags,
					     DWORD dwDesiredAccess);
EVOBJ_WIN32_API HANDLE WINAPI CreateEventExW(LPSECURITY_ATTRIBUTES lpEventAttributes,
					     LPCWSTR lpName, DWORD dwFlags,
					     DWORD dwDesiredAccess);
EVOBJ_WIN32_API HANDLE WINAPI OpenEventA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					 LPCSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI OpenEventW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					 LPCWSTR lpName);
EVOBJ_WIN32_API BOOL WINAPI SetEvent(HANDLE hEvent);
EVOBJ_WIN32_API BOOL WINAPI ResetEvent(HANDLE hEvent);
EVOBJ_WIN32_API BOOL WINAPI PulseEvent(HANDLE hEvent);

/*
 * ---- semaphores ----------------------------------------------------------
 * Named ones share the events' names: a name of the other kind fails with
 * ERROR_INVALID_HANDLE, as on Windows. dwFlags of CreateSemaphoreEx is
 * reserved and must be 0.
 */
EVOBJ_WIN32_API HANDLE WINAPI CreateSemaphoreA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					       LONG lInitialCount, LONG lMaximumCount,
					       LPCSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI CreateSemaphoreW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
					       LONG lInitialCount, LONG lMaximumCount,
					       LPCWSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI CreateSemaphoreExA(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
						 LONG lInitialCount, LONG lMaximumCount,
						 LPCSTR lpName, DWORD dwFlags,
						 DWORD dwDesiredAccess);
EVOBJ_WIN32_API HANDLE WINAPI CreateSemaphoreExW(LPSECURITY_ATTRIBUTES lpSemaphoreAttributes,
						 LONG lInitialCount, LONG lMaximumCount,
						 LPCWSTR lpName, DWORD dwFlags,
						 DWORD dwDesiredAccess);
EVOBJ_WIN32_API HANDLE WINAPI OpenSemaphoreA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					     LPCSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI OpenSemaphoreW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					     LPCWSTR lpName);
EVOBJ_WIN32_API BOOL WINAPI ReleaseSemaphore(HANDLE hSemaphore, LONG lReleaseCount,
					     LPLONG lpPreviousCount);

/*
 * ---- mutexes --------------------------------------------------------------
 * Owned by the calling thread, its owner id its gettid(); recursive.
 * ReleaseMutex by any other thread fails with ERROR_NOT_OWNER. A thread
 * that ends holding mutexes abandons them: the next wait to acquire one
 * returns WAIT_ABANDONED_0 + i (Documentation/win32.rst says when that
 * cannot happen). Names are the events' and semaphores': a name of
 * another kind fails with ERROR_INVALID_HANDLE.
 */
EVOBJ_WIN32_API HANDLE WINAPI CreateMutexA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
					   BOOL bInitialOwner, LPCSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI CreateMutexW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
					   BOOL bInitialOwner, LPCWSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI CreateMutexExA(LPSECURITY_ATTRIBUTES lpMutexAttributes,
					     LPCSTR lpName, DWORD dwFlags,
					     DWORD dwDesiredAccess);
EVOBJ_WIN32_API HANDLE WINAPI CreateMutexExW(LPSECURITY_ATTRIBUTES lpMutexAttributes,
					     LPCWSTR lpName, DWORD dwFlags,
					     DWORD dwDesiredAccess);
EVOBJ_WIN32_API HANDLE WINAPI OpenMutexA(DWORD dwDesiredAccess, BOOL bInheritHandle,
					 LPCSTR lpName);
EVOBJ_WIN32_API HANDLE WINAPI OpenMutexW(DWORD dwDesiredAccess, BOOL bInheritHandle,
					 LPCWSTR lpName);
EVOBJ_WIN32_API BOOL WINAPI ReleaseMutex(HANDLE hMutex);

/* ---- waits ---------------------------------------------------------------- */
EVOBJ_WIN32_API DWORD WINAPI WaitForSingleObject(HANDLE hHandle, DWORD dwMilliseconds);
EVOBJ_WIN32_API DWORD WINAPI WaitForSingleObjectEx(HANDLE hHandle, DWORD dwMilliseconds,
						   BOOL bAlertable);
EVOBJ_WIN32_API DWORD WINAPI WaitForMultipleObjects(DWORD nCount, const HANDLE *lpHandles,
						    BOOL bWaitAll, DWORD dwMilliseconds);
EVOBJ_WIN32_API DWORD WINAPI WaitForMultipleObjectsEx(DWORD nCount, const HANDLE *lpHandles,
						      BOOL bWaitAll, DWORD dwMilliseconds,
						      BOOL bAlertable);
EVOBJ_WIN32_API DWORD WINAPI SignalObjectAndWait(HANDLE hObjectToSignal,
						 HANDLE hObjectToWaitOn,
						 DWORD dwMilliseconds, BOOL bAlertable);
EVOBJ_WIN32_API DWORD WINAPI SleepEx(DWORD dwMilliseconds, BOOL bAlertable);
EVOBJ_WIN32_API VOID WINAPI Sleep(DWORD dwMilliseconds);
EVOBJ_WIN32_API DWORD WINAPI QueueUserAPC(PAPCFUNC pfnAPC, HANDLE hThread, ULONG_PTR dwData);

/* ---- handles and errors ------------------------------------------------------- */
EVOBJ_WIN32_API BOOL WINAPI CloseHandle(HANDLE hObject);
EVOBJ_WIN32_API BOOL WINAPI DuplicateHandle(HANDLE hSourceProcessHandle, HANDLE hSourceHandle,
					    HANDLE hTargetProcessHandle, LPHANDLE lpTargetHandle,
					    DWORD dwDesiredAccess, BOOL bInheritHandle,
					    DWORD dwOptions);
EVOBJ_WIN32_API HANDLE WINAPI GetCurrentProcess(void);
EVOBJ_WIN32_API HANDLE WINAPI GetCurrentThread(void);
EVOBJ_WIN32_API DWORD WINAPI GetLastError(void);
EVOBJ_WIN32_API VOID WINAPI SetLastError(DWORD dwErrCode);

/* ---- evobj extensions: handles and fds ------------------------------------------ */
/*
 * The event (semaphore, mutex) fd behind a handle, still owned by the handle: for poll/epoll,
 * or to send to another process (SCM_RIGHTS). -1 with ERROR_INVALID_HANDLE
 * for anything that is not an open handle.
 */
EVOBJ_WIN32_API int evobj_win32_fd(HANDLE hObject);
/*
 * Makes a handle of an evobj event, semaphore or mutex fd received from
 * elsewhere (SCM_RIGHTS, pidfd_getfd, inherited): the handle takes the fd
 * over, and CloseHandle closes it. Access is EVENT_ALL_ACCESS
 * (SEMAPHORE_ALL_ACCESS, MUTEX_ALL_ACCESS).
 * NULL with ERROR_INVALID_HANDLE if fd is not an open evobj object, ERROR_TOO_MANY_OPEN_FILES if it is past
 * what a handle can name (2^29 - 1), ERROR_NOT_ENOUGH_MEMORY; on failure
 * the fd is left alone, still the caller's.
 */
EVOBJ_WIN32_API HANDLE evobj_win32_handle_from_fd(int fd);

/* ---- TCHAR spellings: A functions unless UNICODE ----------------------------------- */
#ifdef UNICODE
#define CreateEvent	CreateEventW
#define CreateEventEx	CreateEventExW
#define OpenEvent	OpenEventW
#define CreateSemaphore	CreateSemaphoreW
#define CreateSemaphoreEx	CreateSemaphoreExW
#define OpenSemaphore	OpenSemaphoreW
#define CreateMutex	CreateMutexW
#define CreateMutexEx	CreateMutexExW
#define OpenMutex	OpenMutexW
#ifndef TEXT
#define TEXT(s)		u##s
#endif
#else
#define CreateEvent	CreateEventA
#define CreateEventEx	CreateEventExA
#define OpenEvent	OpenEventA
#define CreateSemaphore	CreateSemaphoreA
#define CreateSemaphoreEx	CreateSemaphoreExA
#define OpenSemaphore	OpenSemaphoreA
#define CreateMutex	CreateMutexA
#define CreateMutexEx	CreateMutexExA
#define OpenMutex	OpenMutexA
#ifndef TEXT
#define TEXT(s)		s
#endif
#endif

#ifdef __cplusplus
}
#endif

#endif /* EVOBJ_WIN32_H */
