using Grpc.Core;

namespace LoadBalancer.Host.Tests.Api;

internal static class RpcAssert
{
    /// <summary>Awaits <paramref name="call"/> and returns the RpcException it must fail with.</summary>
    public static async Task<RpcException> Fails<T>(StatusCode code, Func<CancellationToken, AsyncUnaryCall<T>> call)
    {
        var e = await Assert.ThrowsAsync<RpcException>(async () => await call(TestContext.Current.CancellationToken));
        Assert.True(code == e.StatusCode, $"expected {code}, got {e.StatusCode}: {e.Status.Detail}");
        return e;
    }
}
