// stack misaligned
// EXPECT: misaligned stack access
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r1 = 0; *(u64 *)(r10 - 12) = r1" ::: "r1");
	return XDP_PASS;
}
