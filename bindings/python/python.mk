# bindings/python/python.mk: the Python binding (pure ctypes over libgov.so,
# libgovc.so and libgovlog.so) and its tests, run with Debian's pytest by /usr/bin/python3.
# Nothing to build; to test: Debian's python3 with pytest, and python3-cffi (the hot path;
# the suite runs once through it and once through ctypes alone). make bench needs the same.
TEST_DEB_PKGS += python3 python3-pytest python3-cffi python3-xxhash
BENCH_PKGS    += python3 python3-cffi

# A C host function that blocks, for the test that the GIL is released (test_threads.py).
$(BUILD)/tests/py_blocker.so: bindings/python/tests/blocker.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CSTD) $(WARN) $(OPT) $(SAN) -fPIC -shared -o $@ $<

PY_TEST_DEPS := $(BUILD)/libgov.so $(BUILD)/libgovc.so $(BUILD)/libgovlog.so $(BUILD)/govc $(BUILD)/tests/py_blocker.so $(HOST_LIBS)
TEST_DEPS += $(PY_TEST_DEPS)
TEST_SUITES += "sh bindings/python/run.sh $(BUILD)"

# make bench: the binding's cost per decision against the C API (bindings/python/bench.py),
# before the main tables; figures in $(BENCH_DIR)/python.md.
.PHONY: bench-python
bench-python: $(BENCH_DIR)/.deps-ok $(BENCH_DIR)/evalbench $(BUILD)/libgov.so $(BUILD)/libgovc.so
	/usr/bin/python3 bindings/python/bench.py --build $(BUILD) --out $(BENCH_DIR)
bench: bench-python
