// scalar deref
// EXPECT: invalid mem access 'scalar'
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r2 = 4096; r0 = *(u32 *)(r2 + 0)" ::: "r0", "r2");
	return XDP_PASS;
}
