/* SPDX-License-Identifier: GPL-3.0-or-later */
/* redact.h - secrets out of the XML that the console and the log show
 * (see redact.c). */
#ifndef TUKTUK_REDACT_H
#define TUKTUK_REDACT_H

#include <stddef.h>

/* A copy of the element xml[len] with every secret replaced by
 * "[redacted]", or NULL when it holds none (show it as it is). The copy
 * is re-serialised, so it may differ in quoting from the original. Caller
 * frees. */
char *redact_xml(const char *xml, size_t len, size_t *out_len);

#endif
