# fuzz/fuzz.mk: libFuzzer targets, one per stage (see fuzz/README.md).
#
#   make fuzz FUZZ_SECONDS=N   build every target into build-fuzz/ with clang
#                              (-fsanitize=fuzzer,address,undefined) and run each for N
#                              seconds; crashes go to build-fuzz/crashes/
#   make fuzz FUZZ_SECONDS=N FUZZ_CLOCK=cpu
#                              the same, N seconds of each target's CPU time (for a
#                              campaign on a busy machine)
#   make fuzz-build            build them only
#
# The targets link the same sources as govc and libgov, compiled again by a second make
# with BUILD=build-fuzz, so the gcc build in build/ is untouched.
FUZZ_BUILD   ?= build-fuzz
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 10
FUZZ_CLOCK   ?= wall
FUZZ_TARGETS ?= parse check compile lib load json eval diff state govd log resp lsp limits trace jview
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: fuzz fuzz-build fuzz-bins
fuzz: fuzz-build
	FUZZ_CLOCK=$(FUZZ_CLOCK) sh fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# clang, and libFuzzer's runtime (libclang-rt-dev): installed as root, like DEB_PKGS.
FUZZ_DEB_PKGS := clang libclang-rt-dev
fuzz-build:
	@sh tests/install-deps.sh $(FUZZ_DEB_PKGS)
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT=-O1 SAN="$(FUZZ_SAN)" fuzz-bins

FUZZ_LINK := $(BUILD)/obj/fuzz/common.o $(BUILD)/obj/fuzz/gen.o $(BUILD)/obj/fuzz/ref.o $(BUILD)/obj/fuzz/exact.o $(BUILD)/obj/tests/ffi/hostlib.o \
             $(BUILD)/obj/compiler/compile.o $(BUILD)/gen/obj/stdlib_data.o $(BUILD)/liblang.a $(BUILD)/libgov.a

$(BUILD)/obj/fuzz/%.o: $(BUILD)/gen/parser.h

$(BUILD)/fuzz_%: $(BUILD)/obj/fuzz/fuzz_%.o $(FUZZ_LINK)
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(FUZZ_LINK) -lxxhash -lffi -lm

# libgovc's entry points: the library archive, which holds lang/ and the compiler.
$(BUILD)/fuzz_lib: $(BUILD)/obj/fuzz/fuzz_lib.o $(BUILD)/obj/fuzz/common.o $(BUILD)/obj/tests/ffi/hostlib.o \
                   $(BUILD)/libgovc.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ -lxxhash -lffi -lm

fuzz-bins: $(foreach t,$(FUZZ_TARGETS),$(BUILD)/fuzz_$(t)) $(BUILD)/govc

# govd's body parsers (OTLP JSON, NDJSON lines, record keys, the JSON check): linked with
# those files only, and the language server's JSON reader (and libgovc's arena) to check
# the JSON check against.
GOVD_FUZZ_OBJS := $(BUILD)/obj/govd/otlp.o $(BUILD)/obj/govd/batch.o $(BUILD)/obj/govd/util.o $(BUILD)/obj/govd/record.o \
                  $(BUILD)/obj/govd/jcheck.o $(BUILD)/obj/compiler/lsp_json.o
$(BUILD)/fuzz_govd: $(BUILD)/obj/fuzz/fuzz_govd.o $(GOVD_FUZZ_OBJS) $(BUILD)/libgovc.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(GOVD_FUZZ_OBJS) $(BUILD)/libgovc.a $(BUILD)/libgov.a -lxxhash -lffi -lm

# govc explain's and replay's view of what the VM wrote (compiler/jview.c, included by the
# target), held to the language server's reader.
$(BUILD)/fuzz_jview: $(BUILD)/obj/fuzz/fuzz_jview.o $(BUILD)/obj/compiler/lsp_json.o $(BUILD)/libgovc.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ -lxxhash -lffi -lm

# The decision log's reader (log/): libgovlog and libgov (libcrypto, for SHA-256, opened at the first digest).
$(BUILD)/obj/fuzz/fuzz_log.o: CPPFLAGS_ALL += -Ivm
$(BUILD)/fuzz_log: $(BUILD)/obj/fuzz/fuzz_log.o $(BUILD)/libgovlog.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ -lxxhash -lffi -lm $(LOG_LIBS)

# The scale-out's Redis reply parsers (govd/resp.c) with hiredis's reader.
$(BUILD)/fuzz_resp: $(BUILD)/obj/fuzz/fuzz_resp.o $(BUILD)/obj/govd/resp.o
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $^ -lhiredis

# govc lsp: its message reader (framing and JSON), then the whole server on the same
# stream: the lsp files, the formatter and govc's option parser, libgovc and libgov.
LSP_FUZZ_OBJS := $(BUILD)/obj/compiler/lsp_io.o $(BUILD)/obj/compiler/lsp_json.o $(BUILD)/obj/compiler/lsp.o \
                 $(BUILD)/obj/compiler/lsp_index.o $(BUILD)/obj/compiler/lsp_feat.o $(BUILD)/obj/compiler/lsp_nav.o \
                 $(BUILD)/obj/compiler/fmt.o $(BUILD)/obj/compiler/fmt_doc.o $(BUILD)/obj/compiler/opts.o
$(BUILD)/fuzz_lsp: $(BUILD)/obj/fuzz/fuzz_lsp.o $(LSP_FUZZ_OBJS) $(BUILD)/libgovc.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(LSP_FUZZ_OBJS) $(BUILD)/libgovc.a $(BUILD)/libgov.a \
	  -lxxhash -lffi -ldl -lm
