#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/terms.sh - the UI works with TERM set to tmux-256color,
# screen-256color, xterm-256color and vt100 (monochrome, 80x24): it logs
# in, draws the roster, status and input lines, opens a chat with
# Alt-r j Enter, sends a message, and /quit exits 0.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
for term in tmux-256color screen-256color xterm-256color vt100; do
	A=$(ui_user a)
	B=$(ui_user b)
	"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw >/dev/null
	"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null
	UI_TERM=$term ui_start "$term" "$A" a-pw 80 24
	check "$term: logs in" ui_wait_line "$term" -2 "[$A@$DOMAIN"
	check "$term: roster with its group" ui_wait "$term" "v Friends (0/1)"
	check "$term: input line" ui_wait_line "$term" -1 ">"
	ui_keys "$term" M-r j Enter
	check "$term: Alt-r j Enter opens the chat" ui_wait "$term" "chat: Bob <$B@$DOMAIN>"
	ui_type "$term" "hello on $term"
	ui_keys "$term" Enter
	check "$term: the message shows" ui_wait "$term" "$A> hello on $term"
	ui_type "$term" "/quit"
	ui_keys "$term" Enter
	check "$term: /quit exits 0" test "$(ui_wait_exit "$A")" = 0
	check "$term: no sanitizer report" ui_clean_stderr "$A"
done
ui_done
