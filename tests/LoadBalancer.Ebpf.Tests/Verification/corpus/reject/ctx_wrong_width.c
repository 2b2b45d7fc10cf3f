// reads one byte of ctx->data
// EXPECT: invalid bpf_context access
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	asm volatile("r0 = *(u8 *)(r1 + 0)" ::: "r0");
	return XDP_PASS;
}
