# vm/vm.mk: libgov (static and shared), the example host, the VM's tests, and install.
# The VM depends on nothing else in the tree: only libxxhash and libffi.
# One host-call backend (vm/hostcall.h): libffi here; bindings/js builds vm/hostcall_wasm.c.
VM_SRCS := vm/load.c vm/vm.c vm/json.c vm/out.c vm/disasm.c vm/gate.c vm/run.c vm/state.c vm/keytab.c vm/window.c vm/window_state.c \
           vm/agg.c vm/sketch.c vm/sustain.c vm/notify.c vm/drift.c vm/set.c vm/hostcall_ffi.c vm/partition.c vm/limits.c vm/pset.c \
           vm/trace.c vm/tindex.c vm/jcheck.c
VM_OBJS := $(VM_SRCS:%.c=$(BUILD)/obj/%.o)
VM_PIC_OBJS := $(VM_SRCS:%.c=$(BUILD)/pic/%.o)
VM_LIBS := -lxxhash -lffi
# The version and the soname's MAJOR come from vm/gov.h, their one source.
GOV_VERSION := $(shell sed -n 's/^\#define GOV_VERSION_STRING "\(.*\)"/\1/p' vm/gov.h)
GOV_MAJOR := $(shell sed -n 's/^\#define GOV_VERSION_MAJOR \([0-9]*\)/\1/p' vm/gov.h)

# Position-independent objects for the shared library.
$(BUILD)/pic/vm/%.o: vm/%.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -fPIC -MMD -MP -c $< -o $@

$(BUILD)/libgov.a: $(VM_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libgov.so: $(VM_PIC_OBJS)
	$(CC) -shared -Wl,-soname,libgov.so.$(GOV_MAJOR) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/gov.pc: vm/gov.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(GOV_VERSION)|g' $< > $@

# The examples include <gov.h>, as a host built against an installed libgov does
# (tests/vm/install.sh builds them that way); here the header is found in vm/.
$(BUILD)/obj/vm/examples/%.o: CPPFLAGS_ALL += -Ivm

# The example host, linked against the static library.
$(BUILD)/govhost: $(BUILD)/obj/vm/examples/govhost.o $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

# The example host with host functions, and the same functions as a host library for
# govc --host-lib: policies/content_safety's (make demo, tests/compiler).
$(BUILD)/pii_host: $(BUILD)/obj/vm/examples/pii_host.o $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/hosts/content_safety.so: vm/examples/pii_host.c vm/gov.h | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) -Ivm $(CSTD) $(WARN) $(OPT) $(SAN) -fPIC -shared -DGOV_HOST_LIBRARY -o $@ $<

HOST_LIBS := $(BUILD)/hosts/content_safety.so

all: $(BUILD)/libgov.a $(BUILD)/libgov.so $(BUILD)/gov.pc $(BUILD)/govhost $(BUILD)/pii_host $(HOST_LIBS)

# ---------------------------------------------------------------- tests
VM_TEST_COMMON := $(BUILD)/obj/tests/vm/builder.o $(BUILD)/obj/tests/vm/programs.o

$(BUILD)/tests/vm_unit: $(BUILD)/obj/tests/vm/unit.o $(BUILD)/obj/tests/vm/alloc.o $(VM_TEST_COMMON) $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

# The same unit suite against the switch dispatch (the library uses computed goto): the
# interpreter's, the windows' update plan's and the compact trace's fast writer's.
$(BUILD)/swobj/vm/vm.o: vm/vm.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -DGOV_SWITCH_DISPATCH -MMD -MP -c $< -o $@

$(BUILD)/swobj/vm/trace.o: vm/trace.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -DGOV_SWITCH_DISPATCH -MMD -MP -c $< -o $@

$(BUILD)/swobj/vm/window.o: vm/window.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -DGOV_SWITCH_DISPATCH -MMD -MP -c $< -o $@

$(BUILD)/tests/vm_unit_switch: $(BUILD)/obj/tests/vm/unit.o $(BUILD)/obj/tests/vm/alloc.o $(VM_TEST_COMMON) \
                               $(BUILD)/swobj/vm/vm.o $(BUILD)/swobj/vm/window.o $(BUILD)/swobj/vm/trace.o \
                               $(filter-out $(BUILD)/obj/vm/vm.o $(BUILD)/obj/vm/window.o $(BUILD)/obj/vm/trace.o,$(VM_OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/tests/vm_corrupt: $(BUILD)/obj/tests/vm/corrupt.o $(BUILD)/obj/tests/ffi/hostlib.o $(VM_TEST_COMMON) $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/tests/vm_keytab: $(BUILD)/obj/tests/vm/keytab.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/tests/vm_guards: $(BUILD)/obj/tests/vm/guards.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/tests/vm_rcache: $(BUILD)/obj/tests/vm/rcache.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

# The threshold index's suite: the same host against libgov, and against a vm.c compiled
# with GOV_NO_TINDEX (every rule scanned, as before the index), to compare.
$(BUILD)/notix/vm/vm.o: vm/vm.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -DGOV_NO_TINDEX -MMD -MP -c $< -o $@

$(BUILD)/tests/vm_tindex: $(BUILD)/obj/tests/vm/tindex.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/tests/vm_tindex_off: $(BUILD)/obj/tests/vm/tindex.o $(BUILD)/notix/vm/vm.o $(filter-out $(BUILD)/obj/vm/vm.o,$(VM_OBJS))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/tests/vm_partition: $(BUILD)/obj/tests/vm/partition.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/tests/vm_jsonfast: $(BUILD)/obj/tests/vm/jsonfast.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

$(BUILD)/tests/vm_mkgovb: $(BUILD)/obj/tests/vm/mkgovb.o $(VM_TEST_COMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

# Per-record timing (not a test): make vm-bench
$(BUILD)/tests/vm_bench: $(BUILD)/obj/tests/vm/bench.o $(VM_TEST_COMMON) $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)
.PHONY: vm-bench
vm-bench: $(BUILD)/tests/vm_bench
	$(BUILD)/tests/vm_bench

# libFuzzer over .govb files and JSON lines (needs clang; not part of `make test`):
#   make vm-fuzz [FUZZ_TIME=60]   seeds from the sample programs and the golden records
FUZZ_TIME ?= 60
VM_FUZZ_SRCS := tests/vm/fuzz_vm.c tests/vm/builder.c tests/vm/programs.c $(VM_SRCS)
$(BUILD)/fuzz/vm_fuzz: $(VM_FUZZ_SRCS) $(wildcard vm/*.h tests/vm/*.h)
	@mkdir -p $(dir $@)
	clang $(CSTD) -g -O1 $(CPPFLAGS_ALL) -DGOV_LIBFUZZER -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -o $@ $(VM_FUZZ_SRCS) $(VM_LIBS)
.PHONY: vm-fuzz
vm-fuzz: $(BUILD)/fuzz/vm_fuzz $(BUILD)/tests/vm_mkgovb
	@mkdir -p $(BUILD)/fuzz/corpus
	for p in support two_kinds all_ops; do $(BUILD)/tests/vm_mkgovb $$p $(BUILD)/fuzz/$$p.govb; \
	    { printf '\0'; cat $(BUILD)/fuzz/$$p.govb; } > $(BUILD)/fuzz/corpus/$$p; done
	i=0; while IFS= read -r l; do i=$$((i+1)); { printf '\1'; printf '%s' "$$l"; } > $(BUILD)/fuzz/corpus/j$$i; \
	    done < tests/vm/golden/support.jsonl
	$(BUILD)/fuzz/vm_fuzz -max_total_time=$(FUZZ_TIME) -max_len=8192 $(BUILD)/fuzz/corpus

TEST_DEPS += $(BUILD)/tests/vm_unit $(BUILD)/tests/vm_unit_switch $(BUILD)/tests/vm_corrupt $(BUILD)/tests/vm_keytab $(BUILD)/tests/vm_partition $(BUILD)/tests/vm_mkgovb $(BUILD)/govhost \
             $(BUILD)/libgov.so
TEST_SUITES += $(BUILD)/tests/vm_unit "sh tests/vm/prefix.sh switch $(BUILD)/tests/vm_unit_switch" \
               $(BUILD)/tests/vm_corrupt $(BUILD)/tests/vm_keytab $(BUILD)/tests/vm_partition "sh tests/vm/opdoc.sh" \
               "sh tests/vm/example.sh $(BUILD)" "sh tests/vm/symbols.sh $(BUILD)" \
               "sh tests/vm/install.sh $(BUILD) '$(SAN)'" "sh tests/vm/locale.sh $(BUILD)"
TEST_SUITES += "sh tests/vm/corrupt_files.sh $(BUILD)"
# The one-pass JSON record decoder decides as the full path (issues 19 and 21).
TEST_DEPS += $(BUILD)/tests/vm_jsonfast
TEST_SUITES += "sh tests/vm/jsonfast.sh $(BUILD)"
# The rule index (RULEGUARDS): a record runs only the rules its scopes can reach, and
# decides exactly as with every rule run (issue 19).
TEST_DEPS += $(BUILD)/tests/vm_guards
TEST_SUITES += "sh tests/vm/guards.sh $(BUILD)"
# The cache of resolved chains of scopes: limits, decisions and traces as a fresh VM's.
TEST_DEPS += $(BUILD)/tests/vm_rcache
TEST_SUITES += "sh tests/vm/rcache.sh $(BUILD)"
# The threshold index: a record runs only the rules its values can fire, and decides and
# traces exactly as a VM that scans every rule (issue 19).
TEST_DEPS += $(BUILD)/tests/vm_tindex $(BUILD)/tests/vm_tindex_off
TEST_SUITES += "sh tests/vm/tindex.sh $(BUILD)"
# tests/vm/locale.sh runs the unit suite under de_DE.UTF-8; symbols.sh reads libgov.so
# with nm.
TEST_DEB_PKGS += locales binutils
TEST_LOCALES += de_DE.UTF-8
TEST_DEPS += $(BUILD)/govc

# ---------------------------------------------------------------- install
# A prerequisite of `install` only (no recipe), so other fragments can add their own.
.PHONY: install-vm
install: install-vm
install-vm: $(BUILD)/libgov.a $(BUILD)/libgov.so
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 vm/gov.h $(DESTDIR)$(PREFIX)/include/gov.h
	install -m 644 $(BUILD)/libgov.a $(DESTDIR)$(PREFIX)/lib/libgov.a
	install -m 755 $(BUILD)/libgov.so $(DESTDIR)$(PREFIX)/lib/libgov.so.$(GOV_VERSION)
	ln -sf libgov.so.$(GOV_VERSION) $(DESTDIR)$(PREFIX)/lib/libgov.so.$(GOV_MAJOR)
	ln -sf libgov.so.$(GOV_MAJOR) $(DESTDIR)$(PREFIX)/lib/libgov.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(GOV_VERSION)|g' vm/gov.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/gov.pc

# The compact trace (spec/trace.md §3.1, issue 19): rendered, it is the JSON trace byte
# for byte over every example's records and events and the 50-rule bench policy; every
# truncation and bit flip of it is refused or renders a whole trace.
$(BUILD)/tests/vm_compact: $(BUILD)/obj/tests/vm/compact.o $(BUILD)/obj/tests/vm/builder.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS) -ldl
TEST_DEPS += $(BUILD)/tests/vm_compact $(HOST_LIBS)
TEST_SUITES += "sh tests/vm/compact.sh $(BUILD)"

# A rule on a window's value is one scan word when it is the whole rule and the window's
# offset fits (load.c build_xcode); windows past it, and the pair in a longer rule, run
# as LOADW and a test, and decide alike (issue 19): tests/vm/wfuse.c.
$(BUILD)/tests/vm_wfuse: $(BUILD)/obj/tests/vm/wfuse.o $(BUILD)/obj/tests/vm/builder.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)
TEST_DEPS += $(BUILD)/tests/vm_wfuse
TEST_SUITES += "sh tests/vm/wfuse.sh $(BUILD)"
