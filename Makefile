# gov: top-level build. Everything is built out of tree, into $(BUILD)/.
#
#   make            build govc, libgov (static and shared) and the test programs
#   make demo       check and run the example policies on sample records
#   make test       build and run every test; ends with "N passed, N failed, N skipped"
#   make san        the tests of C code under ASan and UBSan (into build-san/)
#   make deps       install what building and testing need (Debian, as root)
#   make install    install libgov, gov.h, gov.pc and govc (PREFIX, DESTDIR)
#
# Each directory adds its own rules in a fragment (lang/lang.mk, vm/vm.mk, ...), so the
# owner of a directory edits one file. Generated sources (re2c, Bison) go to
# $(BUILD)/gen and are never committed.

# One job per online CPU unless the command line says otherwise (-j1 builds one thing at
# a time); only in the first make, so a recursive make shares its parent's job slots.
ifeq ($(MAKELEVEL),0)
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif

BUILD   ?= build
PREFIX  ?= /usr/local
CC      ?= cc
OPT     ?= -O2
SAN     ?=
CSTD    := -std=c17
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
CPPFLAGS_ALL := -I. -I$(BUILD)/gen -D_POSIX_C_SOURCE=200809L
CFLAGS_ALL   := $(CSTD) $(WARN) $(OPT) -g $(SAN) -fvisibility=hidden $(CFLAGS)
LDFLAGS_ALL  := $(SAN) $(LDFLAGS)
RE2C    ?= re2c
BISON   ?= bison

.PHONY: all demo test san deps test-deps install clean check-deps FORCE
all: check-deps

# ---------------------------------------------------------------- dependencies
# What a fresh Debian machine needs (README.md, "Dependencies"). Each fragment appends
# what its part needs: DEB_PKGS to build (make, make demo), TEST_DEB_PKGS to test only
# (make test), TEST_LOCALES the locales the tests use, NPM_DIRS the folders whose
# committed package-lock.json `npm ci` installs for the tests. As root, make installs
# what is missing; as another user it prints the command to run. The stamps that record
# a check are at the end of this file, where every fragment has had its say.
DEB_PKGS      := gcc libc6-dev re2c bison libffi-dev libxxhash-dev pkg-config tzdata
TEST_DEB_PKGS :=
TEST_LOCALES  :=
NPM_DIRS      :=
# The oldest Node.js the tests take (bindings/js: 20). Where the system's is older (Debian
# bookworm has 18), tests/node installs one from the npm registry, first on PATH.
NODE_MIN      := 20
export PATH := $(CURDIR)/tests/node/node_modules/.bin:$(PATH)

# ---------------------------------------------------------------- compile rule
$(BUILD)/obj/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/gen/obj/%.o: $(BUILD)/gen/%.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Wno-unused-function -MMD -MP -c $< -o $@

# make bench runs in minutes by default; BENCH_FULL=1 adds the long runs (govd's 600 s
# soak, the scale-out benches over 200,000 and 1,000,000 records). Set before the
# fragments: their prerequisite lists are expanded when make reads them.
BENCH_FULL    ?= 0
BENCH_FULL_ON := $(filter-out 0 no,$(strip $(BENCH_FULL)))

include lang/lang.mk
-include vm/vm.mk
-include compiler/compiler.mk
-include log/log.mk
-include govd/govd.mk
-include tests/bench/bench.mk
-include tests/corpus/corpus.mk
-include tests/ffi/ffi.mk
-include tests/libgovc/libgovc.mk
-include bindings/python/python.mk
-include bindings/js/js.mk
-include tests/tests.mk

# After every fragment: a prerequisite list is expanded when make reads the rule, so
# TEST_DEPS must be complete by then.
# TEST_SUITES_NOSAN: suites that run no C built with $(SAN) (the wasm build, the editors'
# grammars, the test runner's own accounting); `make san` leaves them out, since running
# them again under sanitizers would check nothing new.
test: all test-deps $(TEST_DEPS)
	@sh tests/run.sh $(TEST_SUITES) $(if $(SAN),,$(TEST_SUITES_NOSAN))
-include fuzz/fuzz.mk

# ---------------------------------------------------------------- demo
# Check every example policy, compile each, and run it on its sample records, and on its
# event stream (records, approvals, acknowledgements and ticks) where it has one.
DEMO_POLICIES := $(patsubst %/,%,$(sort $(wildcard policies/*/)))
demo: all
	@echo "== govc check policies/"
	@$(BUILD)/govc check policies/ && echo "no errors"
	@for p in $(DEMO_POLICIES); do \
	  n=$$(basename $$p); \
	  echo; echo "== $$n: govc build"; \
	  $(BUILD)/govc build --stats -o $(BUILD)/demo-$$n.govb $$p 2>/dev/null || exit 1; \
	  hl=""; [ -f $(BUILD)/hosts/$$n.so ] && hl="--host-lib $(BUILD)/hosts/$$n.so"; \
	  echo; echo "== $$n: govc run --format text $$hl $$p/records.jsonl"; \
	  $(BUILD)/govc run --format text $$hl -p $(BUILD)/demo-$$n.govb $$p/records.jsonl; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc; \
	  if [ -f $$p/events.jsonl ]; then \
	    echo; echo "== $$n: govc run --format text $$p/events.jsonl (records, approvals, ticks)"; \
	    $(BUILD)/govc run --format text $$hl -p $(BUILD)/demo-$$n.govb $$p/events.jsonl; \
	    rc=$$?; [ $$rc -le 1 ] || exit $$rc; \
	  fi; \
	  if [ -f $$p/limits.json ]; then \
	    echo; echo "== $$n: govc run --format text --limits $$p/limits.json $$p/tenants.jsonl (per-tenant limits as data)"; \
	    $(BUILD)/govc run --format text $$hl -p $(BUILD)/demo-$$n.govb --limits $$p/limits.json $$p/tenants.jsonl; \
	    rc=$$?; [ $$rc -le 1 ] || exit $$rc; \
	  fi; \
	done
	@echo; echo "== policy set: two teams' policies and the platform's (spec/trace.md 10)"
	@$(BUILD)/govc run --format text -p policies/billing_team -p policies/support_team \
	  -p policies/platform_guardrails policies/platform_guardrails/events.jsonl; \
	  rc=$$?; [ $$rc -le 1 ] || exit $$rc

# ---------------------------------------------------------------- dependency checks
# Here, after every fragment, the lists are complete. A stamp holds the list it checked,
# so a fragment that adds a package makes the next make check again; tests/install-deps.sh
# runs apt-get only for what dpkg does not list. NPM_DIRS are checked on every make test
# (tests/npm-deps.sh compares each lock file with what npm ci last installed).
DEPS_LIST      := $(strip $(sort $(DEB_PKGS)))
TEST_DEPS_LIST := $(strip $(sort $(DEB_PKGS) $(TEST_DEB_PKGS)) locales: $(sort $(TEST_LOCALES)))
DEPS_STAMP      := $(BUILD)/.deps-ok
TEST_DEPS_STAMP := $(BUILD)/.test-deps-ok
ifneq ($(DEPS_LIST),$(strip $(file <$(DEPS_STAMP))))
$(DEPS_STAMP): FORCE
endif
ifneq ($(TEST_DEPS_LIST),$(strip $(file <$(TEST_DEPS_STAMP))))
$(TEST_DEPS_STAMP): FORCE
endif
FORCE:

check-deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@sh tests/install-deps.sh $(DEPS_LIST)
	@mkdir -p $(@D) && echo '$(DEPS_LIST)' > $@

test-deps: $(TEST_DEPS_STAMP)
	@sh tests/npm-deps.sh --node-min $(NODE_MIN) $(NPM_DIRS)
$(TEST_DEPS_STAMP): | $(DEPS_STAMP)
	@sh tests/install-deps.sh --locales "$(TEST_LOCALES)" $(sort $(DEB_PKGS) $(TEST_DEB_PKGS))
	@mkdir -p $(@D) && echo '$(TEST_DEPS_LIST)' > $@

deps: check-deps test-deps

# ---------------------------------------------------------------- sanitizers
# At -O1, as AddressSanitizer's documentation advises for reasonable speed (-O0 took
# 46 minutes of CI's 45); the suites of TEST_SUITES_NOSAN are left out.
san:
	$(MAKE) BUILD=build-san OPT=-O1 SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

clean:
	rm -rf $(BUILD) build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
