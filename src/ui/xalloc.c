/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xalloc.c - see xalloc.h. The network side never aborts on memory: it
 * reports and carries on. Only the UI, where a failed allocation leaves
 * a half-drawn screen and no way to tell the user, takes this way out. */

#include <stdlib.h>
#include <string.h>

#include "ui/xalloc.h"

void *xalloc_realloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        abort();
    return p;
}

char *xalloc_strndup(const char *s, size_t len)
{
    char *d = xalloc_realloc(NULL, len + 1);
    memcpy(d, s, len);
    d[len] = '\0';
    return d;
}

char *xalloc_strdup(const char *s)
{
    return xalloc_strndup(s, strlen(s));
}
