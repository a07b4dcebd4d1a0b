/* SPDX-License-Identifier: GPL-3.0-or-later */
/* outbox.c - the messages we wrote that the server has not confirmed
 * (issue 16): typed while offline, or in flight when the link or the
 * program went away. The session keeps them in memory and sends them
 * once online (xmpp/sm.c); this file is their copy on disk, so that a
 * restart, a crash or a hang-up loses none. main.c adds each message as
 * the session takes it and removes it when the server has it; at start it
 * hands the ones left back to the session.
 *
 * DATA/outbox/JID (path_account_file), private like everything in DATA:
 * mode 0600, rewritten whole and atomically (vault_write_file: temporary
 * file, fsync, rename) by outbox_sync. The outbox is short (what waits
 * for one link to come back), so rewriting it is cheap, and a file that
 * is always whole needs no recovery. Two such writes cost some 9 ms here,
 * so the caller decides when (main.c: at once for a message that cannot
 * go now, else at most once a second, when a message sent while online
 * has mostly been confirmed already and an empty outbox costs only an
 * unlink). Text, a header line, then one message a line:
 *
 *   tuktuk-outbox<TAB>1
 *   ID<TAB>TO<TAB>TYPE<TAB>STAMP<TAB>BODY
 *
 * with backslash escapes (\\ \t \n \r) in every field, so that a body's
 * tabs and newlines stay inside its line. The file goes when the outbox
 * is empty. The message store will replace this file behind outbox.h. */
#include "core/outbox.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/path.h"
#include "core/vault.h"

#define OUTBOX_DIR "outbox"
#define MAGIC_LINE "tuktuk-outbox\t1"

struct outbox {
    char *path; /* DATA/outbox/NAME */
    struct outbox_entry *e;
    size_t n, cap;
    bool dirty; /* changed since the file was written */
};

struct buf {
    char *p;
    size_t len, cap;
    int failed;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
}

/* A field, escaped, then sep. */
static void put_field(struct buf *b, const char *s, char sep)
{
    for (; *s; s++) {
        const char *esc = *s == '\\'   ? "\\\\"
                          : *s == '\t' ? "\\t"
                          : *s == '\n' ? "\\n"
                          : *s == '\r' ? "\\r"
                                       : NULL;
        if (esc)
            put(b, esc, 2);
        else
            put(b, s, 1);
    }
    put(b, &sep, 1);
}

int outbox_sync(struct outbox *ob, char *err, size_t errlen)
{
    if (!ob->dirty)
        return 0;
    ob->dirty = false; /* a failure is said once; the next change tries again */
    if (ob->n == 0) {
        if (unlink(ob->path) < 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove %s: %s", ob->path, strerror(errno));
            return -1;
        }
        return 0;
    }
    struct buf b = {0};
    put(&b, MAGIC_LINE "\n", sizeof MAGIC_LINE);
    for (size_t i = 0; i < ob->n; i++) {
        const struct outbox_entry *e = &ob->e[i];
        char stamp[32];
        snprintf(stamp, sizeof stamp, "%lld", (long long)e->stamp);
        put_field(&b, e->id, '\t');
        put_field(&b, e->to, '\t');
        put_field(&b, e->type, '\t');
        put_field(&b, stamp, '\t');
        put_field(&b, e->body, '\n');
    }
    int rc = -1;
    char *slash = strrchr(ob->path, '/');
    if (b.failed) {
        snprintf(err, errlen, "out of memory");
    } else {
        *slash = '\0';
        rc = config_dir_make(ob->path, err, errlen) < 0
                 ? -1
                 : vault_write_file(ob->path, slash + 1, b.p, b.len, err, errlen);
        *slash = '/';
    }
    free(b.p);
    return rc;
}

/* Undoes the escapes in place; false for a bad one. */
static int unescape(char *s)
{
    char *o = s;
    for (const char *p = s; *p; p++) {
        if (*p != '\\') {
            *o++ = *p;
            continue;
        }
        p++;
        char c = *p == '\\' ? '\\' : *p == 't' ? '\t' : *p == 'n' ? '\n' : *p == 'r' ? '\r' : 0;
        if (!c)
            return 0;
        *o++ = c;
    }
    *o = '\0';
    return 1;
}

static void entry_clear(struct outbox_entry *e)
{
    free(e->id);
    free(e->to);
    free(e->type);
    free(e->body);
}

static int append(struct outbox *ob, const char *id, const char *to, const char *type,
                  const char *body, time_t stamp)
{
    if (ob->n == ob->cap) {
        size_t cap = ob->cap ? ob->cap * 2 : 16;
        struct outbox_entry *e = realloc(ob->e, cap * sizeof *e);
        if (!e)
            return -1;
        ob->e = e;
        ob->cap = cap;
    }
    struct outbox_entry *e = &ob->e[ob->n];
    *e = (struct outbox_entry){strdup(id), strdup(to), strdup(type), strdup(body), stamp};
    if (!e->id || !e->to || !e->type || !e->body) {
        entry_clear(e);
        return -1;
    }
    ob->n++;
    ob->dirty = true;
    return 0;
}

/* One message line (its newline gone); -1 when damaged. */
static int read_entry(struct outbox *ob, char *line)
{
    char *f[5], *p = line;
    for (size_t n = 0; n < 4; n++) {
        char *tab = strchr(p, '\t');
        if (!tab)
            return -1;
        *tab = '\0';
        f[n] = p;
        p = tab + 1;
    }
    f[4] = p; /* the body: an escaped tab is no tab */
    if (strchr(f[4], '\t'))
        return -1;
    for (size_t i = 0; i < 5; i++)
        if (!unescape(f[i]))
            return -1;
    char *end;
    long long stamp = strtoll(f[3], &end, 10);
    if (!*f[0] || !*f[1] || !*f[2] || *end)
        return -1;
    return append(ob, f[0], f[1], f[2], f[4], (time_t)stamp);
}

static int load(struct outbox *ob, char *err, size_t errlen)
{
    FILE *f = fopen(ob->path, "r");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot read %s: %s", ob->path, strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = 0, lineno = 0;
    while (rc == 0 && (len = getline(&line, &cap, f)) >= 0) {
        /* A line cut off before its newline is a damaged file. */
        if (len == 0 || line[len - 1] != '\n' || memchr(line, '\0', (size_t)len)) {
            rc = -1;
            break;
        }
        line[len - 1] = '\0';
        rc = lineno++ == 0 ? (strcmp(line, MAGIC_LINE) == 0 ? 0 : -1) : read_entry(ob, line);
    }
    if (ferror(f))
        rc = -1;
    fclose(f);
    free(line);
    if (rc < 0)
        snprintf(err, errlen, "%s is damaged: its messages are not sent again (the file is left "
                              "as it is)",
                 ob->path);
    return rc;
}

struct outbox *outbox_open(const char *data_dir, const char *jid, char *err, size_t errlen)
{
    struct outbox *ob = calloc(1, sizeof *ob);
    if (ob)
        ob->path = path_account_file(data_dir, OUTBOX_DIR, jid);
    if (!ob || !ob->path) {
        snprintf(err, errlen, ob ? "outbox: %s is not a JID" : "out of memory", jid);
        outbox_free(ob);
        return NULL;
    }
    if (load(ob, err, errlen) < 0) {
        outbox_free(ob);
        return NULL;
    }
    ob->dirty = false; /* as on disk */
    return ob;
}

void outbox_free(struct outbox *ob)
{
    if (!ob)
        return;
    for (size_t i = 0; i < ob->n; i++)
        entry_clear(&ob->e[i]);
    free(ob->e);
    free(ob->path);
    free(ob);
}

int outbox_add(struct outbox *ob, const char *id, const char *to, const char *type,
               const char *body, time_t stamp, char *err, size_t errlen)
{
    if (append(ob, id, to, type, body, stamp) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

int outbox_remove(struct outbox *ob, const char *id)
{
    for (size_t i = 0; i < ob->n; i++) {
        if (strcmp(ob->e[i].id, id) != 0)
            continue;
        entry_clear(&ob->e[i]);
        memmove(ob->e + i, ob->e + i + 1, (ob->n - i - 1) * sizeof *ob->e);
        ob->n--;
        ob->dirty = true;
        return 1;
    }
    return 0;
}

size_t outbox_count(const struct outbox *ob)
{
    return ob->n;
}

const struct outbox_entry *outbox_at(const struct outbox *ob, size_t i)
{
    return i < ob->n ? &ob->e[i] : NULL;
}
