/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmllog.h - the --xml-log file: every stanza in and out, one per line,
 * created with mode 0600. Payloads arrive already redacted by the
 * session (see xmllog.c). */
#ifndef TUKTUK_XMLLOG_H
#define TUKTUK_XMLLOG_H

#include <stdbool.h>
#include <stddef.h>

struct xmllog;

/* Opens FILE for appending. Returns NULL with a reason in err. */
struct xmllog *xmllog_open(const char *path, char *err, size_t errlen);
void xmllog_close(struct xmllog *log);
/* Returns -1 when the write failed (disk full...): the caller tells the
 * user once; logging is never allowed to stop the client. */
int xmllog_write(struct xmllog *log, bool outgoing, const char *xml, size_t len);

#endif
