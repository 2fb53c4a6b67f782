# tests/fuzz/fuzz_tests.mk: the fuzzing work's deterministic tests, built with the normal
# compiler and flags (so `make san` runs them under ASan and UBSan too).
FUZZ_ROBUST_OBJS := $(BUILD)/obj/tests/fuzz/robust.o $(BUILD)/obj/fuzz/common.o $(BUILD)/obj/tests/ffi/hostlib.o $(BUILD)/obj/fuzz/gen.o \
                    $(BUILD)/obj/fuzz/ref.o $(BUILD)/obj/fuzz/exact.o $(BUILD)/obj/compiler/compile.o $(BUILD)/gen/obj/stdlib_data.o

$(BUILD)/obj/tests/fuzz/robust.o $(BUILD)/obj/fuzz/common.o $(BUILD)/obj/fuzz/gen.o $(BUILD)/obj/fuzz/ref.o $(BUILD)/obj/fuzz/exact.o: \
    $(BUILD)/gen/parser.h

$(BUILD)/tests/fuzz_robust: $(FUZZ_ROBUST_OBJS) $(BUILD)/liblang.a $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lxxhash -lffi -lm

# fuzz_state's corpus replayed without libFuzzer (tests/fuzz/replay.c): the seed states
# with every bit flip and truncation, and the regression corpus tests/fuzz/state/.
FUZZ_STATE_REPLAY_OBJS := $(BUILD)/obj/tests/fuzz/replay.o $(BUILD)/obj/fuzz/fuzz_state.o $(BUILD)/obj/fuzz/common.o \
                          $(BUILD)/obj/tests/ffi/hostlib.o \
                          $(BUILD)/obj/compiler/compile.o $(BUILD)/gen/obj/stdlib_data.o
$(BUILD)/obj/tests/fuzz/replay.o $(BUILD)/obj/fuzz/fuzz_state.o: $(BUILD)/gen/parser.h

$(BUILD)/tests/fuzz_state_replay: $(FUZZ_STATE_REPLAY_OBJS) $(BUILD)/liblang.a $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lxxhash -lffi -lm

# fuzz_eval and fuzz_json the same way, for cover.sh: every example policy is one the
# targets pick, and fuzz_eval runs each example's records deterministically.
FUZZ_REPLAY_COMMON := $(BUILD)/obj/tests/fuzz/replay.o $(BUILD)/obj/fuzz/common.o $(BUILD)/obj/tests/ffi/hostlib.o \
                      $(BUILD)/obj/compiler/compile.o $(BUILD)/gen/obj/stdlib_data.o
$(BUILD)/obj/fuzz/fuzz_eval.o $(BUILD)/obj/fuzz/fuzz_json.o: $(BUILD)/gen/parser.h
$(BUILD)/tests/fuzz_eval_replay $(BUILD)/tests/fuzz_json_replay: $(BUILD)/tests/fuzz_%_replay: \
    $(BUILD)/obj/fuzz/fuzz_%.o $(FUZZ_REPLAY_COMMON) $(BUILD)/liblang.a $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lxxhash -lffi -lm

TEST_DEPS += $(BUILD)/tests/fuzz_robust $(BUILD)/tests/fuzz_state_replay $(BUILD)/govc \
             $(BUILD)/tests/fuzz_eval_replay $(BUILD)/tests/fuzz_json_replay
# robust.sh: one suite per example policy (and one for the rest), so that tests/run.sh
# spreads the sweeps, the longest work under the sanitizers, over its job slots.
# Under the sanitizers every 4th mutation of the sweep (GOV_SWEEP_STRIDE): make test
# without them runs the exhaustive sweep, and the whole of it under ASan cost 25 minutes.
ROBUST_ENV := $(if $(SAN),GOV_SWEEP_STRIDE=4 )
TEST_SUITES += $(foreach p,$(notdir $(patsubst %/,%,$(sort $(wildcard policies/*/)))),"$(ROBUST_ENV)sh tests/fuzz/robust.sh $(BUILD) $(p)") \
               "sh tests/fuzz/robust.sh $(BUILD) rest" "sh tests/fuzz/limits.sh $(BUILD)/govc" \
               "sh tests/fuzz/state.sh $(BUILD)" "sh tests/fuzz/cover.sh $(BUILD)"
# limits.sh generates its inputs with python3.
TEST_DEB_PKGS += python3
