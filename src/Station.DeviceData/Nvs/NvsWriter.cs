using System.Globalization;
using Station.DeviceData.Nvs.Writing;

namespace Station.DeviceData.Nvs;

/// <summary>
/// Builds an NVS partition image byte for byte as ESP-IDF's reference generator (esp-idf-nvs-partition-gen 0.2.0)
/// lays it out for the same items in the same order (nvs-format.md §7).
/// </summary>
public static class NvsWriter
{
    public const string TooSmallMessage = "Size parameter is less than the size of data in csv. Please increase the size.";

    public static NvsImage Write(IReadOnlyList<NvsItem> items, NvsWriteOptions options) => Write(items, options, lines: null);

    /// <summary>How many pages the items take, whatever the partition size: the smallest size is <see cref="NvsPartitionSize.Needed"/> of it.</summary>
    /// <exception cref="NvsException">An item is invalid.</exception>
    public static int MeasurePages(IReadOnlyList<NvsItem> items, NvsFormatVersion version = NvsFormatVersion.Version2) =>
        TryLay(NvsItemPlan.Resolve(items, version, lines: null), int.MaxValue, version, out _)!.PagesUsed;

    /// <param name="lines">The CSV line of each item, so errors can name it.</param>
    internal static NvsImage Write(IReadOnlyList<NvsItem> items, NvsWriteOptions options, IReadOnlyList<int>? lines)
    {
        var size = NvsPartitionSize.From(options.PartitionSize);
        var plan = NvsItemPlan.Resolve(items, options.Version, lines);

        var pages = TryLay(plan, size.DataPages, options.Version, out int failedItem)
            ?? throw TooSmall(plan, failedItem, size, options.Version);

        int imageSize = size.ReadOnly && !options.PadReadOnlyImage ? pages.PagesUsed * NvsPageLayout.PageSize : size.Bytes;
        var image = new byte[imageSize];
        image.AsSpan().Fill(0xFF);
        for (int i = 0; i < pages.PagesUsed; i++)
        {
            pages.Pages[i].CopyTo(image, i * NvsPageLayout.PageSize);
        }

        return new NvsImage(image, size, options.Version, pages.PagesUsed);
    }

    /// <returns>The filled pages, or null when the budget ran out while placing <paramref name="failedItem"/>.</returns>
    private static NvsPageBuilder? TryLay(NvsItemPlan plan, int pageBudget, NvsFormatVersion version, out int failedItem)
    {
        var pages = new NvsPageBuilder(pageBudget, version);
        for (failedItem = 0; failedItem < plan.Items.Count; failedItem++)
        {
            try
            {
                Place(pages, plan.Items[failedItem], version);
            }
            catch (NvsOutOfPagesException)
            {
                return null;
            }
            catch (NvsException e)
            {
                int? line = plan.Items[failedItem].Line;
                throw new NvsException(e.Errors.Select(error => error with { Line = line }).ToList());
            }
        }

        failedItem = -1;
        return pages;
    }

    private static void Place(NvsPageBuilder pages, NvsPlannedItem item, NvsFormatVersion version)
    {
        switch (item.Value)
        {
            case NvsInteger integer:
                // An integer (or namespace entry) may take the last slot, entry 125 (§7.2).
                if (pages.NextEntry >= NvsPageLayout.EntriesPerPage)
                {
                    pages.StartNewPage();
                }

                pages.Write(NvsItemHeader.ForInteger(item.NamespaceIndex, item.Key, integer), []);
                break;

            case NvsString text:
                PlaceSingleItem(pages, item, NvsItemType.String, text.ToPayload());
                break;

            case NvsBlob blob when version == NvsFormatVersion.Version1:
                PlaceSingleItem(pages, item, NvsItemType.Blob, blob.Bytes.Span);
                break;

            case NvsBlob blob:
                PlaceChunkedBlob(pages, item, blob.Bytes.Span);
                break;

            default:
                throw new InvalidOperationException($"Unknown value {item.Value}.");
        }
    }

    /// <summary>
    /// Strings and v1 blobs never cross a page. The generator's test is <c>e + span &gt;= 126</c>, so an item
    /// that would end exactly on entry 125 still goes to the next page (§7.2).
    /// </summary>
    private static void PlaceSingleItem(NvsPageBuilder pages, NvsPlannedItem item, NvsItemType type, ReadOnlySpan<byte> payload)
    {
        int span = 1 + NvsPageLayout.DataEntries(payload.Length);
        if (pages.NextEntry >= NvsPageLayout.EntriesPerPage || pages.NextEntry + span >= NvsPageLayout.EntriesPerPage)
        {
            pages.StartNewPage();
        }

        pages.Write(NvsItemHeader.ForVarLength(item.NamespaceIndex, type, NvsItemHeader.ChunkAny, item.Key, payload), payload);
    }

    /// <summary>
    /// Version 2 blob (§6.4, §7.2): chunks from the current page on, each as large as the page's room; the index
    /// follows the last chunk, on a new page when not one whole entry is left for it.
    /// </summary>
    private static void PlaceChunkedBlob(NvsPageBuilder pages, NvsPlannedItem item, ReadOnlySpan<byte> data)
    {
        if (pages.NextEntry >= NvsPageLayout.EntriesPerPage)
        {
            pages.StartNewPage();
        }

        int position = 0;
        byte chunk = 0;
        while (true)
        {
            // The generator stores chunk index and count in one byte each: a chunk numbered 255 is always
            // followed by index or count 256, which crashes it (ValueError: byte must be in range(0, 256)).
            if (chunk == byte.MaxValue)
            {
                throw new NvsException(new NvsError(
                    NvsErrorCodes.BlobTooManyChunks,
                    string.Create(CultureInfo.InvariantCulture, $"Blob `{item.Key}` of {data.Length} bytes needs more than 255 chunks, which ESP-IDF's generator cannot number (ValueError: byte must be in range(0, 256)). The firmware reads at most 508,000 bytes per blob.")));
            }

            int room = (NvsPageLayout.EntriesPerPage - pages.NextEntry - 1) * NvsPageLayout.EntrySize;
            int take = Math.Min(room, data.Length - position);
            var payload = data.Slice(position, take);
            pages.Write(NvsItemHeader.ForVarLength(item.NamespaceIndex, NvsItemType.BlobData, chunk, item.Key, payload), payload);
            chunk++;
            position += take;
            if (position < data.Length || room - take < NvsPageLayout.EntrySize)
            {
                pages.StartNewPage();
            }

            if (position == data.Length)
            {
                pages.Write(NvsItemHeader.ForBlobIndex(item.NamespaceIndex, item.Key, (uint)data.Length, chunk, chunkStart: 0), []);
                return;
            }
        }
    }

    private static NvsException TooSmall(NvsItemPlan plan, int failedItem, NvsPartitionSize size, NvsFormatVersion version)
    {
        var failed = plan.Items[failedItem];
        var unlimited = TryLay(plan, int.MaxValue, version, out _)!;
        string what = failed.IsNamespace ? $"namespace `{failed.Key}`" : $"key `{failed.Key}`";
        string detail = string.Create(
            CultureInfo.InvariantCulture,
            $" {char.ToUpperInvariant(what[0])}{what[1..]} does not fit in {size} ({size.DataPages} data page{(size.DataPages == 1 ? "" : "s")}{(size.ReadOnly ? "" : " and the reserved page")}); the data needs {unlimited.PagesUsed} pages, a partition of at least 0x{NvsPartitionSize.Needed(unlimited.PagesUsed):X}.");
        return new NvsException(new NvsError(NvsErrorCodes.PartitionTooSmall, TooSmallMessage + detail, failed.Line));
    }
}
