/* SPDX-License-Identifier: GPL-3.0-or-later */
/* test_redact.c - secrets never reach the XML console or log: SASL
 * payloads, <password/> wherever it stands (ejabberd echoes it in error
 * replies), secret data-form fields; a SASL failure's reason, a message
 * body that merely says "password", and everything around a secret stay. */
#include <stdlib.h>
#include <string.h>

#include "../check.h"
#include "xmpp/redact.h"

/* The redacted text of xml (NULL: shown as it is). Caller frees. */
static char *redact(const char *xml)
{
    size_t len = 0;
    char *out = redact_xml(xml, strlen(xml), &len);
    if (out)
        CHECK(strlen(out) == len);
    return out;
}

static void expect_hidden(const char *xml, const char *secret, const char *kept)
{
    char *out = redact(xml);
    CHECK(out != NULL);
    if (!out)
        return;
    CHECK(strstr(out, secret) == NULL);
    CHECK(strstr(out, "[redacted]") != NULL);
    if (kept)
        CHECK(strstr(out, kept) != NULL);
    free(out);
}

static void test_sasl(void)
{
    expect_hidden("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>"
                  "AGFsaWNlAHNlY3JldA==</auth>",
                  "AGFsaWNlAHNlY3JldA==", "mechanism=\"PLAIN\"");
    expect_hidden("<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>Yz1iaXdzLHI9</response>",
                  "Yz1iaXdzLHI9", "response");
    expect_hidden("<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5cHFW</success>",
                  "dj1ybUY5cHFW", NULL);
    /* The reason a login failed is no secret: it stays readable. */
    CHECK(redact("<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>"
                 "<text>Invalid channel binding</text></failure>") == NULL);
}

static void test_password_anywhere(void)
{
    /* ejabberd's reply to a taken name echoes what was submitted. */
    expect_hidden("<iq type='error' id='r1'><query xmlns='jabber:iq:register'>"
                  "<username>alice</username><password>hunter2</password></query>"
                  "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>"
                  "</error></iq>",
                  "hunter2", "<username>alice</username>");
    /* ...and to a password change that is too weak, with the reason. */
    expect_hidden("<iq type='error' id='p1'><query xmlns='jabber:iq:register'>"
                  "<username>alice</username><password>x</password></query>"
                  "<error type='modify'><not-acceptable "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text "
                  "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>The password is too weak</text>"
                  "</error></iq>",
                  ">x<", "The password is too weak");
    /* A room password on the way in to a room. */
    expect_hidden("<presence to='room@conference.localhost/me'>"
                  "<x xmlns='http://jabber.org/protocol/muc'><password>letmein</password></x>"
                  "</presence>",
                  "letmein", "room@conference.localhost/me");
}

static void test_forms(void)
{
    expect_hidden("<iq type='set' id='f1'><query xmlns='jabber:iq:register'>"
                  "<x xmlns='jabber:x:data' type='submit'>"
                  "<field var='username'><value>bob</value></field>"
                  "<field var='password'><value>s3cr3t</value></field></x></query></iq>",
                  "s3cr3t", "<value>bob</value>");
    expect_hidden("<iq type='set' id='c1'><query xmlns='http://jabber.org/protocol/muc#owner'>"
                  "<x xmlns='jabber:x:data' type='submit'>"
                  "<field var='muc#roomconfig_roomsecret'><value>tops3cret</value></field>"
                  "</x></query></iq>",
                  "tops3cret", NULL);
    expect_hidden("<iq type='set' id='c2'><query xmlns='jabber:iq:register'>"
                  "<x xmlns='jabber:x:data' type='form'>"
                  "<field var='pin' type='text-private'><value>1234</value></field>"
                  "</x></query></iq>",
                  ">1234<", NULL);
}

static void test_left_alone(void)
{
    /* Talking about passwords is not a secret. */
    CHECK(redact("<message to='bob@localhost' type='chat'><body>my password is "
                 "hunter2</body></message>") == NULL);
    CHECK(redact("<presence/>") == NULL);
    CHECK(redact("<message><body>a</body></message>") == NULL);
    /* Unreadable text (typed raw by the user) with a telltale word is
     * hidden whole; without one it is shown. */
    char *out = redact("<iq><query><password>abc</query>");
    CHECK(out && !strstr(out, "abc"));
    free(out);
    CHECK(redact("<iq><query>abc</iq>") == NULL);
}

/* An upload slot's headers are credentials for the PUT (XEP-0363 §5.1). */
static void test_upload_slot(void)
{
    expect_hidden("<iq type='result' id='u1'><slot xmlns='urn:xmpp:http:upload:0'>"
                  "<put url='https://up.example/f'><header name='Authorization'>Basic "
                  "c2VjcmV0LXRva2Vu</header></put><get url='https://up.example/g'/></slot></iq>",
                  "c2VjcmV0LXRva2Vu", "https://up.example/g");
}

int main(void)
{
    test_upload_slot();
    test_sasl();
    test_password_anywhere();
    test_forms();
    test_left_alone();
    return check_done();
}
