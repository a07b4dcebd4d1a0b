/* iqview.h - the few values the UI shows from an IQ answer (software
 * version, disco#info identities and features), pulled from the stanza's
 * text without an XML library (see iqview.c). */
#ifndef TUKTUK_UI_IQVIEW_H
#define TUKTUK_UI_IQVIEW_H

#include <stdbool.h>
#include <stddef.h>

/* Find the next start tag whose local name (the part after any prefix)
 * is local, at or after *pos in xml[0..len). On success *tag and *taglen
 * cover it from '<' to '>' inclusive and *pos moves past it. */
bool iqview_next_tag(const char *xml, size_t len, size_t *pos, const char *local, const char **tag,
                     size_t *taglen);
/* The value of attribute name in a start tag, entities decoded and
 * control characters shown as '?', cut to fit out. False when absent. */
bool iqview_attr(const char *tag, size_t taglen, const char *name, char *out, size_t outlen);
/* The text directly inside the first element named local (up to the
 * next tag), decoded as above. False when there is no such element. */
bool iqview_text(const char *xml, size_t len, const char *local, char *out, size_t outlen);

#endif
