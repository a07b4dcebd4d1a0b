/* SPDX-License-Identifier: GPL-3.0-or-later */
/* framer.h - incremental XMPP stanza framer (see framer.c). */
#ifndef TUKTUK_FRAMER_H
#define TUKTUK_FRAMER_H

#include <stddef.h>

struct framer_limits {
    size_t max_stanza; /* bytes of one top-level stanza, default 1 MiB */
    int max_depth;     /* element nesting inside a stanza, default 64 */
    int max_attrs;     /* attributes on one element, default 64 */
};

enum framer_event {
    FRAMER_NEED_MORE,  /* nothing complete yet: feed more bytes */
    FRAMER_HEADER,     /* the <stream:stream ...> opening tag */
    FRAMER_STANZA,     /* one complete depth-1 element */
    FRAMER_STREAM_END, /* </stream:stream> */
    FRAMER_ERROR       /* input violates XML or RFC 6120 §11; see framer_error_* */
};

struct framer;

/* limits may be NULL for the defaults. Returns NULL only when out of memory. */
struct framer *framer_new(const struct framer_limits *limits);
void framer_free(struct framer *f);

/* Forget all buffered input and expect a new stream header (stream restart
 * after STARTTLS or SASL, RFC 6120 §5.4.3.3 and §6.4.6). */
void framer_reset(struct framer *f);

/* Append bytes. Returns 0, or -1 after an error (the framer then stays in
 * the error state until framer_reset). */
int framer_feed(struct framer *f, const char *data, size_t len);

/* Next complete item. For FRAMER_HEADER and FRAMER_STANZA, text and len
 * receive the exact bytes of the item, followed by a NUL (text[len] == 0),
 * so that a parser can read them in place; they stay valid until the next
 * call to framer_feed, framer_next or framer_reset. */
enum framer_event framer_next(struct framer *f, const char **text, size_t *len);

/* After FRAMER_ERROR: the RFC 6120 §4.9.3 condition to send
 * ("not-well-formed", "restricted-xml", "policy-violation", "bad-format",
 * "invalid-namespace"...), and a human-readable reason. */
const char *framer_error_condition(const struct framer *f);
const char *framer_error_text(const struct framer *f);

/* Bytes held for input: grown by a large stanza, small again once it is
 * consumed (for the memory tests). */
size_t framer_buffer_size(const struct framer *f);

#endif
