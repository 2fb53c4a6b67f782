# tests/corpus/corpus.mk: libgov's properties over the example policies.
$(BUILD)/tests/corpus: $(BUILD)/obj/tests/corpus/corpus.o $(BUILD)/obj/tests/vm/alloc.o $(BUILD)/obj/tests/ffi/hostlib.o \
                       $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(BUILD)/tests/corpus
TEST_SUITES += "sh tests/corpus/run.sh $(BUILD)"

# A time window's bucket holds at most 2^32 - 1 values (issue 19): tests/windows/full.c.
$(BUILD)/tests/windows_full: $(BUILD)/obj/tests/windows/full.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(BUILD)/tests/windows_full
TEST_SUITES += "sh tests/windows/full.sh $(BUILD)"

# A quantile time window's total over buckets of up to 2^32 - 1 values (issue 19):
# tests/windows/qtotal.c.
$(BUILD)/tests/windows_qtotal: $(BUILD)/obj/tests/windows/qtotal.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(BUILD)/tests/windows_qtotal
TEST_SUITES += "sh tests/windows/qtotal.sh $(BUILD)"

# A window's value is computed when something first reads it in a record (issue 19):
# tests/windows/lazy.c.
$(BUILD)/tests/windows_lazy: $(BUILD)/obj/tests/windows/lazy.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(BUILD)/tests/windows_lazy
TEST_SUITES += "sh tests/windows/lazy.sh $(BUILD)"

# A drift's bin counts past 2^32 values (issue 19): tests/drift/bins.c.
$(BUILD)/tests/drift_bins: $(BUILD)/obj/tests/drift/bins.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(BUILD)/tests/drift_bins
TEST_SUITES += "sh tests/drift/bins.sh $(BUILD)"

# Event times at the ends of int64 (issue 19): tests/windows/edges.c.
$(BUILD)/tests/windows_edges: $(BUILD)/obj/tests/windows/edges.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(BUILD)/tests/windows_edges
TEST_SUITES += "sh tests/windows/edges.sh $(BUILD)"

# Time windows' buckets against a reference, clocks moving every way (issue 19):
# tests/windows/clock.c.
$(BUILD)/tests/windows_clock: $(BUILD)/obj/tests/windows/clock.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(BUILD)/tests/windows_clock
TEST_SUITES += "sh tests/windows/clock.sh $(BUILD)"
