using System.Buffers.Binary;
using System.Globalization;

namespace Station.DeviceData.Nvs.Reading;

/// <summary>
/// Parses an NVS partition image and checks everything the format defines: page states and header CRCs, the
/// entry state bitmap, every item's CRC, span and payload CRC, keys, padding, namespaces, and that every v2 blob's
/// index has exactly its chunks (nvs-format.md §2–§6). It never throws on bad input: it reports problems.
/// </summary>
public static class NvsReader
{
    public static NvsPartition Read(ReadOnlySpan<byte> image)
    {
        var problems = new List<NvsProblem>();
        if (image.Length == 0 || image.Length % NvsPageLayout.PageSize != 0)
        {
            problems.Add(new NvsProblem(null, null, NvsProblemCodes.ImageSize, $"The image is {image.Length} bytes, not a whole number of 4096-byte pages."));
        }

        var pages = new List<NvsPageReport>();
        for (int index = 0; (index + 1) * NvsPageLayout.PageSize <= image.Length; index++)
        {
            pages.Add(NvsPageReader.Read(index, image.Slice(index * NvsPageLayout.PageSize, NvsPageLayout.PageSize), problems));
        }

        CheckSequences(pages, problems);
        var namespaces = ReadNamespaces(pages, problems);
        pages = pages.Select(page => page with { Items = page.Items.Select(item => Named(item, namespaces, problems)).ToList() }).ToList();
        var (items, entries) = Assemble(pages, namespaces, problems);
        return new NvsPartition(pages, items, entries, namespaces, problems);
    }

    private static void CheckSequences(List<NvsPageReport> pages, List<NvsProblem> problems)
    {
        foreach (var group in pages.Where(p => !p.IsUninitialized).GroupBy(p => p.Sequence).Where(g => g.Count() > 1))
        {
            var pageList = group.Select(p => p.Index).ToList();
            problems.Add(new NvsProblem(pageList[1], null, NvsProblemCodes.PageSequence, $"Pages {string.Join(", ", pageList)} share sequence number {group.Key}; the firmware needs them unique."));
        }
    }

    private static Dictionary<byte, string> ReadNamespaces(List<NvsPageReport> pages, List<NvsProblem> problems)
    {
        var byIndex = new Dictionary<byte, string>();
        var byName = new Dictionary<string, byte>(StringComparer.Ordinal);
        foreach (var item in pages.SelectMany(p => p.Items).Where(i => i.HeaderCrcOk && i.IsNamespaceDefinition))
        {
            byte index = item.Header.Data[0];
            string name = item.Header.Key;
            if (index is 0 or 0xFF)
            {
                problems.Add(new NvsProblem(item.Page, item.Entry, NvsProblemCodes.Namespace, $"Namespace `{name}` has index {index}; indexes run from 1 to 254."));
            }
            else if (byIndex.TryGetValue(index, out string? other))
            {
                problems.Add(new NvsProblem(item.Page, item.Entry, NvsProblemCodes.Namespace, $"Namespace `{name}` has index {index}, already taken by namespace `{other}`."));
            }
            else if (byName.TryGetValue(name, out byte otherIndex))
            {
                problems.Add(new NvsProblem(item.Page, item.Entry, NvsProblemCodes.Namespace, $"Namespace `{name}` is defined again with index {index}; it already has index {otherIndex}."));
            }
            else
            {
                byIndex[index] = name;
                byName[name] = index;
            }
        }

        return byIndex;
    }

    private static NvsStoredItem Named(NvsStoredItem item, Dictionary<byte, string> namespaces, List<NvsProblem> problems)
    {
        if (!item.HeaderCrcOk || item.Header.NamespaceIndex == 0)
        {
            return item;
        }

        if (namespaces.TryGetValue(item.Header.NamespaceIndex, out string? name))
        {
            return item with { Namespace = name };
        }

        problems.Add(new NvsProblem(
            item.Page,
            item.Entry,
            NvsProblemCodes.Namespace,
            $"`{item.Header.Key}` is in namespace index {item.Header.NamespaceIndex}, which no namespace entry defines."));
        return item;
    }

    /// <summary>Turns items into entries, in flash order; a v2 blob is assembled from its chunks where its index stands.</summary>
    private static (List<NvsItem> Items, List<NvsLocatedEntry> Entries) Assemble(List<NvsPageReport> pages, Dictionary<byte, string> namespaces, List<NvsProblem> problems)
    {
        var usable = pages.SelectMany(p => p.Items).Where(i => i.HeaderCrcOk && NvsItemTypes.IsKnown(i.Header.TypeByte)).ToList();
        var chunks = usable
            .Select((item, position) => (Position: position, Item: item))
            .Where(c => c.Item.Header.Type == NvsItemType.BlobData)
            .GroupBy(c => (c.Item.Header.NamespaceIndex, c.Item.Header.Key, c.Item.Header.ChunkIndex))
            .ToDictionary(g => g.Key, g => g.ToList());
        var claimed = new HashSet<NvsStoredItem>();
        var items = new List<NvsItem>();
        var entries = new List<NvsLocatedEntry>();
        for (int position = 0; position < usable.Count; position++)
        {
            var item = usable[position];
            if (item.IsNamespaceDefinition)
            {
                if (namespaces.TryGetValue(item.Header.Data[0], out string? name) && name == item.Header.Key)
                {
                    items.Add(new NvsNamespace(name));
                }

                continue;
            }

            if (item.Namespace is null)
            {
                continue;
            }

            NvsValue? value = item.Header.Type switch
            {
                NvsItemType.BlobData => null,
                NvsItemType.BlobIndex => AssembleBlob(item, position, chunks, claimed, problems),
                _ => item.Value,
            };
            if (value is not null)
            {
                var entry = new NvsEntry(item.Namespace, item.Header.Key, value);
                items.Add(entry);
                entries.Add(new NvsLocatedEntry(entry, item.Page, item.Entry));
            }
        }

        foreach (var orphan in chunks.Values.SelectMany(c => c).Select(c => c.Item).Where(c => !claimed.Contains(c)))
        {
            problems.Add(new NvsProblem(
                orphan.Page,
                orphan.Entry,
                NvsProblemCodes.BlobOrphanChunk,
                $"Chunk {orphan.Header.ChunkIndex} of blob `{orphan.Header.Key}` (namespace index {orphan.Header.NamespaceIndex}) belongs to no blob index."));
        }

        return (items, entries);
    }

    /// <summary>
    /// Gathers a blob index's chunks. A key may be written twice (the generator does not deduplicate, and the
    /// firmware keeps the newer item), so each chunk is the nearest one written before the index.
    /// </summary>
    private static NvsBlob? AssembleBlob(
        NvsStoredItem index,
        int position,
        Dictionary<(byte, string, byte), List<(int Position, NvsStoredItem Item)>> chunks,
        HashSet<NvsStoredItem> claimed,
        List<NvsProblem> problems)
    {
        var header = index.Header;
        var data = new List<byte>();
        bool complete = true;
        for (int n = header.BlobIndexChunkStart; n < header.BlobIndexChunkStart + header.BlobIndexChunkCount; n++)
        {
            if (n > 0xFE || !chunks.TryGetValue((header.NamespaceIndex, header.Key, (byte)n), out var found))
            {
                problems.Add(new NvsProblem(index.Page, index.Entry, NvsProblemCodes.BlobChunks, $"Blob `{header.Key}` lists chunk {n}, which is not on flash."));
                complete = false;
                continue;
            }

            var chunk = found.LastOrDefault(c => c.Position < position, found[0]).Item;
            claimed.Add(chunk);
            data.AddRange(chunk.Payload);
        }

        if (complete && data.Count != header.BlobIndexSize)
        {
            problems.Add(new NvsProblem(
                index.Page,
                index.Entry,
                NvsProblemCodes.BlobChunks,
                string.Create(CultureInfo.InvariantCulture, $"Blob `{header.Key}` says {header.BlobIndexSize} bytes, but its {header.BlobIndexChunkCount} chunk(s) hold {data.Count}.")));
            complete = false;
        }

        return complete ? new NvsBlob(data.ToArray()) : null;
    }

    internal static uint ReadUInt32(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(bytes[offset..]);
}
