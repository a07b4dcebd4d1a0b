#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/omemo_room.sh - OMEMO in a room, two tuktuks on the project's
# Prosody: a new room is open, so its messages go in plaintext and its
# title has no [OMEMO]; its owner names a member (/affiliation set, a
# wrong affiliation refused) and makes it members-only and non-anonymous
# (/room private), each answer said, and the title says [OMEMO] on both
# sides; each one's line
# reaches the other marked '~' with no fallback text, and so does a file
# uploaded there (its aesgcm:// link); /omemo off in the
# room sends the next line in plaintext, unmarked.
# shellcheck source=tests/ui/lib.sh
. "$(dirname "$0")/lib.sh"

RUN=$TUKTUK_TEST_RUNDIR
DOMAIN=${TUKTUK_TEST_DOMAIN:-localhost}
A=$(ui_user roa)
B=$(ui_user rob)
"$UI_PROSODY" adduser "$RUN" "$A" a-pw "$B" b-pw >/dev/null
room=omr$$@${TUKTUK_TEST_MUC:-conference.localhost}

ui_start me "$A" a-pw 120 30
ui_start pal "$B" b-pw 120 30
check "me logged in" ui_wait me "logged in as"
check "pal logged in" ui_wait pal "logged in as"

ui_say me "/join $room/anna"
check "the room was created" ui_wait me "you created the room as anna"
ui_say me "an open room hears this"
check "an open room: the line goes in plaintext" ui_wait me " anna> an open room hears this"
check "... and its title says nothing of OMEMO" ui_lacks me "[OMEMO]"

ui_say me "/affiliation set member $B@$DOMAIN"
check "/affiliation says the room's answer" ui_wait me "$room: $B@$DOMAIN is a member now"
ui_say me "/affiliation set wizard $B@$DOMAIN"
check "... and refuses what is no affiliation" ui_wait me "the affiliation is owner, admin, member"
ui_say me "/room private"
check "/room private says the room's answer" ui_wait me "$room: members-only and non-anonymous now"
check "made private, the room's title says [OMEMO]" ui_wait_line me 0 "[OMEMO]"

ui_say pal "/join $room/bert"
check "pal joins" ui_wait pal "you joined the room as bert"
check "pal's title says [OMEMO]" ui_wait_line pal 0 "[OMEMO]"
check "me sees pal join" ui_wait me "bert joined"

ui_say me "secret words for the room"
check "my line is marked encrypted" ui_wait me "~anna> secret words for the room"
check "... once" ui_rows_with me "secret words for the room" 1
check "pal reads it, marked" ui_wait pal "~anna> secret words for the room"
check "no fallback text shows" ui_lacks pal "I sent you an OMEMO encrypted message"
ui_say pal "bert answers in secret"
check "me reads pal's answer, marked" ui_wait me "~bert> bert answers in secret"
check "... and no line says it could not be read" ui_lacks me "could not decrypt"

head -c 20000 /dev/urandom >"$UI_TMP/room.bin"
ui_say me "/upload $UI_TMP/room.bin"
check "a file into the encrypted room is encrypted" ui_wait me "upload room.bin done (encrypted, aesgcm://)" 30
check "... my line shows its link, marked, once" \
	ui_wait_re me "~anna> aesgcm://127\.0\.0\.1:[0-9]+/[^ #]*room\.bin"
check "... not the room's unreadable copy" ui_lacks me "I sent you an OMEMO encrypted message"
check "pal gets the link, marked" ui_wait_re pal "~anna> aesgcm://127\.0\.0\.1:[0-9]+/[^ #]*room\.bin"

ui_say me "/omemo off"
check "/omemo off is said for the room" ui_wait me "OMEMO is off in this room"
check "... and the title drops [OMEMO]" ui_lacks me "[OMEMO]"
ui_say me "plain again"
check "pal gets it unmarked" ui_wait pal " anna> plain again"
check "... not as encrypted" ui_lacks pal "~anna> plain again"

ui_say me "/quit"
check "me quits" [ "$(ui_wait_exit "$A")" = 0 ]
ui_say pal "/quit"
check "pal quits" [ "$(ui_wait_exit "$B")" = 0 ]
check "no sanitizer report (me)" ui_clean_stderr "$A"
check "no sanitizer report (pal)" ui_clean_stderr "$B"
ui_done
