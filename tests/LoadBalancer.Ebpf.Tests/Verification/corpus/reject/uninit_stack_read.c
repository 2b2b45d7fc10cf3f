// reads a stack slot never written (allowed for root)
// EXPECT: read before they are written
// STRICT
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 x;
	asm volatile("%0 = *(u64 *)(r10 - 8)" : "=r"(x));
	return x == 1 ? XDP_PASS : XDP_DROP;
}
