/* SPDX-License-Identifier: GPL-3.0-or-later */
/* textwidth.h - display columns of UTF-8 text: wide (CJK, emoji) and
 * combining characters, truncation and word wrap by column, never by byte
 * (see textwidth.c). Needs an UTF-8 LC_CTYPE (setlocale) for wcwidth. */
#ifndef TUKTUK_UI_TEXTWIDTH_H
#define TUKTUK_UI_TEXTWIDTH_H

#include <stdbool.h>
#include <stddef.h>
#include <wchar.h>

/* Decode one character at s (len > 0 bytes available). Invalid or
 * truncated sequences decode as U+FFFD and consume one byte. Returns the
 * number of bytes consumed (>= 1). */
size_t textwidth_decode(const char *s, size_t len, wchar_t *wc);

/* Columns one character takes on screen. Control characters count as 1
 * (they are shown as a substitute glyph), combining characters as 0. */
int textwidth_char(wchar_t wc);

/* The glyph to draw for wc: a control character or an unprintable one is
 * replaced by a visible substitute; a newline by U+21B5. */
wchar_t textwidth_glyph(wchar_t wc);

/* Columns of the first len bytes of s. */
int textwidth_cols(const char *s, size_t len);
/* Columns of a NUL-terminated string. */
int textwidth_str(const char *s);

/* Length in bytes of the longest prefix of s[0..len) that fits in maxcols
 * columns; combining characters that follow the last character kept stay
 * with it. *cols (may be NULL) receives the prefix's columns. */
size_t textwidth_fit(const char *s, size_t len, int maxcols, int *cols);

/* Copy s into out (outlen bytes), cut to maxcols columns. When it had to
 * be cut, the last column shows "…" (U+2026). Returns the columns used. */
int textwidth_truncate(const char *s, int maxcols, char *out, size_t outlen);

/* Word wrap: the next screen line of s[0..len) for a width of cols
 * columns. Breaks after a space when it can, inside a word only when the
 * word is longer than a line, and always at '\n'. Returns the byte length
 * of the line to show (without the break), and sets *next to the offset
 * where the following line starts (== len at the end). */
size_t textwidth_wrap(const char *s, size_t len, int cols, size_t *next);

/* Number of screen lines s[0..len) takes when wrapped to cols columns
 * (at least 1). */
int textwidth_wrap_count(const char *s, size_t len, int cols);

#endif
