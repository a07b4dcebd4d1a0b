#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/statusline.sh - a full status line keeps what it is for (issue
# 9): with 16 windows at 120 columns, the current window, every window
# with news, [1:status] and the [act: ...] list stay on the line, a room
# line that names us is marked apart ("!", also in the act list) from
# ordinary news ("*"), and the windows left out are counted as "[+N]".
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
send() { # WINDOW TEXT: type a line and Enter
	ui_type "$1" "$2"
	ui_keys "$1" Enter
}
status_has() { # WINDOW REGEX: the status line matches REGEX (ERE)
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_row "$1" -2 | grep -qE -- "$2" && return 0
		sleep 0.1
	done
	echo "# the status line does not match /$2/:"
	ui_row "$1" -2 | sed 's/^/# | /'
	return 1
}

A=$(ui_user a)
B=$(ui_user b)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw >/dev/null
room=st$$@${TUKTUK_TEST_MUC:-conference.localhost}
ui_start me "$A" a-pw 120 40
ui_start peer "$B" b-pw 120 40
check "me logs in" ui_wait_line me -2 "[$A@$DOMAIN"
check "peer logs in" ui_wait_line peer -2 "[$B@$DOMAIN"

# Window 2: a room; 3 to 15: chats; 16: the peer's chat, opened by a
# message once the line is full.
send me "/join $room/anna"
check "me joins the room (window 2)" ui_wait_line me 0 "you are anna"
for ((i = 3; i <= 15; i++)); do
	send me "/msg window$i@$DOMAIN"
	ui_wait_line me 0 "chat: window$i@$DOMAIN" >/dev/null
done
check "15 windows are open" ui_wait_line me 0 "chat: window15@$DOMAIN"
send peer "/join $room/bert"
check "the peer joins the room" ui_wait peer "you joined the room as bert"
send peer "/msg $A@$DOMAIN"
check "the peer's chat is open" ui_wait_line peer 0 "chat: $A@$DOMAIN"
ui_keys me M-5
check "me goes to window 5" ui_wait_line me 0 "chat: window5@$DOMAIN"

send peer "hello window sixteen"
check "the message opens window 16, with news" status_has me '\[16:[^]]*\*\]'
ui_keys peer M-2
check "the peer is in the room" ui_wait_line peer 0 "room: "
send peer "just chatting"
check "room traffic: news, not a mention" status_has me '\[2:[^]]*\*\]'
check "the act list has both" status_has me '\[act: 2,16\]$'
send peer "anna: look here"
check "a line naming us marks the room with '!'" status_has me '\[2:[^]]*!\]'
check "... and in the act list" status_has me '\[act: 2!,16\]$'
check "the current window stays" status_has me '\[5:window5\]'
check "[1:status] stays" status_has me '\[1:status\]'
check "the windows left out are counted" status_has me '\[\+[0-9]+\]'
check "the line fits in 120 columns" test "$(ui_row me -2 | wc -L)" -le 120
check "layout" ui_layout_ok me 120 40
ui_keys me M-2
check "going to the room clears its mention" status_has me '\[act: 16\]$'

send me "/quit"
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"
send peer "/quit"
check "the peer exits 0" test "$(ui_wait_exit "$B")" = 0
check "no sanitizer report (peer)" ui_clean_stderr "$B"
ui_done
