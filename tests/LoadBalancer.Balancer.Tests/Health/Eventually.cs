using System.Diagnostics;

namespace LoadBalancer.Balancer.Tests.Health;

/// <summary>Waits for a condition with a timeout instead of sleeping.</summary>
internal static class Eventually
{
    public static async Task True(Func<bool> condition, string what, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds)
            {
                Assert.Fail($"Timed out after {seconds}s waiting for: {what}");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }
}
