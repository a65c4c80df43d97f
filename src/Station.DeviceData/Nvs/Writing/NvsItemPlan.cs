namespace Station.DeviceData.Nvs.Writing;

/// <summary>One item ready to place: its namespace index resolved, namespace declarations as u8 items in namespace 0.</summary>
internal sealed record NvsPlannedItem(byte NamespaceIndex, string Key, NvsValue Value, bool IsNamespace, int? Line);

/// <summary>
/// Checks every item (keys, sizes, namespaces) before anything is placed, and gives namespaces their indexes
/// 1, 2, 3, … in order of first appearance (nvs-format.md §6.2, §7.1).
/// </summary>
internal sealed class NvsItemPlan
{
    private NvsItemPlan(IReadOnlyList<NvsPlannedItem> items) => Items = items;

    public IReadOnlyList<NvsPlannedItem> Items { get; }

    public static NvsItemPlan Resolve(IReadOnlyList<NvsItem> items, NvsFormatVersion version, IReadOnlyList<int>? lines)
    {
        var errors = new List<NvsError>();
        var planned = new List<NvsPlannedItem>();
        var indexes = new Dictionary<string, byte>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            int? line = lines?[i];
            void Fail(NvsError error) => errors.Add(error with { Line = line });

            switch (items[i])
            {
                case NvsNamespace declaration:
                    if (NvsEntryRules.CheckKey(declaration.Name) is { } nameError)
                    {
                        Fail(nameError);
                    }
                    else if (indexes.ContainsKey(declaration.Name))
                    {
                        Fail(Repeated(declaration.Name));
                    }
                    else
                    {
                        Declare(declaration.Name);
                    }

                    break;

                case NvsEntry entry:
                    var keyError = NvsEntryRules.CheckKey(entry.Key);
                    var valueError = NvsEntryRules.CheckValue(entry.Key, entry.Value, version);
                    if (keyError is not null || valueError is not null)
                    {
                        Fail((keyError ?? valueError)!);
                        break;
                    }

                    if (!indexes.TryGetValue(entry.Namespace, out byte index))
                    {
                        // An entry in a namespace not yet declared declares it right here.
                        if (NvsEntryRules.CheckKey(entry.Namespace) is { } nsError)
                        {
                            Fail(nsError with { Message = $"Namespace: {nsError.Message}" });
                            break;
                        }

                        index = Declare(entry.Namespace);
                    }

                    if (index != 0)
                    {
                        planned.Add(new NvsPlannedItem(index, entry.Key, entry.Value, IsNamespace: false, line));
                    }

                    break;

                default:
                    throw new ArgumentException($"Unknown item {items[i]}.", nameof(items));
            }

            byte Declare(string name)
            {
                if (indexes.Count >= NvsPageLayout.MaxNamespaces)
                {
                    Fail(new NvsError(NvsErrorCodes.NamespaceLimit, $"Namespace `{name}` would be number {indexes.Count + 1}; NVS allows at most {NvsPageLayout.MaxNamespaces} namespaces."));
                    return 0;
                }

                byte index = (byte)(indexes.Count + 1);
                indexes[name] = index;
                planned.Add(new NvsPlannedItem(0, name, NvsValue.U8(index), IsNamespace: true, line));
                return index;
            }
        }

        return errors.Count > 0 ? throw new NvsException(errors) : new NvsItemPlan(planned);
    }

    /// <summary>The generator does not write a repeated namespace again, yet keeps the last new one's index for the rows that follow (§7.1).</summary>
    public static NvsError Repeated(string name) => new(
        NvsErrorCodes.NamespaceRepeated,
        $"Namespace `{name}` is declared a second time. ESP-IDF's generator would put the rows after it in the most recently created namespace instead (nvs-format.md §7.1); keep each namespace's keys together under one namespace row.");
}
