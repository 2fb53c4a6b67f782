# bindings/js/js.mk: libgov (and the compiler) built to wasm32-wasi with Debian's clang,
# lld and wasi-libc, and the JavaScript package around them (bindings/js/README.md).
#
#   make js        the package, staged in $(BUILD)/js: the ES modules, their types, the
#                  wasm modules, the adapters, the playground and the tests, with the npm
#                  packages of package-lock.json installed by `npm ci`
#
# Nothing here is committed that make builds: the .wasm files exist only in $(BUILD)/js.
DEB_PKGS += clang lld wasi-libc libclang-rt-14-dev-wasm32 chromium

JS_DIR    := $(BUILD)/js
WASM_CC   ?= clang --target=wasm32-wasi
WASM_CFLAGS := $(CSTD) $(WARN) -O2 -fvisibility=hidden -I. -I$(BUILD)/gen -D_POSIX_C_SOURCE=200809L
# A reactor (no main; _initialize runs the constructors). The stack comes first in memory,
# so overflowing it is an out-of-bounds access, a trap, not silent corruption of data.
WASM_LDFLAGS := -mexec-model=reactor -Wl,--stack-first -Wl,-z,stack-size=1048576 -Wl,--strip-debug

# libgov with the wasm host-call backend instead of libffi's.
WASM_VM_SRCS := $(filter-out vm/hostcall_ffi.c,$(VM_SRCS)) vm/hostcall_wasm.c bindings/js/c/xxhash.c
WASM_VM_OBJS := $(WASM_VM_SRCS:%.c=$(BUILD)/wasm/obj/%.o)

$(BUILD)/wasm/obj/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(WASM_CC) $(WASM_CFLAGS) -MMD -MP -c $< -o $@

$(JS_DIR)/gov.wasm: $(WASM_VM_OBJS) $(BUILD)/wasm/obj/bindings/js/c/govjs.o
	@mkdir -p $(dir $@)
	$(WASM_CC) $(WASM_LDFLAGS) -o $@ $^ -lm

# libgovc, with libgov (the compiler verifies the programs it makes), for govc.wasm. The
# front end's setjmp comes from bindings/js/c/include (wasi-libc has none).
WASM_GOVC_CFLAGS := -isystem bindings/js/c/include
WASM_GOVC_OBJS := $(LIBGOVC_SRCS:%.c=$(BUILD)/wasm/obj/%.o) $(LIBGOVC_GEN:%=$(BUILD)/wasm/gen/%.o) \
                  $(BUILD)/wasm/obj/bindings/js/c/jmp.o $(BUILD)/wasm/obj/bindings/js/c/govcjs.o
$(filter $(BUILD)/wasm/obj/lang/% $(BUILD)/wasm/obj/compiler/%,$(WASM_GOVC_OBJS)) $(BUILD)/wasm/obj/bindings/js/c/jmp.o: \
    WASM_CFLAGS += $(WASM_GOVC_CFLAGS)
$(filter $(BUILD)/wasm/obj/lang/% $(BUILD)/wasm/obj/compiler/%,$(WASM_GOVC_OBJS)): $(BUILD)/gen/parser.h
$(BUILD)/wasm/gen/%.o: $(BUILD)/gen/%.c $(BUILD)/gen/parser.h | check-deps
	@mkdir -p $(dir $@)
	$(WASM_CC) $(WASM_CFLAGS) $(WASM_GOVC_CFLAGS) -Wno-unused-function -MMD -MP -c $< -o $@

$(JS_DIR)/govc.wasm: $(WASM_GOVC_OBJS) $(WASM_VM_OBJS)
	@mkdir -p $(dir $@)
	$(WASM_CC) $(WASM_LDFLAGS) -o $@ $^ -lm

# The package: sources copied beside the wasm modules, so that relative imports and
# `new URL('./gov.wasm', import.meta.url)` resolve the same in the tree and in a tarball.
JS_SRC   := $(shell find bindings/js/src bindings/js/test bindings/js/playground -type f 2>/dev/null)
JS_STAGE := $(patsubst bindings/js/src/%,$(JS_DIR)/%,$(filter bindings/js/src/%,$(JS_SRC))) \
            $(patsubst bindings/js/%,$(JS_DIR)/%,$(filter-out bindings/js/src/%,$(JS_SRC))) \
            $(JS_DIR)/package.json $(JS_DIR)/package-lock.json $(JS_DIR)/bench.mjs
$(JS_DIR)/%: bindings/js/src/%
	@mkdir -p $(dir $@)
	cp $< $@
$(JS_DIR)/test/%: bindings/js/test/%
	@mkdir -p $(dir $@)
	cp $< $@
$(JS_DIR)/playground/%: bindings/js/playground/%
	@mkdir -p $(dir $@)
	cp $< $@
$(JS_DIR)/package.json $(JS_DIR)/package-lock.json $(JS_DIR)/bench.mjs: $(JS_DIR)/%: bindings/js/%
	@mkdir -p $(dir $@)
	cp $< $@

# npm ci into the staged package when the lock file changes.
# After test-deps, which installs node and npm on a bare machine and makes node at least
# NODE_MIN (tests/node, first on PATH; see the Makefile).
$(JS_DIR)/node_modules/.gov-npm-ok: $(JS_DIR)/package.json $(JS_DIR)/package-lock.json | test-deps
	cd $(JS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: js
js: $(JS_DIR)/gov.wasm $(JS_DIR)/govc.wasm $(JS_STAGE) $(JS_DIR)/node_modules/.gov-npm-ok

TEST_DEPS += js
# make bench sets gov.wasm in Node beside native libgov (bench.mjs, tests/bench/run.py).
# The driver looks for the staged bench.mjs when it starts, so under `make bench` the
# package is built before bench-eval (a prerequisite of bench alone came after it: the
# JavaScript table said "not run" on a fresh checkout). `make bench-eval` alone does not
# build it.
bench: js
ifneq ($(filter bench,$(MAKECMDGOALS)),)
bench-eval: | js
endif
TEST_SUITES_NOSAN += "sh bindings/js/test/run.sh $(BUILD)"
