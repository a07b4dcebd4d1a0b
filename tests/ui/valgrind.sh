#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/valgrind.sh - a normal session under valgrind: log in, chat,
# join a room and talk there, quit. The release objects (no sanitizers, which valgrind cannot run
# beside), linked against the shared libraries because valgrind cannot
# watch the heap of a static binary, must leak nothing and make no memory
# errors. The peer runs the release binary without valgrind.
. "$(dirname "$0")/lib.sh"

REL_BIN=$UI_ROOT/build/tuktuk
if ! command -v valgrind >/dev/null || [ ! -x "$REL_BIN" ]; then
	not_ok "valgrind and build/tuktuk are needed (scripts/deps, make test-build)"
	ui_done
	exit 1
fi
me=$(ui_user vgme)
peer=$(ui_user vgpeer)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$me" vg-pw "$peer" vg-pw >/dev/null
"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$me" "$peer@localhost" Peer Friends >/dev/null

cat >"$UI_TMP/vg-tuktuk" <<EOF2
#!/bin/sh
exec valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \\
	--errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \\
	--log-file="$UI_TMP/valgrind.log" "$REL_BIN" "\$@"
EOF2
chmod +x "$UI_TMP/vg-tuktuk"
TUKTUK_BIN=$UI_TMP/vg-tuktuk
ui_start me "$me" vg-pw 100 30
TUKTUK_BIN=$UI_ROOT/build/tuktuk
ui_start peer "$peer" vg-pw 100 30
check "logged in under valgrind" ui_wait me "logged in as" 60
check "the peer is online" ui_wait peer "logged in as"
ui_type me "/msg $peer@localhost hello from valgrind"
ui_keys me Enter
check "the peer is told of a new message" ui_wait peer "[act: 2]" 30
ui_keys peer M-a
check "and reads it" ui_wait peer "hello from valgrind"
ui_type peer "/msg $me@localhost and back"
ui_keys peer Enter
check "the answer arrives" ui_wait me "and back" 30
# A group chat too: join (creating the room), talk, leave.
ui_type me "/join vg$$@${TUKTUK_TEST_MUC:-conference.localhost}/vg"
ui_keys me Enter
check "joins a room under valgrind" ui_wait me "you created the room as vg" 30
ui_type me "hello room"
ui_keys me Enter
check "and talks there" ui_wait me "vg> hello room" 30
ui_type me "/part"
ui_keys me Enter
check "and leaves it" ui_wait me "you left the room" 30
ui_type me "/quit"
ui_keys me Enter
status=$(UI_WAIT=60 ui_wait_exit "$me")
check "exits 0 with no valgrind error (status $status)" [ "$status" = 0 ]
check "no leak" grep -q "definitely lost: 0 bytes" "$UI_TMP/valgrind.log"
check "nothing lost indirectly or possibly" bash -c "grep -q 'indirectly lost: 0 bytes' '$UI_TMP/valgrind.log' && grep -q 'possibly lost: 0 bytes' '$UI_TMP/valgrind.log'"
check "no memory error" grep -q "ERROR SUMMARY: 0 errors" "$UI_TMP/valgrind.log"
ui_type peer "/quit"
ui_keys peer Enter
status=$(ui_wait_exit "$peer")
check "the static release binary exits 0 too (status $status)" [ "$status" = 0 ]
ui_done
