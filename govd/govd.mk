# govd/govd.mk: govd, the policy decision service (spec/govd.md), its tests and bench.
# It compiles .gov policies in process with libgovc (compiler/gov_compiler.h).
DEB_PKGS += libmicrohttpd-dev libgnutls28-dev openssl curl
# The Redis Cluster scale-out (spec/scaleout.md): the client library; the tests start a
# cluster of their own from redis-server and redis-tools, and read it back with redis-py.
DEB_PKGS += libhiredis-dev
TEST_DEB_PKGS += redis-server redis-tools python3-redis python3-hiredis python3-xxhash

GOVD_SRCS := govd/main.c govd/server.c govd/policy.c govd/otlp.c govd/batch.c govd/util.c govd/metrics.c \
             govd/dlog.c govd/auth.c govd/record.c govd/host.c \
             govd/resp.c govd/jcheck.c govd/rcluster.c govd/redis_source.c govd/worker.c govd/produce.c govd/pool.c
GOVD_OBJS := $(GOVD_SRCS:%.c=$(BUILD)/obj/%.o)
GOVD_LIBS := -lmicrohttpd -lhiredis -lxxhash -lffi -lm -lpthread -ldl

$(GOVD_OBJS): $(BUILD)/gen/parser.h
# dlog.c includes log/govlog.h, which includes "gov.h" as an installed host sees it.
$(GOVD_OBJS): CPPFLAGS_ALL += -Ivm

$(BUILD)/govd: $(GOVD_OBJS) $(BUILD)/libgovlog.a $(BUILD)/libgovc.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -pthread -o $@ $(GOVD_OBJS) $(BUILD)/libgovlog.a $(BUILD)/libgovc.a $(BUILD)/libgov.a $(GOVD_LIBS) $(LOG_LIBS)

all: $(BUILD)/govd

# ---------------------------------------------------------------- tests
# host_functions binds policies/content_safety's library and tests/ffi's bad ones.
TEST_DEPS += $(BUILD)/govd $(BUILD)/govc $(BUILD)/hosts/content_safety.so $(BUILD)/tests/ffi/bad_ret.so
TEST_SUITES += "/usr/bin/python3 tests/govd/run.py $(BUILD)"
# State files and the decision log: only regular files are read, appended to or replaced.
TEST_SUITES += "sh tests/govd/outfiles.sh $(BUILD)"
# ... and at a reload; a folder that cannot be renamed aside (an LD_PRELOAD shim that
# fails rename(2), built without the sanitizers: it is preloaded).
$(BUILD)/tests/govd_norename.so: tests/govd/norename.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O1 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl
TEST_DEPS += $(BUILD)/tests/govd_norename.so
TEST_SUITES += "sh tests/govd/stateaside.sh $(BUILD)"
# A snapshot on a full tmpfs (unshare -m, as root), then room again.
TEST_SUITES += "sh tests/govd/fullstate.sh $(BUILD)"
# The real OpenTelemetry SDK and OTLP/HTTP exporter, installed by make test's test-deps.
NPM_DIRS += tests/govd/otel

# ---------------------------------------------------------------- bench
# make bench also measures govd (wrk over loopback; GOVD_SOAK_SECONDS of soak: 60 by
# default, 600 with BENCH_FULL=1, see tests/bench/bench.mk).
GOVD_SOAK_SECONDS ?= $(if $(BENCH_FULL_ON),600,60)
.PHONY: bench-govd
bench: bench-govd
bench-govd: $(BUILD)/govd
	@/usr/bin/python3 tests/govd/bench.py $(BUILD) $(GOVD_SOAK_SECONDS)

# ---------------------------------------------------------------- the Redis Cluster scale-out
# tests/scaleout/run.py starts a 3-master, 3-replica cluster and real workers (kill -9,
# SIGSTOP, a master killed, a reshard) over SCALEOUT_RECORDS records; make test keeps it
# small (about a minute), a quarter of it under the sanitizers (make san).
SCALEOUT_OBJS := $(BUILD)/obj/govd/resp.o $(BUILD)/obj/govd/rcluster.o $(BUILD)/obj/govd/redis_source.o \
                 $(BUILD)/obj/govd/util.o
$(BUILD)/tests/scaleout_engine: $(BUILD)/obj/tests/scaleout/engine.o $(SCALEOUT_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lhiredis
SCALEOUT_RECORDS ?= $(if $(SAN),5000,20000)
TEST_DEPS += $(BUILD)/tests/scaleout_engine
TEST_SUITES += "/usr/bin/python3 tests/scaleout/run.py $(BUILD) $(SCALEOUT_RECORDS)"

# Throughput with 1, 2 and 4 workers, and the time to take over a dead worker's
# partitions (figures, not a test): make bench-scaleout [SCALEOUT_BENCH_RECORDS=N]
# (20,000 records in make bench, 200,000 with BENCH_FULL=1).
SCALEOUT_BENCH_RECORDS ?= $(if $(BENCH_FULL_ON),200000,20000)
.PHONY: bench-scaleout
bench: bench-scaleout
bench-scaleout: $(BUILD)/govd $(BUILD)/govc
	@/usr/bin/python3 tests/scaleout/bench.py $(BUILD) $(SCALEOUT_BENCH_RECORDS)

# The scale-out suite at the issue's size (make test runs it at 20,000 records): over a
# million records through 4 workers and 64 partitions, with workers killed, a master
# killed, a worker stopped and a reshard, checked exactly once against govc run.
# Only in make bench BENCH_FULL=1 (or by name: make bench-scaleout-large).
SCALEOUT_LARGE_RECORDS ?= 1000000
.PHONY: bench-scaleout-large
bench: $(if $(BENCH_FULL_ON),bench-scaleout-large)
bench-scaleout-large: $(BUILD)/govd $(BUILD)/govc $(BUILD)/tests/scaleout_engine
	@/usr/bin/python3 tests/scaleout/run.py $(BUILD) $(SCALEOUT_LARGE_RECORDS)
