#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/demo.sh - `make demo` as a user runs it (issue 9, item 15):
# scripts/demo under a parent process (as make is), from an interactive
# shell in tmux. Ctrl-Z gives the shell back (the whole job stops, not
# only tuktuk), `fg` brings tuktuk back, repainted; a second demo in the
# same folder refuses, saying what to do, and the first one's server goes
# on serving it; /quit ends the demo and its server.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DEMO=$UI_TMP/demo
mkdir -p "$DEMO"

# An interactive shell in a tmux window, with a prompt we can wait for.
shell() { # WINDOW
	if ! tm has-session -t ui 2>/dev/null; then
		tm new-session -d -s ui -n "$1" -x 100 -y 30 "env -i HOME=$UI_TMP PATH=$PATH TERM=tmux-256color PS1='PROMPT\$ ' bash --norc --noprofile -i"
		tm set-option -g status off
	else
		tm new-window -d -t ui -n "$1" "env -i HOME=$UI_TMP PATH=$PATH TERM=tmux-256color PS1='PROMPT\$ ' bash --norc --noprofile -i"
	fi
	tm resize-window -t "ui:$1" -x 100 -y 30
}
demo_cmd="LC_ALL=C.UTF-8 TUKTUK_DEMO_DIR=$DEMO TUKTUK_DEMO_BIN=$TUKTUK_BIN ASAN_OPTIONS=${ASAN_OPTIONS:-} sh -c '$UI_ROOT/scripts/demo 2>>$UI_TMP/demo.err'"

shell one
check "a shell" ui_wait one "PROMPT\$"
ui_say one "$demo_cmd"
check "the demo logs in" ui_wait_line one -2 "[demo@localhost/"
check "... and is online" ui_wait_line one -2 "[online]"

ui_keys one C-z
check "Ctrl-Z gives the shell back" ui_wait_re one 'Stopped.*PROMPT\$ *$|^PROMPT\$ *$'
check "... with the job stopped" ui_wait one "Stopped"
ui_say one "fg"
check "fg brings tuktuk back, repainted" ui_wait_line one 0 "status: tuktuk"
check "... its status line too" ui_wait_line one -2 "[online]"
ui_say one "/ping"
check "... and it still talks to its server" ui_wait one "pong from localhost"

shell two
check "a second shell" ui_wait two "PROMPT\$"
ui_say two "${demo_cmd% 2>>*}'"
check "a second demo in the same folder refuses" ui_wait two "another demo is running in $DEMO"
check "... saying how to run one beside it" ui_wait two "TUKTUK_DEMO_DIR=/tmp/demo2 make demo"
check "... and gives the shell back" ui_wait_re two '^PROMPT\$ *$'
ui_say one "/ping"
check "the first demo's server still answers" ui_rows_with one "pong from localhost" 2

ui_say one "/quit"
check "/quit ends the demo" ui_wait_re one '^PROMPT\$ *$'
check "... and its server" bash -c "! [ -s '$DEMO/prosody/prosody.pid' ] || ! kill -0 \$(cat '$DEMO/prosody/prosody.pid') 2>/dev/null"
check "no sanitizer report" bash -c "! grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' '$UI_TMP/demo.err'"
ui_done
