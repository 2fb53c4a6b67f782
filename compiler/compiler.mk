# compiler/compiler.mk: libgovc (the front end and compiler as a library, static and
# shared, behind compiler/gov_compiler.h), and the govc driver over it.
GOVC_SRCS := compiler/govc.c compiler/drive.c compiler/cmd_check.c compiler/cmd_build.c compiler/cmd_disasm.c \
             compiler/program.c compiler/cmd_run.c compiler/cmd_explain.c compiler/cmd_test.c compiler/cmd_diff.c compiler/cmd_replay.c \
             compiler/cmd_fmt.c compiler/fmt.c compiler/fmt_doc.c compiler/host.c compiler/jview.c
GOVC_OBJS := $(GOVC_SRCS:%.c=$(BUILD)/obj/%.o)
STDLIB_MODS := $(sort $(wildcard stdlib/*.gov))

$(BUILD)/embed: compiler/embed.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -O1 -o $@ $<

$(BUILD)/gen/stdlib_data.c: $(BUILD)/embed $(STDLIB_MODS)
	@mkdir -p $(dir $@)
	$(BUILD)/embed $@ $(foreach m,$(STDLIB_MODS),$(basename $(notdir $(m)))=$(m))

# ---------------------------------------------------------------- libgovc
# lang/ (the front end), the compiler, the embedded standard modules and the API. It
# links libgov (programs are verified before they are returned); libgov stays alone.
LIBGOVC_SRCS := compiler/libgovc.c compiler/compile.c compiler/stdlib.c $(LANG_SRCS)
LIBGOVC_GEN  := lexer parser stdlib_data
LIBGOVC_OBJS := $(LIBGOVC_SRCS:%.c=$(BUILD)/obj/%.o) $(LIBGOVC_GEN:%=$(BUILD)/gen/obj/%.o)
LIBGOVC_PIC_OBJS := $(LIBGOVC_SRCS:%.c=$(BUILD)/pic/%.o) $(LIBGOVC_GEN:%=$(BUILD)/gen/pic/%.o)
LIBGOVC_LIBS := -lxxhash -lm

$(BUILD)/pic/lang/%.o: lang/%.c $(BUILD)/gen/parser.h | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -fPIC -MMD -MP -c $< -o $@
$(BUILD)/pic/compiler/%.o: compiler/%.c $(BUILD)/gen/parser.h | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -fPIC -MMD -MP -c $< -o $@
$(BUILD)/gen/pic/%.o: $(BUILD)/gen/%.c $(BUILD)/gen/parser.h | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS_ALL) $(CFLAGS_ALL) -Wno-unused-function -fPIC -MMD -MP -c $< -o $@
$(BUILD)/obj/compiler/libgovc.o $(BUILD)/obj/compiler/compile.o: $(BUILD)/gen/parser.h

$(BUILD)/libgovc.a: $(LIBGOVC_OBJS)
	@rm -f $@
	ar rcs $@ $^

# Linked by path, libgov.so is recorded as NEEDED libgov.so.0 (its soname); the symlink
# lets a program run against the build tree with LD_LIBRARY_PATH=$(BUILD).
$(BUILD)/libgovc.so: $(LIBGOVC_PIC_OBJS) $(BUILD)/libgov.so
	$(CC) -shared -Wl,-soname,libgovc.so.0 $(LDFLAGS_ALL) -o $@ $(LIBGOVC_PIC_OBJS) $(BUILD)/libgov.so $(LIBGOVC_LIBS)
	ln -sf libgov.so $(BUILD)/libgov.so.0
	ln -sf libgovc.so $(BUILD)/libgovc.so.0

$(BUILD)/govc.pc: compiler/govc.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(GOV_VERSION)|g' $< > $@

# ---------------------------------------------------------------- govc
$(BUILD)/govc: $(GOVC_OBJS) $(BUILD)/libgovc.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(GOVC_OBJS) $(BUILD)/libgovc.a $(BUILD)/libgov.a -lxxhash -lffi -ldl -lm

# fmt.c reads the lexer's token numbers.
$(BUILD)/obj/compiler/fmt.o: $(BUILD)/gen/parser.h

all: $(BUILD)/govc $(BUILD)/libgovc.a $(BUILD)/libgovc.so $(BUILD)/govc.pc

# govc and its manual page, and libgovc, beside libgov's install-vm. The header names
# "vm/gov.h" in the tree and <gov.h> once installed.
.PHONY: install-govc install-govc-lib
install: install-govc install-govc-lib
install-govc: $(BUILD)/govc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/govc $(DESTDIR)$(PREFIX)/bin/govc
	install -m 644 compiler/govc.1 $(DESTDIR)$(PREFIX)/share/man/man1/govc.1
install-govc-lib: $(BUILD)/libgovc.a $(BUILD)/libgovc.so install-vm
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig
	sed 's|#include "vm/gov.h"|#include <gov.h>|' compiler/gov_compiler.h > $(DESTDIR)$(PREFIX)/include/gov_compiler.h
	chmod 644 $(DESTDIR)$(PREFIX)/include/gov_compiler.h
	install -m 644 $(BUILD)/libgovc.a $(DESTDIR)$(PREFIX)/lib/libgovc.a
	install -m 755 $(BUILD)/libgovc.so $(DESTDIR)$(PREFIX)/lib/libgovc.so.$(GOV_VERSION)
	ln -sf libgovc.so.$(GOV_VERSION) $(DESTDIR)$(PREFIX)/lib/libgovc.so.0
	ln -sf libgovc.so.0 $(DESTDIR)$(PREFIX)/lib/libgovc.so
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(GOV_VERSION)|g' compiler/govc.pc.in \
	    > $(DESTDIR)$(PREFIX)/lib/pkgconfig/govc.pc

# The example host that compiles at run time (tests/libgovc/lib.sh builds it installed).
$(BUILD)/compile_host: $(BUILD)/obj/compiler/examples/compile_host.o $(BUILD)/libgovc.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -o $@ $^ -lxxhash -lffi -lm
all: $(BUILD)/compile_host
