# ecrlite — one Makefile: all, test (check), asan, bench, install, clean.
PREFIX ?= /usr/local
BUILD ?= build
CC ?= cc
PKGS = lua5.4 jansson libarchive sqlite3 libcrypto libcurl libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libarchive, libcurl and libmicrohttpd are loaded on first use (core/lazy_archive.c,
# frontends/lazy_curl.c, frontends/serve/lazy_mhd.c): only their headers are needed to build
PKG_LIBS := $(shell pkg-config --libs lua5.4 jansson sqlite3 libcrypto 2>/dev/null)
CFLAGS ?= -g -O2
# what the code needs, kept apart from CFLAGS so `make CFLAGS=…` (and asan) keeps it
REQ_CFLAGS = -pthread -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -MMD -MP \
	-DECRLITE_SRC_LUA='"$(CURDIR)/lua"' 
WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wformat=2 -Wwrite-strings -Wundef -Wno-format-nonliteral \
       $(if $(findstring clang,$(CC)),,-Wformat-truncation=2)  # gcc: a cut path or key changes meaning (core/include/str.h)
# LINK=static (the default when Debian's -dev packages put the archives there): the
# design-card libraries are linked from their .a files into a non-PIE executable.
# Measured on Get-ECRImageScanFinding (make bench): 14.5 ms shared, 12.1 ms static-PIE,
# 10.8 ms static non-PIE -- half of a short command was the dynamic loader relocating
# libcrypto's and SQLite's tables. Lua's API stays exported (lua-exports.list) so that
# Lua C modules loaded by scripts bind to this Lua. LINK=shared (asan) links as usual.
STATIC_ARCHIVES = liblua5.4.a libjansson.a libsqlite3.a libcrypto.a
# (asked only when the compiler is there: a first `make demo` installs it)
HAVE_CC := $(shell command -v $(CC) 2>/dev/null)
LINK ?= $(if $(HAVE_CC),$(if $(strip $(foreach a,$(STATIC_ARCHIVES),$(if $(wildcard $(shell $(CC) -print-file-name=$(a) 2>/dev/null)),,x))),shared,static),shared)
ifeq ($(LINK),static)
# yajl (the feeds' streaming JSON reader) ships its archive as libyajl_s.a
LIBS = -Wl,-Bstatic $(PKG_LIBS) -l:libyajl_s.a -Wl,-Bdynamic -lm -ldl -pthread
LDFLAGS_BIN = -no-pie -Wl,--dynamic-list=frontends/lua/lua-exports.list
else
LIBS = $(PKG_LIBS) -lyajl -lm -ldl -pthread
LDFLAGS_BIN =
endif
SAN ?=
ifeq ($(V),1)
Q =
else
Q = @
endif

CORE_SRC = $(sort $(wildcard core/*.c))
FRONT_SRC = $(sort $(wildcard frontends/*.c frontends/aws/*.c frontends/cli/*.c frontends/lib/*.c frontends/lua/*.c frontends/pwsh/*.c frontends/serve/*.c))
CORE_OBJ = $(CORE_SRC:%.c=$(BUILD)/%.o)
FRONT_OBJ = $(FRONT_SRC:%.c=$(BUILD)/%.o)
BIN = $(BUILD)/bin/ecrlite
UNIT_SRC = $(sort $(wildcard tests/unit/*.c))
UNIT_BIN = $(BUILD)/tests/unit-tests
# fuzz targets: `make test` replays each committed corpus (tests/fuzz/replay.c);
# `make fuzz` runs them under libFuzzer (clang), FUZZ_SECONDS each
FUZZ_NAMES = $(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_REPLAY = $(FUZZ_NAMES:%=$(BUILD)/tests/fuzz-replay-%)
FRONT_LIB_OBJ = $(filter-out $(BUILD)/frontends/main.o,$(FRONT_OBJ))
FUZZ_SECONDS ?= 60
# FUZZ_TARGETS='pwsh sigv4' runs only those; every target runs even after one crashes
FUZZ_TARGETS ?= $(FUZZ_NAMES)

.PHONY: all test check asan bench install clean deps demo fuzz
all: deps-check $(BIN) $(BUILD)/bin/.links

deps-check:
	@pkg-config --exists $(PKGS) || { echo "missing build dependencies: run scripts/setup-debian.sh (as root)"; exit 1; }

# core/ is a library behind core/include/ (its public headers; libgit2's include/ vs
# src/). Frontends are compiled with that folder alone, and their dependency file is
# read back: a frontend that reaches any other core header, by any path, fails the
# build. The core and the tests reach the private headers by their own paths.
CORE_INC = -Icore/include
PRIVATE_HDR = (^|/)core/[^/]+\.h$$

$(BUILD)/frontends/%.o: frontends/%.c
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  CC $<" || true
	$(Q)$(CC) $(REQ_CFLAGS) $(CFLAGS) $(SAN) $(WARN) $(CORE_INC) $(PKG_CFLAGS) -c $< -o $@
	$(Q)p=$$(tr ' \\' '\n\n' < $(@:.o=.d) | grep -E '$(PRIVATE_HDR)' | sort -u | tr '\n' ' '); \
	if [ -n "$$p" ]; then echo "$<: includes private core headers $$p(frontends include only core/include/)" >&2; rm -f $@; exit 1; fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  CC $<" || true
	$(Q)$(CC) $(REQ_CFLAGS) $(CFLAGS) $(SAN) $(WARN) $(CORE_INC) $(PKG_CFLAGS) -c $< -o $@

# Statements are kept per connection (core/stmtcache.c): a raw finalize or close of a
# state connection would free a kept statement twice. Only the files that open their
# own in-memory databases may call SQLite's directly.
STMT_RAW_OK = core/stmtcache.c core/fstree.c core/pkg_rpm.c
$(BUILD)/libecr.a: $(CORE_OBJ)
	@bad=$$(grep -ln 'sqlite3_finalize(\|sqlite3_close(' $(filter-out $(STMT_RAW_OK),$(wildcard core/*.c tests/unit/*.c))); \
	 [ -z "$$bad" ] || { echo "use ecr_state_done/ecr_state_close, not sqlite3_finalize/sqlite3_close, in: $$bad"; exit 1; }
	$(Q)rm -f $@ && ar rcs $@ $^

$(BIN): $(FRONT_OBJ) $(BUILD)/libecr.a frontends/lua/lua-exports.list
	@mkdir -p $(dir $@)
	@[ -n "$(Q)" ] && echo "  LD $@" || true
	$(Q)$(CC) $(SAN) $(LDFLAGS_BIN) -o $@ $(FRONT_OBJ) $(BUILD)/libecr.a $(LIBS)

# The links (aws, each cmdlet) are the names the binary answers to: it lists them
# itself (`ecrlite --list-links`, from the cmdlet table), so no second list is kept.
$(BUILD)/bin/.links: $(BIN)
	$(Q)for l in $$($(BIN) --list-links); do ln -sf ecrlite $(BUILD)/bin/$$l; done && touch $@

# the unit tests link the frontends too (tests/unit/test_pwsh.c runs two pwsh sessions)
$(UNIT_BIN): $(UNIT_SRC:%.c=$(BUILD)/%.o) $(FRONT_LIB_OBJ) $(BUILD)/libecr.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SAN) $(LDFLAGS_BIN) -o $@ $(UNIT_SRC:%.c=$(BUILD)/%.o) $(FRONT_LIB_OBJ) $(BUILD)/libecr.a $(LIBS)

$(BUILD)/tests/fuzz-replay-%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/replay.o $(FRONT_LIB_OBJ) $(BUILD)/libecr.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(SAN) $(LDFLAGS_BIN) -o $@ $^ $(LIBS)

# libFuzzer: everything rebuilt by clang with coverage, each target run over its corpus
# (new inputs it finds go to build/fuzz/corpus-NAME, not into the repository); inputs
# may be as long as --query's argument can be (jmespath: an argv string is at most
# 128 KiB) or a small image archive (archive)
fuzz:
	@command -v clang >/dev/null || { echo "make fuzz needs clang (apt-get install clang)"; exit 1; }
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang LINK=shared CFLAGS="-g -O1" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
		build/fuzz/libecr.a $(FRONT_LIB_OBJ:$(BUILD)/%=build/fuzz/%) $(FUZZ_NAMES:%=build/fuzz/tests/fuzz/fuzz_%.o)
	@failed=; for n in $(FUZZ_TARGETS); do \
		clang -fsanitize=fuzzer,address,undefined -o build/fuzz/fuzz-$$n build/fuzz/tests/fuzz/fuzz_$$n.o \
			$(FRONT_LIB_OBJ:$(BUILD)/%=build/fuzz/%) build/fuzz/libecr.a $(PKG_LIBS) -lyajl -lm -ldl -pthread || exit 1; \
		mkdir -p build/fuzz/corpus-$$n; \
		echo "== fuzz $$n ($(FUZZ_SECONDS) s)"; \
		seeds=tests/fuzz/corpus/$$n; [ $$n = pwsh ] && seeds="$$seeds tests/pwsh"; \
		case $$n in jmespath) ml=-max_len=131072;; archive) ml=-max_len=65536;; *) ml=;; esac; \
		build/fuzz/fuzz-$$n -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 -artifact_prefix=build/fuzz/crash-$$n- \
			$$ml build/fuzz/corpus-$$n $$seeds || failed="$$failed $$n"; \
	done; \
	[ -z "$$failed" ] || { echo "fuzz: crashes in:$$failed (inputs: build/fuzz/crash-*)"; exit 1; }

# The README's test command: installs what the tests need, builds, runs everything.
test check:
	@./scripts/setup-debian.sh --test
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(FUZZ_REPLAY)
	@BUILD=$(BUILD) ./tests/run-all.sh

asan:
	@$(MAKE) --no-print-directory test BUILD=build/asan CFLAGS="-g -O1" LINK=shared \
		SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

bench: all
	@./scripts/bench.sh $(BUILD)

# The README's first command: a repository with scan on push, a sample image, a list.
demo:
	@./scripts/setup-debian.sh
	@$(MAKE) --no-print-directory all
	@./scripts/demo.sh $(BUILD)/bin

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/libexec/ecrlite
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/ecrlite
	install -d $(DESTDIR)$(PREFIX)/share/ecrlite/lua
	install -m 644 lua/*.lua $(DESTDIR)$(PREFIX)/share/ecrlite/lua/
	# The aws link goes beside, not over, a system aws: add libexec/ecrlite to PATH,
	# or install with AWS_LINK=1 to put it in bin.
	ln -sf ../../bin/ecrlite $(DESTDIR)$(PREFIX)/libexec/ecrlite/aws
	if [ "$(AWS_LINK)" = 1 ]; then ln -sf ecrlite $(DESTDIR)$(PREFIX)/bin/aws; fi
	# the cmdlet links shadow nothing: they go beside ecrlite
	for l in $$($(BIN) --list-links | grep -vx aws); do ln -sf ecrlite $(DESTDIR)$(PREFIX)/bin/$$l; done
	# the manual, and bash completion for ecrlite and the cmdlet links (the aws link's
	# only with AWS_LINK=1: the system aws keeps its own otherwise)
	install -d $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 doc/ecrlite.1 $(DESTDIR)$(PREFIX)/share/man/man1/ecrlite.1
	install -m 644 doc/ecrlite.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/ecrlite
	for l in $$($(BIN) --list-links | grep -vx aws); do ln -sf ecrlite $(DESTDIR)$(PREFIX)/share/bash-completion/completions/$$l; done
	if [ "$(AWS_LINK)" = 1 ]; then install -m 644 doc/aws.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/aws; fi
	@echo
	@echo "installed ecrlite in $(PREFIX)/bin. ecrlite's aws: 'ecrlite aws ecr ...', or"
	@echo "  $(PREFIX)/libexec/ecrlite/aws (put $(PREFIX)/libexec/ecrlite first in PATH),"
	@if [ "$(AWS_LINK)" = 1 ]; then echo "  or aws itself: $(PREFIX)/bin/aws is ecrlite's."; \
	else echo "  or reinstall with AWS_LINK=1 for $(PREFIX)/bin/aws ('aws' on PATH is $$(command -v aws || echo 'not found'))."; fi

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
