using System.Diagnostics;
using Grpc.Core;
using Grpc.Core.Interceptors;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>Applies <see cref="ApiAccessPolicy"/> and tells the <see cref="IApiCallObserver"/>s how each call ended.</summary>
internal sealed class ApiCallInterceptor(ApiAccessPolicy policy, IEnumerable<IApiCallObserver> observers) : Interceptor
{
    private readonly IApiCallObserver[] _observers = [.. observers];

    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var start = Stopwatch.GetTimestamp();
        var code = StatusCode.Unknown;
        try
        {
            policy.Check(context);
            var response = await continuation(request, context).ConfigureAwait(false);
            code = StatusCode.OK;
            return response;
        }
        catch (RpcException e)
        {
            code = e.StatusCode;
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetElapsedTime(start);
            foreach (var observer in _observers)
            {
                observer.OnCallCompleted(context.Method, code, elapsed);
            }
        }
    }
}
