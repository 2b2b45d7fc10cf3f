namespace LoadBalancer.Balancer.Maglev.Internal;

/// <summary>The checks on a build's input, with messages that say what to do.</summary>
internal static class MaglevTableValidation
{
    public static void ValidateSize(int size, int backendCount, string paramName)
    {
        if (size < 2 || size > MaglevTable.MaxSize)
        {
            throw new MaglevTableException(
                $"Maglev table size {size} is out of range; use a prime from 2 to {MaglevTable.MaxSize} " +
                $"(the default is {MaglevTable.DefaultSize}).", paramName);
        }

        if (!MaglevPrimes.IsPrime(size))
        {
            throw new MaglevTableException(
                $"Maglev table size {size} is not a prime; use a prime such as {MaglevPrimes.NextPrime(size)} " +
                $"(the default is {MaglevTable.DefaultSize}).", paramName);
        }

        if (size <= backendCount)
        {
            throw new MaglevTableException(
                $"Maglev table size {size} is not larger than the number of backends ({backendCount}); use a prime " +
                $"well above it, such as {MaglevPrimes.NextPrime(Math.Max((long)backendCount * 100, MaglevTable.DefaultSize))}.",
                paramName);
        }
    }

    /// <summary>Identities must differ (checked on the sorted backends) and so must ids.</summary>
    public static void ValidateDistinct(ReadOnlySpan<MaglevBackend> sorted, Span<int> ids)
    {
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i - 1].IdentityBytes.AsSpan().SequenceEqual(sorted[i].IdentityBytes))
            {
                throw new MaglevTableException(
                    $"Maglev backends {sorted[i - 1].Id} and {sorted[i].Id} have the same identity " +
                    $"{Convert.ToHexString(sorted[i].IdentityBytes)}; give each backend its own identity.", "backends");
            }
        }

        for (int i = 0; i < sorted.Length; i++)
        {
            ids[i] = sorted[i].Id;
        }

        ids.Sort();
        for (int i = 1; i < ids.Length; i++)
        {
            if (ids[i - 1] == ids[i])
            {
                throw new MaglevTableException(
                    $"Two Maglev backends have the id {ids[i]}; give each backend its own id.", "backends");
            }
        }
    }
}
