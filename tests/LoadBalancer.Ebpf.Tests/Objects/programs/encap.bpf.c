// IPIP encapsulation: grows the packet head by an outer IPv4 header with bpf_xdp_adjust_head.
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

const volatile __u32 outer_src = 0x0a000001;
const volatile __u32 outer_dst = 0x0a000002;

SEC("xdp")
int xdp_ipip_encap(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_head(ctx, 0 - (int)sizeof(struct iphdr)))
		return XDP_DROP;
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *new_eth = data;
	struct ethhdr *old_eth = data + sizeof(struct iphdr);
	struct iphdr *outer = (void *)(new_eth + 1);
	struct iphdr *inner = (void *)(outer + 1);
	if ((void *)(inner + 1) > data_end)
		return XDP_DROP;
	__builtin_memcpy(new_eth, old_eth, sizeof(*new_eth));
	outer->version = 4;
	outer->ihl = 5;
	outer->tos = 0;
	outer->tot_len = bpf_htons(bpf_ntohs(inner->tot_len) + sizeof(struct iphdr));
	outer->id = 0;
	outer->frag_off = 0;
	outer->ttl = 64;
	outer->protocol = IPPROTO_IPIP;
	outer->check = 0;
	outer->saddr = bpf_htonl(outer_src);
	outer->daddr = bpf_htonl(outer_dst);
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
