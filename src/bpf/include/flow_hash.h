/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The flow hash: deterministic across LB instances and reproducible in C# (see README.md,
 * "Flow hash"). The 40-byte flow_key is masked by the VIP's hash flags, read as ten
 * little-endian u32 words and hashed with jhash2 and FLOW_HASH_SEED.
 */
#ifndef LB_FLOW_HASH_H
#define LB_FLOW_HASH_H

#include "balancer_maps.h"
#include "jhash.h"

static __always_inline __u32 lb_flow_hash(const struct flow_key *flow, __u32 vip_flags)
{
	struct flow_key input = {};

	input.family = flow->family;
	if (vip_flags & (VIP_F_HASH_SRC_ONLY | VIP_F_HASH_DPORT_ONLY)) {
		if (vip_flags & VIP_F_HASH_SRC_ONLY)
			__builtin_memcpy(input.src, flow->src, 16);
		if (vip_flags & VIP_F_HASH_DPORT_ONLY)
			input.dport = flow->dport;
	} else {
		__builtin_memcpy(input.src, flow->src, 16);
		__builtin_memcpy(input.dst, flow->dst, 16);
		input.sport = flow->sport;
		input.dport = flow->dport;
		input.proto = flow->proto;
	}
	return lb_jhash_10words((const __u32 *)&input, FLOW_HASH_SEED);
}

#endif
