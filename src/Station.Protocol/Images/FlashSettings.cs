using Station.Protocol.Chips;

namespace Station.Protocol.Images;

/// <summary>
/// Flash mode, frequency and size to write into a bootloader header. A null part means "keep"
/// (leave the image's own value), which is also the default for all three.
/// </summary>
public sealed record FlashSettings(string? Mode = null, string? Frequency = null, string? Size = null)
{
    public static readonly FlashSettings Keep = new();

    public bool KeepsAll => Mode is null && Frequency is null && Size is null;

    /// <summary>Checks every part against the chip's tables; returns one message per problem.</summary>
    public IReadOnlyList<string> Validate(ChipSpec chip)
    {
        var problems = new List<string>();
        if (Mode is not null && !FlashCodes.Modes.ContainsKey(Mode))
        {
            problems.Add($"flash mode '{Mode}' is not one of {string.Join(", ", FlashCodes.Modes.Keys)}");
        }

        if (Frequency is not null && !chip.FlashFrequencies.ContainsKey(Frequency))
        {
            problems.Add($"flash frequency '{Frequency}' is not valid for {chip.Name} (use {string.Join(", ", chip.FlashFrequencies.Keys)})");
        }

        if (Size is not null && !chip.FlashSizes.ContainsKey(Size))
        {
            problems.Add($"flash size '{Size}' is not valid for {chip.Name} (use {string.Join(", ", chip.FlashSizes.Keys)})");
        }

        return problems;
    }
}
