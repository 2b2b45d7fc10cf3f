// a socket-buffer helper XDP programs cannot call
// EXPECT: unknown func
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u32 buf = 0;
	return bpf_skb_load_bytes(ctx, 0, &buf, 4) & 1;
}
