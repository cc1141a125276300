// SPDX-License-Identifier: GPL-2.0-only
/*
 * evobj tracepoints: this file alone defines them (CREATE_TRACE_POINTS);
 * the others include trace.h to call them.
 */

#define CREATE_TRACE_POINTS
#include "trace.h"
