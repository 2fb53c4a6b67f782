# govd/govd.mk: govd, the policy decision service (spec/govd.md), its tests and bench.
# It compiles .gov policies in process with libgovc (compiler/gov_compiler.h).
DEB_PKGS += libmicrohttpd-dev libgnutls28-dev libjsmn-dev openssl curl

GOVD_SRCS := govd/main.c govd/server.c govd/policy.c govd/otlp.c govd/batch.c govd/util.c govd/metrics.c \
             govd/dlog.c govd/auth.c govd/record.c
GOVD_OBJS := $(GOVD_SRCS:%.c=$(BUILD)/obj/%.o)
GOVD_LIBS := -lmicrohttpd -lxxhash -lffi -lm -lpthread

$(GOVD_OBJS): $(BUILD)/gen/parser.h

$(BUILD)/govd: $(GOVD_OBJS) $(BUILD)/libgovc.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -pthread -o $@ $(GOVD_OBJS) $(BUILD)/libgovc.a $(BUILD)/libgov.a $(GOVD_LIBS)

all: $(BUILD)/govd

# ---------------------------------------------------------------- tests
TEST_DEPS += $(BUILD)/govd $(BUILD)/govc
TEST_SUITES += "/usr/bin/python3 tests/govd/run.py $(BUILD)"

# ---------------------------------------------------------------- bench
# make bench also measures govd (wrk over loopback; GOVD_SOAK_SECONDS, default 600, of soak).
GOVD_SOAK_SECONDS ?= 600
.PHONY: bench-govd
bench: bench-govd
bench-govd: $(BUILD)/govd
	@/usr/bin/python3 tests/govd/bench.py $(BUILD) $(GOVD_SOAK_SECONDS)
