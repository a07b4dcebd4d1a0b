#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/addressing.sh - commands send to the contact the user named
# (issue 9, item 2). Tab after /msg completes a contact's address (the
# name only shows in the list), and with several matches it lists them on
# the status line and leaves the word alone; a roster name on the command
# line is resolved to its contact; a name two contacts share is asked
# about and a word that names nobody is refused, both sending nothing and
# storing no conversation; /info and /ping take names too, /ping also a
# server; /join + Tab offers rooms, not contacts; in a room, /msg + Tab
# offers its occupants.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
MUC=${TUKTUK_TEST_MUC:-conference.localhost}
RUN=$TUKTUK_TEST_RUNDIR
A=$(ui_user adr)
B=$(ui_user bee)
C=$(ui_user cee)
D=$(ui_user dee)
E=$(ui_user eee)
"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$B" b-pw "$C" c-pw "$D" d-pw "$E" e-pw >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$B@$DOMAIN" "Alice" Friends >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$C@$DOMAIN" "Alan" Friends >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$D@$DOMAIN" "Sam" Work >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$E@$DOMAIN" "Sam" Work >/dev/null



# The input line is exactly TEXT (trailing spaces aside).
input_is() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ "$(ui_row me -1 | sed 's/ *$//')" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# the input line is '$(ui_row me -1)', not '$1'" >&2
	return 1
}




conversations() { ui_store "$A" "select distinct conv from msg"; }

ui_start peer "$B" b-pw 100 30
check "the peer logs in" ui_wait peer "[online]"
ui_start me "$A" a-pw 100 30
check "logged in" ui_wait_line me -2 "[$A@$DOMAIN/"
check "the roster is shown" ui_wait me "v Work (0/2)"

# ---- Tab completes addresses, and lists several matches ----
ui_type me "/msg al"
ui_keys me Tab
check "Tab with two matches lists the first" ui_wait_line me -2 "Alice <$B@$DOMAIN>"
check "... and the second" ui_wait_line me -2 "Alan <$C@$DOMAIN>"
check "... and leaves the word as typed" input_is "> /msg al"
ui_type me "i"
ui_keys me Tab
check "one match completes its address, not its name" input_is "> /msg $B@$DOMAIN"
check "the list goes at the next key" ui_wait_line me -2 "[$A@$DOMAIN/"
ui_type me "hello by tab"
ui_keys me Enter
check "the chat is with Alice's address" ui_wait_line me 0 "chat: Alice <$B@$DOMAIN>"
check "Alice gets it" ui_wait_line peer -2 "[2:$A*]"

# ---- names on the command line ----
ui_keys me M-1
ui_say me "/msg alice hi by name"
check "a roster name (any case) is the contact's address" \
	ui_wait_line me 0 "chat: Alice <$B@$DOMAIN>"
ui_keys peer M-2
check "Alice gets the message" ui_wait peer "$A> hi by name"
check "one conversation stored: Alice's, none for a server called alice" \
	test "$(conversations)" = "$B@$DOMAIN"

ui_keys me M-1
ui_say me "/msg sam are you there"
# (in the roster's order, which is the server's)
check "a name two contacts share is asked about" ui_wait_said me '"sam" could be: Sam ('
check "... naming one" ui_wait_said me "Sam ($D@$DOMAIN)"
check "... and the other" ui_wait_said me "Sam ($E@$DOMAIN)"
ui_say me "/msg nobody hi"
check "a word that names nobody is refused" \
	ui_wait_said me 'no contact named "nobody"; use a full address like nobody@example.org'
check "neither opened a window" ui_lacks me "[3:"
check "nor stored a conversation" test "$(conversations)" = "$B@$DOMAIN"

ui_say me "/info Alan"
check "/info takes a name" ui_wait me "contact $C@$DOMAIN"
ui_say me "/ping nobody"
check "/ping refuses a word that names nobody" ui_rows_with me 'no contact named "nobody"' 2
ui_say me "/ping $DOMAIN"
check "... and takes a server" ui_wait me "pong from $DOMAIN: "

# ---- Tab after other commands ----
ui_type me "/info s"
ui_keys me Tab
check "/info + Tab lists the contacts that match" ui_wait_line me -2 "Sam <$D@$DOMAIN>"
ui_keys me C-u
room=tea$$
ui_say me "/join $room"
check "a room" ui_wait me "you created the room"
ui_keys me M-1
ui_type me "/join al"
ui_keys me Tab
check "/join + Tab offers no contacts" input_is "> /join al"
ui_keys me C-u
ui_type me "/join te"
ui_keys me Tab
check "/join + Tab offers the rooms" input_is "> /join $room@$MUC"
ui_keys me C-u

# ---- in a room, /msg + Tab offers its occupants ----
ui_say peer "/join $room/bertie"
check "Alice joins as bertie" ui_wait peer "you joined the room as bertie"
ui_keys me M-3
check "the room's window" ui_wait_line me 0 "room: $room@$MUC"
ui_type me "/msg ber"
ui_keys me Tab
check "/msg + Tab in a room completes an occupant's address" input_is "> /msg $room@$MUC/bertie"
ui_type me "psst"
ui_keys me Enter
check "... and the private message reaches them, in a window of its own" \
	ui_wait_re peer '\[[0-9]+:adr[0-9]*/[^]]*!\]'
ui_keys peer M-a
check "... which shows it" ui_wait peer "psst"

for w in me peer; do
	ui_say $w "/quit"
done
check "me exits 0" test "$(ui_wait_exit "$A")" = 0
check "the peer exits 0" test "$(ui_wait_exit "$B")" = 0
check "no sanitizer report (me)" ui_clean_stderr "$A"
check "no sanitizer report (peer)" ui_clean_stderr "$B"
ui_done
