// reads half of a saved ctx pointer
// EXPECT: invalid size of register fill
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("*(u64 *)(r10 - 8) = r1; r0 = *(u32 *)(r10 - 8)" ::: "r0");
	return XDP_PASS;
}
