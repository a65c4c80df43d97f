namespace Station.Flashing.Efuse;

/// <summary>A field ESP-IDF and espefuse place in BLOCK3, by byte (esp-idf-images-and-efuse.md §1.6).</summary>
public sealed record Block3Field(string Name, int Offset, int Length)
{
    public int Last => Offset + Length - 1;

    /// <summary>"byte 23" or "bytes 1–6".</summary>
    public string Bytes => Length == 1 ? $"byte {Offset}" : $"bytes {Offset}–{Last}";

    public bool Overlaps(int offset, int length) => offset <= Last && Offset < offset + length;
}
