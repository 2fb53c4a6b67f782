# A sparse file just over 64 MiB (E008); nothing is read.
truncate -s 65M "$1"
