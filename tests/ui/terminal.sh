#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/terminal.sh - what tuktuk leaves to the terminal and asks of
# it (issue 9): on a terminal without colours (vt100) the title bar and
# the status line are still drawn in reverse video, so they stand apart
# from the panes; and the terminal's own title, set before the start, is
# back once tuktuk has exited (xterm's title stack; tmux keeps one).
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}

# row_sgr WINDOW ROW: screen row ROW (0-based, negative from the bottom)
# with its attributes as SGR sequences.
row_sgr() {
	local lines
	mapfile -t lines < <(tm capture-pane -e -p -t "ui:$1" 2>/dev/null)
	local r=$2
	[ "$r" -lt 0 ] && r=$((${#lines[@]} + r))
	printf '%s\n' "${lines[$r]:-}"
}

# reverse_row WINDOW ROW: the row is drawn in reverse video (SGR 7).
reverse_row() {
	local row
	row=$(row_sgr "$1" "$2")
	if ! [[ $row =~ $'\e'\[([0-9]+\;)*7[\;m] ]]; then
		printf '# row %s has no reverse video: %q\n' "$2" "$row"
		return 1
	fi
}

# ---- a terminal without colours
A=$(ui_user a)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw >/dev/null
UI_TERM=vt100 ui_start mono "$A" a-pw 80 24
check "vt100: logs in" ui_wait_line mono -2 "[$A@$DOMAIN"
check "vt100: the title bar is in reverse video" reverse_row mono 0
check "vt100: the status line is in reverse video" reverse_row mono -2
ui_type mono "/quit"
ui_keys mono Enter
check "vt100: /quit exits 0" test "$(ui_wait_exit "$A")" = 0
check "vt100: no sanitizer report" ui_clean_stderr "$A"

# ---- the terminal's title comes back
B=$(ui_user b)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$B" b-pw >/dev/null
mkdir -p "$UI_TMP/$B/data" "$UI_TMP/$B/config"
(umask 077 && printf 'b-pw\n' >"$UI_TMP/$B/pw")
# The shell sets its title, runs tuktuk, and stays (so that the pane and
# its title outlive tuktuk).
cat >"$UI_TMP/$B/run" <<-EOF
	#!/bin/sh
	export TERM=tmux-256color
	unset TMUX
	printf '\033]2;my shell title\033\\\\'
	"$TUKTUK_BIN" --jid "$B@$DOMAIN" --server 127.0.0.1 --port "$TUKTUK_TEST_C2S_PORT" \\
		--ca-file "$TUKTUK_TEST_CA" --password-file "$UI_TMP/$B/pw" \\
		-d "$UI_TMP/$B/data" -c "$UI_TMP/$B/config" 2>"$UI_TMP/$B.err"
	echo \$? >"$UI_TMP/$B.status"
	exec sleep 600
EOF
chmod +x "$UI_TMP/$B/run"
# The first test's tmux server went with its last pane: start another.
if tm has-session -t ui 2>/dev/null; then
	tm new-window -d -t ui -n title "$UI_TMP/$B/run"
else
	tm new-session -d -s ui -n title -x 80 -y 24 "$UI_TMP/$B/run"
	tm set-option -g status off
fi
tm resize-window -t ui:title -x 80 -y 24

pane_title() {
	tm display-message -p -t ui:title '#{pane_title}' 2>/dev/null
}

# wait_title TEXT: wait until the pane's title is TEXT.
wait_title() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ "$(pane_title)" = "$1" ] && return 0
		sleep 0.1
	done
	echo "# the title is '$(pane_title)', not '$1'"
	return 1
}

check "title: logs in" ui_wait_line title -2 "[$B@$DOMAIN"
check "title: tuktuk sets its own while it runs" wait_title tuktuk
ui_type title "/quit"
ui_keys title Enter
check "title: /quit exits 0" test "$(ui_wait_exit "$B")" = 0
check "title: the shell's title is back after the exit" wait_title "my shell title"
check "title: no sanitizer report" ui_clean_stderr "$B"
ui_done
