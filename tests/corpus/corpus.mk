# tests/corpus/corpus.mk: libgov's properties over the example policies.
$(BUILD)/tests/corpus: $(BUILD)/obj/tests/corpus/corpus.o $(BUILD)/obj/tests/vm/alloc.o $(BUILD)/obj/tests/ffi/hostlib.o \
                       $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(BUILD)/tests/corpus
TEST_SUITES += "sh tests/corpus/run.sh $(BUILD)"
