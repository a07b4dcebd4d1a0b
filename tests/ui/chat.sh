#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/chat.sh - the real binary in tmux against the project's Prosody,
# at 120x40 and at 80x24: log in, roster with groups, offline toggle, CJK,
# emoji and combining names aligned, j/k + Enter opens a chat, a message
# reaches the peer (a second tuktuk), unread markers in the status line
# and the roster, Alt-a, a received message, the live filter, collapsing a
# group, resizing to the other size and back with nothing garbled, the
# message store, no wakeups while idle, and /quit exiting 0 with the peer
# seeing the unavailable presence.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
RUN=$TUKTUK_TEST_RUNDIR

# The main thread's run count (context switches in): unchanged = no wakeups.
runs_of() {
	awk '{print $3}' "/proc/$1/task/$1/schedstat" 2>/dev/null
}

pid_of() {
	pgrep -f -- "--jid $1@" | head -n 1
}

has_layout() {
	ui_wait_layout me "$1" "$2"
}

same_screen_as() {
	local want=$1 deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ "$(ui_screen me)" = "$want" ] && return 0
		sleep 0.1
	done
	diff <(printf '%s\n' "$want") <(ui_screen me) | sed 's/^/# /' | head -20
	return 1
}

scenario() {
	local W=$1 H=$2 OW=$3 OH=$4
	local A B C D E
	A=$(ui_user a)
	B=$(ui_user b)
	C=$(ui_user c)
	D=$(ui_user d)
	E=$(ui_user e)
	echo "# ${W}x${H}: me=$A peer=$B"
	"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$B" b-pw "$C" c-pw "$D" d-pw "$E" e-pw >/dev/null
	"$UI_PROSODY" rosteradd "$RUN" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null
	"$UI_PROSODY" rosteradd "$RUN" "$A" "$C@$DOMAIN" "王小明" Friends >/dev/null
	"$UI_PROSODY" rosteradd "$RUN" "$A" "$D@$DOMAIN" "Dave 😀" Work >/dev/null
	"$UI_PROSODY" rosteradd "$RUN" "$A" "$E@$DOMAIN" $'Zoe\xcc\x81' Work >/dev/null

	ui_start peer "$B" b-pw "$W" "$H"
	check "${W}x${H} peer logs in" ui_wait peer "[online]"
	ui_start me "$A" a-pw "$W" "$H"
	check "${W}x${H} login: the status line shows the account online" \
		ui_wait_line me -2 "[$A@$DOMAIN/"
	check "${W}x${H} roster: group Friends with the peer online" ui_wait me "v Friends (1/2)"
	check "${W}x${H} roster: group Work, all offline" ui_wait me "v Work (0/2)"

	# o shows and hides offline contacts; leave them shown.
	ui_keys me M-r
	local shown=0
	ui_screen me | grep -qF "王小明" && shown=1
	ui_keys me o
	if [ $shown = 1 ]; then
		check "${W}x${H} o hides offline contacts" ui_wait_gone me "王小明"
		ui_keys me o
	else
		check "${W}x${H} o shows offline contacts" ui_wait me "王小明"
	fi
	check "${W}x${H} offline contacts shown" ui_wait me "Dave 😀"
	check "${W}x${H} CJK, emoji and combining names aligned" has_layout "$W" "$H"

	# Browse to the peer and open the chat.
	ui_keys me g j Enter
	check "${W}x${H} j + Enter opens the chat" ui_wait me "chat: Bob <$B@$DOMAIN>"
	ui_type me "hello from me 你好 😀"
	ui_keys me Enter
	check "${W}x${H} my message shows in my window" ui_wait me "$A> hello from me 你好 😀"
	check "${W}x${H} the peer's status line marks the new window unread" \
		ui_wait_line peer -2 "[2:$A*]"
	check "${W}x${H} the peer's activity list" ui_wait_line peer -2 "[act: 2]"
	ui_keys peer M-a
	check "${W}x${H} Alt-a jumps to the window with unread messages" \
		ui_wait peer "hello from me 你好 😀"
	check "${W}x${H} the unread marker goes" ui_wait_gone peer "[act:"

	# A message arrives in the open chat.
	ui_type peer "reply 中文 from peer"
	ui_keys peer Enter
	check "${W}x${H} a received message shows" ui_wait me "Bob> reply 中文 from peer"

	# ... and in a hidden window.
	ui_keys me M-1
	ui_wait me "status: tuktuk" >/dev/null
	ui_type peer "second message"
	ui_keys peer Enter
	check "${W}x${H} unread marker in my status line" ui_wait_line me -2 "[2:Bob*]"
	check "${W}x${H} unread count in my roster" ui_wait me "* Bob (1)"
	ui_keys me M-a
	check "${W}x${H} Alt-a shows the new message" ui_wait me "Bob> second message"
	check "${W}x${H} the roster's unread count goes" ui_wait_gone me "* Bob (1)"
	check "${W}x${H} layout with wide text in the chat" has_layout "$W" "$H"

	# Live filter: f types it, Esc clears it.
	ui_keys me M-r f
	ui_type me "zo"
	check "${W}x${H} the filter shows in the roster title" ui_wait me "roster /zo_"
	check "${W}x${H} the filter hides what does not match" ui_wait_gone me "* Bob"
	check "${W}x${H} the filter keeps what matches" ui_wait me $'Zoe\xcc\x81'
	ui_keys me Escape
	check "${W}x${H} Esc clears the filter" ui_wait me "* Bob"

	# Collapse and expand a group.
	ui_keys me g Space
	check "${W}x${H} Space collapses the group" ui_wait me "> Friends (1/2)"
	check "${W}x${H} a collapsed group hides its contacts" ui_wait_gone me "* Bob"
	ui_keys me Space
	check "${W}x${H} Space expands it again" ui_wait me "* Bob"
	ui_keys me Escape
	check "${W}x${H} Esc gives the keys back to the input line" \
		ui_wait_gone me "keys go to the roster"

	# Resize to the other size and back: same screen, nothing garbled.
	ui_wait me "Bob> second message" >/dev/null
	local before
	before=$(ui_screen me)
	tm resize-window -t ui:me -x "$OW" -y "$OH"
	check "${W}x${H} resized to ${OW}x${OH}: layout" ui_wait_layout me "$OW" "$OH"
	check "${W}x${H} resized: the status line is the second last row" \
		ui_wait_line me -2 "[2:Bob]"
	tm resize-window -t ui:me -x "$W" -y "$H"
	check "${W}x${H} resized back: the same screen as before" same_screen_as "$before"

	# The message store: written, private.
	local db="$UI_TMP/$A/data/messages.db"
	check "${W}x${H} the store has the messages" test "$(ui_store "$A" \
		"select count(*) from msg where conv='$B@$DOMAIN' and body='reply 中文 from peer'")" -ge 1
	check "${W}x${H} the store is private" test "$(stat -c %a "$db" 2>/dev/null)" = 600

	# Idle: no wakeups at all. A stanza from the server can wake us, so
	# any one of three 3-second windows without a wakeup passes; a client
	# that polls would have none.
	local pid r1 r2 try idle=no
	pid=$(pid_of "$A")
	for try in 1 2 3; do
		r1=$(runs_of "$pid")
		sleep 3 # the measurement window, not a wait for a condition
		r2=$(runs_of "$pid")
		[ -n "$r1" ] && [ "$r1" = "$r2" ] && idle=yes && break
	done
	check "${W}x${H} idle for 3 s: no wakeups ($r1 -> $r2)" test "$idle" = yes

	# /quit: exits 0 and the peer sees us go.
	ui_type me "/quit see you"
	ui_keys me Enter
	check "${W}x${H} /quit exits with status 0" test "$(ui_wait_exit "$A")" = 0
	check "${W}x${H} the peer sees the unavailable presence" ui_wait peer "is offline"
	check "${W}x${H} the peer's roster shows it" ui_wait peer "v Friends (0/1)"
	ui_type peer "/quit"
	ui_keys peer Enter
	check "${W}x${H} the peer exits with status 0" test "$(ui_wait_exit "$B")" = 0
	check "${W}x${H} no sanitizer report (me)" ui_clean_stderr "$A"
	check "${W}x${H} no sanitizer report (peer)" ui_clean_stderr "$B"
	tm kill-server >/dev/null 2>&1
}

scenario 120 40 80 24
scenario 80 24 120 40
ui_done
