/* path.h - file names under the config and data folders. */
#ifndef TUKTUK_PATH_H
#define TUKTUK_PATH_H

/* "dir/name". Caller frees; NULL when out of memory. */
char *path_join(const char *dir, const char *name);

#endif
