/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_files.c - libFuzzer target: what a contact's message and a
 * stranger's server decide in core/files.c and core/aesgcm.c. The input
 * is a message's text: every link found must lie inside it, start with
 * its scheme and hold no blank; the file name made from each link, and
 * from the whole text, must be safe (no separator, no control character,
 * no leading dot or dash, not empty, within its room); an aesgcm:// link
 * that parses has a whole key and IV; the text made for the screen has
 * no aesgcm:// key left in it and is no longer; and the input as an
 * encrypted body, cut at every length it gives, never authenticates
 * under a zero key. */
#include "core/files.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void safe_name(const char *name, size_t cap)
{
    size_t n = strlen(name);
    if (n == 0 || n >= cap || name[0] == '.' || name[0] == '-' || name[0] == ' ')
        abort();
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t len = strlen(text);
    struct files_link links[8];
    size_t n = files_find_links(text, links, 8);
    char name[64];
    for (size_t i = 0; i < n; i++) {
        if (links[i].start + links[i].len > len || links[i].len < 8)
            abort();
        for (size_t k = 0; k < links[i].len; k++)
            if ((unsigned char)text[links[i].start + k] <= ' ')
                abort();
        char *url = strndup(text + links[i].start, links[i].len);
        files_name_from_url(url, name, sizeof name);
        safe_name(name, sizeof name);
        struct aesgcm_link l;
        if (aesgcm_link_parse(url, &l) == 0) {
            if ((l.iv_len != 12 && l.iv_len != 16) || strncmp(l.https_url, "https://", 8) != 0)
                abort();
            aesgcm_link_clear(&l);
        }
        free(url);
    }
    files_sanitise_name(text, name, sizeof name);
    safe_name(name, sizeof name);
    char *shown = files_hide_keys(text);
    if (shown) {
        if (strlen(shown) >= len)
            abort();
        struct files_link left[64];
        size_t m = files_find_links(shown, left, 64);
        for (size_t i = 0; i < m; i++)
            if (left[i].shown != left[i].len)
                abort(); /* a key still on the screen */
        free(shown);
    }
    struct aesgcm_link zero = {.iv_len = 12};
    struct aesgcm *g = aesgcm_new(&zero);
    unsigned char *out = malloc(size + AESGCM_TAG_LEN);
    size_t got = 0;
    for (size_t at = 0, step = size % 7 + 1; g && out && at < size; at += step) {
        size_t k = at + step > size ? size - at : step;
        long w = aesgcm_update(g, data + at, k, out + got);
        if (w < 0)
            abort();
        got += (size_t)w;
    }
    if (g && (got != (size > AESGCM_TAG_LEN ? size - AESGCM_TAG_LEN : 0) ||
              (size >= AESGCM_TAG_LEN && aesgcm_final(g) && size > 64)))
        abort(); /* a forged tag for a zero key would be news */
    aesgcm_free(g);
    free(out);
    free(text);
    return 0;
}
