#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/outbox_room.sh - a room's message that waited for the rejoin
# and is then refused (issue 16): the error goes right under its
# "(pending)" note, in place, not at the bottom. The room is persistent
# and moderated, so alice, with no affiliation, is a visitor whom it does
# not let speak; the link goes down by killing the server, as an outage
# would (a /disconnect leaves the room instead). Runs its own Prosody, so
# that stopping it disturbs no other test.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

ui_own_server outbox-room-server

A=$(ui_user obra)
B=$(ui_user obrb)
"$UI_PROSODY" adduser "$server" "$A" a-pw "$B" b-pw >/dev/null
ROOM=obroom$$@${TUKTUK_TEST_MUC:-conference.localhost}
UI_ARGS="--xml-log $UI_TMP/owner.xml" ui_start owner "$B" b-pw 100 30
ui_start me "$A" a-pw 100 30
check "the owner logs in" ui_wait_line owner -2 "[online]"
check "alice logs in" ui_wait_line me -2 "[online]"

ui_say owner "/join $ROOM/bob"
check "the owner made the room" ui_wait owner "you created the room as bob"
ui_say owner "/xml"
field() { printf "<field var='%s'><value>%s</value></field>" "$1" "$2"; }
ui_say owner "/raw <iq type='set' to='$ROOM'><query xmlns='http://jabber.org/protocol/muc#owner'><x xmlns='jabber:x:data' type='submit'>$(field FORM_TYPE http://jabber.org/protocol/muc#roomconfig)$(field muc#roomconfig_persistentroom 1)$(field muc#roomconfig_moderatedroom 1)</x></query></iq>"
# The room tells its occupants that its configuration changed (status 104).
# (Seen in the XML log: the console scrolls on with what the client asks
# the room next, xmpp/mucinfo.c.)
said_104() {
	for _ in $(seq 100); do
		grep -q "status code=.104" "$UI_TMP/owner.xml" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
check "the room is persistent and moderated" said_104
ui_say me "/join $ROOM/alice"
check "alice is in the room" ui_wait me "you joined the room as alice"

# Killed, not stopped: a stopping Prosody first tells the room's
# occupants that they left, and alice's message would then be refused by
# tuktuk itself (not in the room), not wait for the rejoin.
pid=$(cat "$server/prosody.pid")
kill -KILL "$pid"
check "the server is gone" bash -c "for _ in \$(seq 100); do kill -0 $pid 2>/dev/null || exit 0; sleep 0.1; done; exit 1"
check "alice's link is down" ui_wait_line me -2 "reconnecting in" 20
ui_say me "said in the outage"
ui_say me "and more"
check "the room's message waits, noted" \
	ui_wait me "(pending) sent when you are in the room again: said in the outage"
"$UI_PROSODY" restart "$server" >/dev/null
check "alice is online again" ui_wait_line me -2 "[online]" 60
check "the room's refusal is right under the message's note" \
	ui_wait_under me "in the room again: said in the outage" "! not delivered to $ROOM"
check "... and the next one's under its own" \
	ui_wait_under me "in the room again: and more" "! not delivered to $ROOM"

ui_say owner "/quit"
ui_say me "/quit"
check "alice quits, status 0" [ "$(ui_wait_exit "$A")" = 0 ]
check "... with no sanitizer report" ui_clean_stderr "$A"
ui_done
