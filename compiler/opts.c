/* opts.c: the one option parser of every govc command (getopt_long over a GovcOpt
 * table), and the shell completion scripts generated from the same tables.
 *
 * getopt_long runs in its in-order mode (optstring "-:"): operands come back one by one
 * where they stand, so options may follow operands as they always could, whatever
 * POSIXLY_CORRECT says, and "--" ends the options. Errors are ours, not getopt's, so
 * they read like the rest of govc: "govc check: unknown option '--frobnicate'".
 */
#include "compiler/opts.h"

#include <stdarg.h>
#include <string.h>

void govc_args_init(GovcArgs *a, const char *cmd, const GovcOpt *opts, void (*usage)(FILE *out),
                    int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->cmd = cmd;
    a->opts = opts;
    a->usage = usage;
    a->argc = argc;
    a->argv = argv;
    a->operands = argv + 1;
    char *s = a->so;
    *s++ = '-'; /* operands in order, as option 1 */
    *s++ = ':'; /* a missing value is ':', not '?' */
    *s++ = 'h';
    int n = 0;
    for (const GovcOpt *o = opts; o->name || o->key; o++) {
        if (n >= GOVC_MAX_OPTS)
            break; /* a table that long is a programming error; tests/cli catches it */
        if (o->key > 0 && o->key < GOVC_LONG) {
            *s++ = (char)o->key;
            if (o->arg != GOVC_ARG_NONE)
                *s++ = ':';
        }
        if (o->name)
            a->lo[n++] = (struct option){o->name, o->arg == GOVC_ARG_NONE ? no_argument : required_argument,
                                         NULL, o->key};
    }
    *s = 0;
    a->lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
    a->lo[n] = (struct option){NULL, 0, NULL, 0};
    optind = 0; /* glibc: start afresh */
    opterr = 0; /* we say what went wrong */
}

int govc_usage_error(const GovcArgs *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "govc %s: ", a->cmd);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

/* The option with this key, preferring one with a long name. */
static const GovcOpt *by_key(const GovcArgs *a, int key)
{
    static const GovcOpt help = {"help", 'h', GOVC_ARG_NONE, NULL, "show help"};
    const GovcOpt *found = key == 'h' ? &help : NULL;
    for (const GovcOpt *o = a->opts; o->name || o->key; o++)
        if (o->key == key && (!found || (!found->name && o->name)))
            found = o;
    return found;
}

/* How the user named option `key` in the word `w`: "--format" or "-o". */
static void opt_label(const GovcArgs *a, int key, const char *w, char *buf, size_t cap)
{
    const GovcOpt *o = by_key(a, key);
    if (o && o->name && w && strncmp(w, "--", 2) == 0)
        snprintf(buf, cap, "--%s", o->name);
    else if (key > 0 && key < GOVC_LONG)
        snprintf(buf, cap, "-%c", key);
    else
        snprintf(buf, cap, "--%s", o && o->name ? o->name : "?");
}

/* An unknown or ambiguous long option, the word as typed (up to any '='). */
static void long_error(const GovcArgs *a, const char *w)
{
    size_t n = strcspn(w + 2, "=");
    int matches = 0;
    char list[256] = "";
    for (const struct option *l = a->lo; l->name; l++)
        if (strncmp(l->name, w + 2, n) == 0) {
            size_t used = strlen(list);
            snprintf(list + used, sizeof list - used, "%s--%s", matches ? ", " : "", l->name);
            matches++;
        }
    if (matches > 1 && n > 0) {
        fprintf(stderr, "govc %s: option '%.*s' is ambiguous: %s\n", a->cmd, (int)(n + 2), w, list);
    } else {
        fprintf(stderr, "govc %s: unknown option '%.*s'\n", a->cmd, (int)(n + 2), w);
        a->usage(stderr);
    }
}

int govc_getopt(GovcArgs *a)
{
    for (;;) {
        int c = getopt_long(a->argc, a->argv, a->so, a->lo, NULL);
        a->value = optarg;
        if (c == -1) {
            /* After "--", or at the end: the rest are operands. */
            while (optind < a->argc)
                a->operands[a->noperands++] = a->argv[optind++];
            return 0;
        }
        if (c == 1) {
            /* Stored over argv at an index no greater than this operand's own. */
            a->operands[a->noperands++] = optarg;
            continue;
        }
        const char *w = optind > 0 && optind <= a->argc ? a->argv[optind - 1] : NULL;
        char label[64];
        switch (c) {
        case 'h':
            a->usage(stdout);
            a->status = 0;
            return -1;
        case ':':
            opt_label(a, optopt, w, label, sizeof label);
            a->status = govc_usage_error(a, "%s needs a value", label);
            return -1;
        case '?':
            if (optopt == 0 && w && strncmp(w, "--", 2) == 0) {
                long_error(a, w);
            } else if (by_key(a, optopt)) {
                /* A known option: only a long flag given "=value" comes here. */
                opt_label(a, optopt, w, label, sizeof label);
                govc_usage_error(a, "%s takes no value", label);
            } else {
                if (optopt > 0x20 && optopt < 0x7f)
                    fprintf(stderr, "govc %s: unknown option '-%c'\n", a->cmd, optopt);
                else
                    fprintf(stderr, "govc %s: unknown option '%s'\n", a->cmd, w ? w : "?");
                a->usage(stderr);
            }
            a->status = 2;
            return -1;
        default:
            return c;
        }
    }
}

bool govc_opt_werror(const GovcArgs *a, bool *werror)
{
    if (strcmp(a->value, "error") == 0) {
        *werror = true;
        return true;
    }
    govc_usage_error(a, "unknown option '-W%s'; the only -W option is -Werror", a->value);
    return false;
}

/* ---------------------------------------------------------------- completions
 * Each script is generated from the option tables the parser uses, so what the shell
 * offers is exactly what the commands accept. Operands complete as file names. */

/* The words of a choice list "text|json" one by one, separated by `sep`. */
static void put_choices(FILE *out, const char *meta, const char *sep)
{
    for (const char *p = meta; *p;) {
        size_t n = strcspn(p, "|");
        fprintf(out, "%.*s", (int)n, p);
        p += n;
        if (*p == '|') {
            fputs(sep, out);
            p++;
        }
    }
}

/* Every spelling of every option of one command, space-separated, for bash. */
static void bash_words(FILE *out, const GovcOpt *opts)
{
    for (const GovcOpt *o = opts; o->name || o->key; o++) {
        if (o->key > 0 && o->key < GOVC_LONG) {
            if (o->arg == GOVC_ARG_CHOICE && !o->name)
                for (const char *p = o->meta; *p;) { /* -Werror: the letter and its word */
                    size_t n = strcspn(p, "|");
                    fprintf(out, "-%c%.*s ", o->key, (int)n, p);
                    p += n + (p[n] == '|');
                }
            else
                fprintf(out, "-%c ", o->key);
        }
        if (o->name)
            fprintf(out, "--%s%s ", o->name, o->arg == GOVC_ARG_NONE ? "" : "=");
    }
    fputs("-h --help", out);
}

/* A bash pattern matching every spelling of options whose value has kind `arg`. */
static bool bash_case(FILE *out, const GovcOpt *opts, int arg, const char *meta)
{
    int any = 0;
    for (const GovcOpt *o = opts; o->name || o->key; o++) {
        if (o->arg != arg || (meta && (!o->meta || strcmp(o->meta, meta) != 0)))
            continue;
        if (o->key > 0 && o->key < GOVC_LONG)
            fprintf(out, "%s-%c", any++ ? "|" : "", o->key);
        if (o->name)
            fprintf(out, "%s--%s", any++ ? "|" : "", o->name);
    }
    return any > 0;
}

static void print_bash(FILE *out, const GovcCompCmd *cmds, int n)
{
    fputs("# bash completion for govc. Generated by `govc completion bash` from the option\n"
          "# tables govc parses its arguments with; do not edit.\n"
          "_govc() {\n"
          "    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} i opt\n"
          "    COMPREPLY=()\n"
          "    if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
          "        case $cur in\n"
          "        -*) COMPREPLY=($(compgen -W '--help --version' -- \"$cur\"));;\n"
          "        *) COMPREPLY=($(compgen -W '",
          out);
    for (int i = 0; i < n; i++)
        fprintf(out, "%s%s", i ? " " : "", cmds[i].name);
    fputs("' -- \"$cur\"));;\n"
          "        esac\n"
          "        return\n"
          "    fi\n"
          "    for ((i = 2; i < COMP_CWORD; i++)); do\n"
          "        if [ \"${COMP_WORDS[i]}\" = -- ]; then\n"
          "            COMPREPLY=($(compgen -f -- \"$cur\")); return\n"
          "        fi\n"
          "    done\n"
          "    # --opt=value: bash splits the word at '='.\n"
          "    opt=$prev\n"
          "    if [ \"$cur\" = = ]; then opt=$prev; cur=; \n"
          "    elif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -gt 2 ]; then opt=${COMP_WORDS[COMP_CWORD-2]}; fi\n"
          "    case ${COMP_WORDS[1]} in\n",
          out);
    for (int i = 0; i < n; i++) {
        const GovcOpt *opts = cmds[i].opts;
        fprintf(out, "    %s)\n        case $opt in\n", cmds[i].name);
        for (const GovcOpt *o = opts; o->name || o->key; o++) {
            if (o->arg != GOVC_ARG_CHOICE || !o->name)
                continue;
            /* one branch per distinct choice list */
            bool first = true;
            for (const GovcOpt *p = opts; p < o; p++)
                if (p->arg == GOVC_ARG_CHOICE && p->name && strcmp(p->meta, o->meta) == 0)
                    first = false;
            if (!first)
                continue;
            fputs("        ", out);
            bash_case(out, opts, GOVC_ARG_CHOICE, o->meta);
            fputs(") COMPREPLY=($(compgen -W '", out);
            put_choices(out, o->meta, " ");
            fputs("' -- \"$cur\")); return;;\n", out);
        }
        fputs("        ", out);
        if (bash_case(out, opts, GOVC_ARG_FILE, NULL))
            fputs(") COMPREPLY=($(compgen -f -- \"$cur\")); return;;\n        ", out);
        if (bash_case(out, opts, GOVC_ARG_VALUE, NULL))
            fputs(") return;;\n        ", out);
        fputs("esac\n        case $cur in\n        -*) COMPREPLY=($(compgen -W '", out);
        bash_words(out, opts);
        fputs("' -- \"$cur\"))\n            compopt -o nospace 2>/dev/null\n", out);
        if (!cmds[i].operands) /* a file may start with '-' too */
            fputs("            COMPREPLY+=($(compgen -f -- \"$cur\"))\n", out);
        fputs("            for i in \"${!COMPREPLY[@]}\"; do\n"
              "                case ${COMPREPLY[i]} in *=) ;; *) COMPREPLY[i]=\"${COMPREPLY[i]} \";; esac\n"
              "            done\n"
              "            return;;\n"
              "        esac\n",
              out);
        if (cmds[i].operands) {
            fputs("        COMPREPLY=($(compgen -W '", out);
            put_choices(out, cmds[i].operands, " ");
            fputs("' -- \"$cur\")); return;;\n", out);
        } else {
            fputs("        ;;\n", out);
        }
    }
    fputs("    *) return;;\n"
          "    esac\n"
          "    COMPREPLY=($(compgen -f -- \"$cur\"))\n"
          "}\n"
          "complete -o filenames -F _govc govc\n",
          out);
}

/* A string inside single quotes, for zsh and fish alike. */
static void put_sq(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\'')
            fputs("'\\''", out);
        else
            fputc(*s, out);
    }
}

static void zsh_arg(FILE *out, const GovcOpt *o)
{
    const char *meta = o->meta ? o->meta : "value";
    switch (o->arg) {
    case GOVC_ARG_FILE:
        fprintf(out, ":%s:_files", meta);
        break;
    case GOVC_ARG_CHOICE:
        fputs(":value:(", out);
        put_choices(out, meta, " ");
        fputc(')', out);
        break;
    case GOVC_ARG_VALUE:
        fprintf(out, ":%s: ", meta);
        break;
    default:
        break;
    }
}

static void print_zsh(FILE *out, const GovcCompCmd *cmds, int n)
{
    fputs("#compdef govc\n"
          "# zsh completion for govc. Generated by `govc completion zsh` from the option\n"
          "# tables govc parses its arguments with; do not edit.\n"
          "_govc() {\n"
          "    local -a cmds\n"
          "    cmds=(\n",
          out);
    for (int i = 0; i < n; i++) {
        fprintf(out, "        '%s:", cmds[i].name);
        put_sq(out, cmds[i].summary);
        fputs("'\n", out);
    }
    fputs("    )\n"
          "    if (( CURRENT == 2 )); then\n"
          "        if [[ $PREFIX == -* ]]; then\n"
          "            compadd -- --help --version\n"
          "        else\n"
          "            _describe -t commands 'govc command' cmds\n"
          "        fi\n"
          "        return\n"
          "    fi\n"
          "    local cmd=$words[2]\n"
          "    shift words\n"
          "    (( CURRENT-- ))\n"
          "    case $cmd in\n",
          out);
    for (int i = 0; i < n; i++) {
        fprintf(out, "    %s)\n        _arguments -s -S \\\n", cmds[i].name);
        for (const GovcOpt *o = cmds[i].opts; o->name || o->key; o++) {
            bool has_short = o->key > 0 && o->key < GOVC_LONG;
            if (has_short) {
                fprintf(out, "            '-%c%s[", o->key, o->arg == GOVC_ARG_NONE ? "" : "+");
                put_sq(out, o->help);
                fputc(']', out);
                zsh_arg(out, o);
                fputs("' \\\n", out);
            }
            if (o->name) {
                fprintf(out, "            '--%s%s[", o->name, o->arg == GOVC_ARG_NONE ? "" : "=");
                put_sq(out, o->help);
                fputc(']', out);
                zsh_arg(out, o);
                fputs("' \\\n", out);
            }
        }
        fputs("            '(- *)'{-h,--help}'[show help]' \\\n", out);
        if (cmds[i].operands) {
            fputs("            '1:value:(", out);
            put_choices(out, cmds[i].operands, " ");
            fputs(")'\n", out);
        } else {
            fputs("            '*:file:_files'\n", out);
        }
        fputs("        ;;\n", out);
    }
    fputs("    esac\n"
          "}\n"
          "if [ \"$funcstack[1]\" = _govc ]; then _govc \"$@\"; else compdef _govc govc; fi\n",
          out);
}

static void print_fish(FILE *out, const GovcCompCmd *cmds, int n)
{
    fputs("# fish completion for govc. Generated by `govc completion fish` from the option\n"
          "# tables govc parses its arguments with; do not edit.\n"
          "complete -c govc -f\n"
          "complete -c govc -n __fish_use_subcommand -l help -d 'show help'\n"
          "complete -c govc -n __fish_use_subcommand -l version -d 'print the version'\n",
          out);
    for (int i = 0; i < n; i++) {
        fprintf(out, "complete -c govc -n __fish_use_subcommand -a %s -d '", cmds[i].name);
        put_sq(out, cmds[i].summary);
        fputs("'\n", out);
    }
    for (int i = 0; i < n; i++) {
        const char *c = cmds[i].name;
        fprintf(out, "complete -c govc -n '__fish_seen_subcommand_from %s'", c);
        if (cmds[i].operands) {
            fputs(" -a '", out);
            put_choices(out, cmds[i].operands, " ");
            fputs("'\n", out);
        } else {
            fputs(" -F\n", out);
        }
        fprintf(out, "complete -c govc -n '__fish_seen_subcommand_from %s' -s h -l help -d 'show help'\n", c);
        for (const GovcOpt *o = cmds[i].opts; o->name || o->key; o++) {
            fprintf(out, "complete -c govc -n '__fish_seen_subcommand_from %s'", c);
            if (o->key > 0 && o->key < GOVC_LONG) {
                if (o->name || o->arg != GOVC_ARG_CHOICE)
                    fprintf(out, " -s %c", o->key);
                else /* -Werror: an old-style option, one word */
                    fprintf(out, " -o %c%s", o->key, o->meta);
            }
            if (o->name)
                fprintf(out, " -l %s", o->name);
            if (o->arg == GOVC_ARG_FILE)
                fputs(" -r -F", out);
            else if (o->arg == GOVC_ARG_CHOICE && o->name) {
                fputs(" -x -a '", out);
                put_choices(out, o->meta, " ");
                fputc('\'', out);
            } else if (o->arg == GOVC_ARG_VALUE)
                fputs(" -x", out);
            fputs(" -d '", out);
            put_sq(out, o->help);
            fputs("'\n", out);
        }
    }
}

bool govc_print_completion(FILE *out, const char *shell, const GovcCompCmd *cmds, int n)
{
    if (strcmp(shell, "bash") == 0)
        print_bash(out, cmds, n);
    else if (strcmp(shell, "zsh") == 0)
        print_zsh(out, cmds, n);
    else if (strcmp(shell, "fish") == 0)
        print_fish(out, cmds, n);
    else
        return false;
    return true;
}
