// egress_ifindex is only for devmap programs
// EXPECT: invalid bpf_context access
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	return ctx->egress_ifindex;
}
