# tests/bench/bench.mk: benchmarks (make bench). Measured, never asserted in tests.
$(BUILD)/bench/evalbench: $(BUILD)/obj/tests/bench/evalbench.o $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lxxhash

.PHONY: bench
bench: $(BUILD)/govc $(BUILD)/bench/evalbench
	@for p in $(sort $(wildcard policies/*/)); do \
	  n=$$(basename $$p); \
	  $(BUILD)/govc build -o $(BUILD)/bench/$$n.govb $$p >/dev/null 2>&1 || exit 1; \
	  $(BUILD)/bench/evalbench $(BUILD)/bench/$$n.govb $$p/records.jsonl 2>/dev/null || exit 1; \
	done
