namespace StreamJepa.Inference.Engine;

/// <summary>
/// The items one level handles in one batch, in batch order: each is a new representation of some stream's
/// sequence (its step is that sequence's step count plus the items of the same sequence before it in the batch).
/// </summary>
internal sealed class LevelPass
{
    private readonly List<Sequence> _owners = [];
    private readonly List<int> _frames = [];
    private readonly List<long> _steps = [];
    private readonly Dictionary<Sequence, List<int>> _byOwner = [];

    public int Count => _owners.Count;

    public Sequence Owner(int item) => _owners[item];

    /// <summary>Position in the batch of the frame the item belongs to.</summary>
    public int Frame(int item) => _frames[item];

    public long Step(int item) => _steps[item];

    /// <summary>Items of each sequence, in order.</summary>
    public IReadOnlyDictionary<Sequence, List<int>> ByOwner => _byOwner;

    public int Add(Sequence owner, int frame)
    {
        if (!_byOwner.TryGetValue(owner, out var items))
        {
            items = [];
            _byOwner.Add(owner, items);
        }

        var item = _owners.Count;
        _owners.Add(owner);
        _frames.Add(frame);
        _steps.Add(owner.Step + items.Count);
        items.Add(item);
        return item;
    }

    /// <summary>The item of the same sequence at <paramref name="step"/> within this pass, or -1.</summary>
    public int ItemAt(Sequence owner, long step)
    {
        var items = _byOwner[owner];
        var first = owner.Step;
        var offset = step - first;
        return offset >= 0 && offset < items.Count ? items[(int)offset] : -1;
    }
}
