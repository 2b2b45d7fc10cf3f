// bpf_csum_diff over a stack buffer and over packet bytes.
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct iphdr *ip = data + sizeof(struct ethhdr);
	if ((void *)(ip + 1) > data_end)
		return XDP_DROP;
	__u32 words[2] = { ip->saddr, ip->daddr };
	__s64 a = bpf_csum_diff(0, 0, words, sizeof(words), 0);
	__s64 b = bpf_csum_diff(0, 0, (void *)ip, sizeof(*ip), 0);
	return (a ^ b) & 1 ? XDP_PASS : XDP_DROP;
}
