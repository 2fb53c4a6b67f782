# An overlong encoding of "/" and an encoded surrogate are not UTF-8 either.
printf 'policy p\nchannel c = slack "\300\257 \355\240\200"\n' >"$1"
