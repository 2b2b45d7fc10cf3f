#!/usr/bin/env bash
# Regenerates the interpreter benchmark programs: each C file is compiled for BPF and the raw
# .text section (the bytecode, no ELF) is written to <name>.bin, which the benchmarks load.
set -euo pipefail
cd "$(dirname "$0")"
# xdp_*.c are XDP wrappers (section "xdp") of the same workloads, for the kernel comparison.
for src in *.c; do
    name="${src%.c}"
    section=.text
    case "$name" in xdp_*) section=xdp ;; esac
    clang-14 -O2 -target bpf -c "$src" -o "$name.o"
    llvm-objcopy -O binary --only-section="$section" "$name.o" "$name.bin"
    rm "$name.o"
    echo "$name.bin: $(( $(stat -c %s "$name.bin") / 8 )) instructions"
done
