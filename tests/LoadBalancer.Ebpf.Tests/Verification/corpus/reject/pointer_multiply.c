// pointer multiply
// EXPECT: pointer arithmetic with *= operator
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r2 = r10; r2 *= 2" ::: "r2");
	return XDP_PASS;
}
