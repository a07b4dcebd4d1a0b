/* SPDX-License-Identifier: GPL-3.0-or-later */
/* stanza.h - Mini-XML glue: parse one framed stanza, resolve namespaces,
 * build and serialise outgoing stanzas (see stanza.c). */
#ifndef TUKTUK_STANZA_H
#define TUKTUK_STANZA_H

#include <mxml.h>
#include <stdbool.h>
#include <stddef.h>

#define NS_CLIENT "jabber:client"
#define NS_STREAM "http://etherx.jabber.org/streams"

/* Parse the bytes of one stanza that the framer produced. Whitespace and
 * body text are kept exactly (opaque mode). Returns the element (caller
 * frees with mxmlDelete), or NULL with a reason in err. */
mxml_node_t *stanza_parse(const char *text, size_t len, char *err, size_t errlen);

/* stanza_parse for stanzas that may be long lists, such as a roster of
 * thousands: each grandchild of the root (iq/query/item) is offered to
 * take() as soon as it is complete, still attached to its ancestors. An
 * item that take() accepts (returns true) is freed at once, so memory holds
 * one item at a time instead of the whole tree. The text must be followed
 * by a NUL (text[len] == 0, as the framer leaves it); it is then parsed in
 * place. */
typedef bool (*stanza_take_fn)(mxml_node_t *item, void *ctx);
mxml_node_t *stanza_parse_items(const char *text, size_t len, stanza_take_fn take, void *ctx,
                                char *err, size_t errlen);

/* Parse a stream header (<stream:stream ...>, not self-closed). Caller
 * frees with mxmlDelete. */
mxml_node_t *stanza_parse_header(const char *text, size_t len, char *err, size_t errlen);

/* Namespace of an element, resolved from its own prefix or default xmlns,
 * its ancestors, and finally the stream's bindings (default jabber:client,
 * prefix "stream"). Never NULL ("" if unbound). */
const char *stanza_ns(mxml_node_t *el);
/* Element name without prefix. */
const char *stanza_local(mxml_node_t *el);
/* True if el is an element with this namespace and local name. */
bool stanza_is(mxml_node_t *el, const char *ns, const char *local);
/* First direct child element matching (ns, local); ns NULL matches any. */
mxml_node_t *stanza_child(mxml_node_t *el, const char *ns, const char *local);
/* Next sibling element after child matching (ns, local); for iteration. */
mxml_node_t *stanza_next(mxml_node_t *child, const char *ns, const char *local);
/* First element child of any name, and the next element sibling. */
mxml_node_t *stanza_first_element(mxml_node_t *el);
mxml_node_t *stanza_next_element(mxml_node_t *el);
/* Attribute value or NULL. */
const char *stanza_attr(mxml_node_t *el, const char *name);
/* The text of el's first child (ns, local), or NULL when there is no
 * such child ("" when it is empty). Caller frees. */
char *stanza_child_text(mxml_node_t *el, const char *ns, const char *local);
/* All text of el's direct children (text and CDATA) joined, exactly as
 * received. Caller frees. Never NULL unless out of memory. */
char *stanza_text(mxml_node_t *el);

/* Builders. Text and attribute values must be valid UTF-8 without control
 * characters other than \t \n \r; the functions return NULL/-1 otherwise. */
mxml_node_t *stanza_new(const char *name);                      /* caller frees */
mxml_node_t *stanza_add(mxml_node_t *parent, const char *name); /* owned by parent */
int stanza_set_attr(mxml_node_t *el, const char *name, const char *value);
int stanza_add_text(mxml_node_t *el, const char *text);
/* Convenience: add <name>text</name> under parent. */
mxml_node_t *stanza_add_text_child(mxml_node_t *parent, const char *name, const char *text);

/* Serialise an element and its children on one line: no XML declaration,
 * no wrapping, & < > " ' escaped, and \t \n \r in attribute values written
 * as character references. Caller frees. */
char *stanza_serialize(mxml_node_t *el, size_t *len);

/* Check that text is valid UTF-8 (no surrogates, no overlong forms) made
 * of XML 1.0 Chars. */
bool stanza_valid_text(const char *text, size_t len);

#endif
