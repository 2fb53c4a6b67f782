# tests/ffi/ffi.mk: host functions (extern fn) through libffi: the test host libraries,
# the API unit test, and the govc --host-lib goldens (tests/ffi/run.sh).
FFI_LIB_FLAGS := $(CPPFLAGS_ALL) -std=c17 -Wall -Wextra -Werror -fPIC -shared $(SAN)

$(BUILD)/tests/ffi/hostlib.so: tests/ffi/hostlib.c tests/ffi/hostlib.h vm/gov.h | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(FFI_LIB_FLAGS) -o $@ $<

$(BUILD)/tests/ffi/bad_ret.so $(BUILD)/tests/ffi/bad_arity.so $(BUILD)/tests/ffi/bad_variadic.so $(BUILD)/tests/ffi/no_sig.so: \
    $(BUILD)/tests/ffi/%.so: tests/ffi/badlib.c tests/ffi/hostlib.h vm/gov.h | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(FFI_LIB_FLAGS) -D$(shell echo $* | tr a-z A-Z) -o $@ $<

FFI_LIBS := $(addprefix $(BUILD)/tests/ffi/,hostlib.so bad_ret.so bad_arity.so bad_variadic.so no_sig.so)

# The API test links the host functions statically and calls them through the VM.
$(BUILD)/tests/ffi_unit: $(BUILD)/obj/tests/ffi/unit.o $(BUILD)/obj/tests/ffi/hostlib.o $(BUILD)/obj/tests/vm/alloc.o \
                         $(VM_TEST_COMMON) $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS)

TEST_DEPS += $(FFI_LIBS) $(BUILD)/tests/ffi_unit
TEST_SUITES += "GOVC=$(BUILD)/govc sh tests/ffi/run.sh $(BUILD)"
