#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/rosterkeys.sh - typing into the roster never changes the
# server's roster (issue 9, item 1). With the roster focused, a word such
# as "study" (whose d and y once removed the selected contact) leaves the
# roster at its first letter the roster does not use and is typed on the
# input line; a command line typed there goes to the input line too, and
# "/roster add ke" adds nobody. Removing takes d and the typed word
# "remove": y, or any other answer, keeps the contact. The focus shows in
# the roster's title, on the input line and in the cursor, and switching
# windows brings it back to the input line. Every roster change, from the
# keys or from /roster add|remove|rename|group, is confirmed in the status
# window.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
RUN=$TUKTUK_TEST_RUNDIR
A=$(ui_user rk)
B=$(ui_user bob)
C=$(ui_user car)
D=$(ui_user dan)
"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$B" b-pw "$C" c-pw "$D" d-pw >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$C@$DOMAIN" "Carol" Work >/dev/null




# A round trip to the server: whatever was sent before has been answered
# (and any roster push it caused has arrived) once the pong shows after a
# marker line of our own.
syncs=0
sync_server() {
	syncs=$((syncs + 1))
	ui_say me "/help sync$syncs"
	ui_say me "/ping"
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_screen me | sed -n "/no help for sync$syncs:/,\$p" | grep -q "pong from $DOMAIN" &&
			return 0
		sleep 0.1
	done
	return 1
}


# The roster pane (left of the separator) shows TEXT.
roster_has() {
	ui_screen me | sed 's/│.*//' | grep -qF -- "$1"
}

# Wait until the roster pane no longer shows TEXT.
roster_loses() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		roster_has "$1" || return 0
		sleep 0.1
	done
	return 1
}

focus_on_roster() {
	ui_wait_line me 0 " > roster" && ui_wait_line me -1 "keys go to the roster" &&
		ui_wait_cursor me roster
}

focus_on_input() {
	ui_wait_cursor me input && ui_row me -1 | grep -q '^>' && ! ui_row me 0 | grep -qF "> roster"
}

ui_start me "$A" a-pw 100 30
check "logged in" ui_wait_line me -2 "[$A@$DOMAIN/"
check "the roster is shown" ui_wait me "v Work (0/1)"
check "at start the input line has the focus" focus_on_input

# ---- the focus is obvious ----
ui_keys me M-r
check "Alt-r: the roster's title, the input line and the cursor say the roster has the keys" \
	focus_on_roster

# ---- a word typed into the roster goes to the input line ----
ui_keys me g j # Bob
ui_type me "study"
check "an unused letter leaves the roster and the word lands on the input line" \
	ui_wait_line me -1 "> study"
check "the focus is back on the input line" focus_on_input
check "no question about removing anyone" ui_lacks me "remove"
ui_keys me C-u
check "Bob is still on the roster" sync_server
check "... after a round trip to the server" roster_has "Bob"
check "... and not said removed" ui_lacks me "removed"

# ---- a command line typed into the roster is a command ----
ui_keys me M-r
ui_type me "/roster add ke"
check "/ in the roster starts a command on the input line" ui_wait_line me -1 "> /roster add ke"
ui_keys me Enter
check "a word that names no contact is not added as a server" ui_wait me 'no contact named "ke"'
check "the groups are still expanded" ui_wait me "v Friends (0/1)"
check "offline contacts are still shown" ui_wait me "Carol"
ui_keys me M-r
ui_type me "add ke"
ui_keys me Enter
check "a line that starts with a letter is text, not the old 'a' key" \
	ui_wait me "this is the status window"
check "nobody named ke was added" sync_server
check "... after a round trip" ui_lacks me "added"

# ---- removing takes the word "remove" ----
ui_keys me M-r g j
ui_keys me d
check "d asks for the word remove" ui_wait_line me -1 "remove Bob ($B@$DOMAIN)? type remove"
ui_type me "y"
check "y is only a letter in the answer" ui_wait_line me -1 "Enter (Esc: keep): y"
ui_keys me Enter
check "any other answer keeps the contact" ui_wait me "not removed: Bob ($B@$DOMAIN)"
ui_keys me d
ui_type me " remove"
ui_keys me Enter
check "so does the word with anything around it" ui_rows_with me "not removed: Bob" 2
ui_keys me d
ui_keys me Escape
check "Esc keeps the contact too" ui_rows_with me "not removed: Bob" 3
check "... and the roster has the keys again" focus_on_roster
check "Bob is still there" sync_server
check "... after a round trip" roster_has "Bob"
ui_keys me M-r g j d
ui_type me "remove"
ui_keys me Enter
check "the word remove removes, and it is confirmed" ui_wait me "removed Bob ($B@$DOMAIN)"
check "Bob is gone from the roster" roster_loses Bob

# ---- switching windows brings the focus back to the input line ----
ui_say me "/msg $C@$DOMAIN"
check "a chat window" ui_wait_line me 0 "chat: Carol <$C@$DOMAIN>"
for key in M-1 C-n C-p M-a; do
	ui_keys me M-r
	ui_wait_cursor me roster >/dev/null
	ui_keys me "$key"
	check "$key brings the focus back to the input line" focus_on_input
done

# ---- every roster change is confirmed in the status window ----
ui_keys me M-1
ui_say me "/roster rename Carol Caroline"
check "/roster rename is confirmed" ui_wait me "renamed Carol ($C@$DOMAIN) to Caroline"
ui_say me "/roster group Caroline Friends"
check "/roster group is confirmed" ui_wait me "moved Caroline ($C@$DOMAIN) to Friends"
ui_say me "/roster add $D@$DOMAIN Dan"
check "/roster add is confirmed" ui_wait me "added Dan ($D@$DOMAIN)"
ui_say me "/roster remove Dan"
check "/roster remove is confirmed" ui_wait me "removed Dan ($D@$DOMAIN)"
check "and Dan is gone" roster_loses Dan

# ---- F2 renames, starting from the current name ----
ui_keys me M-r g j # Caroline, now in Friends
ui_keys me F2
check "F2 asks for the new name, starting from the old one" \
	ui_wait_line me -1 "rename Caroline ($C@$DOMAIN) to: Caroline"
ui_keys me Enter
check "Enter on the unchanged name changes nothing" ui_wait me "not renamed: Caroline ($C@$DOMAIN)"
ui_keys me F2 C-u
ui_type me "Carrie"
ui_keys me Enter
check "a new name is confirmed" ui_wait me "renamed Caroline ($C@$DOMAIN) to Carrie"

check "after the question the roster has the keys again" focus_on_roster

# ---- the filter moved to f ----
ui_keys me f
ui_type me "carr"
check "f types a filter" ui_wait_line me 0 "roster /carr_"
ui_keys me Escape Escape
check "Esc clears it, Esc again leaves the roster" focus_on_input

ui_say me "/quit"
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"
ui_done
