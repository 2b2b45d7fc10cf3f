// scalar minus pointer
// EXPECT: tried to subtract pointer from scalar
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r2 = 100; r2 -= r1" ::: "r2");
	return XDP_PASS;
}
