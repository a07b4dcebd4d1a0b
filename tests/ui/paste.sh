#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/paste.sh - a bracketed paste is never sent without Enter
# (issue 9): whole lines pasted (ending with a newline) wait on the input
# line without their last newline; Enter sends them as one message. A
# paste of more than 5 lines (paste_confirm_lines) asks "send N lines?"
# at Enter; Esc goes back to the line, unsent; Enter again sends it.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user a)
B=$(ui_user b)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw >/dev/null

# paste WINDOW TEXT: paste TEXT as the terminal would (tmux brackets it,
# since tuktuk asked for bracketed paste).
paste() {
	tm set-buffer -b tuktuk-paste -- "$2"
	tm paste-buffer -p -d -b tuktuk-paste -t "ui:$1"
}

# never_shows WINDOW TEXT: TEXT is not on screen, now or 2 s later.
never_shows() {
	sleep 2 # the time a message takes to come back is well under this
	if ui_screen "$1" | grep -qF -- "$2"; then
		echo "# '$2' is on screen of window $1"
		return 1
	fi
}

ui_start peer "$B" b-pw 100 30
ui_start me "$A" a-pw 100 30
check "peer logs in" ui_wait_line peer -2 "[$B@$DOMAIN"
check "me logs in" ui_wait_line me -2 "[$A@$DOMAIN"
ui_type me "/msg $B@$DOMAIN"
ui_keys me Enter
check "the chat is open" ui_wait me "chat: $B@$DOMAIN"
ui_type peer "/msg $A@$DOMAIN"
ui_keys peer Enter
check "the peer's chat is open" ui_wait peer "chat: $A@$DOMAIN"

# Two whole lines: they wait for Enter.
paste me $'first pasted line\nsecond pasted line\n'
check "two pasted lines are on the input line" ui_wait_line me -1 "first pasted line↵second pasted line"
check "... without their last newline" ui_wait_re me '^> first pasted line↵second pasted line *$'
check "... and are not sent" never_shows peer "second pasted line"
ui_keys me Enter
check "Enter sends them" ui_wait peer "second pasted line"
check "... as one message" ui_wait peer "$A> first pasted line"

# 300 lines: Enter asks first.
long=''
for ((i = 1; i <= 300; i++)); do long+="long paste $i"$'\n'; done
paste me "$long"
check "300 pasted lines wait on the input line" ui_wait_line me -1 "long paste 299↵long paste 300"
check "... unsent" never_shows peer "long paste 300"
ui_keys me Enter
check "Enter asks first" ui_wait_line me -1 "send 300 lines? Enter: send, Esc: edit"
check "... and sends nothing yet" never_shows peer "long paste 300"
ui_keys me Escape
check "Esc takes the question back" ui_wait_gone me "send 300 lines?"
check "... and keeps the text" ui_wait_line me -1 "long paste 299↵long paste 300"
check "... unsent" never_shows peer "long paste 300"
ui_keys me Enter
check "Enter asks again" ui_wait_line me -1 "send 300 lines?"
ui_keys me Enter
check "Enter on the question sends them" ui_wait peer "long paste 300"
check "the input line is empty again" ui_wait_re me '^> *$'

ui_type me "/quit"
ui_keys me Enter
check "/quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "no sanitizer report" ui_clean_stderr "$A"
ui_type peer "/quit"
ui_keys peer Enter
check "the peer exits 0" test "$(ui_wait_exit "$B")" = 0
check "no sanitizer report (peer)" ui_clean_stderr "$B"
ui_done
