#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/scrollback.sh - a full chat pane and scrolling back (issue 9):
# after 60 messages, and after /help, the newest line is on the pane's
# last row, with no empty rows below it (line-by-line scrolling is the
# default; jump_scroll = yes brings back the half-page jumps); scrolled
# back with PgUp, new messages leave the view where it is and are counted
# on the status line, "[2 new below: PgDn]", until PgDn comes back down.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
send() { # WINDOW TEXT: type a line and Enter
	ui_type "$1" "$2"
	ui_keys "$1" Enter
}

# pane_full WINDOW: every row of the chat pane shows something, the last
# one included: no empty rows below the newest line.
pane_full() {
	local deadline=$((SECONDS + UI_WAIT)) empty
	while [ "$SECONDS" -le "$deadline" ]; do
		empty=$(ui_screen "$1" | sed -n '2,$p' | head -n -2 | sed -e 's/^[^│]*│//' | grep -c '^ *$')
		[ "$empty" = 0 ] && return 0
		sleep 0.1
	done
	echo "# $empty empty rows in the chat pane:"
	ui_screen "$1" | sed 's/^/# | /'
	return 1
}

# last_row_empty WINDOW: the chat pane's last row is empty.
last_row_empty() {
	ui_row "$1" -3 | sed -e 's/^[^│]*│//' | grep -q '^ *$'
}

A=$(ui_user a)
B=$(ui_user b)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw >/dev/null
ui_start me "$A" a-pw 100 30
ui_start peer "$B" b-pw 100 30
check "me logs in" ui_wait_line me -2 "[$A@$DOMAIN"
check "peer logs in" ui_wait_line peer -2 "[$B@$DOMAIN"

# /help in the status window, three times: more lines than the pane
# (/help alone is a short overview).
fill_with_help() { # WINDOW
	local i
	for i in 1 2 3; do
		send "$1" "/help"
	done
	ui_wait_said "$1" "Keys: Alt-1..0" >/dev/null
}
fill_with_help me
check "/help shows" ui_wait me "Keys: Alt-1..0"
check "after /help, no empty rows below the newest line" pane_full me

send me "/msg $B@$DOMAIN"
check "me's chat is open" ui_wait_line me 0 "chat: $B@$DOMAIN"
send peer "/msg $A@$DOMAIN"
check "the peer's chat is open" ui_wait_line peer 0 "chat: $A@$DOMAIN"
for ((i = 1; i <= 60; i++)); do
	send peer "message number $i"
	# a steady conversation, not one burst painted once
	ui_wait peer "$B> message number $i" >/dev/null
done
check "the 60th message shows" ui_wait me "$B> message number 60"
check "it is on the pane's last row" ui_wait_line me -3 "message number 60"
check "after 60 messages, no empty rows below the newest line" pane_full me

# Scrolled back, new lines are counted, and the view stays.
ui_keys me PPage
check "PgUp scrolls back" ui_wait_gone me "message number 60"
check "the title says more is below" ui_wait_line me 0 "more below: PgDn"
before=$(ui_screen me | sed -n '2,27p')
send peer "after scrolling 1"
send peer "after scrolling 2"
check "the peer's messages went" ui_wait peer "$B> after scrolling 2"
check "the status line counts the new lines" ui_wait_line me -2 "[2 new below: PgDn]"
check "the view stays where it was" test "$(ui_screen me | sed -n '2,27p')" = "$before"
ui_keys me NPage
check "PgDn: one page down, the two new lines still below" ui_wait_line me -2 "[2 new below: PgDn]"
ui_keys me NPage
check "PgDn again comes back to the newest line" ui_wait_line me -3 "after scrolling 2"
check "the count goes" ui_wait_gone me "new below: PgDn"

send me "/quit"
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"

# jump_scroll = yes: the old half-page jumps, for slow links.
C=$(ui_user c)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$C" c-pw >/dev/null
mkdir -p "$UI_TMP/$C/config"
printf '[ui]\njump_scroll = yes\n' >"$UI_TMP/$C/config/config"
ui_start jump "$C" c-pw 100 30
check "jump: logs in" ui_wait_line jump -2 "[$C@$DOMAIN"
fill_with_help jump
check "jump: /help shows" ui_wait jump "Keys: Alt-1..0"
check "jump: the pane jumped, leaving empty rows below" last_row_empty jump
send jump "/quit"
check "jump: /quit exits 0" test "$(ui_wait_exit "$C")" = 0
check "jump: no sanitizer report" ui_clean_stderr "$C"
send peer "/quit"
check "the peer exits 0" test "$(ui_wait_exit "$B")" = 0
ui_done
