// unreachable insn
// EXPECT: unreachable insn
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("goto +1; r0 = 1; r0 = 2" ::: "r0");
	return XDP_PASS;
}
