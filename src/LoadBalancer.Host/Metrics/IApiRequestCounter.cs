namespace LoadBalancer.Host.Metrics;

/// <summary>
/// Counts control API requests for <c>lb_api_requests_total{method,code}</c>. The API calls it once per
/// finished request. Label values should come from a bounded set (routes and status codes, never raw paths).
/// </summary>
public interface IApiRequestCounter
{
    /// <summary>Counts one request.</summary>
    /// <param name="method">The gRPC full method (<c>/lb.v1.Balancer/ListVips</c>) or the HTTP route template.</param>
    /// <param name="code">The gRPC status name (<c>OK</c>, <c>NotFound</c>) or the HTTP status code (<c>200</c>).</param>
    void CountRequest(string method, string code);
}
