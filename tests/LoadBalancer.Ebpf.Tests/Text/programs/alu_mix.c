// cpus: v2 v3
// Arithmetic and logic in 32 and 64 bits, shifts, division and modulo by variables and constants.
unsigned long long alu_mix(unsigned long long a, unsigned long long b, unsigned int c, unsigned int d)
{
    unsigned long long x = a * 3 + b / 7 - (a >> 5) + (b << 9);
    unsigned int y = c * d + (c ^ d) - (c | 5) + (d & 0xff00) + c % 13 + d / (c | 1);
    long long s = (long long)a >> 3;
    x ^= (unsigned long long)s | (b % (a | 1));
    y = (y << 3) | (y >> 29);
    return x + y - (unsigned long long)(-(long long)b);
}
