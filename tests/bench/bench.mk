# tests/bench/bench.mk: benchmarks (make bench). Measured, never asserted in tests.
#
#   make bench     build, generate the inputs (seeded), time libgov and the Lua peers,
#                  print the tables (issue 19's targets first); the figures land in
#                  $(BUILD)/bench/results.md
#                  (minutes; BENCH_FULL=1, set in the Makefile, adds the long runs:
#                  govd's 600 s soak, the scale-out benches over 200,000 and 1,000,000
#                  records)
#   make bench-eval  only that driver (tests/bench/run.py), without the other benches
#                  make bench runs (govd, scale-out, bindings, lsp, alerts)
#   make bench-jsonl  only issue 19's JSONL row (tests/bench/jsonl.py; seconds)
#   make bench-mem   this machine's memory (tests/bench/memlat.c): load-to-use latency
#                  by working set, the memory-level parallelism, a cold record's memory
#                  by layout; printed and written to $(BUILD)/bench/memlat.md (seconds)
#   make bench-eval BENCH_ARGS=--quick   every part on few records with short budgets:
#                  a check that the driver runs; its figures mean nothing
#
# The Lua peers need liblua5.4-dev, libluajit-5.1-dev and lua-cjson-dev (and valgrind
# and time for instruction counts and peak memory, hyperfine for bench-jsonl's medians):
# installed here, for the bench only, never part of the main build's DEB_PKGS.
BENCH_PKGS := liblua5.4-dev libluajit-5.1-dev lua-cjson-dev pkg-config valgrind time hyperfine
BENCH_DIR  := $(BUILD)/bench
BENCH_CFLAGS := $(CPPFLAGS_ALL) $(CSTD) $(WARN) -O2 -g

# The stamp holds the list it checked, so a changed BENCH_PKGS is checked again.
ifneq ($(strip $(sort $(BENCH_PKGS))),$(strip $(file <$(BENCH_DIR)/.deps-ok)))
$(BENCH_DIR)/.deps-ok: FORCE
endif
$(BENCH_DIR)/.deps-ok:
	@sh tests/install-deps.sh $(BENCH_PKGS)
	@mkdir -p $(dir $@) && echo '$(strip $(sort $(BENCH_PKGS)))' > $@

$(BENCH_DIR)/evalbench: tests/bench/evalbench.c tests/bench/common.h $(BUILD)/libgov.a | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ tests/bench/evalbench.c $(BUILD)/libgov.a $(LDFLAGS_ALL) $(VM_LIBS)

# Plain C, no libgov: the memory's own figures, the floor a cold key's record stands on.
$(BENCH_DIR)/memlat: tests/bench/memlat.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ tests/bench/memlat.c

# One source, two executables: Lua 5.4 and LuaJIT both export lua_*.
$(BENCH_DIR)/peer-lua54: tests/bench/luapeer.c tests/bench/common.h | $(BENCH_DIR)/.deps-ok
	$(CC) $(BENCH_CFLAGS) -DPEER_NAME='"lua5.4"' $$(pkg-config --cflags lua5.4) -o $@ tests/bench/luapeer.c \
	    -l:liblua5.4-cjson.a $$(pkg-config --libs lua5.4) -lm
$(BENCH_DIR)/peer-luajit: tests/bench/luapeer.c tests/bench/common.h | $(BENCH_DIR)/.deps-ok
	$(CC) $(BENCH_CFLAGS) -DPEER_NAME='"luajit"' $$(pkg-config --cflags luajit) -o $@ tests/bench/luapeer.c \
	    -l:liblua5.1-cjson.a $$(pkg-config --libs luajit) -lm

# Alert hygiene (issue 24.2): notifications per rule and channel over eight days of
# generated history, before and after policies/agent_alerts' notification settings.
.PHONY: bench-alerts
bench-alerts: $(BUILD)/govc
	@mkdir -p $(BENCH_DIR)
	@/usr/bin/python3 tests/alerts/history.py --days 8 $(BUILD)/govc | tee $(BENCH_DIR)/alerts.txt

# libgov against the Lua peers, and issue 19's targets: `make bench-eval` alone runs in
# a few minutes of CPU (make bench also runs govd's bench, the scale-out bench and the
# bindings'; their long runs only with BENCH_FULL=1).
.PHONY: bench bench-eval bench-jsonl bench-mem
bench: bench-alerts bench-eval bench-jsonl bench-mem
bench-eval: $(BUILD)/govc $(BENCH_DIR)/evalbench $(BENCH_DIR)/peer-lua54 $(BENCH_DIR)/peer-luajit
	@python3 tests/bench/run.py --build $(BUILD) --out $(BENCH_DIR) $(BENCH_ARGS)

# Issue 19's JSONL row on its own (seconds): `govc run` over 200,000 records of the 50-rule
# policy to /dev/null, wall clock beside CPU time and the time spent waiting for a core,
# and callgrind's instructions a record by phase (tests/bench/jsonl.py). Figures land in
# $(BUILD)/bench/jsonl.md.
bench-jsonl: $(BUILD)/govc | $(BENCH_DIR)/.deps-ok
	@python3 tests/bench/jsonl.py --build $(BUILD) --out $(BENCH_DIR) $(if $(filter --quick,$(BENCH_ARGS)),--quick)

# The memory floor (issue 19's ten-window target): seconds; BENCH_ARGS=--quick runs the
# short form (-q), whose figures mean nothing.
bench-mem: $(BENCH_DIR)/memlat
	@$(BENCH_DIR)/memlat $(if $(filter --quick,$(BENCH_ARGS)),-q) | tee $(BENCH_DIR)/memlat.md
