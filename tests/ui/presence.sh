#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/presence.sh - less presence noise (issue 9, item 12). The same
# presence sent again is not shown again; auto-away does not tell the
# contacts about tmux ("detached") and takes the configured message; it
# follows the tmux session tuktuk runs in, not a client attached to
# another session of the same tmux server; and the status window says
# why tuktuk started away.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user pa)
B=$(ui_user pb)
C=$(ui_user pc)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw "$C" c-pw >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$C" "$B@$DOMAIN" "Bob" Friends >/dev/null






# ---- the same presence again is not shown again ----
ui_start peer "$B" b-pw 100 30
check "the peer logs in" ui_wait_line peer -2 "[online]"
ui_say peer "/msg $A@$DOMAIN"
mkdir -p "$UI_TMP/$A/config"
UI_KEEP_TMUX=1 ui_start me "$A" a-pw 100 30
check "started in a detached session: away" ui_wait_line me -2 "[away]"
check "the status window says why" ui_wait me "auto-away: no tmux client shows this session"
check "the peer sees me away" ui_wait peer "$A@$DOMAIN/"
check "... without a word about tmux" ui_lacks peer "detached"
ui_say me "/msg $B@$DOMAIN"
# The server passes each on in order: once the changed one has come, so
# have the three before it.
for i in 1 2 3; do
	ui_say peer "/status away at lunch"
done
ui_say peer "/status away at lunch!"
check "a changed presence is shown" ui_wait me "is away: at lunch!"
check "the same presence three times was shown once" ui_rows_with me "is away: at lunch" 2

# ---- auto-away follows our tmux session, not the server's clients ----
client_pid=
attach() {
	script -qfc "TERM=xterm tmux -L $UI_SOCK attach -t $1" /dev/null >/dev/null 2>&1 &
	client_pid="$client_pid $!"
}
clients() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ "$(tm list-clients 2>/dev/null | wc -l)" -eq "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
tm new-session -d -s other -x 80 -y 24 "sleep 600"
attach other
check "a client attaches to another session" clients 1
ui_say me "/status"
check "asked after the attach: still auto-away" \
	ui_wait_said me "your presence: online, priority 0 (auto-away shows away until you are back)"
check "... so my status line says away" ui_wait_line me -2 "[away]"
check "... and the peer's title still says away" ui_wait_line peer 0 "(away)"
ui_keys me M-1
attach ui:me
check "a client attaches to my session" clients 2
check "now I am online" ui_wait_line me -2 "[online]"
check "... and told so" ui_wait me "back from auto-away: online"
tm detach-client -a >/dev/null 2>&1 || true
tm detach-client >/dev/null 2>&1 || true
for p in $client_pid; do wait "$p" 2>/dev/null; done

# ---- the auto-away message is configurable ----
mkdir -p "$UI_TMP/$C/config"
printf '[ui]\nautoaway_message = "not at the keyboard"\n' >"$UI_TMP/$C/config/config"
UI_KEEP_TMUX=1 ui_start carol "$C" c-pw 100 30
check "carol starts away" ui_wait_line carol -2 "[away]"
ui_say peer "/msg $C@$DOMAIN"
check "the peer sees carol's configured message" ui_wait_line peer 0 'away: "not at the keyboard"'

for who in me carol peer; do
	ui_say "$who" "/quit"
done
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"
check "no sanitizer report (carol)" ui_clean_stderr "$C"
ui_done
