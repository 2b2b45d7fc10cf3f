namespace LoadBalancer.Balancer.Control.Internal;

/// <summary>
/// Hands out indices first..last. Released indices go to the back of a FIFO, so an index is reused as
/// late as possible (a flow still pinned to a removed real's index then rarely meets a new real).
/// </summary>
internal sealed class IndexAllocator
{
    private readonly Queue<int> _free = new();

    public IndexAllocator(int first, int last)
    {
        for (var i = first; i <= last; i++)
        {
            _free.Enqueue(i);
        }
    }

    public int Available => _free.Count;

    public int Allocate() => _free.Dequeue();

    public void Release(int index) => _free.Enqueue(index);
}
