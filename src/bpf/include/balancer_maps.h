/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Layouts shared by the balancer / decap XDP programs and the C# control plane.
 * Every struct here is mirrored in C#: fixed-size fields, explicit padding, no bitfields,
 * natural alignment (no struct needs packing). Multi-byte fields marked "be" hold network
 * byte order (the bytes as they appear on the wire); all others are host (little-endian) order.
 * src/bpf/README.md documents each map and who writes it.
 */
#ifndef LB_BALANCER_MAPS_H
#define LB_BALANCER_MAPS_H

#include <linux/types.h>

/* ---- sizes ------------------------------------------------------------------------------ */

/* VIPs addressable by vip_index (rings, stats). Each VIP owns RING_SIZE ring slots. */
#define MAX_VIPS 64
/* Backends addressable by real index; index 0 is reserved for "no real". */
#define MAX_REALS 4096
/* Maglev ring size per VIP (a prime). */
#define RING_SIZE 65537
/* Capacity of the LRU flow table. */
#define MAX_FLOWS 1000000
/* QUIC server ids are 16 bits. */
#define MAX_QUIC_SERVER_IDS 65536
/* Addresses a backend's decap program accepts. */
#define MAX_DECAP_ADDRS 64

/* Address families as stored in keys (the values of AF_INET / AF_INET6). */
#define LB_FAMILY_V4 2
#define LB_FAMILY_V6 10

/* Default GUE destination port when lb_config.gue_port is 0. */
#define GUE_DEFAULT_PORT 6080

/* Seed of the flow hash (jhash2 initval): ASCII "LBv1" read as a little-endian u32. */
#define FLOW_HASH_SEED 0x3176424cU

/* ---- vip_map (HASH) --------------------------------------------------------------------- */

/* Key: destination address, port and IP protocol. An IPv4 address fills addr[0..3], the
 * remaining 12 bytes are zero. port 0 is the "any port" entry, tried when the exact port misses. */
struct vip_key {
	__u8 addr[16];
	__be16 port;
	__u8 proto;   /* IPPROTO_TCP (6), IPPROTO_UDP (17), ... */
	__u8 family;  /* LB_FAMILY_V4 / LB_FAMILY_V6 */
};                    /* 20 bytes */

/* VIP flags (vip_meta.flags). */
#define VIP_F_NO_LRU          (1U << 0) /* stateless: never read or write the LRU */
#define VIP_F_HASH_SRC_ONLY   (1U << 1) /* flow hash over the source address only */
#define VIP_F_HASH_DPORT_ONLY (1U << 2) /* flow hash over the destination port only */
#define VIP_F_QUIC            (1U << 3) /* UDP: route by the server id in the QUIC connection id */
#define VIP_F_LOCAL           (1U << 4) /* deliver to the local stack: XDP_PASS */
#define VIP_F_UDP_STICKY_OFF  (1U << 5) /* UDP flows neither read nor write the LRU */
#define VIP_F_GUE             (1U << 6) /* encapsulate in GUE (IP-in-UDP) instead of IP-in-IP */
#define VIP_F_KNOWN_MASK      0x7fU

struct vip_meta {
	__u32 flags;
	__u32 vip_index;  /* 0 .. MAX_VIPS-1: selects the ring and the per-VIP counter */
};                        /* 8 bytes */

/* ---- reals (ARRAY, MAX_REALS) ------------------------------------------------------------ */

#define REAL_F_IPV6 (1U << 0) /* addr is an IPv6 address; else IPv4 in addr[0..3] */

struct real_def {
	__u8 addr[16];
	__u32 flags;
};                    /* 20 bytes */

/* ---- ch_rings (ARRAY, MAX_VIPS * RING_SIZE of __u32 real index) -------------------------- */
/* slot = vip_index * RING_SIZE + flow_hash % RING_SIZE; value 0 = not initialised (dropped). */

/* ---- quic_server_ids (ARRAY, MAX_QUIC_SERVER_IDS of __u32 real index; 0 = unknown) -------- */

/* ---- lru_flows (LRU_HASH, MAX_FLOWS) ------------------------------------------------------ */

/* Key: the 5-tuple as the packet carries it (client to VIP). IPv4 addresses fill the first 4
 * bytes, the rest is zero. For protocols without ports both ports are 0. */
struct flow_key {
	__u8 src[16];
	__u8 dst[16];
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 family;
	__u8 pad[2];  /* always 0 */
};                    /* 40 bytes = 10 words hashed by the flow hash */

struct flow_value {
	__u32 real_index;
	__u32 pad;          /* 0 */
	__u64 last_seen_ns; /* bpf_ktime_get_ns() of the last packet that used the entry */
};                          /* 16 bytes */

/* ---- lb_config (ARRAY, 1 entry at key 0) -------------------------------------------------- */

struct lb_config {
	__u8 gateway_mac[6];  /* outer Ethernet destination of every encapsulated packet */
	__be16 gue_port;      /* GUE destination port; 0 = GUE_DEFAULT_PORT */
	__u8 src_v4[4];       /* outer IPv4 source prefix */
	__u8 src_v6[16];      /* outer IPv6 source prefix */
	__u8 src_v4_hash_bits; /* low bits of the IPv4 source taken from the flow hash (0..16) */
	__u8 src_v6_hash_bits; /* low bits of the IPv6 source taken from the flow hash (0..32) */
	__u8 pad[2];          /* 0 */
};                            /* 32 bytes */

/* ---- stats (PERCPU_ARRAY of struct lb_stats) ---------------------------------------------- */

struct lb_stats {
	__u64 packets;
	__u64 bytes;
};

/* Index layout. */
#define STATS_VIP_BASE     0                                 /* + vip_index */
#define STATS_REAL_BASE    (STATS_VIP_BASE + MAX_VIPS)       /* + real index */
#define STATS_ACTION_BASE  (STATS_REAL_BASE + MAX_REALS)     /* + XDP action (0..4) */
#define STATS_ACTION_COUNT 5
#define STATS_DROP_BASE    (STATS_ACTION_BASE + STATS_ACTION_COUNT) /* + drop reason */
#define STATS_DROP_COUNT   24
#define STATS_EVENT_BASE   (STATS_DROP_BASE + STATS_DROP_COUNT)     /* + event */
#define STATS_EVENT_COUNT  16
#define STATS_ENTRIES      (STATS_EVENT_BASE + STATS_EVENT_COUNT)

/* Drop reasons (STATS_DROP_BASE + reason). 0 is unused. */
#define DROP_ETH_TRUNCATED       1  /* shorter than an Ethernet header */
#define DROP_VLAN_TRUNCATED      2  /* 802.1Q tag cut off */
#define DROP_IPV4_TRUNCATED      3  /* IPv4 header (or its options) cut off */
#define DROP_IPV4_MALFORMED      4  /* version != 4, IHL < 5, total length < header length */
#define DROP_IPV6_TRUNCATED      5  /* fixed IPv6 header cut off */
#define DROP_IPV6_MALFORMED      6  /* version != 6 */
#define DROP_IPV6_EXT_TRUNCATED  7  /* an extension header cut off */
#define DROP_IPV6_EXT_LIMIT      8  /* more extension headers than the parser walks */
#define DROP_TCP_TRUNCATED       9
#define DROP_UDP_TRUNCATED       10
#define DROP_ICMP_TRUNCATED      11 /* ICMP header, or the packet quoted by an ICMP error, cut off */
#define DROP_ICMP6_TRUNCATED     12
#define DROP_FRAGMENT            13 /* first fragment of a datagram to a VIP (cannot be balanced) */
#define DROP_NO_REAL             14 /* ring slot 0, or a real index >= MAX_REALS */
#define DROP_VIP_INDEX           15 /* vip_meta.vip_index >= MAX_VIPS (bad config) */
#define DROP_ENCAP_FAILED        16 /* bpf_xdp_adjust_head refused to grow the packet */
#define DROP_TCP_MALFORMED       17 /* TCP data offset < 5 */

/* Events (STATS_EVENT_BASE + event). */
#define EVENT_LRU_HIT            0  /* flow found in lru_flows and used */
#define EVENT_LRU_MISS           1  /* lookup missed: Maglev pick inserted */
#define EVENT_TCP_SYN            2  /* SYN took a fresh Maglev pick */
#define EVENT_ICMP_ECHO          3  /* echo request to a VIP answered */
#define EVENT_ICMP_ERROR         4  /* ICMP error about a VIP flow forwarded to its real */
#define EVENT_QUIC_ROUTED        5  /* QUIC packet routed by its connection id */
#define EVENT_QUIC_FALLBACK      6  /* QUIC packet without a known server id: Maglev */
#define EVENT_FRAGMENT_PASSED    7  /* non-first fragment passed to the kernel */
#define EVENT_ENCAP_IPIP         8  /* IPv4 in IPv4 */
#define EVENT_ENCAP_IP6IP6       9  /* IPv6 in IPv6 */
#define EVENT_ENCAP_IP4IP6       10 /* IPv4 in IPv6 */
#define EVENT_ENCAP_IP6IP4       11 /* IPv6 in IPv4 */
#define EVENT_ENCAP_GUE4         12 /* GUE with an outer IPv4 header */
#define EVENT_ENCAP_GUE6         13 /* GUE with an outer IPv6 header */
#define EVENT_LOCAL              14 /* packet to a LOCAL VIP passed */

/* ---- decap program ------------------------------------------------------------------------ */

/* decap_addrs (HASH): key = owned outer destination address, value = __u32 (0, reserved). */
struct decap_key {
	__u8 addr[16];  /* IPv4 in addr[0..3], rest 0 */
	__u8 family;    /* LB_FAMILY_V4 / LB_FAMILY_V6 */
	__u8 pad[3];    /* 0 */
};                      /* 20 bytes */

/* decap_config (ARRAY, 1 entry). */
struct decap_config {
	__be16 gue_port;  /* 0 = GUE_DEFAULT_PORT */
	__u8 pad[2];
};                        /* 4 bytes */

/* decap_stats (PERCPU_ARRAY of struct lb_stats), index: */
#define DSTAT_IPIP        0 /* IPv4 in IPv4 stripped */
#define DSTAT_IP6IP4      1 /* IPv6 in IPv4 */
#define DSTAT_IP6IP6      2 /* IPv6 in IPv6 */
#define DSTAT_IP4IP6      3 /* IPv4 in IPv6 */
#define DSTAT_GUE4        4 /* GUE, outer IPv4 */
#define DSTAT_GUE6        5 /* GUE, outer IPv6 */
#define DSTAT_PASSED      6 /* anything else, passed untouched */
#define DSTAT_MALFORMED   7 /* owned tunnel packet whose headers are cut off: passed untouched */
#define DSTAT_ENTRIES     8

#endif
