// bpf-to-bpf calls that write through pointers into the caller's stack.
#include "common.h"

static __attribute__((noinline)) int parse(void *data, void *data_end, __u16 *proto, __u32 *len)
{
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return -1;
	*proto = eth->h_proto;
	*len = data_end - data;
	return 0;
}

static __attribute__((noinline)) int decide(__u16 proto, __u32 len)
{
	if (proto == bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	return len > 1000 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u16 proto = 0;
	__u32 len = 0;
	if (parse((void *)(long)ctx->data, (void *)(long)ctx->data_end, &proto, &len))
		return XDP_ABORTED;
	return decide(proto, len);
}
