using Station.DeviceData.Nvs.Reading;

namespace Station.DeviceData.Nvs;

/// <summary>
/// Reads a freshly built image back before anyone flashes it: it must have no problem at all, hold exactly the
/// items it was built from, and have the page states the generator leaves (§7.4): FULL pages, then one ACTIVE
/// page, sequence numbers 0, 1, 2, …, then erased pages.
/// </summary>
public static class NvsImageVerifier
{
    /// <returns>Every discrepancy; empty when the image is what it should be.</returns>
    public static IReadOnlyList<string> Check(NvsImage image, IReadOnlyList<NvsItem> items)
    {
        var partition = NvsReader.Read(image.Bytes);
        var mismatches = partition.Problems.Select(p => $"reader: {p}").ToList();

        for (int i = 0; i < partition.Pages.Count; i++)
        {
            var page = partition.Pages[i];
            NvsPageState? expected = i < image.PagesUsed - 1 ? NvsPageState.Full : i == image.PagesUsed - 1 ? NvsPageState.Active : null;
            if (expected is null)
            {
                if (!page.IsUninitialized)
                {
                    mismatches.Add($"page {i} should be erased (all FF), after the {image.PagesUsed} used page(s)");
                }

                continue;
            }

            if (page.State != expected || page.Sequence != i || page.Version != image.Version)
            {
                mismatches.Add($"page {i} is {page.State?.ToString() ?? $"0x{page.RawState:X8}"} seq {page.Sequence} version 0x{page.VersionByte:X2}, expected {expected} seq {i} version 0x{(byte)image.Version:X2}");
            }
        }

        var expectedItems = WithDeclarations(items);
        int count = Math.Max(expectedItems.Count, partition.Items.Count);
        for (int i = 0; i < count; i++)
        {
            var wanted = i < expectedItems.Count ? expectedItems[i] : null;
            var found = i < partition.Items.Count ? partition.Items[i] : null;
            if (!Equals(wanted, found))
            {
                mismatches.Add($"item {i}: wrote {wanted?.ToString() ?? "nothing"}, read back {found?.ToString() ?? "nothing"}");
                break;
            }
        }

        return mismatches;
    }

    /// <summary>The items as they stand on flash: an entry's namespace is declared before its first entry.</summary>
    public static IReadOnlyList<NvsItem> WithDeclarations(IReadOnlyList<NvsItem> items)
    {
        var declared = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<NvsItem>();
        foreach (var item in items)
        {
            if (item is NvsNamespace ns)
            {
                declared.Add(ns.Name);
            }
            else if (item is NvsEntry entry && declared.Add(entry.Namespace))
            {
                result.Add(new NvsNamespace(entry.Namespace));
            }

            result.Add(item);
        }

        return result;
    }
}
