#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/defects.sh - the smaller defects of issue 9's try-out (item
# 18), each checked where it showed: the roster filter looks at names and
# local parts before the domain; i shows a contact's details in its own
# window (here the status window), not in the chat that is open; d and i
# on a group row say why they do nothing; hidden offline contacts take
# their empty groups with them, and a scrolled roster names the group
# above; Ctrl-C's cleared line comes back with Ctrl-Y; a correction of an
# action is shown as what was sent, and //me is text; wrapped rows start
# in one column; a cut title ends in "…"; /join of a room we are in says
# so. (/status while tmux is detached: away.sh; [1:status]: statusline.sh.)
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
RUN=$TUKTUK_TEST_RUNDIR
A=$(ui_user df)
B=$(ui_user bob)
T=$(ui_user tru)
"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$B" b-pw "$T" t-pw >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$T@$DOMAIN" "Trudy" Work >/dev/null
for n in dan eve fay gus; do
	"$UI_PROSODY" rosteradd "$RUN" "$A" "$n$$@$DOMAIN" "${n^}" Work >/dev/null
done

roster_rows() { # the roster pane, one row per line
	ui_screen me | sed -n '2,$p' | sed -n 's/│.*//p'
}
roster_has() {
	roster_rows | grep -qF -- "$1"
}
roster_wait() { # TEXT: wait until the roster pane shows TEXT
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		roster_has "$1" && return 0
		sleep 0.1
	done
	echo "# the roster never showed '$1':" >&2
	roster_rows | sed 's/^/# | /' >&2
	return 1
}
roster_wait_gone() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		roster_has "$1" || return 0
		sleep 0.1
	done
	echo "# the roster still shows '$1':" >&2
	roster_rows | sed 's/^/# | /' >&2
	return 1
}

ui_start me "$A" a-pw 100 30
check "logged in" ui_wait_line me -2 "[$A@$DOMAIN/"
check "the roster is shown" roster_wait "Trudy"

# ---- the filter: names and local parts, not the domain ----
ui_keys me M-r f
ui_type me "t"
check "f t shows Trudy" ui_wait_line me 0 "roster /t_"
check "... and Trudy is listed" roster_wait "Trudy"
check "t is in localhost, but Bob is not listed" roster_wait_gone "Bob"
check "... nor Dan" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:me | sed 's/│.*//' | grep -q Dan"
ui_keys me BSpace
ui_type me "@"
check "with an @ the filter looks at whole addresses" roster_wait "Bob"
ui_keys me Escape Escape
check "Esc, Esc: back on the input line" ui_wait_cursor me input

# ---- i shows details in the contact's place, not in the open chat ----
ui_say me "/msg Bob"
check "a chat with Bob" ui_wait_line me 0 "chat: Bob <$B@$DOMAIN>"
ui_keys me M-r g
ui_keys me i
check "i on a group row says it wants a contact" ui_wait_said me "Friends is a group: this key shows the details of a contact"
ui_keys me G # Trudy, the last of Work (all offline: by name)
ui_keys me i
check "i on Trudy goes to the status window" ui_wait_line me 0 "status: tuktuk"
check "... which shows her details" ui_wait me "contact $T@$DOMAIN"
ui_keys me Escape
ui_wait_cursor me input
ui_keys me M-2
check "back in Bob's chat" ui_wait_line me 0 "chat: Bob"
check "... which has not got Trudy's details" ui_lacks me "contact $T@$DOMAIN"
ui_keys me M-r g d
check "d on a group row says it wants a contact" ui_wait_said me "Friends is a group: this key removes a contact"
ui_keys me Escape
ui_wait_cursor me input

# ---- hidden offline contacts take their empty groups along ----
ui_keys me M-r o
check "o hides offline contacts" ui_wait_line me 0 "roster (online)"
check "the empty group Work goes" roster_wait_gone "Work"
check "... and Friends, whose Bob has an open chat but no news" roster_wait_gone "Friends"
ui_keys me o Escape
ui_wait_cursor me input

# ---- a scrolled roster names the group above ----
tm resize-window -t ui:me -x 100 -y 8
ui_keys me M-r G
check "scrolled to the end, the first row names the group above" ui_wait_line me 1 "^ Work"
ui_keys me g
check "back at the top, the group row is itself" ui_wait_line me 1 "v Friends"
ui_keys me Escape
ui_wait_cursor me input
tm resize-window -t ui:me -x 100 -y 30

# ---- Ctrl-C keeps the line for Ctrl-Y ----
ui_type me "a precious line"
ui_keys me C-c
check "Ctrl-C clears the line" ui_wait_gone me "a precious line"
ui_keys me C-y
check "Ctrl-Y brings it back" ui_wait_line me -1 "> a precious line"
ui_keys me C-u

# ---- a corrected action, and //me ----
ui_say me "/me wavs"
check "an action" ui_wait me "* $A wavs"
ui_say me "/correct waves"
check "its correction is what was sent: text, not an action" ui_wait me "$A> waves (corrected)"
check "... and no action line is left" ui_lacks me "* $A wav"
ui_say me "/correct /me waves"
check "a correction that says /me is an action" ui_wait me "* $A waves (corrected)"
ui_say me "//me is how you act"
# (the space after /me is a no-break space: no client reads an action)
check "//me is text" ui_wait_re me "$A> /me.{1,2}is how you act"
check "... not an action" ui_lacks me "* $A is how"

# ---- wrapped rows start in one column ----
ui_say me "$(printf 'word%.0s ' {1..40})"
check "a long line wraps under the nick, one column past the time" \
	ui_wait_re me '│ {7}word word'
check "... never under the text" bash -c "! tmux -L $UI_SOCK capture-pane -p -t ui:me | grep -qE '│ {8,}word'"

# ---- a cut title ends in "…" ----
tm resize-window -t ui:me -x 50 -y 30
check "the title is cut with …" ui_wait_line me 0 "…"
tm resize-window -t ui:me -x 100 -y 30

# ---- /join of a room we are in ----
room=df$$@${TUKTUK_TEST_MUC:-conference.localhost}
ui_say me "/join $room"
check "joined" ui_wait me "you created the room"
ui_keys me M-1
ui_say me "/join $room"
check "/join again says we are in" ui_wait me "you are already in $room as $A"
check "... and goes to the room" ui_wait_line me 0 "room: $room"
ui_say me "/join $room/other"
check "another nick is pointed to /nick" ui_wait_said me "/nick other changes your nick"

ui_say me "/quit"
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"
ui_done
