/* SPDX-License-Identifier: GPL-2.0 */
/* Internet checksum helpers (RFC 1071 sums, RFC 1624 incremental updates). */
#ifndef LB_CSUM_H
#define LB_CSUM_H

#include <linux/types.h>

/* Folds a 32-bit one's complement sum to 16 bits (not complemented). */
static __always_inline __u16 lb_csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* RFC 1624 eqn. 3: the checksum after one 16-bit word changed from old_word to new_word.
 * All three values in the same byte order (as loaded from the packet). */
static __always_inline __u16 lb_csum_replace16(__u16 check, __u16 old_word, __u16 new_word)
{
	__u32 sum = (__u16)~check;
	sum += (__u16)~old_word;
	sum += new_word;
	return (__u16)~lb_csum_fold(sum);
}

/* Checksum of a 20-byte IPv4 header held in memory the program owns (check field zero). */
static __always_inline __u16 lb_ipv4_header_csum(const __u16 *words)
{
	__u32 sum = 0;
#pragma unroll
	for (int i = 0; i < 10; i++)
		sum += words[i];
	return (__u16)~lb_csum_fold(sum);
}

#endif
