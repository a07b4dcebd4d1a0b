/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_saslprep.c - SASLprep against the RFC 4013 §3 examples, plus the
 * space mapping, NFKC expansion and UTF-8 validation. */
#include <stdlib.h>

#include "../check.h"
#include "xmpp/saslprep.h"

/* Checks that saslprep(in) gives want (NULL: refused). */
static void expect(const char *in, const char *want)
{
    char *out = saslprep(in);

    if (want) {
        CHECK_STR(out, want);
    } else {
        CHECK(out == NULL);
    }
    free(out);
}

static void test_rfc4013_examples(void)
{
    expect("I\xC2\xAD"
           "X",
           "IX");                 /* 1: SOFT HYPHEN mapped to nothing */
    expect("user", "user");       /* 2: no transformation */
    expect("USER", "USER");       /* 3: case preserved */
    expect("\xC2\xAA", "a");      /* 4: U+00AA, NFKC */
    expect("\xE2\x85\xA8", "IX"); /* 5: U+2168 ROMAN NUMERAL NINE, NFKC */
    expect("\x07", NULL);         /* 6: prohibited control character */
    expect("\xD8\xA7"
           "1",
           NULL); /* 7: U+0627 U+0031, bidi rule violated */
}

static void test_mappings(void)
{
    expect("pass\xC2\xA0word", "pass word"); /* U+00A0 -> SPACE (C.1.2) */
    expect("a\xE3\x80\x80z", "a z");         /* U+3000 IDEOGRAPHIC SPACE */
    expect("a\xEF\xBB\xBF"
           "b",
           "ab"); /* U+FEFF (B.1) -> nothing */
    expect("pencil", "pencil");
    expect("", "");
    expect("caf\xC3\xA9", "caf\xC3\xA9");  /* é stays composed */
    expect("cafe\xCC\x81", "caf\xC3\xA9"); /* e + combining acute composes */
    /* U+FDFA expands to 18 code points under NFKC: the buffer must grow. */
    {
        char *out = saslprep("\xEF\xB7\xBA\xEF\xB7\xBA\xEF\xB7\xBA");
        CHECK(out != NULL);
        CHECK(out && strlen(out) > 9 * 3);
        free(out);
    }
}

static void test_prohibited(void)
{
    expect("a\x7F", NULL);                          /* DEL, C.2.1 */
    expect("\xEE\x80\x80", NULL);                   /* U+E000 private use, C.3 */
    expect("\xEF\xBF\xBE", NULL);                   /* U+FFFE non-character, C.4 */
    expect("\xE2\x80\x8E", NULL);                   /* U+200E LRM, C.8 */
    expect("\xF3\xA0\x80\x81", NULL);               /* U+E0001 tag, C.9 */
    expect("\xF0\xB0\x80\x80", NULL);               /* U+30000: unassigned in Unicode 3.2 */
    expect("\xD8\xA7\xD8\xA8", "\xD8\xA7\xD8\xA8"); /* all-RTL is fine */
}

static void test_bad_utf8(void)
{
    expect("\xC3", NULL);             /* truncated */
    expect("\xC0\xAF", NULL);         /* overlong '/' */
    expect("\xE0\x80\xAF", NULL);     /* overlong, 3 bytes */
    expect("\xED\xA0\x80", NULL);     /* UTF-16 surrogate */
    expect("\xF4\x90\x80\x80", NULL); /* above U+10FFFF */
    expect("\x80", NULL);             /* stray continuation */
    expect("\xFF", NULL);
    CHECK(saslprep(NULL) == NULL);
}

int main(void)
{
    test_rfc4013_examples();
    test_mappings();
    test_prohibited();
    test_bad_utf8();
    return check_done();
}
