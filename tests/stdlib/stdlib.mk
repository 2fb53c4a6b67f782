# tests/stdlib/stdlib.mk: the built-in functions against independent references
# (python3: zoneinfo, fnmatch, decimal), compile-time folding against the VM, and the
# glob matcher's step counts.
$(BUILD)/tests/stdlib_steps: $(BUILD)/obj/tests/stdlib/steps.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lxxhash -lffi

$(BUILD)/tests/stdlib_corrupt: $(BUILD)/obj/tests/stdlib/corrupt.o $(BUILD)/obj/tests/vm/builder.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lxxhash -lffi

TEST_DEPS += $(BUILD)/tests/stdlib_steps $(BUILD)/tests/stdlib_corrupt $(BUILD)/govc
TEST_SUITES += "sh tests/stdlib/run.sh $(BUILD)"
TEST_DEB_PKGS += python3 tzdata
