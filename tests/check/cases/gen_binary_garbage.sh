# 64 KiB of deterministic pseudo-random bytes.
python3 -c "import random, sys; random.seed(7); sys.stdout.buffer.write(random.randbytes(65536))" >"$1"
