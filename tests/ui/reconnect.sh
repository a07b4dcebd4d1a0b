#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/reconnect.sh - the server goes away and comes back, with the
# real binary at 100x30: the status line counts down to the next attempt,
# the client comes back by itself, says that the old session could not be
# resumed (the restarted server has forgotten it, XEP-0198) and logs in
# again, and chatting works as before. Runs its own Prosody, so that
# stopping it disturbs no other test.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

ui_own_server reconnect-server

me=$(ui_user recme)
peer=$(ui_user recpeer)
"$UI_PROSODY" adduser "$server" "$me" rec-pw "$peer" rec-pw >/dev/null
ui_start me "$me" rec-pw 100 30
ui_start peer "$peer" rec-pw 100 30
check "logged in" ui_wait me "logged in as"
check "the peer too" ui_wait peer "logged in as"
ui_type me "/msg $peer@localhost before the outage"
ui_keys me Enter
check "a message goes through" ui_wait_line peer -2 "[act: 2]"
ui_keys peer M-a
check "and reads" ui_wait peer "before the outage"

ui_keys me M-1
stop_server
check "the status line counts down to the next attempt" ui_wait_line me -2 "reconnecting in" 20
"$UI_PROSODY" restart "$server" >/dev/null
check "the client comes back by itself" ui_wait me "could not resume the session" 60
check "and logs in again" ui_wait_line me -2 "[online]" 60
check "the peer comes back too" ui_wait_line peer -2 "[online]" 60
ui_keys me M-2
ui_type me "after the outage"
ui_keys me Enter
check "and chatting works as before" ui_wait peer "after the outage" 30

for who in me peer; do
	ui_type "$who" "/quit"
	ui_keys "$who" Enter
done
check "me exits 0" [ "$(ui_wait_exit "$me")" = 0 ]
check "peer exits 0" [ "$(ui_wait_exit "$peer")" = 0 ]
check "no sanitizer report" ui_clean_stderr "$me"
ui_done
