// Reads a stack slot that no path wrote: allowed for a privileged loader (the value is unknown).
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 x;
	asm volatile("%0 = *(u64 *)(r10 - 16)" : "=r"(x));
	return x == 1 ? XDP_PASS : XDP_DROP;
}
