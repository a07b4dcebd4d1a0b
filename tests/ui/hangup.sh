#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/hangup.sh - the terminal goes away under tuktuk (issue 16).
# First `tmux kill-session`, which hangs up the pane's terminal and sends
# SIGHUP: a contact sees us go offline with no "Disconnected" reason from
# the server, which Prosody adds only when a stream ends without our
# unavailable presence (and then only after its stream-management
# hibernation). Then a real pseudo-terminal whose master is closed (as
# sshd does when the link drops): tuktuk exits 0 by itself, and its XML
# log shows the unavailable presence and the close of the stream.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user hupa)
B=$(ui_user hupb)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$A" a-pw "$B" b-pw >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$A" "$B@$DOMAIN" "Bob" Friends >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$B" "$A@$DOMAIN" "Alice" Friends >/dev/null

# wait_gone PID: wait until the process has ended.
wait_gone() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	return 1
}

# ---- tmux kill-session ----
# Alice gets a tmux session of her own, so that killing it leaves Bob's.
ui_start peer "$B" b-pw 100 30
tm rename-session -t ui bob
ui_start me "$A" a-pw 100 30
tm rename-session -t ui alice
tm rename-session -t bob ui
check "the peer logs in" ui_wait_line peer -2 "[online]"
check "alice logs in" bash -c "
	for _ in \$(seq $((UI_WAIT * 10))); do
		tmux -L '$UI_SOCK' capture-pane -p -t alice:me | grep -qF '[online]' && exit 0
		sleep 0.1
	done; exit 1"
check "the peer sees alice online" ui_wait peer "Alice"
ui_say peer "/msg $A@$DOMAIN"
pane_pid=$(tm list-panes -t alice:me -F '#{pane_pid}')
me_pid=$(pgrep -P "$pane_pid" -x tuktuk)
check "tuktuk runs in alice's pane" [ -n "$me_pid" ]
tm kill-session -t alice
check "tuktuk leaves when its terminal hangs up" wait_gone "$me_pid"
check "the peer sees alice offline" ui_wait_re peer "$A@$DOMAIN/[^ ]* is offline"
check "... because she said goodbye, not because the server lost her" ui_lacks peer "Disconnected"
check "no sanitizer report" ui_clean_stderr "$A"

# ---- a pseudo-terminal whose master is closed ----
dir=$UI_TMP/$A-pty
mkdir -p "$dir/data" "$dir/config"
(umask 077 && printf 'a-pw\n' >"$dir/pw")
python3 - "$dir" "$TUKTUK_BIN" --jid "$A@$DOMAIN" --server 127.0.0.1 \
	--port "$TUKTUK_TEST_C2S_PORT" --ca-file "$TUKTUK_TEST_CA" --password-file "$dir/pw" \
	-d "$dir/data" -c "$dir/config" --xml-log "$dir/xml.log" >"$dir/result" 2>"$dir/err" <<'PY'
# Runs tuktuk on a pty of our own, waits (in the XML log) for its initial
# presence, closes the master and prints the exit status, or "timeout".
import fcntl, os, subprocess, sys, termios, time
d, cmd = sys.argv[1], sys.argv[2:]
master, slave = os.openpty()
fcntl.ioctl(slave, termios.TIOCSWINSZ, b"\x1e\x00\x64\x00\x00\x00\x00\x00")
def child_setup():
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=open(d + "/tuktuk.err", "w"),
                     preexec_fn=child_setup, env=dict(os.environ, TERM="xterm-256color"))
os.close(slave)
deadline = time.time() + 30
os.set_blocking(master, False)
def drain():
    try:
        while os.read(master, 65536):
            pass
    except OSError:
        pass
while time.time() < deadline:
    drain()
    try:
        log = open(d + "/xml.log").read()
    except OSError:
        log = ""
    if ">> <presence" in log and "<a xmlns" in log:
        break
    time.sleep(0.1)
os.close(master)
try:
    print(p.wait(timeout=30))
except subprocess.TimeoutExpired:
    p.kill()
    print("timeout")
PY
check "tuktuk exits 0 when the pty's master closes" [ "$(cat "$dir/result")" = 0 ]
check "it sent unavailable presence" grep -qE ">> <presence type=.unavailable." "$dir/xml.log"
check "and closed the stream" grep -qF ">> </stream:stream>" "$dir/xml.log"
check "no sanitizer report" bash -c "! grep -qE 'AddressSanitizer|runtime error:|LeakSanitizer' '$dir/tuktuk.err'"
ui_done
