# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/lib.sh - helpers for the tmux tests of the real binary; sourced
# by the executable tests/ui/*.sh (this file is not executable, so
# tests/run does not run it on its own).
#
# Each test uses its own tmux server (tmux -L NAME -f /dev/null), runs
# tuktuk in windows of it at a fixed size, waits for screen content by
# polling capture-pane against a deadline (never a fixed sleep as an
# assertion), and prints "N passed, N failed" last.

set -u

: "${TUKTUK_BIN:?run through tests/run (TUKTUK_BIN unset)}"
: "${TUKTUK_TEST_RUNDIR:?run through tests/run}"
: "${TUKTUK_TEST_C2S_PORT:?run through tests/run}"
: "${TUKTUK_TEST_CA:?run through tests/run}"

UI_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
UI_PROSODY=${TUKTUK_TEST_PROSODY:-$UI_ROOT/scripts/prosody}
UI_TMP=${TUKTUK_TEST_TMP:-$(mktemp -d "${TMPDIR:-/tmp}/tuktuk-ui.XXXXXX")}
UI_SOCK=tuktuk-ui-$$-$RANDOM
UI_PASSED=0
UI_FAILED=0
UI_WAIT=${TUKTUK_UI_WAIT:-15} # seconds for any one condition

export LC_ALL=C.UTF-8

tm() {
	tmux -L "$UI_SOCK" -f /dev/null "$@"
}

ui_cleanup() {
	tm kill-server >/dev/null 2>&1 || true
}
trap ui_cleanup EXIT

ok() {
	UI_PASSED=$((UI_PASSED + 1))
	echo "ok - $*"
}

not_ok() {
	UI_FAILED=$((UI_FAILED + 1))
	echo "not ok - $*"
}

# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

ui_done() {
	ui_cleanup
	echo "$UI_PASSED passed, $UI_FAILED failed"
	[ "$UI_FAILED" -eq 0 ]
}

# A unique account name (letters, digits) with a given prefix.
ui_user() {
	printf '%s%s%s' "$1" "$$" "$RANDOM"
}

# ui_start WINDOW USER PASSWORD COLS ROWS: run tuktuk as USER@localhost
# in tmux window WINDOW, with TERM=$UI_TERM (default tmux-256color). Its stderr goes to $UI_TMP/USER.err and its exit
# status to $UI_TMP/USER.status when it ends. With UI_NAME set, that name
# replaces USER in those files and in its folder: a second instance of
# the same account (another resource). UI_ARGS, when set, are more
# command-line options (split at spaces).
ui_start() {
	local win=$1 user=$2 pw=$3 cols=$4 rows=$5 name=${UI_NAME:-$2}
	local dir=$UI_TMP/$name
	# Without $TMUX, tuktuk does not go away while no client is attached
	# (our sessions never have one); away.sh sets UI_KEEP_TMUX to test that.
	local keep_tmux="unset TMUX"
	[ -n "${UI_KEEP_TMUX:-}" ] && keep_tmux=":"
	mkdir -p "$dir/data" "$dir/config"
	rm -f "$UI_TMP/$name.status" # a restart must not find the last run's
	(umask 077 && printf '%s\n' "$pw" >"$dir/pw")
	cat >"$dir/run" <<-EOF
		#!/bin/sh
		export TERM=${UI_TERM:-tmux-256color}
		$keep_tmux
		"$TUKTUK_BIN" --jid "$user@${TUKTUK_TEST_DOMAIN:-localhost}" --server 127.0.0.1 \\
			--port "$TUKTUK_TEST_C2S_PORT" --ca-file "$TUKTUK_TEST_CA" --password-file "$dir/pw" \\
			-d "$dir/data" -c "$dir/config" ${UI_ARGS:-} 2>"$UI_TMP/$name.err"
		echo \$? >"$UI_TMP/$name.status"
	EOF
	chmod +x "$dir/run"
	if ! tm has-session -t ui 2>/dev/null; then
		tm new-session -d -s ui -n "$win" -x "$cols" -y "$rows" "$dir/run"
		tm set-option -g status off
		tm set-option -g default-terminal tmux-256color
		tm set-option -g remain-on-exit off
	else
		tm new-window -d -t ui -n "$win" "$dir/run"
	fi
	tm resize-window -t "ui:$win" -x "$cols" -y "$rows"
}

# ui_own_server NAME: a Prosody of this test's own in $UI_TMP/NAME, for a
# test that stops or kills it without disturbing the others: sets server
# (its run folder) and points the TUKTUK_TEST_* of ui_start at it;
# stop_server stops it, and so does the exit.
ui_own_server() {
	server=$UI_TMP/$1
	"$UI_PROSODY" start "$server" >/dev/null
	# shellcheck source=/dev/null
	. "$server/env"
	TUKTUK_TEST_RUNDIR=$server
	TUKTUK_TEST_C2S_PORT=$PROSODY_C2S_PORT
	TUKTUK_TEST_CA=$PROSODY_CA
	trap 'stop_server; ui_cleanup' EXIT
}

stop_server() {
	"$UI_PROSODY" stop "$server" >/dev/null 2>&1 || true
}

ui_screen() {
	tm capture-pane -p -t "ui:$1" 2>/dev/null
}

# ui_wait_grep WINDOW FLAG PATTERN SHOWN SECONDS: wait until grep FLAG
# (-F or -E) finds PATTERN on screen; SHOWN names it in the timeout message.
ui_wait_grep() {
	local win=$1 flag=$2 pattern=$3 shown=$4 limit=$5
	local deadline=$((SECONDS + limit))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_screen "$win" | grep -q "$flag" -- "$pattern" && return 0
		sleep 0.1
	done
	echo "# timed out waiting for $shown in window $win; screen was:" >&2
	ui_screen "$win" | sed 's/^/# | /' >&2
	return 1
}

# ui_wait WINDOW TEXT [SECONDS]: wait until TEXT (fixed string) is on screen.
ui_wait() {
	ui_wait_grep "$1" -F "$2" "'$2'" "${3:-$UI_WAIT}"
}

# ui_wait_re WINDOW REGEX: wait until a screen row matches REGEX (ERE).
ui_wait_re() {
	ui_wait_grep "$1" -E "$2" "/$2/" "$UI_WAIT"
}

# ui_chat_text WINDOW: the chat pane's rows as one line, joined by
# spaces, so that a text wrapped onto the next row (at a space) is found.
ui_chat_text() {
	ui_screen "$1" | sed -n '2,$p' | sed -e 's/^[^│]*│//' -e 's/^ *//' | tr '\n' ' '
}

# ui_wait_said WINDOW TEXT: wait until the chat pane shows TEXT, wrapped
# or not.
ui_wait_said() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_chat_text "$1" | grep -qF -- "$2" && return 0
		sleep 0.1
	done
	echo "# timed out waiting for '$2' in the chat pane of window $1; screen was:" >&2
	ui_screen "$1" | sed 's/^/# | /' >&2
	return 1
}

# ui_wait_gone WINDOW TEXT [SECONDS]: wait until TEXT is no longer shown.
ui_wait_gone() {
	local win=$1 text=$2 limit=${3:-$UI_WAIT}
	local deadline=$((SECONDS + limit))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_screen "$win" | grep -qF -- "$text" || return 0
		sleep 0.1
	done
	echo "# timed out waiting for '$text' to go from window $win" >&2
	return 1
}

# ui_wait_under WINDOW TEXT BELOW: wait until the screen row right under
# the first one showing TEXT shows BELOW (a line's error in place).
ui_wait_under() {
	local win=$1 deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_screen "$win" | grep -F -A1 -m1 -- "$2" | sed -n 2p | grep -qF -- "$3" && return 0
		sleep 0.1
	done
	echo "# timed out waiting for '$3' under '$2' in window $win; screen was:" >&2
	ui_screen "$win" | sed 's/^/# | /' >&2
	return 1
}

# ui_wait_line WINDOW ROW TEXT: wait until screen row ROW (0-based, or
# negative from the bottom) contains TEXT.
ui_wait_line() {
	local win=$1 row=$2 text=$3 limit=${4:-$UI_WAIT}
	local deadline=$((SECONDS + limit))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_row "$win" "$row" | grep -qF -- "$text" && return 0
		sleep 0.1
	done
	echo "# timed out waiting for '$text' on row $row of window $win; row was:" >&2
	ui_row "$win" "$row" | sed 's/^/# | /' >&2
	return 1
}

ui_row() {
	local lines
	mapfile -t lines < <(ui_screen "$1")
	local n=${#lines[@]} r=$2
	[ "$r" -lt 0 ] && r=$((n + r))
	printf '%s\n' "${lines[$r]:-}"
}

# ui_cursor WINDOW: "FLAG ROW COL" of the terminal cursor (FLAG 1 when
# shown, ROW 0-based from the top).
ui_cursor() {
	tm display-message -p -t "ui:$1" '#{cursor_flag} #{cursor_y} #{cursor_x}' 2>/dev/null
}

# ui_wait_cursor WINDOW WHERE: wait until the cursor is shown on the input
# line (WHERE=input: the last row) or in the roster pane (WHERE=roster:
# between the title and the status line, left of column 24).
ui_wait_cursor() {
	local win=$1 where=$2 deadline=$((SECONDS + UI_WAIT)) flag row col rows
	while [ "$SECONDS" -le "$deadline" ]; do
		read -r flag row col <<<"$(ui_cursor "$win")"
		rows=$(tm display-message -p -t "ui:$win" '#{pane_height}' 2>/dev/null)
		if [ "${flag:-0}" = 1 ] && [ -n "$rows" ]; then
			[ "$where" = input ] && [ "$row" -eq $((rows - 1)) ] && return 0
			[ "$where" = roster ] && [ "$row" -ge 1 ] && [ "$row" -le $((rows - 3)) ] &&
				[ "$col" -lt 24 ] && return 0
		fi
		sleep 0.1
	done
	echo "# timed out waiting for the cursor in the $where of window $win: $(ui_cursor "$win")" >&2
	return 1
}

# ui_say WINDOW TEXT: type a line and Enter.
ui_say() {
	ui_type "$1" "$2"
	ui_keys "$1" Enter
}

# ui_lacks WINDOW TEXT: the screen (all of it) does not show TEXT.
ui_lacks() {
	ui_screen "$1" | grep -qF -- "$2" || return 0
	echo "# '$2' is on the screen of $1:" >&2
	ui_screen "$1" | sed 's/^/# | /' >&2
	return 1
}

# ui_rows_with WINDOW TEXT COUNT: wait until TEXT shows on exactly COUNT
# rows of the screen (a message said once, not twice).
ui_rows_with() {
	local win=$1 text=$2 count=$3 deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ "$(ui_screen "$win" | grep -cF -- "$text")" -eq "$count" ] && return 0
		sleep 0.1
	done
	echo "# '$text' is on $(ui_screen "$win" | grep -cF -- "$text") rows, not $count:" >&2
	ui_screen "$win" | sed 's/^/# | /' >&2
	return 1
}

# ui_above WINDOW UPPER LOWER: wait until one capture of the screen shows
# a row ending in UPPER above a row ending in LOWER (two captures could
# straddle a scroll).
ui_above() {
	local win=$1 upper=$2 lower=$3 deadline=$((SECONDS + UI_WAIT)) screen a b
	while [ "$SECONDS" -le "$deadline" ]; do
		screen=$(ui_screen "$win")
		a=$(printf '%s\n' "$screen" | grep -nF -- "$upper" | grep -- "$upper\$" | head -1 | cut -d: -f1)
		b=$(printf '%s\n' "$screen" | grep -nF -- "$lower" | grep -- "$lower\$" | head -1 | cut -d: -f1)
		[ -n "$a" ] && [ -n "$b" ] && [ "$a" -lt "$b" ] && return 0
		sleep 0.1
	done
	echo "# '$upper' (row ${a:-none}) is not above '$lower' (row ${b:-none}):" >&2
	printf '%s\n' "$screen" | sed 's/^/# | /' >&2
	return 1
}

ui_keys() {
	local win=$1
	shift
	tm send-keys -t "ui:$win" "$@"
}

# Type literal text (no key names), then optionally Enter.
ui_type() {
	tm send-keys -t "ui:$1" -l -- "$2"
}

# ui_wait_exit USER: wait for tuktuk of USER to exit; prints its status.
ui_wait_exit() {
	local f=$UI_TMP/$1.status deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ -s "$f" ] && {
			cat "$f"
			return 0
		}
		sleep 0.1
	done
	echo timeout
	return 1
}

# ui_layout_ok WINDOW COLS ROWS: the screen has ROWS rows, none wider
# than COLS display columns, and the roster separator '│' sits in the same
# column on every pane row: wide and combining characters counted right,
# nothing left over from another size. Display widths come from wc -L,
# which uses wcwidth like tuktuk.
ui_layout_ok() {
	local cols=$2 rows=$3 lines i w sep='' col
	mapfile -t lines < <(ui_screen "$1")
	if [ "${#lines[@]}" -ne "$rows" ]; then
		echo "# ${#lines[@]} rows, expected $rows"
		return 1
	fi
	for ((i = 0; i < rows; i++)); do
		w=$(printf '%s\n' "${lines[$i]}" | wc -L)
		if [ "$w" -gt "$cols" ]; then
			echo "# row $i is $w columns wide"
			return 1
		fi
		[ "$i" -gt 0 ] && [ "$i" -lt $((rows - 2)) ] || continue
		if [[ ${lines[$i]} != *│* ]]; then
			echo "# row $i has no separator: ${lines[$i]}"
			return 1
		fi
		col=$(printf '%s\n' "${lines[$i]%%│*}" | wc -L)
		if [ -n "$sep" ] && [ "$col" != "$sep" ]; then
			echo "# row $i: separator in column $col, not $sep: ${lines[$i]}"
			return 1
		fi
		sep=$col
	done
}

# ui_wait_layout WINDOW COLS ROWS: wait until ui_layout_ok holds.
ui_wait_layout() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		ui_layout_ok "$@" >/dev/null && return 0
		sleep 0.1
	done
	ui_layout_ok "$@"
}

# ui_clean_stderr USER: its stderr shows no ASan/UBSan report.
ui_clean_stderr() {
	local f=$UI_TMP/$1.err
	! grep -qE 'ERROR: AddressSanitizer|runtime error:|LeakSanitizer' "$f" 2>/dev/null
}

# ui_store USER SQL: runs SQL on USER's message store (read-only, beside
# the running tuktuk: WAL lets readers in while it writes).
ui_store() {
	sqlite3 -readonly "$UI_TMP/$1/data/messages.db" "$2"
}
