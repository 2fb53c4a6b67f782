# log/log.mk: libgovlog, the tamper-evident decision log (log/govlog.h, spec/trace.md §9).
# It sits on libgov and OpenSSL's libcrypto (SHA-256), which log/line.c opens (dlopen) when
# the first digest is asked for rather than linking it: govc, which links libgovlog for
# --log and audit, starts 1.1 ms sooner without it. libgov itself needs neither, so a host
# that does not log, and the WebAssembly build, are unchanged. libssl-dev for the headers;
# the runtime needs libcrypto.so.3 (OpenSSL 3) when it logs.
DEB_PKGS += libssl-dev
LOG_SRCS := log/line.c log/write.c log/read.c
# vm/jcheck.c, the project's one JSON validator (vm/gov_jcheck.h), which the line parser
# uses: libgov.so exports only gov.h, so libgovlog carries its own copy, in both forms.
LOG_OBJS := $(LOG_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/vm/jcheck.o
LOG_PIC_OBJS := $(LOG_SRCS:%.c=$(BUILD)/pic/%.o) $(BUILD)/pic/vm/jcheck.o
LOG_LIBS := -ldl -pthread

# govlog.h includes "gov.h" as an installed host sees it.
$(LOG_OBJS) $(LOG_PIC_OBJS) $(BUILD)/obj/compiler/cmd_run.o $(BUILD)/obj/compiler/cmd_audit.o: CPPFLAGS_ALL += -Ivm

$(BUILD)/pic/log/%.o: log/%.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -fPIC -MMD -MP -c $< -o $@

$(BUILD)/libgovlog.a: $(LOG_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libgovlog.so: $(LOG_PIC_OBJS) $(BUILD)/libgov.so
	$(CC) -shared -Wl,-soname,libgovlog.so.0 $(LDFLAGS_ALL) -o $@ $(LOG_PIC_OBJS) -L$(BUILD) -lgov $(LOG_LIBS)

$(BUILD)/govlog.pc: log/govlog.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(GOV_VERSION)|g' $< > $@

all: $(BUILD)/libgovlog.a $(BUILD)/libgovlog.so $(BUILD)/govlog.pc

# ---------------------------------------------------------------- tests
$(BUILD)/obj/tests/log/%.o: CPPFLAGS_ALL += -Ivm
$(BUILD)/tests/log_unit: $(BUILD)/obj/tests/log/unit.o $(BUILD)/libgovlog.a $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS) $(LOG_LIBS)

# killat.so: a shim that kills its process after the Nth call that changes a file
# (tests/log/killpoints.py). Built without the sanitizers: it is preloaded into govc.
$(BUILD)/tests/log_killat.so: tests/log/killat.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl

# nocrypto.so: a host whose libcrypto is missing or broken (tests/log/nocrypto.sh), with
# fakecrypto.so, a stand-in libcrypto (and one without EVP_DigestFinal_ex), and the C
# API's side of that suite. The shims are built without the sanitizers (preloaded).
$(BUILD)/tests/log_nocrypto.so: tests/log/nocrypto.c
	@mkdir -p $(dir $@)
	$(CC) -std=c17 -O1 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl
$(BUILD)/tests/log_fakecrypto.so: tests/log/fakecrypto.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O1 -Wall -Wextra -Werror -fPIC -shared -o $@ $< -ldl
$(BUILD)/tests/log_fakecrypto_nofinal.so: tests/log/fakecrypto.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu17 -O1 -Wall -Wextra -Werror -DFAKE_NO_FINAL -fPIC -shared -o $@ $< -ldl
$(BUILD)/tests/log_nocrypto_api: $(BUILD)/obj/tests/log/nocrypto_api.o $(BUILD)/libgovlog.a $(BUILD)/libgov.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $^ $(VM_LIBS) $(LOG_LIBS)

TEST_DEPS += $(BUILD)/tests/log_nocrypto.so $(BUILD)/tests/log_fakecrypto.so $(BUILD)/tests/log_fakecrypto_nofinal.so \
             $(BUILD)/tests/log_nocrypto_api $(BUILD)/govd $(BUILD)/libgovlog.so
TEST_SUITES += "sh tests/log/nocrypto.sh $(BUILD)"
TEST_SUITES += "sh tests/log/special.sh $(BUILD)"
TEST_DEPS += $(BUILD)/tests/log_unit $(BUILD)/govc $(BUILD)/libgovlog.so $(BUILD)/govlog.pc $(BUILD)/tests/log_killat.so
TEST_SUITES += "$(BUILD)/tests/log_unit $(BUILD)/govc" "GOVC=$(BUILD)/govc sh tests/log/run.sh $(BUILD)" \
               "/usr/bin/python3 tests/log/crash.py $(BUILD)/govc" \
               "/usr/bin/python3 tests/log/killpoints.py $(BUILD)/govc $(BUILD)/tests/log_killat.so"

# ---------------------------------------------------------------- install
.PHONY: install-log
install: install-log
install-log: $(BUILD)/libgovlog.a $(BUILD)/libgovlog.so
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 644 log/govlog.h $(DESTDIR)$(PREFIX)/include/govlog.h
	install -m 644 $(BUILD)/libgovlog.a $(DESTDIR)$(PREFIX)/lib/libgovlog.a
	install -m 755 $(BUILD)/libgovlog.so $(DESTDIR)$(PREFIX)/lib/libgovlog.so.$(GOV_VERSION)
	ln -sf libgovlog.so.$(GOV_VERSION) $(DESTDIR)$(PREFIX)/lib/libgovlog.so.0
	ln -sf libgovlog.so.0 $(DESTDIR)$(PREFIX)/lib/libgovlog.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(GOV_VERSION)|g' log/govlog.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/govlog.pc
