using System.Buffers.Binary;
using Station.DeviceData.Nvs;

namespace Station.DeviceData.Tests.Support;

/// <summary>Builds item lists for layout tests and reads page facts out of an image.</summary>
internal static class Layout
{
    /// <summary>A namespace and then <paramref name="count"/> u8 entries: fills entries 0..count of page 0.</summary>
    public static List<NvsItem> NamespaceAndIntegers(int count, string ns = "ns")
    {
        var items = new List<NvsItem> { new NvsNamespace(ns) };
        for (int i = 0; i < count; i++)
        {
            items.Add(new NvsEntry(ns, $"k{i}", NvsValue.U8((byte)i)));
        }

        return items;
    }

    public static byte[] Bytes(int count, int seed = 1) => Enumerable.Range(0, count).Select(i => (byte)((i * 7) + seed)).ToArray();

    public static uint PageState(byte[] image, int page) => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan(page * 4096));

    public static ReadOnlySpan<byte> Entry(byte[] image, int page, int entry) => image.AsSpan((page * 4096) + 64 + (entry * 32), 32);

    public static NvsEntryState State(byte[] image, int page, int entry) => (NvsEntryState)((image[(page * 4096) + 32 + (entry / 4)] >> (2 * (entry % 4))) & 3);

    public static byte Type(byte[] image, int page, int entry) => Entry(image, page, entry)[1];

    public static byte Span(byte[] image, int page, int entry) => Entry(image, page, entry)[2];

    public static byte Chunk(byte[] image, int page, int entry) => Entry(image, page, entry)[3];

    public static ushort Size(byte[] image, int page, int entry) => BinaryPrimitives.ReadUInt16LittleEndian(Entry(image, page, entry)[24..]);

    public static bool IsErased(byte[] image, int page, int entry) => !Entry(image, page, entry).ContainsAnyExcept((byte)0xFF);
}
