// ctx past end
// EXPECT: invalid bpf_context access
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r0 = *(u32 *)(r1 + 24)" ::: "r0");
	return XDP_PASS;
}
