# bindings/python/python.mk: the Python binding (pure ctypes over libgov.so,
# libgovc.so and libgovlog.so) and its tests, run with Debian's pytest by /usr/bin/python3.
# To test: Debian's python3 with pytest, python3-cffi and python3-dev (the hot path: the
# suite runs through the compiled extension, through cffi and through ctypes alone).
# make bench needs the same.
TEST_DEB_PKGS += python3 python3-pytest python3-cffi python3-xxhash python3-dev
BENCH_PKGS    += python3 python3-cffi python3-dev

# The compiled hot path (bindings/python/gov/_govext.c, a CPython extension built with
# Debian's python3-dev for /usr/bin/python3): build/python/_govext<EXT_SUFFIX>, where the
# package finds it. Its file name carries the interpreter's ABI tag, known only once
# python3 is installed, so make tracks it by a stamp. It links nothing: libgov's
# functions come by address from the library the package loaded.
PY_EXT := $(BUILD)/python/.govext-built
$(PY_EXT): bindings/python/gov/_govext.c vm/gov.h | check-deps test-deps
	@mkdir -p $(dir $@)
	sfx=$$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))') && \
	inc=$$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_paths()["include"])') && \
	$(CC) $(CSTD) $(WARN) $(OPT) -g $(SAN) -fvisibility=hidden -fPIC -shared -isystem "$$inc" -Ivm \
	  -o $(BUILD)/python/_govext$$sfx $< && touch $@
.PHONY: python
python: $(PY_EXT)

# A C host function that blocks, for the test that the GIL is released (test_threads.py).
$(BUILD)/tests/py_blocker.so: bindings/python/tests/blocker.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CSTD) $(WARN) $(OPT) $(SAN) -fPIC -shared -o $@ $<

PY_TEST_DEPS := $(PY_EXT) $(BUILD)/libgov.so $(BUILD)/libgovc.so $(BUILD)/libgovlog.so $(BUILD)/govc $(BUILD)/tests/py_blocker.so $(HOST_LIBS)
TEST_DEPS += $(PY_TEST_DEPS)
TEST_SUITES += "sh bindings/python/run.sh $(BUILD)"

# make bench: the binding's cost per decision against the C API (bindings/python/bench.py),
# before the main tables; figures in $(BENCH_DIR)/python.md.
.PHONY: bench-python
bench-python: $(BENCH_DIR)/.deps-ok $(BENCH_DIR)/evalbench $(BUILD)/libgov.so $(BUILD)/libgovc.so $(PY_EXT)
	/usr/bin/python3 bindings/python/bench.py --build $(BUILD) --out $(BENCH_DIR)
bench: bench-python
