#!/bin/sh
# Rebuilds the verifier corpus objects. Deterministic: fixed flags, paths relative to this directory
# and the debug prefix mapped to ".". A source may add flags with a line "// CFLAGS: ...".
set -eu
cd "$(dirname "$0")"
CLANG="${CLANG:-clang-14}"
for src in accept/*.c reject/*.c; do
	[ -e "$src" ] || continue
	extra=$(sed -n 's|^// CFLAGS: *||p' "$src")
	# shellcheck disable=SC2086
	"$CLANG" -O2 -g -target bpf $extra -I. -I/usr/include/"$(uname -m)"-linux-gnu -fdebug-prefix-map="$PWD"=. -c "$src" -o "${src%.c}.o"
done
