/* SPDX-License-Identifier: GPL-3.0-or-later */
/* textwidth.c - how many terminal columns UTF-8 text takes.
 *
 * Everything the UI lays out (roster names, chat lines, the input line)
 * is measured here, so that a CJK character counts two columns, a
 * combining accent none, and a cut never falls inside a character or
 * between a letter and its accent. We decode UTF-8 ourselves (strictly:
 * an invalid byte becomes U+FFFD, one byte at a time, so bad input from
 * the network can never desynchronise the layout) and ask wcwidth() for
 * the width, which needs an UTF-8 locale. */
#include "ui/textwidth.h"
#include "xml/utf8.h"

#include <string.h>

#define REPLACEMENT 0xFFFD

size_t textwidth_decode(const char *s, size_t len, wchar_t *wc)
{
    uint32_t cp;
    size_t n = utf8_decode((const unsigned char *)s, len, &cp);
    /* A broken byte shows as U+FFFD and costs one byte, so that the rest
     * of the line still shows. */
    *wc = n ? (wchar_t)cp : REPLACEMENT;
    return n ? n : 1;
}

int textwidth_char(wchar_t wc)
{
    if (wc < 0x20 || wc == 0x7F)
        return 1;
    int w = wcwidth(wc);
    return w < 0 ? 1 : w;
}

wchar_t textwidth_glyph(wchar_t wc)
{
    if (wc == '\n')
        return 0x21B5;
    if (wc == '\t')
        return ' ';
    if (wc < 0x20 || wc == 0x7F)
        return '?';
    if (wcwidth(wc) < 0)
        return REPLACEMENT;
    return wc;
}

int textwidth_cols(const char *s, size_t len)
{
    int cols = 0;
    size_t i = 0;
    while (i < len) {
        wchar_t wc;
        i += textwidth_decode(s + i, len - i, &wc);
        cols += textwidth_char(wc);
    }
    return cols;
}

int textwidth_str(const char *s)
{
    return textwidth_cols(s, strlen(s));
}

size_t textwidth_fit(const char *s, size_t len, int maxcols, int *cols)
{
    int used = 0;
    size_t i = 0;
    while (i < len) {
        wchar_t wc;
        size_t n = textwidth_decode(s + i, len - i, &wc);
        int w = textwidth_char(wc);
        if (used + w > maxcols)
            break;
        used += w;
        i += n;
    }
    if (cols)
        *cols = used;
    return i;
}

int textwidth_truncate(const char *s, int maxcols, char *out, size_t outlen)
{
    static const char ellipsis[] = "\xe2\x80\xa6";
    size_t len = strlen(s);
    int cols;
    if (outlen == 0)
        return 0;
    if (maxcols < 0)
        maxcols = 0;
    size_t keep = textwidth_fit(s, len, maxcols, &cols);
    bool cut = keep < len;
    if (cut && maxcols > 0)
        keep = textwidth_fit(s, len, maxcols - 1, &cols);
    size_t room = outlen - 1 - (cut && maxcols > 0 ? sizeof ellipsis - 1 : 0);
    while (keep > room) { /* the buffer is smaller than the columns */
        keep--;
        while (keep > 0 && ((unsigned char)s[keep] & 0xC0) == 0x80)
            keep--;
        cols = textwidth_cols(s, keep);
    }
    memcpy(out, s, keep);
    if (cut && maxcols > 0 && keep + sizeof ellipsis <= outlen) {
        memcpy(out + keep, ellipsis, sizeof ellipsis - 1);
        keep += sizeof ellipsis - 1;
        cols++;
    }
    out[keep] = '\0';
    return cols;
}

/* The line ends at end; skip the spaces that made the break so the next
 * line does not start with one. */
static size_t skip_spaces(const char *s, size_t len, size_t i)
{
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

size_t textwidth_wrap(const char *s, size_t len, int cols, size_t *next)
{
    size_t i = 0, brk = 0; /* brk: end of the text before the last space */
    size_t after_brk = 0;
    int used = 0;
    if (cols < 1)
        cols = 1;
    while (i < len) {
        if (s[i] == '\n') {
            *next = i + 1;
            return i;
        }
        wchar_t wc;
        size_t n = textwidth_decode(s + i, len - i, &wc);
        int w = textwidth_char(wc);
        if (used + w > cols && i > 0) {
            if (wc == ' ') {
                *next = skip_spaces(s, len, i);
                return i;
            }
            if (brk > 0 || after_brk > 0) {
                *next = skip_spaces(s, len, after_brk);
                return brk;
            }
            *next = i; /* a word longer than the line: cut it */
            return i;
        }
        used += w;
        i += n;
        if (wc == ' ') {
            brk = i - 1;
            after_brk = i;
        }
    }
    *next = len;
    return len;
}

int textwidth_wrap_count(const char *s, size_t len, int cols)
{
    int lines = 0;
    size_t off = 0;
    do {
        size_t next;
        textwidth_wrap(s + off, len - off, cols, &next);
        off += next;
        lines++;
    } while (off < len);
    return lines;
}
