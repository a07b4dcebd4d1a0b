/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_ui_textwidth.c - column counting, truncation and word wrap with
 * CJK, emoji, combining characters and broken UTF-8. */
#include <locale.h>
#include <string.h>

#include "../check.h"
#include "ui/textwidth.h"

static void test_decode(void)
{
    wchar_t wc;
    CHECK(textwidth_decode("a", 1, &wc) == 1 && wc == 'a');
    CHECK(textwidth_decode("\xc3\xa9", 2, &wc) == 2 && wc == 0xE9);
    CHECK(textwidth_decode("\xe4\xb8\xad", 3, &wc) == 3 && wc == 0x4E2D);
    CHECK(textwidth_decode("\xf0\x9f\x98\x80", 4, &wc) == 4 && wc == 0x1F600);
    /* truncated, overlong, surrogate, stray continuation */
    CHECK(textwidth_decode("\xe4\xb8", 2, &wc) == 1 && wc == 0xFFFD);
    CHECK(textwidth_decode("\xc0\xaf", 2, &wc) == 1 && wc == 0xFFFD);
    CHECK(textwidth_decode("\xed\xa0\x80", 3, &wc) == 1 && wc == 0xFFFD);
    CHECK(textwidth_decode("\x80", 1, &wc) == 1 && wc == 0xFFFD);
}

static void test_cols(void)
{
    CHECK(textwidth_str("") == 0);
    CHECK(textwidth_str("bob") == 3);
    CHECK(textwidth_str("\xe4\xb8\xad\xe6\x96\x87") == 4); /* 中文 */
    CHECK(textwidth_str("\xf0\x9f\x98\x80") == 2);         /* 😀 */
    CHECK(textwidth_str("e\xcc\x81") == 1);                /* e + combining acute */
    CHECK(textwidth_str("a\tb") == 3);
    CHECK(textwidth_str("\xff\xfe") == 2); /* two bad bytes */
}

static void test_fit(void)
{
    const char *cjk = "\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97"; /* 中文字 */
    int cols;
    CHECK(textwidth_fit(cjk, strlen(cjk), 3, &cols) == 3 && cols == 2);
    CHECK(textwidth_fit(cjk, strlen(cjk), 4, &cols) == 6 && cols == 4);
    CHECK(textwidth_fit(cjk, strlen(cjk), 1, &cols) == 0 && cols == 0);
    /* the accent stays with its letter */
    const char *acc = "ae\xcc\x81z";
    CHECK(textwidth_fit(acc, strlen(acc), 2, &cols) == 4 && cols == 2);
}

static void test_truncate(void)
{
    char out[64];
    CHECK(textwidth_truncate("bob", 10, out, sizeof out) == 3);
    CHECK_STR(out, "bob");
    CHECK(textwidth_truncate("abcdefgh", 5, out, sizeof out) == 5);
    CHECK_STR(out, "abcd\xe2\x80\xa6");
    /* 中文字 into 4 columns: 中 + … = 3 columns, never half a character */
    CHECK(textwidth_truncate("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 4, out, sizeof out) == 3);
    CHECK_STR(out, "\xe4\xb8\xad\xe2\x80\xa6");
    CHECK(textwidth_truncate("\xf0\x9f\x98\x80\xf0\x9f\x98\x80x", 5, out, sizeof out) == 5);
    CHECK_STR(out, "\xf0\x9f\x98\x80\xf0\x9f\x98\x80x");
    CHECK(textwidth_truncate("abc", 0, out, sizeof out) == 0);
    CHECK_STR(out, "");
    /* a tiny buffer never overflows and never splits a character */
    char small[4];
    textwidth_truncate("\xe4\xb8\xad\xe6\x96\x87", 10, small, sizeof small);
    CHECK_STR(small, "\xe4\xb8\xad");
}

static int lines_of(const char *s, int cols, char out[][64], int max)
{
    size_t len = strlen(s), off = 0;
    int n = 0;
    do {
        size_t next;
        size_t l = textwidth_wrap(s + off, len - off, cols, &next);
        if (n < max) {
            memcpy(out[n], s + off, l);
            out[n][l] = '\0';
        }
        n++;
        off += next;
    } while (off < len);
    return n;
}

static void test_wrap(void)
{
    char l[8][64];
    CHECK(lines_of("hello world", 20, l, 8) == 1);
    CHECK_STR(l[0], "hello world");
    CHECK(lines_of("hello world foo", 11, l, 8) == 2);
    CHECK_STR(l[0], "hello world");
    CHECK_STR(l[1], "foo");
    CHECK(lines_of("hello world", 5, l, 8) == 2);
    CHECK_STR(l[0], "hello");
    CHECK_STR(l[1], "world");
    CHECK(lines_of("abcdefghij", 4, l, 8) == 3);
    CHECK_STR(l[2], "ij");
    CHECK(lines_of("one\ntwo", 20, l, 8) == 2);
    CHECK_STR(l[0], "one");
    CHECK_STR(l[1], "two");
    /* 中文字 in 3 columns: one wide character per line, never cut */
    CHECK(lines_of("\xe4\xb8\xad\xe6\x96\x87\xe5\xad\x97", 3, l, 8) == 3);
    CHECK_STR(l[0], "\xe4\xb8\xad");
    /* a wide character wider than the line still makes progress */
    CHECK(lines_of("\xe4\xb8\xad", 1, l, 8) == 1);
    CHECK(textwidth_wrap_count("a b c d", 7, 3) == 2);
    CHECK(textwidth_wrap_count("", 0, 10) == 1);
    /* emoji words wrap by width: 😀😀 😀 in 4 columns */
    CHECK(lines_of("\xf0\x9f\x98\x80\xf0\x9f\x98\x80 \xf0\x9f\x98\x80", 4, l, 8) == 2);
    CHECK_STR(l[1], "\xf0\x9f\x98\x80");
}

int main(void)
{
    setlocale(LC_ALL, "C.UTF-8");
    test_decode();
    test_cols();
    test_fit();
    test_truncate();
    test_wrap();
    return check_done();
}
