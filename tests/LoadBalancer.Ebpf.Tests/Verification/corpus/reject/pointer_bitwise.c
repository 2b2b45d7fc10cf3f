// pointer bitwise
// EXPECT: bitwise operator
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r2 = r10; r2 &= -8" ::: "r2");
	return XDP_PASS;
}
