/* path.c - one way to name a file in a folder, for the config file, the
 * vault, its key and the trusted certificates alike. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/path.h"

char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}
