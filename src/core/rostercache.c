/* SPDX-License-Identifier: GPL-3.0-or-later */
/* rostercache.c - the roster between runs.
 *
 * Roster versioning (RFC 6121 §2.6) lets a client that kept the roster
 * and the version the server gave it ask, at login, whether anything
 * changed since that version; an unchanged roster then costs one empty
 * result instead of every item again (1 MB for 10,000 contacts). Within
 * one run the session keeps both in memory across reconnects; this file
 * keeps them from one run to the next. It is only a cache: when it is
 * missing, damaged or another account's, the login fetches the whole
 * roster, as it would without one, and nothing else is lost.
 *
 * The file is DATA/roster/JID, JID being the account's normalised bare
 * JID (a leading dot becomes '_'; a JID too long to be a file name becomes
 * the hex of its BLAKE2b hash). It is private like everything in DATA:
 * mode 0600 in a folder of mode 0700, rewritten whole and atomically
 * (vault_write_stream: a temporary file, fsync, rename). It is text, one
 * record a line, fields separated by tabs:
 *
 *   tuktuk-roster   1
 *   account         alice@example.org
 *   version         42
 *   item            bob@example.org    both    -           Bob    Friends    Work
 *   item            carol@example.org  none    subscribe   %
 *   end             2    <64 hex digits>
 *
 * (one tab between fields, spaces here only for reading). An item is its
 * JID, subscription (none, to, from, both), pending request ("subscribe"
 * or "-"), name and then its groups. In every field '%', tab, newline,
 * carriage return, DEL and the other control characters are written %XX
 * (two hex digits); a name that is a lone "%" is no name at all, which is
 * not the same as an empty one. The last line gives the number of items
 * and the BLAKE2b-256 hash of every byte before it, so that a file cut
 * short or changed on disk is refused as a whole, never half believed:
 * the roster the UI shows after a login that the server answered with
 * "no change" must be exactly what a full fetch would give.
 *
 * Memory: the file is written and read a line at a time, straight from
 * and into the roster model, so a roster of 10,000 contacts never exists
 * twice (docs/benchmarks.md). */
#include "core/rostercache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/config.h"
#include "core/path.h"
#include "core/vault.h"
#include "xml/stanza.h"
#include "xmpp/jid.h"

#define CACHE_DIR "roster"
#define MAGIC_LINE "tuktuk-roster\t1"
#define LINE_MAX_BYTES (1u << 20) /* far above any item the session keeps */
#define MAX_GROUPS 64             /* the session keeps no more (ROSTER_SCAN_MAX_GROUPS) */
#define MAX_FIELDS (5 + MAX_GROUPS)
#define NAME_MAX_BYTES 200 /* a file name; most file systems allow 255 */
#define HASH_LEN crypto_generichash_BYTES
#define NO_NAME "%"

static const char hexdigits[] = "0123456789abcdef";

char *rostercache_path(const char *data_dir, const char *jid)
{
    return path_account_file(data_dir, CACHE_DIR, jid);
}

/* ---- writing ---- */

struct writer {
    int fd;
    int failed; /* errno of the first failed write, or 0 */
    crypto_generichash_state hash;
    size_t len;
    char buf[65536];
};

static void w_flush(struct writer *w)
{
    const char *p = w->buf;
    size_t n = w->len;
    while (n > 0 && !w->failed) {
        ssize_t k = write(w->fd, p, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            w->failed = errno;
            break;
        }
        p += k;
        n -= (size_t)k;
    }
    w->len = 0;
}

static void w_put(struct writer *w, const char *p, size_t n, bool hashed)
{
    if (hashed)
        crypto_generichash_update(&w->hash, (const unsigned char *)p, n);
    while (n > 0) {
        size_t room = sizeof w->buf - w->len, k = n < room ? n : room;
        memcpy(w->buf + w->len, p, k);
        w->len += k;
        p += k;
        n -= k;
        if (w->len == sizeof w->buf)
            w_flush(w);
    }
}

static bool needs_escape(unsigned char c)
{
    return c < 0x20 || c == 0x7f || c == '%';
}

/* A tab, then s escaped. */
static void w_field(struct writer *w, const char *s)
{
    const char *run = s;
    w_put(w, "\t", 1, true);
    for (const char *p = s;; p++) {
        if (*p && !needs_escape((unsigned char)*p))
            continue;
        w_put(w, run, (size_t)(p - run), true);
        if (!*p)
            return;
        unsigned char c = (unsigned char)*p;
        char esc[3] = {'%', hexdigits[c >> 4], hexdigits[c & 15]};
        w_put(w, esc, sizeof esc, true);
        run = p + 1;
    }
}

static void w_item(struct writer *w, const struct roster_item *it)
{
    w_put(w, "item", 4, true);
    w_field(w, it->jid);
    w_field(w, roster_sub_name(it->sub));
    w_field(w, it->ask ? "subscribe" : "-");
    if (it->name)
        w_field(w, it->name);
    else
        w_put(w, "\t" NO_NAME, 2, true);
    /* Empty groups are never kept by the session (RFC 6121 §2.1.2.2 has
     * no use for them) and would read back as a format error. */
    for (size_t g = 0, kept = 0; g < it->ngroups && kept < MAX_GROUPS; g++)
        if (it->groups[g] && *it->groups[g]) {
            w_field(w, it->groups[g]);
            kept++;
        }
    w_put(w, "\n", 1, true);
}

struct save {
    const struct roster *r;
    const char *bare;
};

static int fill(void *ctx, int fd)
{
    const struct save *sv = ctx;
    struct writer *w = malloc(sizeof *w);
    if (!w) {
        errno = ENOMEM;
        return -1;
    }
    w->fd = fd;
    w->failed = 0;
    w->len = 0;
    crypto_generichash_init(&w->hash, NULL, 0, HASH_LEN);
    w_put(w, MAGIC_LINE "\n", sizeof MAGIC_LINE, true);
    w_put(w, "account", 7, true);
    w_field(w, sv->bare);
    w_put(w, "\nversion", 8, true);
    w_field(w, roster_version(sv->r));
    w_put(w, "\n", 1, true);
    size_t count = 0;
    for (size_t i = 0; i < roster_count(sv->r); i++) {
        const struct roster_item *it = roster_at(sv->r, i);
        if (it->in_roster) {
            w_item(w, it);
            count++;
        }
    }
    unsigned char h[HASH_LEN];
    crypto_generichash_final(&w->hash, h, sizeof h);
    char end[64 + 2 * HASH_LEN];
    int n = snprintf(end, sizeof end, "end\t%zu\t", count);
    for (size_t i = 0; i < sizeof h; i++) {
        end[n++] = hexdigits[h[i] >> 4];
        end[n++] = hexdigits[h[i] & 15];
    }
    end[n++] = '\n';
    w_put(w, end, (size_t)n, false);
    w_flush(w);
    int failed = w->failed;
    free(w);
    errno = failed;
    return failed ? -1 : 0;
}

int rostercache_save(const char *data_dir, const char *jid, const struct roster *r, char *err,
                     size_t errlen)
{
    char *path = rostercache_path(data_dir, jid);
    char *bare = jid ? jid_bare_of(jid) : NULL;
    int rc = 0;
    if (!path || !bare) {
        snprintf(err, errlen, "roster cache: %s is not a JID", jid ? jid : "(none)");
        rc = -1;
    } else if (!roster_version(r)) {
        if (unlink(path) < 0 && errno != ENOENT) {
            snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
            rc = -1;
        }
    } else {
        /* path is DATA/roster/NAME: its folder and name. */
        char *slash = strrchr(path, '/');
        *slash = '\0';
        struct save sv = {r, bare};
        rc = config_dir_make(path, err, errlen) < 0
                 ? -1
                 : vault_write_stream(path, slash + 1, fill, &sv, err, errlen);
    }
    free(path);
    free(bare);
    return rc;
}

/* ---- reading ---- */

struct reader {
    FILE *f;
    char *line;
    size_t len, cap;
};

/* One line, without its newline, NUL-terminated in rd->line. Returns 1,
 * 0 at the end of the file, -1 for a line that is too long, holds a NUL
 * or is cut off before its newline (or a read error). */
static int read_line(struct reader *rd)
{
    rd->len = 0;
    for (;;) {
        int c = getc_unlocked(rd->f);
        if (c == EOF)
            return rd->len == 0 && !ferror(rd->f) ? 0 : -1;
        if (c == '\n')
            break;
        if (c == 0 || rd->len + 1 >= LINE_MAX_BYTES)
            return -1;
        if (rd->len + 1 >= rd->cap) {
            size_t cap = rd->cap ? rd->cap * 2 : 4096;
            char *line = realloc(rd->line, cap);
            if (!line)
                return -1;
            rd->line = line;
            rd->cap = cap;
        }
        rd->line[rd->len++] = (char)c;
    }
    if (!rd->line && !(rd->line = malloc(rd->cap = 4096)))
        return -1;
    rd->line[rd->len] = '\0';
    return 1;
}

/* Cuts line at its tabs. Returns the number of fields, or max + 1 when
 * there are more. */
static size_t split(char *line, char **fields, size_t max)
{
    size_t n = 0;
    for (char *p = line;;) {
        if (n == max)
            return max + 1;
        fields[n++] = p;
        char *tab = strchr(p, '\t');
        if (!tab)
            return n;
        *tab = '\0';
        p = tab + 1;
    }
}

static int hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Undoes the %XX escapes in place. The result must be XML text (it goes
 * back to the server in roster changes) with no raw control character. */
static bool decode(char *s)
{
    char *o = s;
    for (const char *p = s; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (c < 0x20 || c == 0x7f)
            return false;
        if (c == '%') {
            int hi = hexval(p[1]), lo = hi < 0 ? -1 : hexval(p[2]);
            if (lo < 0 || (hi == 0 && lo == 0))
                return false;
            c = (unsigned char)(hi << 4 | lo);
            p += 2;
        }
        *o++ = (char)c;
    }
    *o = '\0';
    return stanza_valid_text(s, (size_t)(o - s));
}

/* One "item" line's fields after the keyword; NULL when they are right
 * and applied, else why not. */
static const char *read_item(struct roster *r, char **f, size_t n)
{
    static const char *const subs[] = {"none", "to", "from", "both"};
    if (n < 5)
        return "an item has too few fields";
    int sub = -1;
    for (int i = 0; i < 4; i++)
        if (strcmp(f[2], subs[i]) == 0)
            sub = i;
    bool ask = strcmp(f[3], "subscribe") == 0;
    if (sub < 0 || (!ask && strcmp(f[3], "-") != 0))
        return "an item's subscription is unknown";
    const char *name = strcmp(f[4], NO_NAME) == 0 ? NULL : f[4];
    if (!decode(f[1]) || (name && !decode(f[4])))
        return "an item holds a bad escape or invalid text";
    for (size_t g = 5; g < n; g++)
        if (!decode(f[g]) || !*f[g])
            return "a group holds a bad escape or invalid text";
    if (!roster_set(r, f[1], name, (const char *const *)(f + 5), n - 5, (enum roster_sub)sub, ask))
        return "an item's JID is not a JID";
    return NULL;
}

/* The "end" line: the item count and the hash of all that came before. */
static const char *read_end(char **f, size_t n, size_t items, const unsigned char *hash)
{
    char want[2 * HASH_LEN + 1];
    for (size_t i = 0; i < HASH_LEN; i++) {
        want[2 * i] = hexdigits[hash[i] >> 4];
        want[2 * i + 1] = hexdigits[hash[i] & 15];
    }
    want[2 * HASH_LEN] = '\0';
    char count[32];
    snprintf(count, sizeof count, "%zu", items);
    if (n != 3 || strcmp(f[1], count) != 0)
        return "its item count is wrong (cut short?)";
    if (strcmp(f[2], want) != 0)
        return "its checksum does not match (damaged)";
    return NULL;
}

/* Everything but the first and last lines. */
static const char *read_record(struct roster *r, char **f, size_t n, int *stage, const char *bare,
                               size_t *items)
{
    if (*stage == 1) {
        char *owner =
            n == 2 && strcmp(f[0], "account") == 0 && decode(f[1]) ? jid_bare_of(f[1]) : NULL;
        bool mine = owner && strcmp(owner, bare) == 0;
        free(owner);
        (*stage)++;
        return mine ? NULL : "it is another account's";
    }
    if (*stage == 2) {
        (*stage)++;
        if (n != 2 || strcmp(f[0], "version") != 0 || !decode(f[1]))
            return "its version line is damaged";
        return roster_set_version(r, f[1]) == 0 ? NULL : "its version is too long";
    }
    if (strcmp(f[0], "item") != 0)
        return "a line is neither an item nor the end";
    (*items)++;
    return read_item(r, f, n);
}

int rostercache_read(FILE *f, const char *jid, struct roster *r, char *err, size_t errlen)
{
    if (roster_count(r) || roster_version(r)) {
        snprintf(err, errlen, "roster cache: the roster to fill is not empty");
        return -1;
    }
    char *bare = jid ? jid_bare_of(jid) : NULL;
    struct reader rd = {.f = f};
    crypto_generichash_state hash;
    crypto_generichash_init(&hash, NULL, 0, HASH_LEN);
    const char *why = bare ? NULL : "the account is not a JID";
    int stage = 0; /* the magic line, the account, the version, the items */
    size_t items = 0;
    flockfile(f);
    while (!why) {
        int got = read_line(&rd);
        if (got <= 0) {
            why = got == 0 ? "it ends before its last line (cut short)"
                           : "a line is too long, holds a NUL or is cut short";
            break;
        }
        char *fields[MAX_FIELDS];
        if (stage > 2 && strncmp(rd.line, "end\t", 4) == 0) {
            unsigned char h[HASH_LEN];
            crypto_generichash_final(&hash, h, sizeof h);
            why = read_end(fields, split(rd.line, fields, 3), items, h);
            if (!why && read_line(&rd) != 0)
                why = "something follows its last line";
            break;
        }
        crypto_generichash_update(&hash, (const unsigned char *)rd.line, rd.len);
        crypto_generichash_update(&hash, (const unsigned char *)"\n", 1);
        if (stage == 0) {
            why = strcmp(rd.line, MAGIC_LINE) == 0 ? NULL : "it is not a roster cache we know";
            stage++;
            continue;
        }
        size_t n = split(rd.line, fields, MAX_FIELDS);
        why = n > MAX_FIELDS ? "an item has too many groups"
                             : read_record(r, fields, n, &stage, bare, &items);
    }
    funlockfile(f);
    free(rd.line);
    free(bare);
    if (why) {
        roster_clear(r);
        snprintf(err, errlen, "roster cache: %s", why);
        return -1;
    }
    return 1;
}

int rostercache_load(const char *data_dir, const char *jid, struct roster *r, char *err,
                     size_t errlen)
{
    char *path = rostercache_path(data_dir, jid);
    if (!path) {
        snprintf(err, errlen, "roster cache: %s is not a JID", jid ? jid : "(none)");
        return -1;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
    int rc;
    if (!f) {
        rc = errno == ENOENT ? 0 : -1;
        if (rc < 0)
            snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
    } else {
        rc = rostercache_read(f, jid, r, err, errlen);
        fclose(f);
    }
    free(path);
    return rc;
}
