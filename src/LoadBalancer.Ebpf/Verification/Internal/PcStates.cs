namespace LoadBalancer.Ebpf.Verification.Internal;

/// <summary>
/// The states stored at one prune point: those whose paths are still being explored, by hash (only an
/// exact match matters for them: an infinite loop), and those fully explored (candidates for pruning).
/// </summary>
internal sealed class PcStates
{
    private readonly Dictionary<int, List<ExploredState>> _inProgress = [];

    public List<ExploredState> Done { get; } = [];

    public int InProgressCount { get; private set; }

    public void Add(ExploredState e)
    {
        if (!_inProgress.TryGetValue(e.Hash, out var bucket))
        {
            bucket = [];
            _inProgress[e.Hash] = bucket;
        }

        bucket.Add(e);
        InProgressCount++;
    }

    public List<ExploredState>? InProgressWithHash(int hash) => _inProgress.GetValueOrDefault(hash);

    /// <summary>Moves a state whose paths are all explored to <see cref="Done"/>.</summary>
    public void Complete(ExploredState e)
    {
        if (_inProgress.TryGetValue(e.Hash, out var bucket) && bucket.Remove(e))
        {
            InProgressCount--;
            if (bucket.Count == 0)
            {
                _inProgress.Remove(e.Hash);
            }
        }

        Done.Add(e);
    }
}
