namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>Counts operations in flight and remembers the most at once.</summary>
internal sealed class ConcurrencyGauge
{
    private int _now;
    private int _max;

    public int Max => Volatile.Read(ref _max);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _now);
        int max;
        while (now > (max = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, max) != max)
        {
        }
    }

    public void Leave() => Interlocked.Decrement(ref _now);
}
