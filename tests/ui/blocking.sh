#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/blocking.sh - blocking (XEP-0191) as a user meets it: /block
# with a contact's name, the server's confirmation in the status window,
# the ! mark in the roster, /blocked, a message from the blocked contact
# that never shows while one sent after /unblock does, and the roster's F3,
# which asks for the typed word "block" before it blocks (y blocks nobody)
# and unblocks at once.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
RUN=$TUKTUK_TEST_RUNDIR
A=$(ui_user blk)
P=$(ui_user pest)
"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$P" p-pw >/dev/null
"$UI_PROSODY" rosteradd "$RUN" "$A" "$P@$DOMAIN" "Pest" Friends >/dev/null



# The roster pane (left of the separator) has a row matching REGEX.
roster_re() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_screen me | sed 's/│.*//' | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

ui_start me "$A" a-pw 100 30
ui_start pest "$P" p-pw 100 30
check "logged in" ui_wait me "logged in as"
check "the pest is logged in" ui_wait pest "logged in as"

ui_say me "/block Pest"
check "the server's confirmation is said, with the name" ui_wait me "blocked Pest ($P@$DOMAIN)"
check "the roster marks the contact with !" roster_re '^! . Pest'
ui_say me "/blocked"
check "/blocked lists it" ui_wait me "blocked: $P@$DOMAIN"

# In plaintext: the first OMEMO message would wait for the device list of
# someone who blocks us, a question the server never answers.
ui_say pest "/msg $A@$DOMAIN"
ui_say pest "/omemo off"
ui_say pest "you cannot see this"
ui_say me "/unblock Pest"
check "unblocking is said" ui_wait me "unblocked Pest ($P@$DOMAIN)"
check "the mark is gone" roster_re '^  . Pest'
ui_say pest "now you can"
check "a message after the unblock arrives" ui_wait me "[act: 2]"
ui_keys me M-2
check "... and shows" ui_wait me "now you can"
check "the one sent while blocked never shows" ui_wait_gone me "you cannot see this"

# The roster's F3 asks first; only the word block blocks.
ui_keys me M-1 M-r g j
ui_keys me F3
check "F3 asks, naming the contact" ui_wait me "block Pest ($P@$DOMAIN)? type block and Enter"
ui_type me "y"
ui_keys me Enter
check "y blocks nobody" ui_wait me "not blocked: Pest"
# After a question the roster has the keys again, on the same contact.
ui_keys me F3
ui_type me "block"
ui_keys me Enter
check "the word block blocks" roster_re '^! . Pest'
ui_keys me F3
check "F3 on a blocked contact unblocks at once" roster_re '^  . Pest'
ui_keys me Escape
check "Esc gives the keys back to the input line" ui_wait_gone me "keys go to the roster"

ui_say me "/quit"
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"
ui_done
