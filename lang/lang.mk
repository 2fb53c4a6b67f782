# lang/lang.mk: the front end (lexer, parser, checker) as a static library.
LANG_SRCS := lang/arena.c lang/ast.c lang/diag.c lang/parse.c lang/eval.c lang/load.c lang/check.c lang/scopes.c lang/sets.c lang/tz.c
LANG_GEN  := $(BUILD)/gen/lexer.c $(BUILD)/gen/parser.c
LANG_OBJS := $(LANG_SRCS:%.c=$(BUILD)/obj/%.o) $(BUILD)/gen/obj/lexer.o $(BUILD)/gen/obj/parser.o

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: lang/parser.y | check-deps
	@mkdir -p $(BUILD)/gen
	$(BISON) -Wall -Werror --no-lines -o $(BUILD)/gen/parser.c --header=$(BUILD)/gen/parser.h $<

$(BUILD)/gen/lexer.c: lang/lexer.re | check-deps
	@mkdir -p $(BUILD)/gen
	$(RE2C) -W -Werror --no-generation-date --no-version -o $@ $<

# Everything in lang/ may include the generated parser header.
$(LANG_OBJS): $(BUILD)/gen/parser.h

$(BUILD)/liblang.a: $(LANG_OBJS)
	@rm -f $@
	ar rcs $@ $^

all: $(BUILD)/liblang.a
