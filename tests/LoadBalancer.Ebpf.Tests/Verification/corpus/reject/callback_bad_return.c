// a bpf_loop callback returning 2
// EXPECT: At callback return
#include "common.h"

static long cb(__u32 i, void *c)
{
	return 2;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	bpf_loop(4, cb, 0, 0);
	return XDP_PASS;
}
