using System.Buffers.Binary;
using System.Globalization;

namespace Station.DeviceData.Nvs.Reading;

/// <summary>Reads and checks one 4096-byte page: header, entry state bitmap, and the items in WRITTEN entries.</summary>
internal static class NvsPageReader
{
    public static NvsPageReport Read(int index, ReadOnlySpan<byte> page, List<NvsProblem> problems)
    {
        uint rawState = BinaryPrimitives.ReadUInt32LittleEndian(page);
        uint sequence = BinaryPrimitives.ReadUInt32LittleEndian(page[4..]);
        byte version = page[8];
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(page[28..]);
        uint computedCrc = NvsCrc32.Compute(page[4..28]);
        var states = ReadBitmap(page[NvsPageLayout.BitmapOffset..(NvsPageLayout.BitmapOffset + NvsPageLayout.BitmapSize)]);
        var report = new NvsPageReport(index, rawState, sequence, version, storedCrc, computedCrc, states, []);

        void Problem(int? entry, string code, string message) => problems.Add(new NvsProblem(index, entry, code, message));

        if (report.IsUninitialized)
        {
            // An uninitialized page is erased flash: every byte FF (§2).
            int dirty = page.IndexOfAnyExcept((byte)0xFF);
            if (dirty >= 0)
            {
                Problem(null, NvsProblemCodes.PageNotErased, $"The page state is FFFFFFFF (uninitialized), but byte 0x{dirty:X3} of the page is 0x{page[dirty]:X2}, not erased (FF).");
            }

            return report;
        }

        if (report.State is null)
        {
            Problem(null, NvsProblemCodes.PageState, $"The page state 0x{rawState:X8} is none of ACTIVE (FFFFFFFE), FULL (FFFFFFFC), FREEING (FFFFFFF8), CORRUPT (FFFFFFF0).");
        }
        else if (report.State == NvsPageState.Corrupt)
        {
            Problem(null, NvsProblemCodes.PageState, "The page is marked CORRUPT (FFFFFFF0); the firmware ignores its contents.");
        }

        if (!report.HeaderCrcOk)
        {
            Problem(null, NvsProblemCodes.PageHeaderCrc, $"Page header CRC 0x{storedCrc:X8} does not match 0x{computedCrc:X8} computed over header bytes 4..27 (seq {sequence}, version 0x{version:X2}).");
        }

        if (report.Version is null)
        {
            Problem(null, NvsProblemCodes.PageVersion, $"Format version byte 0x{version:X2} is neither FE (version 2) nor FF (version 1).");
        }

        int unused = page[9..28].IndexOfAnyExcept((byte)0xFF);
        if (unused >= 0)
        {
            Problem(null, NvsProblemCodes.PageHeaderUnused, $"Header byte {9 + unused} is 0x{page[9 + unused]:X2}; bytes 9..27 are unused and stay FF.");
        }

        for (int entry = 0; entry < NvsPageLayout.EntriesPerPage; entry++)
        {
            if (states[entry] == NvsEntryState.Illegal)
            {
                Problem(entry, NvsProblemCodes.BitmapState, $"Entry state bits are 01 in bitmap byte {entry / 4} (bits {2 * (entry % 4)}..{(2 * (entry % 4)) + 1}), a value no writer produces (EMPTY 11, WRITTEN 10, ERASED 00).");
            }
        }

        var items = new List<NvsStoredItem>();
        for (int entry = 0; entry < NvsPageLayout.EntriesPerPage;)
        {
            var slot = page.Slice(NvsPageLayout.EntryOffset(entry), NvsPageLayout.EntrySize);
            switch (states[entry])
            {
                case NvsEntryState.Empty:
                    int dirty = slot.IndexOfAnyExcept((byte)0xFF);
                    if (dirty >= 0)
                    {
                        Problem(entry, NvsProblemCodes.EntryNotErased, $"The entry is EMPTY in the bitmap, but its byte {dirty} is 0x{slot[dirty]:X2}, not erased (FF).");
                    }

                    entry++;
                    break;

                case NvsEntryState.Written:
                    var item = ReadItem(index, entry, page, states, Problem, out int span);
                    items.Add(item);
                    entry += span;
                    break;

                default:
                    entry++;
                    break;
            }
        }

        return report with { Items = items };
    }

    private static NvsEntryState[] ReadBitmap(ReadOnlySpan<byte> bitmap)
    {
        var states = new NvsEntryState[NvsPageLayout.EntriesPerPage];
        for (int entry = 0; entry < states.Length; entry++)
        {
            states[entry] = (NvsEntryState)((bitmap[entry / 4] >> (2 * (entry % 4))) & 0b11);
        }

        return states;
    }

    /// <returns>The item; <paramref name="span"/> is how far to step: the item's span when it can be trusted, else 1.</returns>
    private static NvsStoredItem ReadItem(int pageIndex, int entry, ReadOnlySpan<byte> page, NvsEntryState[] states, Action<int?, string, string> problem, out int span)
    {
        var header = NvsItemHeader.Parse(page.Slice(NvsPageLayout.EntryOffset(entry), NvsPageLayout.EntrySize));
        var item = new NvsStoredItem(pageIndex, entry, header, []);
        span = 1;
        if (!header.CrcMatches)
        {
            // The firmware would erase just this entry; stepping over a span that agrees with the type and size keeps
            // the payload from being read as more broken headers.
            span = PlausibleSpan(header, entry);
            problem(entry, NvsProblemCodes.EntryCrc, $"Item header CRC 0x{header.StoredCrc:X8} does not match 0x{header.ComputedCrc:X8} computed over bytes 0..3 and 8..31 (key `{Printable(header.Key)}`{(span > 1 ? $"; its span of {span} is skipped as its data" : "")}).");
            return item;
        }

        string key = Printable(header.Key);
        if (!NvsItemTypes.IsKnown(header.TypeByte))
        {
            problem(entry, NvsProblemCodes.EntryType, $"Item `{key}` has type 0x{header.TypeByte:X2}, which NVS does not define.");
            return item;
        }

        CheckKey(header, entry, problem);
        if (header.NamespaceIndex == 0xFF)
        {
            problem(entry, NvsProblemCodes.Namespace, $"Item `{key}` has namespace index 255, which is reserved.");
        }

        if (header.NamespaceIndex == 0 && header.Type != NvsItemType.U8)
        {
            problem(entry, NvsProblemCodes.Namespace, $"Item `{key}` is in namespace index 0, which holds only namespace entries (u8), but its type is {NvsItemTypes.Name(header.Type)}.");
        }

        var type = header.Type;
        bool hasPayload = type is NvsItemType.String or NvsItemType.Blob or NvsItemType.BlobData;
        int size = hasPayload ? header.VarLengthSize : 0;
        int expectedSpan = 1 + NvsPageLayout.DataEntries(size);
        if (header.Span == 0 || entry + header.Span > NvsPageLayout.EntriesPerPage)
        {
            problem(entry, NvsProblemCodes.Span, $"Item `{key}` has span {header.Span}, which {(header.Span == 0 ? "is impossible (it counts the header itself)" : $"runs past the last entry (125) of the page")}.");
            return item;
        }

        span = header.Span;
        if (header.Span != expectedSpan)
        {
            problem(entry, NvsProblemCodes.Span, hasPayload
                ? $"Item `{key}` has span {header.Span}, but its size of {size} bytes needs {expectedSpan} (header + {expectedSpan - 1} data entries)."
                : $"Item `{key}` ({NvsItemTypes.Name(type)}) has span {header.Span}; this type always has span 1.");
        }

        for (int data = entry + 1; data < entry + header.Span; data++)
        {
            if (states[data] != NvsEntryState.Written)
            {
                problem(data, NvsProblemCodes.SpanState, $"The entry is data of item `{key}` at entry {entry} (span {header.Span}), but its bitmap state is {states[data].ToString().ToUpperInvariant()}, not WRITTEN.");
            }
        }

        bool isChunk = type == NvsItemType.BlobData;
        if (isChunk ? header.ChunkIndex == NvsItemHeader.ChunkAny : header.ChunkIndex != NvsItemHeader.ChunkAny)
        {
            problem(entry, NvsProblemCodes.ChunkIndex, isChunk
                ? $"Blob chunk `{key}` has chunk index FF, which is kept for items that are not chunks."
                : $"Item `{key}` has chunk index {header.ChunkIndex}; only blob chunks have one (others FF).");
        }

        if (NvsItemTypes.IsInteger(type))
        {
            CheckFill(header.Data[NvsItemTypes.Width(type)..], entry, $"Integer `{key}` ({NvsItemTypes.Name(type)})", "data field bytes after the value", problem);
            return item;
        }

        if (type == NvsItemType.BlobIndex)
        {
            CheckFill(header.Data[6..], entry, $"Blob index `{key}`", "data field bytes 30..31", problem);
            if (header.BlobIndexChunkStart is not (0x00 or 0x80))
            {
                problem(entry, NvsProblemCodes.ChunkIndex, $"Blob index `{key}` has chunk start {header.BlobIndexChunkStart}; the firmware uses 0 or 128.");
            }

            return item;
        }

        // String, v1 blob or v2 chunk: payload in the entries after the header (§6.3).
        CheckFill(header.Data[2..4], entry, $"Item `{key}`", "data field bytes 26..27", problem);
        if (header.Span != expectedSpan)
        {
            return item;
        }

        var payload = page.Slice(NvsPageLayout.EntryOffset(entry + 1), size).ToArray();
        uint crc = NvsCrc32.Compute(payload);
        bool crcOk = crc == header.VarLengthCrc;
        if (!crcOk)
        {
            problem(entry, NvsProblemCodes.DataCrc, string.Create(CultureInfo.InvariantCulture, $"Data CRC of `{key}` is 0x{header.VarLengthCrc:X8} in the header, but its {size} payload bytes give 0x{crc:X8}."));
        }

        int paddingStart = NvsPageLayout.EntryOffset(entry + 1) + size;
        int paddingEnd = NvsPageLayout.EntryOffset(entry + header.Span);
        CheckFill(page[paddingStart..paddingEnd], entry, $"Item `{key}`", "padding after the payload", problem);

        if (type == NvsItemType.String)
        {
            if (size == 0 || payload[^1] != 0)
            {
                problem(entry, NvsProblemCodes.StringTerminator, $"String `{key}` does not end in a NUL.");
            }

            if (size > NvsPageLayout.MaxStringSizeV2)
            {
                problem(entry, NvsProblemCodes.DataSize, $"String `{key}` is {size} bytes; NVS strings hold at most {NvsPageLayout.MaxStringSizeV2}.");
            }
        }

        if (type is NvsItemType.BlobData && page[8] == (byte)NvsFormatVersion.Version1)
        {
            problem(entry, NvsProblemCodes.VersionMismatch, $"Blob chunk `{key}` is on a version 1 page; chunks exist only in version 2.");
        }

        return item with { Payload = payload, DataCrcOk = crcOk };
    }

    private static int PlausibleSpan(NvsItemHeader header, int entry)
    {
        bool hasPayload = header.Type is NvsItemType.String or NvsItemType.Blob or NvsItemType.BlobData;
        int span = hasPayload ? 1 + NvsPageLayout.DataEntries(header.VarLengthSize) : 1;
        return hasPayload && header.Span == span && entry + span <= NvsPageLayout.EntriesPerPage ? span : 1;
    }

    private static void CheckKey(NvsItemHeader header, int entry, Action<int?, string, string> problem)
    {
        var field = header.KeyField;
        int end = field.IndexOf((byte)0);
        if (end < 0)
        {
            problem(entry, NvsProblemCodes.Key, $"Key `{Printable(header.Key)}` fills all 16 bytes of the key field; a key is at most 15 bytes and a NUL.");
            return;
        }

        if (end == 0)
        {
            problem(entry, NvsProblemCodes.Key, "The key is empty.");
        }

        int stray = field[end..].IndexOfAnyExcept((byte)0);
        if (stray >= 0)
        {
            problem(entry, NvsProblemCodes.Key, $"Key `{Printable(header.Key)}` has byte 0x{field[end + stray]:X2} after its NUL; the rest of the key field is 00.");
        }
    }

    private static void CheckFill(ReadOnlySpan<byte> bytes, int entry, string what, string where, Action<int?, string, string> problem)
    {
        int dirty = bytes.IndexOfAnyExcept((byte)0xFF);
        if (dirty >= 0)
        {
            problem(entry, NvsProblemCodes.Padding, $"{what}: {where} should be FF, but one is 0x{bytes[dirty]:X2}.");
        }
    }

    /// <summary>A key for messages: control and non-ASCII bytes as \xNN.</summary>
    internal static string Printable(string key) => string.Concat(key.Select(c => c is >= ' ' and < (char)0x7F ? c.ToString() : $"\\x{(int)c:X2}"));
}
