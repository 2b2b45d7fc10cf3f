// stack read below frame
// EXPECT: invalid read from stack
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 x;
	asm volatile("%0 = *(u64 *)(r10 - 520)" : "=r"(x));
	return x;
}
