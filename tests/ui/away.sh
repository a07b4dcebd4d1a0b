#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/away.sh - auto-away on tmux detach, without polling: tuktuk
# watches the tmux socket, whose owner-execute bit tmux sets while a
# client is attached. Started in a detached session, tuktuk is away; a
# client attaching brings it back online, detaching makes it away again.
# A presence the user sets while detached holds until a client attaches.
# The peer (another tuktuk) sees each change in its roster.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user a)
B=$(ui_user b)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null

ui_start peer "$B" b-pw 100 30
check "peer logs in" ui_wait peer "[online]"
UI_KEEP_TMUX=1 ui_start me "$A" a-pw 100 30
check "started detached: my status line says away" ui_wait_line me -2 "[away]"
check "the peer sees me away" ui_wait peer "  - $A"

# The user's own /status while detached holds (issue 9: it was turned
# back to away at once, without a word), until a client comes and goes.
ui_type me "/status online"
ui_keys me Enter
check "/status online while detached says it holds" ui_wait_said me "what you chose holds"
check "... my status line says online" ui_wait_line me -2 "[online]"
check "... and the peer sees me online" ui_wait peer "  * $A"

client_pid=
attach() {
	script -qfc "TERM=xterm tmux -L $UI_SOCK attach -t ui:me" /dev/null >/dev/null 2>&1 &
	client_pid=$!
}
detach() {
	tm detach-client -a >/dev/null 2>&1 || true
	tm detach-client >/dev/null 2>&1 || true
	[ -n "$client_pid" ] && wait "$client_pid" 2>/dev/null
	client_pid=
}

attach
check "a client attaches: online" ui_wait_line me -2 "[online]"
check "the peer sees me online" ui_wait peer "  * $A"
detach
check "the client detaches: away" ui_wait_line me -2 "[away]"
check "the peer sees me away again" ui_wait peer "  - $A"
ui_type me "/quit"
ui_keys me Enter
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"
ui_done
