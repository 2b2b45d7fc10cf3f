#!/bin/sh
# Rebuilds the committed XDP helper test objects. Deterministic: fixed flags, paths relative to this
# directory and the debug prefix mapped to ".", so the bytes depend only on the sources and clang.
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang-14}"
for src in *.bpf.c; do
	"$CLANG" -O2 -g -target bpf -I/usr/include/"$(uname -m)"-linux-gnu -fdebug-prefix-map="$PWD"=. -c "$src" -o "${src%.c}.o"
done
