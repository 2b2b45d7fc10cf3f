#!/bin/sh
# Builds the committed XDP objects. Deterministic: fixed flags, sources given by relative path,
# the build directory mapped to "." in debug info, so the bytes depend only on the sources, the
# headers (libbpf-dev, linux-libc-dev) and clang-14. Run from anywhere; writes *.bpf.o beside the sources.
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang-14}"
for src in balancer.bpf.c decap.bpf.c; do
	"$CLANG" -O2 -g -target bpf -mcpu=v3 -Wall -Werror \
		-I/usr/include/"$(uname -m)"-linux-gnu \
		-fdebug-prefix-map="$PWD"=. \
		-c "$src" -o "${src%.c}.o"
done
