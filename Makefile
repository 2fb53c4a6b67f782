# gov: top-level build. Everything is built out of tree, into $(BUILD)/.
#
#   make            build govc, libgov (static and shared) and the test programs
#   make demo       check and run the example policies on sample records
#   make test       build and run every test; ends with "N passed, N failed"
#   make san        the same tests under ASan and UBSan (into build-san/)
#   make deps       install missing build dependencies (Debian, as root)
#   make install    install libgov, gov.h, gov.pc and govc (PREFIX, DESTDIR)
#
# Each directory adds its own rules in a fragment (lang/lang.mk, vm/vm.mk, ...), so the
# owner of a directory edits one file. Generated sources (re2c, Bison) go to
# $(BUILD)/gen and are never committed.

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

.PHONY: all demo test san deps install clean check-deps
all: check-deps

# ---------------------------------------------------------------- dependencies
# The packages a fresh Debian machine needs. `make` installs them when they are missing
# and we are root; otherwise it says what to install.
DEB_PKGS := re2c bison libffi-dev libxxhash-dev libjsmn-dev pkg-config tzdata
DEPS_STAMP := $(BUILD)/.deps-ok

check-deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@sh tests/install-deps.sh $(DEB_PKGS)
	@mkdir -p $(BUILD) && touch $@
deps:
	@sh tests/install-deps.sh $(DEB_PKGS)

# ---------------------------------------------------------------- compile rule
$(BUILD)/obj/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -MMD -MP -c $< -o $@

$(BUILD)/gen/obj/%.o: $(BUILD)/gen/%.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Wno-unused-function -MMD -MP -c $< -o $@

include lang/lang.mk
-include vm/vm.mk
-include compiler/compiler.mk
-include govd/govd.mk
-include tests/bench/bench.mk
-include tests/corpus/corpus.mk
-include tests/ffi/ffi.mk
-include tests/libgovc/libgovc.mk
-include bindings/js/js.mk
-include tests/tests.mk

# After every fragment: a prerequisite list is expanded when make reads the rule, so
# TEST_DEPS must be complete by then.
test: all $(TEST_DEPS)
	@sh tests/run.sh $(TEST_SUITES)
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
	done

# ---------------------------------------------------------------- sanitizers
san:
	$(MAKE) BUILD=build-san OPT=-O0 SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" test

clean:
	rm -rf $(BUILD) build-san

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
