/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bob Jenkins' lookup3 hash over 32-bit words ("jhash2" in Linux terms), written from the
 * public-domain algorithm description. All arithmetic is on u32 and wraps.
 */
#ifndef LB_JHASH_H
#define LB_JHASH_H

#include <linux/types.h>

#define JHASH_INITVAL 0xdeadbeefU

static __always_inline __u32 lb_rol32(__u32 word, unsigned int shift)
{
	return (word << shift) | (word >> (32 - shift));
}

/* The lookup3 "mix" of three words. */
#define LB_JHASH_MIX(a, b, c)                              \
	do {                                                   \
		a -= c; a ^= lb_rol32(c, 4);  c += b;              \
		b -= a; b ^= lb_rol32(a, 6);  a += c;              \
		c -= b; c ^= lb_rol32(b, 8);  b += a;              \
		a -= c; a ^= lb_rol32(c, 16); c += b;              \
		b -= a; b ^= lb_rol32(a, 19); a += c;              \
		c -= b; c ^= lb_rol32(b, 4);  b += a;              \
	} while (0)

/* The lookup3 "final" avalanche of three words into c. */
#define LB_JHASH_FINAL(a, b, c)                            \
	do {                                                   \
		c ^= b; c -= lb_rol32(b, 14);                      \
		a ^= c; a -= lb_rol32(c, 11);                      \
		b ^= a; b -= lb_rol32(a, 25);                      \
		c ^= b; c -= lb_rol32(b, 16);                      \
		a ^= c; a -= lb_rol32(c, 4);                       \
		b ^= a; b -= lb_rol32(a, 14);                      \
		c ^= b; c -= lb_rol32(b, 24);                      \
	} while (0)

/* jhash2 of exactly 10 words (the flow key): three mixes over words 0..8, then word 9 into a
 * and the final avalanche. Equal to Linux's jhash2(k, 10, initval). */
static __always_inline __u32 lb_jhash_10words(const __u32 *k, __u32 initval)
{
	__u32 a, b, c;

	a = b = c = JHASH_INITVAL + (10U << 2) + initval;
	a += k[0]; b += k[1]; c += k[2];
	LB_JHASH_MIX(a, b, c);
	a += k[3]; b += k[4]; c += k[5];
	LB_JHASH_MIX(a, b, c);
	a += k[6]; b += k[7]; c += k[8];
	LB_JHASH_MIX(a, b, c);
	a += k[9];
	LB_JHASH_FINAL(a, b, c);
	return c;
}

#endif
