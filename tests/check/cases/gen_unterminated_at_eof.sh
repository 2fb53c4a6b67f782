# A string and a block comment cut off by the end of the file, no final newline.
printf 'policy p\nchannel c = slack "#ops' >"$1"
