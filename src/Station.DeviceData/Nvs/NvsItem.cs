namespace Station.DeviceData.Nvs;

/// <summary>
/// One thing to put in a partition, in write order: a namespace declaration or a keyed entry. Declarations are
/// explicit because the generator writes a namespace's entry where its CSV row stands (nvs-format.md §6.2).
/// </summary>
public abstract record NvsItem
{
    private protected NvsItem()
    {
    }
}

/// <summary>Declares a namespace; it gets the next index (1, 2, 3, …).</summary>
public sealed record NvsNamespace(string Name) : NvsItem;

/// <summary>A key with its typed value in a namespace. Keys are at most 15 ASCII characters.</summary>
public sealed record NvsEntry(string Namespace, string Key, NvsValue Value) : NvsItem;
