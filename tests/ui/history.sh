#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/history.sh - the message store when things go wrong, and the
# history a user expects from it:
#   - a store that cannot be opened (here messages.db is a folder) is said
#     once, and messages are shown all the same: nothing is lost silently;
#   - a damaged store (here a text file) is moved aside, said, and a new
#     one is started that keeps the messages;
#   - the old text history is imported at the first start, files left;
#   - a reopened chat shows its history once, and /search finds it;
#     /goto opens a result at its message, PgDn brings the newest back;
#     a corrected message shows corrected after a reopen, once;
#   - --export-history writes grep-friendly logs.
# The project's echo contact answers.
. "$(dirname "$0")/lib.sh"

user=$(ui_user hist)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$user" hist-pw >/dev/null
data=$UI_TMP/$user/data
mkdir -p "$data/messages.db" # where the store's file should be
ui_start me "$user" hist-pw 100 30
check "logged in" ui_wait me "logged in as"
ui_say me "/msg echo@localhost is anyone there"
check "my message is shown" ui_wait me "> is anyone there"
check "the echo's answer is shown" ui_wait me "echo: is anyone there"
ui_keys me M-1
check "the store that cannot be opened is said" ui_wait me "messages are shown but not kept"
check "once, not for every message" \
	ui_rows_with me 'messages are shown but not kept' 1
ui_say me "/quit"
check "/quit exits 0" [ "$(ui_wait_exit "$user")" = 0 ]

# A damaged store, and old text history to import.
rmdir "$data/messages.db"
for i in $(seq 1 50); do echo "this is not a database $i"; done >"$data/messages.db"
mkdir -p "$data/history/$user@localhost"
printf '%s\n' "2026-01-02T10:00:00Z < echo@localhost from the old text log" \
	"2026-01-02T10:00:05Z > $user@localhost my old words" \
	>"$data/history/$user@localhost/echo@localhost.log"
ui_start me "$user" hist-pw 100 30
check "logged in again" ui_wait me "logged in as"
check "the damaged store is said, with where it went" ui_wait me "was damaged: it was moved to"
check "the old history is imported, and said" ui_wait me "2 messages of the old"
check "the old files are left in place" test -s "$data/history/$user@localhost/echo@localhost.log"
check "the damaged file is kept aside" bash -c "ls '$data'/messages.db.damaged-* >/dev/null"
ui_say me "/msg echo@localhost second visit"
check "the old history shows in the chat" ui_wait me "from the old text log"
check "with its day" ui_wait me "2026-01-02"
check "the echo answers" ui_wait me "echo: second visit"
ui_say me "/search old words"
check "/search finds the imported message" ui_wait me "1. 2026-01-02 10:00 you> my old words"
ui_say me "/search -a second visit"
check "/search -a finds across conversations" ui_wait me "[echo@localhost] echo> echo: second visit"
ui_say me "/goto 1"
check "/goto opens the conversation at the match" ui_wait me "echo> echo: second visit"
check "... in a window read anew from the store" ui_lacks me "search for"
ui_say me "/goto 9"
check "/goto of a result that is not there says so" ui_wait me "no search result 9 (2 listed"
ui_say me "/search old words"
ui_say me "/goto 1"
check "/goto of an old match shows it" ui_wait me "$user> my old words"
check "... with no newer lines read in" ui_lacks me "second visit"
ui_keys me NPage
check "PgDn at the bottom reads the newest again" ui_wait me "echo> echo: second visit"
ui_say me "/search nothingmatchesthis"
check "/search says when nothing is found" ui_wait me "nothing found"
ui_say me "helo wrld"
check "a typo is sent" ui_wait me "$user> helo wrld"
ui_say me "/correct hello world"
check "... and corrected" ui_wait me "$user> hello world (corrected)"
ui_say me "/quit"
check "/quit exits 0 again" [ "$(ui_wait_exit "$user")" = 0 ]

# Reopened: the chat shows each message once.
ui_start me "$user" hist-pw 100 30
check "logged in a third time" ui_wait me "logged in as"
ui_say me "/msg echo@localhost"
check "the chat reopens with its history" ui_wait me "echo: second visit"
check "each message once" ui_rows_with me 'echo> echo: second visit' 1
check "a corrected message shows corrected after a reopen" ui_wait me "$user> hello world (corrected)"
check "... and its typo is not shown as a message of its own" ui_rows_with me "$user> helo wrld" 0
ui_say me "/quit"
check "/quit exits 0 a third time" [ "$(ui_wait_exit "$user")" = 0 ]

out=$("$TUKTUK_BIN" --data "$data" --export-history "$UI_TMP/export" 2>&1)
check "--export-history says what it wrote" grep -q "messages written under" <<<"$out"
log=$UI_TMP/export/$user@localhost/echo@localhost.log
check "the export is a grep-friendly log" grep -q "< echo@localhost echo: second visit" "$log"
check "the export is private" test "$(stat -c %a "$log")" = 600
check "no sanitizer report" bash -c "! grep -q Sanitizer '$UI_TMP/$user.err'"
ui_done
