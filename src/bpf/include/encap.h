/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Outer headers for the encapsulation toward a real: IPv4 or IPv6 outer header (IP-in-IP),
 * optionally followed by a GUE variant 1 UDP header (the UDP payload is the inner IP packet
 * itself, which Linux fou/gue receivers accept). README.md, "Encapsulation", has the fields.
 */
#ifndef LB_ENCAP_H
#define LB_ENCAP_H

#include <linux/types.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include "balancer_maps.h"
#include "csum.h"

#define LB_OUTER_TTL 64
#define LB_IPV4_HLEN 20
#define LB_IPV6_HLEN 40
#define LB_UDP_HLEN 8

/* Mask of the low `bits` bits (0..32). */
static __always_inline __u32 lb_low_mask(__u8 bits)
{
	if (bits >= 32)
		return 0xffffffffU;
	return (1U << bits) - 1;
}

/* Outer IPv4 source: the configured prefix with its low src_v4_hash_bits bits replaced by the
 * low bits of the flow hash. Returned in network order. */
static __always_inline __be32 lb_outer_src_v4(const struct lb_config *cfg, __u32 hash)
{
	__u32 prefix = ((__u32)cfg->src_v4[0] << 24) | ((__u32)cfg->src_v4[1] << 16) |
		       ((__u32)cfg->src_v4[2] << 8) | cfg->src_v4[3];
	__u32 mask = lb_low_mask(cfg->src_v4_hash_bits);
	return bpf_htonl((prefix & ~mask) | (hash & mask));
}

/* Outer IPv6 source: the configured prefix with the low src_v6_hash_bits bits of its last
 * 32 bits replaced by the low bits of the flow hash. */
static __always_inline void lb_outer_src_v6(const struct lb_config *cfg, __u32 hash, __u8 *out)
{
	__builtin_memcpy(out, cfg->src_v6, 12);
	__u32 last = ((__u32)cfg->src_v6[12] << 24) | ((__u32)cfg->src_v6[13] << 16) |
		     ((__u32)cfg->src_v6[14] << 8) | cfg->src_v6[15];
	__u32 mask = lb_low_mask(cfg->src_v6_hash_bits);
	last = (last & ~mask) | (hash & mask);
	out[12] = last >> 24;
	out[13] = last >> 16;
	out[14] = last >> 8;
	out[15] = last;
}

/* GUE source port: 49152 + bits 16..29 of the flow hash (the dynamic port range). */
static __always_inline __be16 lb_gue_sport(__u32 hash)
{
	return bpf_htons((__u16)(0xc000 | ((hash >> 16) & 0x3fff)));
}

/* Writes an outer IPv4 header with a correct checksum. */
static __always_inline void lb_write_ipv4(struct iphdr *ip, __u8 tos, __u16 tot_len, __u8 proto,
					  __be32 saddr, const __u8 *daddr)
{
	struct iphdr hdr = {};
	hdr.version = 4;
	hdr.ihl = 5;
	hdr.tos = tos;
	hdr.tot_len = bpf_htons(tot_len);
	hdr.ttl = LB_OUTER_TTL;
	hdr.protocol = proto;
	hdr.saddr = saddr;
	__builtin_memcpy(&hdr.daddr, daddr, 4);
	hdr.check = lb_ipv4_header_csum((const __u16 *)&hdr);
	__builtin_memcpy(ip, &hdr, sizeof(hdr));
}

/* Writes an outer IPv6 header; the flow label is the low 20 bits of the flow hash. */
static __always_inline void lb_write_ipv6(struct ipv6hdr *ip6, __u8 tclass, __u16 payload_len, __u8 next,
					  const __u8 *saddr, const __u8 *daddr, __u32 hash)
{
	__u32 first = (6U << 28) | ((__u32)tclass << 20) | (hash & 0xfffff);
	*(__be32 *)ip6 = bpf_htonl(first);
	ip6->payload_len = bpf_htons(payload_len);
	ip6->nexthdr = next;
	ip6->hop_limit = LB_OUTER_TTL;
	__builtin_memcpy(&ip6->saddr, saddr, 16);
	__builtin_memcpy(&ip6->daddr, daddr, 16);
}

/* Writes the GUE (variant 1) UDP header; checksum 0 (RFC 6935/6936 for tunnels; Linux fou
 * sockets accept zero-checksum UDP over IPv6). */
static __always_inline void lb_write_gue_udp(struct udphdr *udp, __be16 sport, __be16 dport, __u16 len)
{
	udp->source = sport;
	udp->dest = dport;
	udp->len = bpf_htons(len);
	udp->check = 0;
}

#endif
