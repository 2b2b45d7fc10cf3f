// a 16-byte buffer passed with size 32
// EXPECT: invalid indirect access to stack
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 buf[2] = {};
	return bpf_csum_diff(0, 0, (void *)buf, 32, 0);
}
