/* SPDX-License-Identifier: GPL-3.0-or-later */
/* xmlpretty.h - one stanza's raw text as short indented lines for the XML
 * console: one element per line, text kept, raw text when the input is
 * not simple XML. No Mini-XML, no allocation (see xmlpretty.c). */
#ifndef TUKTUK_UI_XMLPRETTY_H
#define TUKTUK_UI_XMLPRETTY_H

#include <stddef.h>

#define XMLPRETTY_MAX_LINE 2000 /* bytes of one line before it is cut */
#define XMLPRETTY_MAX_TEXT 1000 /* bytes of one text node before it is cut */
#define XMLPRETTY_MAX_INDENT 16 /* levels of indentation (2 spaces each) */

/* Called once per output line: NUL-terminated UTF-8 (if the input was),
 * indentation included, no control characters but '\n' inside text.
 * Return non-zero to stop. */
typedef int (*xmlpretty_fn)(void *ud, const char *line, size_t len);

enum xmlpretty_result {
    XMLPRETTY_PRETTY, /* simple XML, pretty-printed */
    XMLPRETTY_RAW     /* not simple XML: the raw text, one line per line */
};

/* Pretty-print text[0..len) through fn. Never fails: anything that is
 * not simple XML (a stray '<', an unterminated tag or quote, mismatched
 * end tags, control characters, a DOCTYPE) comes out raw. */
enum xmlpretty_result xmlpretty(const char *text, size_t len, xmlpretty_fn fn, void *ud);

#endif
