# opdoc.awk: the opcode table of spec/bytecode.md, generated from vm/gov_opcodes.h.
# Each GOV_OP(name, format, "meaning", "operand rule") line becomes one table row; the
# opcode number is the entry's position in the list.
BEGIN {
    print "| # | opcode | format | meaning | operands (checked by the verifier) |"
    print "| ---: | --- | --- | --- | --- |"
    n = 0
}
/^GOV_OP\(/ {
    line = $0
    sub(/^GOV_OP\(/, "", line)
    sub(/\)[ \t]*$/, "", line)
    c = index(line, ","); name = substr(line, 1, c - 1); line = substr(line, c + 1)
    sub(/^ +/, "", line)
    c = index(line, ","); fmt = substr(line, 1, c - 1); line = substr(line, c + 1)
    sub(/^ +"/, "", line)
    c = index(line, "\""); meaning = substr(line, 1, c - 1); line = substr(line, c + 1)
    sub(/^, *"/, "", line)
    sub(/"$/, "", line)
    if (fmt == "ABX") fmt = "ABx"
    gsub(/\|/, "\\|", meaning); gsub(/\|/, "\\|", line)
    printf "| %d | `%s` | %s | `%s` | %s |\n", n, name, fmt, meaning, line
    n++
}
