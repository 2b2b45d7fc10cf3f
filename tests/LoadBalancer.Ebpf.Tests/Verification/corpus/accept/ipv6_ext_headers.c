// IPv6 with up to four extension headers: a bounded loop with variable packet offsets.
#include "common.h"

struct ext {
	__u8 next;
	__u8 len;
};

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct ipv6hdr *ip6 = (void *)(eth + 1);
	if ((void *)(ip6 + 1) > data_end)
		return XDP_DROP;
	if (eth->h_proto != bpf_htons(ETH_P_IPV6))
		return XDP_PASS;
	__u8 next = ip6->nexthdr;
	void *cur = ip6 + 1;
#pragma clang loop unroll(full)
	for (int i = 0; i < 4; i++) {
		if (next != 0 && next != 43 && next != 60)
			break;
		struct ext *h = cur;
		if ((void *)(h + 1) > data_end)
			return XDP_DROP;
		next = h->next;
		cur += (h->len + 1) * 8;
	}
	if (next == IPPROTO_TCP) {
		struct tcphdr *tcp = cur;
		if ((void *)(tcp + 1) > data_end)
			return XDP_DROP;
		return tcp->rst ? XDP_DROP : XDP_PASS;
	}
	return XDP_PASS;
}
