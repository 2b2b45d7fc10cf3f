namespace LoadBalancer.Host.Tests.Serve;

/// <summary>Waiting on a condition with a timeout (no sleeps for synchronisation).</summary>
internal static class Wait
{
    public static Task UntilAsync(Func<bool> condition, string what, LbProcess? process = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, process);

    public static async Task UntilAsync(Func<Task<bool>> condition, string what, LbProcess? process = null)
    {
        var deadline = DateTime.UtcNow + LbProcess.Timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {LbProcess.Timeout} for {what}.{(process is null ? "" : $" lb output:\n{process.Output}")}");
            }

            if (process is { HasExited: true })
            {
                throw new InvalidOperationException($"lb exited while waiting for {what}. Output:\n{process.Output}");
            }

            await Task.Delay(25);
        }
    }
}
