/* SPDX-License-Identifier: GPL-3.0-or-later */
/* roster_oracle.h - what a roster result holds, read two ways, for the
 * tests of src/xmpp/rosterscan.c: by roster_scan itself, and through a
 * Mini-XML tree the way src/xmpp/im.c reads one (apply_item). Both give
 * the same summary, one line per item then the roster version (RFC 6121
 * §2.6), when the scan accepts the stanza.
 * Used by tests/unit/test_rosterscan.c and tests/fuzz/fuzz_rosterscan.c. */
#ifndef TUKTUK_ROSTER_ORACLE_H
#define TUKTUK_ROSTER_ORACLE_H

#include "xml/stanza.h"
#include "xmpp/rosterscan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct summary {
    char *text;
    size_t len, cap;
};

static void summary_add(struct summary *sum, const char *field)
{
    char head[32];
    int n = field ? snprintf(head, sizeof head, "%zu:", strlen(field))
                  : snprintf(head, sizeof head, "-");
    size_t need = (size_t)n + (field ? strlen(field) : 0) + 2;
    if (sum->cap - sum->len < need) {
        sum->cap = (sum->cap + need) * 2;
        sum->text = realloc(sum->text, sum->cap);
        if (!sum->text)
            abort();
    }
    memcpy(sum->text + sum->len, head, (size_t)n);
    sum->len += (size_t)n;
    if (field) {
        memcpy(sum->text + sum->len, field, strlen(field));
        sum->len += strlen(field);
    }
    sum->text[sum->len++] = ' ';
    sum->text[sum->len] = '\0';
}

static void summary_item(struct summary *sum, const char *jid, const char *name, const char *sub,
                         const char *ask, const char *const *groups, size_t ngroups)
{
    summary_add(sum, jid);
    summary_add(sum, name);
    summary_add(sum, sub);
    summary_add(sum, ask);
    for (size_t i = 0; i < ngroups; i++)
        summary_add(sum, groups[i]);
    summary_add(sum, "\n");
}

static void oracle_on_item(void *ctx, const struct roster_scan_item *it)
{
    summary_item(ctx, it->jid, it->name, it->subscription, it->ask, it->groups, it->ngroups);
}

/* roster_scan's reading, or NULL if it refused the stanza. */
static char *oracle_scan(const char *text, size_t len, const char *id)
{
    struct summary sum = {0};
    char *ver = NULL;
    summary_add(&sum, "roster");
    if (!roster_scan(text, len, id, oracle_on_item, &sum, &ver)) {
        free(sum.text);
        return NULL;
    }
    summary_add(&sum, ver);
    free(ver);
    return sum.text;
}

/* The tree's reading, or NULL if the stanza is not a roster result with
 * that id. */
static char *oracle_tree(const char *text, size_t len, const char *id)
{
    const char *ns = "jabber:iq:roster";
    mxml_node_t *iq = stanza_parse(text, len, NULL, 0);
    mxml_node_t *query = iq ? stanza_child(iq, ns, "query") : NULL;
    if (!query || !stanza_is(iq, NS_CLIENT, "iq") || !stanza_attr(iq, "type") ||
        strcmp(stanza_attr(iq, "type"), "result") != 0 || !stanza_attr(iq, "id") ||
        strcmp(stanza_attr(iq, "id"), id) != 0) {
        mxmlDelete(iq);
        return NULL;
    }
    struct summary sum = {0};
    summary_add(&sum, "roster");
    for (mxml_node_t *it = stanza_child(query, ns, "item"); it; it = stanza_next(it, ns, "item")) {
        char *groups[ROSTER_SCAN_MAX_GROUPS];
        size_t ngroups = 0;
        for (mxml_node_t *g = stanza_child(it, ns, "group"); g && ngroups < ROSTER_SCAN_MAX_GROUPS;
             g = stanza_next(g, ns, "group")) {
            char *name = stanza_text(g);
            if (name && *name)
                groups[ngroups++] = name;
            else
                free(name);
        }
        summary_item(&sum, stanza_attr(it, "jid"), stanza_attr(it, "name"),
                     stanza_attr(it, "subscription"), stanza_attr(it, "ask"),
                     (const char *const *)groups, ngroups);
        for (size_t i = 0; i < ngroups; i++)
            free(groups[i]);
    }
    summary_add(&sum, stanza_attr(query, "ver"));
    mxmlDelete(iq);
    return sum.text;
}

#endif
