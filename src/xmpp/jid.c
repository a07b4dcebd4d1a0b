/* SPDX-License-Identifier: GPL-3.0-or-later */
/* jid.c - JIDs (RFC 7622): "localpart@domainpart/resourcepart".
 *
 * The split follows RFC 7622 §3.1: everything after the first '/' is the
 * resource (which may itself hold '/' and '@'); before it, the part before
 * an '@' is the localpart and the rest the domainpart.
 *
 * This is the basic profile, not full PRECIS (RFC 8264) or IDNA2008:
 *  - case folding of the localpart and domainpart is ASCII-only, so
 *    "Alice@Example.COM" equals "alice@example.com", but non-ASCII letters
 *    are compared as sent (servers send normalised JIDs, so this matters
 *    only for what the user types);
 *  - we refuse what would clearly be wrong: invalid UTF-8, empty parts,
 *    parts over 1023 bytes (RFC 7622 §3.2-3.4), control characters
 *    anywhere, spaces and the characters RFC 7622 §3.3.1 forbids in a
 *    localpart, spaces and '@' in a domainpart;
 *  - the resource is kept exactly as sent (RFC 7622 §3.4: it is compared
 *    as is, and may contain spaces). */
#include "xmpp/jid.h"
#include "xml/utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JID_PART_MAX 1023

enum jid_part { JID_LOCAL, JID_DOMAIN, JID_RESOURCE };

static const char *const part_names[] = {"localpart", "domainpart", "resourcepart"};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (!err || errlen == 0)
        return;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Whether code point c may appear in the given part. */
static bool allowed(enum jid_part part, uint32_t c)
{
    if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) /* controls, C0 and C1 */
        return false;
    switch (part) {
    case JID_LOCAL:
        return c != ' ' && !strchr("\"&'/:<>@", (int)c);
    case JID_DOMAIN:
        return c != ' ' && c != '@';
    case JID_RESOURCE:
        return true;
    }
    return false;
}

static int check_part(enum jid_part part, const char *s, size_t len, char *err, size_t errlen)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t off = 0;

    if (len == 0) {
        set_err(err, errlen, "empty %s", part_names[part]);
        return -1;
    }
    if (len > JID_PART_MAX) {
        set_err(err, errlen, "%s longer than %d bytes", part_names[part], JID_PART_MAX);
        return -1;
    }
    while (off < len) {
        uint32_t c;
        size_t n = utf8_decode(p + off, len - off, &c);
        if (n == 0) {
            set_err(err, errlen, "invalid UTF-8 in %s", part_names[part]);
            return -1;
        }
        if (!allowed(part, c)) {
            set_err(err, errlen, "character not allowed in %s", part_names[part]);
            return -1;
        }
        off += n;
    }
    return 0;
}

static char *copy_part(const char *s, size_t len, bool fold)
{
    char *out = malloc(len + 1);

    if (!out)
        return NULL;
    for (size_t i = 0; i < len; i++)
        out[i] = (fold && s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    out[len] = '\0';
    return out;
}

void jid_clear(struct jid *j)
{
    if (!j)
        return;
    free(j->local);
    free(j->domain);
    free(j->resource);
    j->local = j->domain = j->resource = NULL;
}

/* Where the three parts of text lie (RFC 7622 §3.1). */
struct jid_spans {
    const char *local, *domain, *resource;
    size_t local_len, domain_len, resource_len;
};

static void split(const char *text, struct jid_spans *sp)
{
    const char *slash = strchr(text, '/');
    size_t head = slash ? (size_t)(slash - text) : strlen(text);
    const char *at = memchr(text, '@', head);

    memset(sp, 0, sizeof *sp);
    if (at) {
        sp->local = text;
        sp->local_len = (size_t)(at - text);
    }
    sp->domain = at ? at + 1 : text;
    sp->domain_len = (size_t)(text + head - sp->domain);
    if (slash) {
        sp->resource = slash + 1;
        sp->resource_len = strlen(slash + 1);
    }
    /* RFC 7622 §3.2: a final dot on the domainpart is stripped first. */
    if (sp->domain_len > 0 && sp->domain[sp->domain_len - 1] == '.')
        sp->domain_len--;
}

int jid_parse(const char *text, struct jid *out, char *err, size_t errlen)
{
    struct jid_spans sp;

    memset(out, 0, sizeof *out);
    if (!text || !*text) {
        set_err(err, errlen, "empty JID");
        return -1;
    }
    split(text, &sp);
    if ((sp.local && check_part(JID_LOCAL, sp.local, sp.local_len, err, errlen) < 0) ||
        check_part(JID_DOMAIN, sp.domain, sp.domain_len, err, errlen) < 0 ||
        (sp.resource && check_part(JID_RESOURCE, sp.resource, sp.resource_len, err, errlen) < 0))
        return -1;
    out->domain = copy_part(sp.domain, sp.domain_len, true);
    if (sp.local)
        out->local = copy_part(sp.local, sp.local_len, true);
    if (sp.resource)
        out->resource = copy_part(sp.resource, sp.resource_len, false);
    if (!out->domain || (sp.local && !out->local) || (sp.resource && !out->resource)) {
        jid_clear(out);
        set_err(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

/* local@domain/resource with the parts that are present. Caller frees. */
static char *format(const char *local, const char *domain, const char *resource)
{
    size_t ll = local ? strlen(local) : 0, dl = strlen(domain);
    size_t rl = resource ? strlen(resource) : 0, o = 0;
    char *out = malloc(ll + dl + rl + 3);

    if (!out)
        return NULL;
    if (local) {
        memcpy(out, local, ll);
        o = ll;
        out[o++] = '@';
    }
    memcpy(out + o, domain, dl);
    o += dl;
    if (resource) {
        out[o++] = '/';
        memcpy(out + o, resource, rl);
        o += rl;
    }
    out[o] = '\0';
    return out;
}

char *jid_bare(const struct jid *j)
{
    if (!j || !j->domain)
        return NULL;
    return format(j->local, j->domain, NULL);
}

char *jid_full(const struct jid *j)
{
    if (!j || !j->domain)
        return NULL;
    return format(j->local, j->domain, j->resource);
}

char *jid_bare_of(const char *text)
{
    struct jid j;
    char *bare;

    if (jid_parse(text, &j, NULL, 0) < 0)
        return NULL;
    bare = jid_bare(&j);
    jid_clear(&j);
    return bare;
}

/* Does not validate the rest of text: callers that need a valid JID
 * parse it too. */
const char *jid_resource_of(const char *text)
{
    const char *slash = text ? strchr(text, '/') : NULL;

    return slash && slash[1] ? slash + 1 : NULL;
}

static bool same_opt(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

bool jid_bare_equal(const char *a, const char *b)
{
    struct jid ja, jb;
    bool same;

    if (jid_parse(a, &ja, NULL, 0) < 0)
        return false;
    if (jid_parse(b, &jb, NULL, 0) < 0) {
        jid_clear(&ja);
        return false;
    }
    same = same_opt(ja.local, jb.local) && strcmp(ja.domain, jb.domain) == 0;
    jid_clear(&ja);
    jid_clear(&jb);
    return same;
}
