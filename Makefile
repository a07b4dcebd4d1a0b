# SPDX-License-Identifier: GPL-3.0-or-later
# tuktuk - terminal XMPP client. See README.md and docs/architecture.md.

VERSION := 0.1.0
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc

# pkg-config module -> Debian package that provides it
PKG_ncursesw := libncurses-dev
PKG_libuv    := libuv1-dev
PKG_mxml     := libmxml-dev
PKG_libsodium := libsodium-dev
PKG_openssl  := libssl-dev
PKG_libidn   := libidn-dev
PKG_sqlite3  := libsqlite3-dev
PKG_libcurl  := libcurl4-openssl-dev
PKG_libomemo-c := libomemo-c-dev
PKGS := ncursesw libuv mxml libsodium openssl libidn sqlite3 libcurl libomemo-c

NO_DEPS_GOALS := clean format help
ifneq ($(filter-out $(NO_DEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
  ifeq ($(shell command -v pkg-config),)
    $(error pkg-config not found: install the Debian package pkg-config (or run scripts/deps))
  endif
  $(foreach p,$(PKGS),$(if $(shell pkg-config --exists $(p) && echo ok),,\
    $(error $(p) not found: install the Debian package $(PKG_$(p)) (or run scripts/deps))))
  PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
  # libcurl is not linked: net/http.c loads it at the first transfer.
  PKG_LIBS   := $(shell pkg-config --libs $(filter-out libcurl,$(PKGS))) -lresolv -lm
  STATIC_LIBS := $(shell pkg-config --static --libs \
    $(subst libuv,libuv-static,$(filter-out libcurl libomemo-c,$(PKGS)))) -lresolv -lm
endif

# build/tuktuk, what `make` builds and `make install` installs, is linked
# against the system's shared libraries, as a distribution ships it: a
# security update of OpenSSL or glibc reaches it without a rebuild.
# `make static` builds build/static/tuktuk instead, a static PIE with packed
# relative relocations, for copying to a machine without the libraries.
# It maps only the library code it uses and keeps ASLR, and
# scripts/hot-text.ld puts the code a session runs first (scripts/hot-text
# explains and regenerates it): the smallest memory (docs/benchmarks.md).
# The linker's warnings about getaddrinfo, getpwuid and dlopen in a static
# glibc program are real: those calls still load glibc's shared NSS
# modules at run time, so the machine needs a compatible glibc
# (docs/security.md, "Library updates").
HARDEN := -Wl,-z,relro,-z,now
STATIC_LINK := -static-pie -Wl,-z,pack-relative-relocs $(HARDEN) $(STATIC_LIBS)
REL_LINK := $(HARDEN) $(PKG_LIBS)

WARN     := -std=c11 -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter
DEFS     := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DTUKTUK_VERSION='"$(VERSION)"' \
            -DTUKTUK_DATADIR='"$(PREFIX)/share/tuktuk"'
CFLAGS   ?= -O2 -g
ALL_CFLAGS := $(WARN) $(DEFS) -Isrc $(PKG_CFLAGS) $(CFLAGS) -MMD -MP
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

LIB_SRC  := $(sort $(shell find src -name '*.c' ! -name main.c ! -name '*_static.c'))
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
INT_SRC  := $(sort $(wildcard tests/integration/test_*.c))
BENCH_SRC := $(sort $(wildcard tests/bench/bench_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

REL_OBJ  := $(LIB_SRC:%.c=build/rel/%.o)
# Debian ships libomemo-c without a static archive: the static binary
# has no OMEMO, and core/omemochat_static.c says so instead. Nor does it
# ship the static archives libcurl needs (nghttp2, libssh2, krb5...): the
# static binary is built without HTTP, and /upload and /download say so
# (net/http.c, TUKTUK_NO_CURL; docs/dependencies.md).
OMEMO_REL := $(addprefix build/rel/src/core/,omemo.o omemocrypto.o omemokeys.o omemochat.o)
STATIC_OBJ := $(filter-out $(OMEMO_REL) build/rel/src/net/http.o,$(REL_OBJ)) \
	build/rel/src/core/omemochat_static.o build/rel/nocurl/net/http.o
ASAN_OBJ := $(LIB_SRC:%.c=build/asan/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)
INT_BIN  := $(INT_SRC:tests/integration/%.c=build/asan/tests/%)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=build/rel/bench/%)
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

.PHONY: all static test test-build bench fuzz format install clean demo
all: build/tuktuk

build/tuktuk: build/rel/src/main.o $(REL_OBJ)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(REL_LINK)

static: build/static/tuktuk

build/rel/nocurl/net/http.o: src/net/http.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DTUKTUK_NO_CURL -c -o $@ $<

build/static/tuktuk: build/rel/src/main.o $(STATIC_OBJ) scripts/hot-text.ld
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.o,$^) $(STATIC_LINK) -Wl,-T,scripts/hot-text.ld

# The static link in archive order, with a link map: what scripts/hot-text
# measures.
build/unordered/tuktuk: build/rel/src/main.o $(STATIC_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(STATIC_LINK) -Wl,-Map,$@.map

build/rel/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -O1 $(SAN) -c -o $@ $<

build/asan/tuktuk: build/asan/src/main.o $(ASAN_OBJ)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

# The UI's link seam (tests/unit/test_ui_seam.c): the UI and the app
# layer with a stand-in session instead of the protocol layer, whose
# models (roster, JIDs, rooms) and the XML layer it keeps.
SEAM_OBJ := $(filter-out build/asan/src/xmpp/%,$(ASAN_OBJ)) \
	$(addprefix build/asan/src/xmpp/,roster.o jid.o muc.o omemoxml.o)
build/asan/tests/test_ui_seam: build/asan/tests/unit/test_ui_seam.o \
		build/asan/tests/unit/stand_in_session.o $(SEAM_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

build/asan/tests/%: build/asan/tests/unit/%.o $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

build/asan/tests/%: build/asan/tests/integration/%.o $(ASAN_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(SAN) -o $@ $^ $(PKG_LIBS)

build/rel/bench/%: build/rel/tests/bench/%.o $(REL_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(PKG_LIBS)

# libFuzzer needs clang. The fuzz targets link the XML, protocol and
# network layers (no UI); the roster cache target also its file in core
# and what that file needs, and fuzz_files the downloads' files.
FUZZ_CC  ?= clang
FUZZ_LIB := $(filter src/xml/% src/xmpp/% src/net/% src/core/rostercache.c src/core/vault.c \
	src/core/path.c src/core/config.c src/core/files.c src/core/aesgcm.c,$(LIB_SRC))
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LIB)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(WARN) $(DEFS) -Isrc $(PKG_CFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $^ $(PKG_LIBS)

test-build: build/tuktuk build/asan/tuktuk $(UNIT_BIN) $(INT_BIN)

test: test-build
	tests/run

fuzz: $(FUZZ_BIN)

bench: build/tuktuk build/static/tuktuk $(BENCH_BIN)
	scripts/bench

demo: build/tuktuk
	scripts/demo

format:
	clang-format -i $$(find src tests -name '*.[ch]')

install: build/tuktuk
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 \
		$(DESTDIR)$(PREFIX)/share/tuktuk/themes $(DESTDIR)$(PREFIX)/share/doc/tuktuk
	install -s -m 755 build/tuktuk $(DESTDIR)$(PREFIX)/bin/tuktuk
	install -m 644 README.md docs/*.md $(DESTDIR)$(PREFIX)/share/doc/tuktuk/
	install -m 644 docs/tuktuk.1 $(DESTDIR)$(PREFIX)/share/man/man1/tuktuk.1
	install -m 644 themes/* $(DESTDIR)$(PREFIX)/share/tuktuk/themes/

clean:
	rm -rf build

.SECONDARY:
-include $(shell find build -name '*.d' 2>/dev/null)
