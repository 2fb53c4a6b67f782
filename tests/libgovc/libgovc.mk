# tests/libgovc/libgovc.mk: libgovc's C suite, linked against the shared libraries (the
# public headers only, as a host builds), and the export and install checks.
$(BUILD)/tests/libgovc_test: $(BUILD)/obj/tests/libgovc/libgovc_test.o $(BUILD)/libgovc.so $(BUILD)/libgov.so
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< -L$(BUILD) -lgovc -lgov -Wl,-rpath,$(abspath $(BUILD)) -pthread

TEST_DEPS += $(BUILD)/tests/libgovc_test
TEST_SUITES += $(BUILD)/tests/libgovc_test "sh tests/libgovc/lib.sh $(BUILD) '$(SAN)'"
