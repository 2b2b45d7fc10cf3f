// legacy packet loads are for socket filters
// EXPECT: BPF_LD_[ABS|IND]
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r6 = r1; r0 = *(u8 *)skb[12]" ::: "r0", "r6");
	return XDP_PASS;
}
