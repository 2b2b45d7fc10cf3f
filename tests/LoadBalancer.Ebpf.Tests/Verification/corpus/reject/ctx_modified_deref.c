// ctx modified deref
// EXPECT: dereference of modified ctx ptr
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r1 += 4; r0 = *(u32 *)(r1 + 0)" ::: "r0", "r1");
	return XDP_PASS;
}
