namespace LoadBalancer.Dataplane.Proxy.Internal;

/// <summary>
/// One worker's counters, bumped with <see cref="Interlocked"/> by the loops of that worker (and the
/// connections it accepted); <see cref="ProxyFrontend.GetCounters"/> sums the workers.
/// </summary>
internal sealed class WorkerCounters
{
    public long ConnectionsAccepted;
    public long ConnectionsForwarded;
    public long ConnectionsRefused;
    public long ConnectionsDropped;
    public long ConnectionsFailed;
    public long ConnectionsReset;
    public long ConnectRetries;
    public long BytesFromClients;
    public long BytesToClients;
    public long DatagramsReceived;
    public long DatagramsForwarded;
    public long DatagramsReplied;
    public long DatagramsRefused;
    public long DatagramsDropped;
    public long UdpFlowsCreated;
    public long UdpFlowsExpired;
}
