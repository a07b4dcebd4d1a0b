#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tests/ui/rostercache.sh - the roster cache of the real binary (RFC 6121
# §2.6 roster versioning, src/core/rostercache.c), over three restarts:
#   1. the first run writes DATA/roster/JID, mode 0600;
#   2. a name is changed in that file (its checksum made right again): the
#      next run shows the changed name, so its roster came from the file
#      and the server sent no item (the version was unchanged);
#   3. a contact added while tuktuk was not running: the server sends the
#      whole roster, which replaces the cached one (the real name is back);
#   4. a truncated file is said, ignored, and the roster fetched whole.
. "$(dirname "$0")/lib.sh"

user=$(ui_user rcache)
"$UI_PROSODY" adduser "$TUKTUK_TEST_RUNDIR" "$user" rcache-pw >/dev/null
"$UI_PROSODY" roster "$TUKTUK_TEST_RUNDIR" "$user" 8
file=$UI_TMP/$user/data/roster/$user@localhost

# start_once: a run of tuktuk in window "me", waiting until it is online.
start_once() {
	rm -f "$UI_TMP/$user.status"
	ui_start me "$user" rcache-pw 100 30
	ui_wait_line me -2 "[online]"
}

quit() {
	ui_type me "/quit"
	ui_keys me Enter
	[ "$(ui_wait_exit "$user")" = 0 ]
}

file_written() {
	local deadline=$((SECONDS + UI_WAIT))
	while [ "$SECONDS" -le "$deadline" ]; do
		[ -s "$file" ] && return 0
		sleep 0.1
	done
	return 1
}

# Renames Contact 0001 in the cache file and makes its checksum (BLAKE2b-256
# of every line before the last) right again.
rename_in_cache() {
	local body
	body=$(sed '$d' "$file" | sed 's/\tContact 0001\t/\tCached 0001\t/')
	{
		printf '%s\n' "$body"
		printf 'end\t%s\t%s\n' "$(sed -n 's/^end\t\([0-9]*\)\t.*/\1/p' "$file")" \
			"$(printf '%s\n' "$body" | b2sum -l 256 | cut -d' ' -f1)"
	} >"$file.new"
	mv "$file.new" "$file"
}

check "first run: online" start_once
check "the roster is shown" ui_wait me "Contact 0001"
check "the cache file is written" file_written
check "with mode 0600" [ "$(stat -c %a "$file")" = 600 ]
check "in a folder of mode 0700" [ "$(stat -c %a "$(dirname "$file")")" = 700 ]
check "it holds the roster and its version" grep -q "^item	contact0008@localhost	both	-	Contact 0008	" "$file"
check "/quit exits 0" quit

rename_in_cache
check "second run: online" start_once
check "the roster came from the file: the server sent no item" ui_wait me "Cached 0001"
check "the other contacts are there" ui_wait me "Contact 0008"
check "/quit exits 0" quit
check "no temporary file is left" [ "$(find "$(dirname "$file")" -name '*.tmp.*' | wc -l)" = 0 ]

"$UI_PROSODY" rosteradd "$TUKTUK_TEST_RUNDIR" "$user" newbie@localhost Newbie Friends
check "third run: online" start_once
check "the contact added meanwhile is shown" ui_wait me "Newbie"
check "the whole roster replaced the cached one" ui_wait me "Contact 0001"
check "the changed name is gone" ui_wait_gone me "Cached 0001"
check "/quit exits 0" quit
check "the new roster is in the file" grep -q "^item	newbie@localhost	" "$file"

truncate -s 200 "$file"
check "fourth run: online" start_once
check "the damaged file is said" ui_wait me "roster cache:"
check "and the roster fetched whole" ui_wait me "Newbie"
check "/quit exits 0" quit
check "the file is whole again" grep -q "^end	9	" "$file"
check "no sanitizer report" bash -c "! grep -q Sanitizer '$UI_TMP/$user.err'"
ui_done
