namespace LoadBalancer.Balancer.Maglev.Internal;

/// <summary>Primality by trial division (table sizes are at most 2^30, so at most ~5,500 divisions).</summary>
internal static class MaglevPrimes
{
    public static bool IsPrime(int n)
    {
        if (n < 2)
        {
            return false;
        }

        if (n < 4)
        {
            return true;
        }

        if (n % 2 == 0 || n % 3 == 0)
        {
            return false;
        }

        for (long d = 5; d * d <= n; d += 6)
        {
            if (n % d == 0 || n % (d + 2) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The smallest prime ≥ <paramref name="n"/> (for error messages that suggest a size).</summary>
    public static long NextPrime(long n)
    {
        for (long candidate = Math.Max(n, 2); ; candidate++)
        {
            if (candidate > int.MaxValue || IsPrime((int)candidate))
            {
                return candidate;
            }
        }
    }
}
