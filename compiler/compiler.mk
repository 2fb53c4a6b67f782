# compiler/compiler.mk: the govc driver and the compiler proper.
GOVC_SRCS := compiler/govc.c compiler/cmd_check.c compiler/cmd_build.c compiler/cmd_disasm.c compiler/compile.c \
             compiler/program.c compiler/cmd_run.c compiler/cmd_explain.c compiler/cmd_test.c compiler/cmd_diff.c compiler/cmd_replay.c \
             compiler/cmd_fmt.c compiler/fmt.c compiler/fmt_doc.c compiler/host.c compiler/jview.c
GOVC_OBJS := $(GOVC_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/gen/obj/stdlib_data.o
STDLIB_MODS := $(sort $(wildcard stdlib/*.gov))

$(BUILD)/embed: compiler/embed.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) -O1 -o $@ $<

$(BUILD)/gen/stdlib_data.c: $(BUILD)/embed $(STDLIB_MODS)
	@mkdir -p $(dir $@)
	$(BUILD)/embed $@ $(foreach m,$(STDLIB_MODS),$(basename $(notdir $(m)))=$(m))

$(BUILD)/govc: $(GOVC_OBJS) $(BUILD)/liblang.a $(BUILD)/libgov.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(GOVC_OBJS) $(BUILD)/liblang.a $(BUILD)/libgov.a -lxxhash -lffi -ldl -lm

# fmt.c reads the lexer's token numbers.
$(BUILD)/obj/compiler/fmt.o: $(BUILD)/gen/parser.h

all: $(BUILD)/govc

# govc and its manual page, beside libgov's install-vm.
.PHONY: install-govc
install: install-govc
install-govc: $(BUILD)/govc
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BUILD)/govc $(DESTDIR)$(PREFIX)/bin/govc
	install -m 644 compiler/govc.1 $(DESTDIR)$(PREFIX)/share/man/man1/govc.1
