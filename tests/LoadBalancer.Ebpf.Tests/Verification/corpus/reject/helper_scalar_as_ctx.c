// helper scalar as ctx
// EXPECT: expected=ctx
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	return bpf_xdp_adjust_head((void *)16, 4);
}
