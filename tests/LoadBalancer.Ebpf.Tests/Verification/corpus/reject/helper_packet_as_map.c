// helper packet as map
// EXPECT: expected=map_ptr
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	__u32 key = 0;
	void *v = bpf_map_lookup_elem(data, &key);
	return v ? XDP_PASS : XDP_DROP;
}
