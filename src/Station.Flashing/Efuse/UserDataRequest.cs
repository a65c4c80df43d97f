namespace Station.Flashing.Efuse;

/// <summary>
/// Raw bytes at a byte offset in BLOCK3 (espefuse <c>burn_block_data --offset</c>). Bytes ESP-IDF
/// gives a meaning (custom MAC, its CRC and version, ADC calibration, SECURE_VERSION) are refused
/// unless <see cref="AllowFieldOverlap"/> says the product uses the whole block for its own data.
/// </summary>
public sealed record UserDataRequest(int Offset, ReadOnlyMemory<byte> Data) : EfuseRequest
{
    public bool AllowFieldOverlap { get; init; }

    public override string Operation => "user-data";

    public override string? Problem(EfuseCodingScheme coding = EfuseCodingScheme.None)
    {
        int usable = Esp32Block3Layout.UsableBytes(coding);
        if (Data.IsEmpty)
        {
            return "no user data bytes were given";
        }

        if (Offset < 0 || Offset + Data.Length > usable)
        {
            return $"{Data.Length} byte(s) at offset {Offset} do not fit BLOCK3, which has {usable} usable bytes" +
                   (coding == EfuseCodingScheme.ThreeQuarters ? " under 3/4 coding" : "");
        }

        var fields = Esp32Block3Layout.FieldsOverlapping(Offset, Data.Length);
        if (fields.Count > 0 && !AllowFieldOverlap)
        {
            string free = coding == EfuseCodingScheme.ThreeQuarters ? "7–11 and 20–22" : "7–11, 20–22 and 24–31";
            return $"bytes {Offset}–{Offset + Data.Length - 1} overlap {string.Join(", ", fields.Select(f => $"{f.Name} ({f.Bytes})"))}; " +
                   $"free bytes are {free}, or allow the overlap if the product uses the whole block for its own data";
        }

        return null;
    }

    internal override Block3Patch ToPatch()
    {
        var patch = new Block3Patch();
        patch.Set(Offset, Data.Span);
        return patch;
    }
}
