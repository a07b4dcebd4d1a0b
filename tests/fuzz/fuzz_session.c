/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fuzz_session.c - libFuzzer target for what a hostile server or contact
 * can send once we are logged in: each input is cut into stanzas by the
 * framer (behind a fixed stream header) and every stanza goes through the
 * session's handlers (roster, presence, messages, carbons, receipts, IQs,
 * caps, vCards, registration answers) as if it had arrived online. An
 * input that starts with 'R' is taken while the roster is awaited instead
 * (as id "r1"), so that the roster result's two readers (rosterscan.c and
 * the item-by-item tree) are fuzzed through the session too; 'V' does the
 * same after a roster get that named a version (RFC 6121 §2.6), so that an
 * empty result keeps the roster and pushes carry versions. Stream
 * management (XEP-0198) is on, as if enabled, and we are in the group
 * chat room room@conf.example.org as "me". Nothing
 * may crash, leak or trip the sanitizers; what the handlers send goes
 * nowhere (there is no connection). */
#include "xml/framer.h"
#include "xml/stanza.h"
#include "xmpp/session_priv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char header[] = "<stream:stream xmlns='jabber:client' "
                             "xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>";

static uv_loop_t loop;
static int events;

static void on_event(void *ud, const struct session_event *ev)
{
    (void)ud;
    /* Touch what the UI would read, so the sanitizers check it. */
    if (ev->text)
        events += (int)strnlen(ev->text, ev->len ? ev->len : 4096) & 1;
    if (ev->msg && ev->msg->body)
        events += (int)strlen(ev->msg->body) & 1;
    if (ev->vcard && ev->vcard->fn)
        events += (int)strlen(ev->vcard->fn) & 1;
}

static struct session *online_session(bool awaiting_roster, bool versioned)
{
    char err[200];
    struct session_config cfg = {.jid = "me@example.org/fuzz", .password = "pw"};
    struct session *s = session_new(&loop, &cfg, on_event, NULL, err, sizeof err);
    if (!s)
        abort();
    /* As if logged in: the handlers check these, not the socket. */
    s->state = SESSION_ONLINE;
    s->phase = awaiting_roster ? PHASE_ROSTER : PHASE_READY;
    /* Stream management on, so that <r/>, <a/>, <enabled/>... are read. */
    s->sm.counting = s->sm.enabled = true;
    snprintf(s->pending_id, sizeof s->pending_id, "r1");
    s->full = strdup("me@example.org/fuzz");
    roster_set(s->roster, "friend@example.org", "Friend", NULL, 0, ROSTER_SUB_BOTH, false);
    if (versioned) {
        roster_set_version(s->roster, "v0");
        s->roster_ver_offered = s->roster_ver_sent = true;
    }
    /* In one group chat room, so that its presences and messages are read. */
    struct muc_room *room = muc_add(&s->mucs, "room@conf.example.org", "me", NULL);
    if (room)
        room->joined = true;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool ready;
    if (!ready) {
        uv_loop_init(&loop);
        ready = true;
    }
    bool versioned = size > 0 && data[0] == 'V';
    bool awaiting_roster = versioned || (size > 0 && data[0] == 'R');
    struct session *s = online_session(awaiting_roster, versioned);
    struct framer *f = framer_new(NULL);
    framer_feed(f, header, sizeof header - 1);
    framer_feed(f, (const char *)data + awaiting_roster, size - awaiting_roster);
    const char *text;
    size_t len;
    enum framer_event ev;
    while ((ev = framer_next(f, &text, &len)) != FRAMER_NEED_MORE && ev != FRAMER_ERROR &&
           ev != FRAMER_STREAM_END) {
        if (ev != FRAMER_STANZA)
            continue;
        session_handle_stanza(s, text, len);
    }
    framer_free(f);
    s->state = SESSION_OFFLINE;
    session_free(s);
    uv_run(&loop, UV_RUN_NOWAIT);
    return 0;
}
