// pointer leak to helper
// EXPECT: leaks addr into helper
// STRICT
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	return bpf_redirect((__u32)(long)ctx, 0);
}
